"""Render landscapes through lltk's ParaView states (``pvstates/``) in one pvpython process.

:func:`render_views` renders chosen views of one landscape (the demo's entry point);
:func:`render` renders several and tiles them into one figure, a column per landscape and
a row per view. Both stage each landscape under the fixed names the states read
(:func:`stage`), run ``lltk/render/pvrender.py`` in pvpython (under ``xvfb-run`` when
there is no display) and return the PNG paths.

The modules: :mod:`~lltk.render.staging` (a landscape under the states' names),
:mod:`~lltk.render.views` (views and their states), :mod:`~lltk.render.runner` (pvpython's
command and environment), :mod:`~lltk.render.jobs` (render, render_views); in pvpython,
:mod:`~lltk.render.pvrender`, :mod:`~lltk.render.scene` and :mod:`~lltk.render.plots` (the
views), :mod:`~lltk.render.style`, :mod:`~lltk.render.fitting` and
:mod:`~lltk.render.states`.
"""

from lltk.render.jobs import Rendered, render, render_views
from lltk.render.runner import (
    MACROS_DIR,
    PLUGINS_DIR,
    RenderError,
    pvpython_command,
    pvpython_env,
)
from lltk.render.staging import SIDE_FILES, describe, inspect_landscape, stage
from lltk.render.views import (
    FIGURE_ROWS,
    PANEL_SIZE,
    STATES_DIR,
    VIEW_STATES,
    available_views,
    states_for,
)

__all__ = [
    "FIGURE_ROWS",
    "MACROS_DIR",
    "PANEL_SIZE",
    "PLUGINS_DIR",
    "SIDE_FILES",
    "STATES_DIR",
    "VIEW_STATES",
    "RenderError",
    "Rendered",
    "available_views",
    "describe",
    "inspect_landscape",
    "pvpython_command",
    "pvpython_env",
    "render",
    "render_views",
    "stage",
    "states_for",
]
