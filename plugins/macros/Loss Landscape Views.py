"""ParaView macro *Loss Landscape Views*: the selected loss landscape in the study's views.

``lltk paraview`` lists it in the *Macros* menu and toolbar (``PV_MACRO_PATH``). With a
landscape (or any filter of one) selected in the Pipeline Browser it opens a new layout
tab: the landscape warped by loss with log colours and its critical points, the merge
tree, the persistence diagram, the topological landscape profile and, when the sampler
wrote one, the Hessian eigenvalue density, each in its own view, cameras and colour
ranges fitted to this landscape. It builds the scene ``lltk render`` draws
(:func:`lltk.render.states.study_layout`).
"""

from paraview import simple

from lltk.render import states  # on sys.path through plugins/startup


def _run() -> None:
    landscape = states.find_landscape(simple.GetActiveSource())
    simple.SetActiveView(None)
    # With Auto Apply on, the GUI would apply each filter as the scene creates it, showing
    # it in the active view and hiding its input there (the warped surface under its
    # contour lines): build the scene with it off.
    settings = simple.GetSettingsProxy("GeneralSettings")
    auto_apply = settings.AutoApply
    settings.AutoApply = 0
    try:
        states.study_layout(landscape, states.landscape_label(landscape))
    finally:
        settings.AutoApply = auto_apply


states.report_errors("Loss Landscape Views", _run)
