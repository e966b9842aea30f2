"""A state fitted to the landscape it loads (runs in pvpython or the GUI, never in the
venv). *File › Load State* restores a ``.pvsm`` as it was saved: the cameras, titles and
loss axes of the landscape lltk built it on, so that on another landscape the merge tree
sat off-camera until *Reset Camera*. lltk's committed states carry the annotation
:data:`FIT_ON_LOAD` on their landscape's reader; once a state has loaded
(:func:`lltk.paraview.stateload.fit_states_when_loaded` watches for that),
:func:`fit_loaded_state` fits such a state to the landscape it read and drops the
annotation, so that a state a user saves afterwards keeps their own cameras.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from paraview import servermanager
from paraview import simple as pv

from lltk.render.fitting import fit_views, registered_name, sources_of
from lltk.render.scene import FILES

#: The annotation on the landscape reader of lltk's committed states: fit me when loaded.
FIT_ON_LOAD = "lltk.FitOnLoad"

#: True while :func:`loading_itself` runs: its caller fits the state itself, with a label.
_loading_itself = [False]


def mark_for_fitting(landscape: object) -> None:
    """Annotate ``landscape`` (a state's reader, before the state is saved) so that the
    state is fitted to its data when *File › Load State* reads it."""
    landscape.SMProxy.SetAnnotation(FIT_ON_LOAD, "1")


@contextmanager
def loading_itself() -> Iterator[None]:
    """Within it, a state that loads is left to the caller to fit."""
    _loading_itself[0] = True
    try:
        yield
    finally:
        _loading_itself[0] = False


def state_views() -> dict[str, object]:
    """The session's views that show the files lltk's states read (:data:`FILES`, upstream
    included), by name: a state loaded beside the user's own views leaves those alone."""
    pxm = servermanager.ProxyManager()
    staged = set(FILES.values())
    return {
        pxm.GetProxyName("views", view.SMProxy): view
        for view in pv.GetViews()
        if any(registered_name(source) in staged for source in sources_of([view]))
    }


def fit_loaded_scene(label: str = "", width_share: float | None = None) -> dict[str, object]:
    """Fit the scene a state has just loaded to its landscape (titles with ``label``,
    log axes and colours, cameras: :func:`lltk.render.fitting.fit_views`); returns its
    views by name."""
    views = state_views()
    for source in sources_of(views.values()):
        if source.GetProperty("LogScaleLoss") is not None:
            # the states draw their own log axes (_loss_axes); a state saved before the
            # filters had the property would otherwise take their automatic log drawing
            source.LogScaleLoss = "Off"
    landscape = pv.FindSource(FILES["landscape"])
    if landscape is not None:
        landscape.SMProxy.RemoveAnnotation(FIT_ON_LOAD)
    fit_views(views, landscape, label, width_share)
    return views


def fit_loaded_state() -> dict[str, object] | None:
    """Fit a state that has just loaded when it is one of lltk's (:data:`FIT_ON_LOAD`) and
    no caller fits it itself; returns its views by name, else None."""
    landscape = pv.FindSource(FILES["landscape"])
    if _loading_itself[0] or landscape is None or not landscape.SMProxy.HasAnnotation(FIT_ON_LOAD):
        return None
    return fit_loaded_scene()
