"""Which view the GUI opens a filter's output in: over the landscape, not in a plot.

On *Apply*, ParaView 5.11's GUI (``pqApplyBehavior::showData``) shows each output port
through ``vtkSMParaViewPipelineControllerWithRendering::ShowInPreferredView`` with the
*active* view: a port whose hints name a view type goes into the active view when that
view is of this type, else into a new view of it; a port without one goes into the active
view whenever that view can show it. After Loss Persistence Diagram is applied the active
view is the diagram's (a render view too), so the critical points (or a simplified
landscape) landed in the plot, where nothing drew them over the landscape.

So those filters name ``RenderView`` in their hints (never a plot's view type), and, when
the GUI creates one (before *Apply*), :func:`activate_landscape_view` makes the render view
that shows the selected landscape the active view.

A simplified landscape replaces its input in that view (its ``replace_input`` hint), but
ParaView hides the input only: the critical points and tree nodes computed on the original
landscape stayed over the simplified one, where they no longer were critical points.
:func:`hide_overlays_replaced_by` hides them with the input.
"""

from __future__ import annotations

#: The type of the view that shows a landscape (the plots' views are types of their own).
LANDSCAPE_VIEW = "RenderView"


#: lltk's filters whose outputs are drawn over the landscape they were computed from.
OVERLAYS = ("LossCriticalPoints", "LossMergeTree", "LossPersistenceSimplification")


def _shows(view: object, source: object, port: int = 0) -> bool:
    """Whether ``view`` is a plain render view with ``source``'s output ``port`` visible."""
    if view.GetXMLName() != LANDSCAPE_VIEW:
        return False
    rep = view.SMProxy.FindRepresentation(source.SMProxy, port)
    return rep is not None and rep.GetProperty("Visibility").GetElement(0) == 1


def _input(source: object) -> tuple[object, int] | None:
    """The server-manager proxy and output port that ``source``'s Input names."""
    prop = source.SMProxy.GetProperty("Input")
    if prop is None or prop.GetNumberOfProxies() == 0:
        return None
    return prop.GetProxy(0), prop.GetOutputPortForConnection(0)


def activate_landscape_view() -> object | None:
    """Make the render view that shows the active source (the filter's input when the GUI
    creates a filter) the active view, unless the active view shows it already or no view
    is active (a script that places its own views); returns the view made active."""
    try:
        from paraview import simple
    except ImportError:  # a VTK pipeline outside ParaView
        return None
    source, active = simple.GetActiveSource(), simple.GetActiveView()
    if source is None or active is None or _shows(active, source):
        return None
    view = next((v for v in simple.GetViews() if _shows(v, source)), None)
    if view is not None:
        simple.SetActiveView(view)
    return view


def hide_overlays_replaced_by(algorithm: object) -> list[str]:
    """Hide the lltk overlays (:data:`OVERLAYS`: critical points, a merge tree's nodes and
    arcs, an earlier simplification) computed from the input of ``algorithm``, a filter
    whose output replaces that input, in every render view that shows the input; returns
    the names of the sources hidden. Nothing outside a ParaView session."""
    try:
        from paraview import simple
        from paraview.modules.vtkRemotingViews import (
            vtkSMParaViewPipelineControllerWithRendering,
        )
    except ImportError:  # a VTK pipeline outside ParaView
        return []
    sources = {name: source for (name, _), source in simple.GetSources().items()}
    me = next((s for s in sources.values() if s.GetClientSideObject() is algorithm), None)
    landscape = _input(me) if me is not None else None
    if landscape is None:
        return []
    shown_in = [
        view
        for view in simple.GetViews()
        if _shows(view, simple.servermanager._getPyProxy(landscape[0]), landscape[1])
    ]
    controller = vtkSMParaViewPipelineControllerWithRendering()
    hidden = set()
    for name, source in sources.items():
        if source is me or source.GetXMLName() not in OVERLAYS or _input(source) != landscape:
            continue
        for view in shown_in:
            for port in range(source.SMProxy.GetNumberOfOutputPorts()):
                if _shows(view, source, port):
                    controller.Hide(source.SMProxy, port, view.SMProxy)
                    hidden.add(name)
    return sorted(hidden)
