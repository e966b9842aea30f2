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
"""

from __future__ import annotations

#: The type of the view that shows a landscape (the plots' views are types of their own).
LANDSCAPE_VIEW = "RenderView"


def _shows(view: object, source: object) -> bool:
    """Whether ``view`` is a plain render view with ``source``'s first output visible."""
    if view.GetXMLName() != LANDSCAPE_VIEW:
        return False
    rep = view.SMProxy.FindRepresentation(source.SMProxy, 0)
    return rep is not None and rep.GetProperty("Visibility").GetElement(0) == 1


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
