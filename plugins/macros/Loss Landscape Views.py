"""ParaView macro *Loss Landscape Views*: the selected loss landscape in the study's views.

``lltk paraview`` lists it in the *Macros* menu and toolbar (``PV_MACRO_PATH``). With a
landscape (or any filter of one) selected in the Pipeline Browser it opens a new layout
tab: the landscape warped by loss with log colours and its critical points, the merge
tree, the persistence diagram, the topological landscape profile and, when the sampler
wrote one, the Hessian eigenvalue density, each in its own view, cameras and colour
ranges fitted to this landscape. It builds the scene ``lltk render`` draws
(:func:`lltk.render.scene.study_layout`).
"""

import os
import sys
from pathlib import Path

from paraview import simple
from vtkmodules.vtkCommonCore import vtkOutputWindow


def _lltk_checkout() -> None:
    """Put the lltk checkout on ``sys.path``: the plugins' folder is on PV_PLUGIN_PATH."""
    for folder in os.environ.get("PV_PLUGIN_PATH", "").split(os.pathsep):
        repo = Path(folder).resolve().parent
        if (repo / "lltk" / "render" / "scene.py").is_file() and str(repo) not in sys.path:
            sys.path.insert(0, str(repo))


def _run() -> None:
    _lltk_checkout()
    from lltk.render import describe, scene

    try:
        landscape = scene.find_landscape(simple.GetActiveSource())
        path = scene.landscape_file(landscape)
        label = describe(path) if path is not None and path.suffix in (".vti", ".vtu") else ""
        simple.SetActiveView(None)
        scene.study_layout(landscape, label)
    except ValueError as exc:
        vtkOutputWindow.GetInstance().DisplayErrorText(f"Loss Landscape Views: {exc}\n")


_run()
