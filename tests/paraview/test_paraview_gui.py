"""What a ParaView GUI user gets from lltk, checked in one pvpython session: the filters'
declarations (menu category, panel order, views per port, colours), a trace's
``Input=`` keyword, the Loss Landscape Views macro and the states fitted to the landscape
they show without piling up. scripts/gui-check.sh drives the real GUI (manual check)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from lltk import vtkxml
from lltk.paraview.plotviews import PLANAR_VIEWS
from lltk.render import MACROS_DIR, PLUGINS_DIR, STATES_DIR, stage

pytestmark = pytest.mark.paraview

DRIVER = r"""
import json, sys
from pathlib import Path
from paraview import servermanager as sm
from paraview import simple as pv
from paraview.modules.vtkRemotingServerManager import vtkSMOrderedPropertyIterator
from lltk.render import fitting, states, style
from lltk.paraview import colours

cfg = json.loads(Path(sys.argv[1]).read_text())
out = {}

def hints(proxy):
    h = proxy.SMProxy.GetHints()
    items = [h.GetNestedElement(i) for i in range(h.GetNumberOfNestedElements())]
    return [(e.GetName(), e.GetAttribute("category"), e.GetAttribute("type"),
             e.GetAttribute("port"), e.GetAttribute("replace_input")) for e in items]

def panel(proxy):
    it = vtkSMOrderedPropertyIterator()  # the order of the XML, which the panel shows
    it.SetProxy(proxy.SMProxy)
    it.Begin()
    names = []
    while not it.IsAtEnd():
        prop = it.GetProperty()
        names.append((it.GetKey(), prop.GetPanelVisibility(), bool(prop.GetInformationOnly())))
        it.Next()
    return names

small = pv.OpenDataFile(cfg["small"])
filters = ["LossMergeTree", "LossPersistenceDiagram", "LossCriticalPoints",
           "LandscapeMetrics", "TopologicalLandscapeProfile", "LossPersistenceSimplification"]
out["hints"] = {f: hints(getattr(pv, f)(small)) for f in filters}
out["panel"] = {f: panel(pv.FindSource(f + "1")) for f in filters}

# a trace replays `Filter(Input=src)` with another filter active: the array list must
# come from the filter's own input
diagram = pv.FindSource("LossPersistenceDiagram1")
diagram.UpdatePipeline()
pv.SetActiveSource(diagram)
crit = pv.LossCriticalPoints(Input=small)
crit.UpdatePipeline()
out["keyword_input"] = [list(crit.ScalarArray), crit.GetDataInformation().GetNumberOfPoints()]
profile = pv.FindSource("TopologicalLandscapeProfile1")
profile.UpdatePipeline()
info = {"profile": profile.GetDataInformation().DataInformation.GetCellDataInformation(),
        "critical": crit.GetDataInformation().DataInformation.GetPointDataInformation()}
out["active_scalars"] = {k: v.GetAttributeInformation(0).GetName() for k, v in info.items()}
out["names"] = {k: {str(c): n for c, (n, _) in colours.critical_names(k).items()}
                for k in ("surface", "volume", "points")}
out["legend"] = {}
for kind in ("surface", "volume"):
    style.set_critical_names(kind)
    ct = pv.GetColorTransferFunction("CriticalType")
    out["legend"][kind] = [list(ct.Annotations), list(ct.NanColor), list(ct.IndexedColors)]

# what a user sees on Apply: the 2-D views' interaction mode, Backend's tooltip
from paraview.modules.vtkRemotingViews import vtkSMParaViewPipelineControllerWithRendering
controller = vtkSMParaViewPipelineControllerWithRendering()
render_view = pv.CreateView("RenderView")
shown, axes = {}, {}
for name, port in (("LossMergeTree1", 3), ("LossPersistenceDiagram1", 0),
                   ("TopologicalLandscapeProfile1", 0)):
    view = controller.ShowInPreferredView(pv.FindSource(name).SMProxy, port, render_view.SMProxy)
    shown[view.GetXMLName()] = sm._getPyProxy(view).InteractionMode.GetData()
    grid = sm._getPyProxy(view).AxesGrid
    axes[view.GetXMLName()] = [grid.Visibility, grid.XTitle, grid.YTitle]
out["planar_modes"] = shown
out["plot_axes"] = axes
# a camera reset in a plot's view a quarter of a 1600 x 1000 screen: room for the labels
def plot_margins(width, reset):  # pixels left, right, below and above each plot's data
    margins = {}
    for view in pv.GetViews():
        if view.GetXMLName() in axes:
            view.ViewSize = [width, 420]
            pv.ResetCamera(view) if reset else pv.Render(view)
            x0, x1, y0, y1 = fitting.visible_bounds(view)
            per_pixel = 2 * view.CameraParallelScale / 420
            fx, fy, _ = view.CameraFocalPoint
            margins[view.GetXMLName()] = [
                (x0 - fx) / per_pixel + width / 2, (fx - x1) / per_pixel + width / 2,
                (y0 - fy) / per_pixel + 420 / 2, (fy - y1) / per_pixel + 420 / 2,
            ]
    return margins

out["plot_margins"] = plot_margins(365, reset=True)
out["plot_margins_narrower"] = plot_margins(250, reset=False)  # split for the next plot
zoomed = next(v for v in pv.GetViews() if v.GetXMLName() == "LossDiagramView")
zoomed.CameraParallelScale = 123.0  # the user zooms: a resize keeps their zoom
zoomed.ViewSize = [300, 420]
pv.Render(zoomed)
out["zoom_kept"] = zoomed.CameraParallelScale
# Apply with the diagram's view active, as pqApplyBehavior::showData does it: the critical
# points and a simplified landscape open over the landscape, not in the diagram
landscape_view = pv.CreateView("RenderView")
pv.Show(small, landscape_view)
diagram_view = controller.ShowInPreferredView(
    pv.FindSource("LossPersistenceDiagram1").SMProxy, 0, landscape_view.SMProxy)
# critical points of another landscape in the same view: a simplification leaves them
rough = pv.OpenDataFile(cfg["rough"])
other_points = pv.LossCriticalPoints(Input=rough)
pv.Show(other_points, landscape_view)
placed, made = {}, {}
for name, ports in (("LossCriticalPoints", (0, 1)), ("LossPersistenceSimplification", (0,))):
    pv.SetActiveView(sm._getPyProxy(diagram_view))
    pv.SetActiveSource(small)
    made[name] = getattr(pv, name)(Input=small)  # the GUI creates it before Apply
    made[name].UpdatePipeline()  # and updates it before showing it
    placed[name] = [
        controller.ShowInPreferredView(made[name].SMProxy, port, pv.GetActiveView().SMProxy)
        == landscape_view.SMProxy
        for port in ports
    ]
out["placed_over_landscape"] = placed
def visible(source, port=0):
    rep = landscape_view.SMProxy.FindRepresentation(source.SMProxy, port)
    return rep.GetProperty("Visibility").GetElement(0)
out["overlays_after_simplification"] = {
    "points of the simplified landscape": [visible(made["LossCriticalPoints"], p) for p in (0, 1)],
    "points of another landscape": visible(other_points),
    "simplified landscape": visible(made["LossPersistenceSimplification"]),
}
tree = pv.FindSource("LossMergeTree1")
out["tree_ports_shown"] = [
    controller.ShowInPreferredView(tree.SMProxy, port, landscape_view.SMProxy) is not None
    for port in range(4)
]
# the segmentation of a rough landscape (dozens of basins) in the colours ParaView gives it
segments = pv.OutputPort(pv.LossMergeTree(Input=rough), 2)
segments_rep = pv.Show(segments, landscape_view)
pv.ColorBy(segments_rep, ("POINTS", "SegmentationId"))
segments_rep.RescaleTransferFunctionToDataRange(False, True)
first, last = segments.PointData["SegmentationId"].GetRange()
ctf = segments_rep.LookupTable.GetClientSideObject()
segment_colours = []
for k in range(int(first), int(last) + 1):
    rgb = [0.0, 0.0, 0.0]
    ctf.GetColor(float(k), rgb)
    segment_colours.append(rgb)
out["segment_colours"] = segment_colours
backend = pv.FindSource("LossMergeTree1").GetProperty("Backend").SMProperty
out["backend_doc"] = backend.GetDocumentation().GetDescription()

# the macro, with a filter of the landscape selected; the user's own view of it (coloured
# by Loss in ParaView's default colour map) must keep its colours
user_lut = pv.GetDisplayProperties(small, landscape_view).LookupTable
user_colours = [list(user_lut.RGBPoints), user_lut.UseLogScale]
out["landscape_colours"] = [
    pv.GetDisplayProperties(small, landscape_view).ColorArrayName[1], user_lut.UseLogScale
]
pv.SetActiveSource(pv.FindSource("LossMergeTree1"))
exec(Path(cfg["macro"]).read_text())
out["user_colours_kept"] = user_colours == [list(user_lut.RGBPoints), user_lut.UseLogScale]
layouts = [name for name, _ in pv.GetLayouts()]
out["macro_layouts"] = layouts
pxm = sm.ProxyManager()
views = {pxm.GetProxyName("views", v.SMProxy): v for v in pv.GetViews()}
out["macro_views"] = sorted(views)
lut = fitting.colour_maps([views["landscape"]], ["Loss"])[0][0]
out["macro_loss_lut"] = [lut.RGBPoints[0], lut.RGBPoints[-4], lut.UseLogScale]
out["macro_rescale"] = [lut.AutomaticRescaleRangeMode.GetData(), lut.RescaleOnVisibilityChange]
critical_lut = pv.GetColorTransferFunction("CriticalType")
out["macro_legends"] = {
    name: [bar.TextPosition.GetData(), bar.TitleJustification.GetData(), list(bar.Position)]
    for name, view in views.items()
    if (bar := pv.GetScalarBar(critical_lut, view)).Visibility
}

def critical_legend_titles(views):
    return sorted(
        bar.Title for view in views for bar in view.Representations
        if bar.GetXMLName() == "ScalarBarWidgetRepresentation"
        and bar.LookupTable == critical_lut and bar.Visibility
    )

macro_views = [views[n] for n in ("landscape", "merge_tree", "persistence_diagram", "profile")]
out["legend_titles"] = {"short label": critical_legend_titles(macro_views)}
long_label = "resnet20-noskip, no skips, hessian directions, d = 0.025, seed 123456"
wide = states.study_layout(small, long_label)
out["legend_titles"]["long label"] = critical_legend_titles(pv.GetViewsInLayout(wide))

# the states: each load replaces the scene and fits it to its landscape
counts, fitted = [], []
for data_dir in cfg["data_dirs"]:
    views = states.load_state(Path(cfg["state"]), Path(data_dir), "label")
    counts.append([len(pv.GetSources()), len(pv.GetViews())])
    lut = fitting.colour_maps([views["landscape"]], ["Loss"])[0][0]
    tree = views["merge_tree"]
    fitted.append({
        "lut": [lut.RGBPoints[0], lut.RGBPoints[-4], lut.UseLogScale],
        "tree_focal": list(tree.CameraFocalPoint),
        "tree_scale": tree.CameraParallelScale,
        "tree_bounds": fitting.visible_bounds(tree),
    })
out["state_counts"] = counts
# a landscape without its Hessian density: the layout without that view, no reader error
print("NO-DENSITY-START", flush=True)
views = states.load_state(Path(cfg["state"]), Path(cfg["no_density"]), "label")
print("NO-DENSITY-END", flush=True)
out["no_density_views"] = sorted(views)
out["state_fitted"] = fitted

# a Python state, as File > Load State runs it, on the selected landscape
pv.SetActiveSource(pv.OpenDataFile(cfg["small"]))
exec(Path(cfg["python_state"]).read_text())
out["python_state_views"] = sorted(pxm.GetProxyName("views", v.SMProxy) for v in pv.GetViews())

# a .pvsm as File > Load State reads it, on a landscape it was not built on: lltk's plugins
# fit it once; a state the user saves afterwards keeps the camera they left
def tree_camera():
    tree = next(v for v in pv.GetViews() if pxm.GetProxyName("views", v.SMProxy) == "merge_tree")
    return tree, {
        "bounds": fitting.visible_bounds(tree), "focal": list(tree.CameraFocalPoint),
        "scale": tree.CameraParallelScale, "size": list(tree.ViewSize),
    }

pv.ResetSession()
pv.LoadState(cfg["tree_state"], data_directory=cfg["data_dirs"][1], restrict_to_data_directory=True)
tree, out["pvsm_tree"] = tree_camera()
out["pvsm_tree"]["annotated"] = pv.FindSource("landscape.pvd").SMProxy.HasAnnotation(
    "lltk.FitOnLoad")
tree.CameraParallelScale = 123.0  # the user zooms out, then saves the state
pv.SaveState(cfg["resaved"])
pv.ResetSession()
pv.LoadState(cfg["resaved"])
out["resaved_tree_scale"] = tree_camera()[1]["scale"]
print("RESULT " + json.dumps(out), flush=True)
"""


def _landscape(path: Path, scale: float, decades: float) -> Path:
    """A 2-D landscape with two basins whose loss spans ``decades`` decades from
    ``scale``, on [-1, 1]^2, with a Hessian density beside it."""
    n = 25
    x = np.linspace(-1.0, 1.0, n)
    xx, yy = np.meshgrid(x, x)
    bowl = ((xx - 0.4) ** 2 + yy**2) * ((xx + 0.5) ** 2 + (yy - 0.3) ** 2 + 0.05)
    loss = scale * 10 ** (decades * bowl / bowl.max())
    vtkxml.write(
        path,
        vtkxml.image_data(
            {"Loss": loss.ravel()},
            dims=(n, n),
            origin=(-1, -1, 0),
            spacing=(x[1] - x[0], x[1] - x[0], 1),
        ),
    )
    path.with_name(path.stem + "_hessian_density.csv").write_text(
        "eigenvalue,density\n0,0.5\n1,0.3\n2,0.2\n"
    )
    return path


def _rough_landscape(path: Path) -> Path:
    """A 20 x 20 landscape of noise: dozens of basins, so dozens of segments."""
    loss = np.random.default_rng(0).uniform(1.0, 2.0, (20, 20))
    vtkxml.write(path, vtkxml.image_data({"Loss": loss.ravel()}, dims=(20, 20)))
    return path


def _without_density(data_dir: Path) -> Path:
    (data_dir / "landscape_hessian_density.csv").unlink(missing_ok=True)
    return data_dir


@pytest.fixture(scope="module")
def session(tmp_path_factory, pvpython) -> dict:
    tmp = tmp_path_factory.mktemp("gui")
    small = _landscape(tmp / "small.vti", 1.0, 0.5)
    steep = _landscape(tmp / "steep.vti", 1e-3, 4.0)
    cfg = {
        "small": str(small),
        "rough": str(_rough_landscape(tmp / "rough.vti")),
        "macro": str(MACROS_DIR / "Loss Landscape Views.py"),
        "state": str(STATES_DIR / "layout.pvsm"),
        "python_state": str(STATES_DIR / "landscape.py"),
        "data_dirs": [str(stage(small, tmp / "a")), str(stage(steep, tmp / "b"))],
        "no_density": str(_without_density(stage(small, tmp / "c"))),
        "tree_state": str(STATES_DIR / "merge_tree.pvsm"),
        "resaved": str(tmp / "resaved.pvsm"),
    }
    (tmp / "cfg.json").write_text(json.dumps(cfg))
    (tmp / "driver.py").write_text(DRIVER)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PLUGINS_DIR / "startup"), str(REPO)])
    env["PV_PLUGIN_PATH"] = str(PLUGINS_DIR)
    for _ in range(2):  # xvfb-run -a can lose its display to another one starting at once
        proc = subprocess.run(
            [*pvpython, str(tmp / "driver.py"), str(tmp / "cfg.json")],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            cwd=tmp,
        )
        if "bad X server connection" not in proc.stderr and "CreateAWindow" not in proc.stderr:
            break
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, (proc.stdout + proc.stderr)[-4000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    result["log"] = proc.stdout + proc.stderr
    result["ranges"] = [
        [
            float(vtkxml.read(p).point_data["Loss"].min()),
            float(vtkxml.read(p).point_data["Loss"].max()),
        ]
        for p in (small, steep)
    ]
    return result


def test_filters_share_one_menu_category_and_keep_their_input_visible(session):
    for name, hints in session["hints"].items():
        menu = [h for h in hints if h[0] == "ShowInMenu"]
        assert menu and menu[0][1] == "Loss Landscape", name
        replace = [h[4] for h in hints if h[0] == "Visibility"]
        expected = [] if name == "LossPersistenceSimplification" else ["0"]
        assert replace == expected, name


def test_each_output_port_opens_in_a_view_that_suits_it(session):
    views = {
        n: {h[3]: h[2] for h in hints if h[0] == "View"} for n, hints in session["hints"].items()
    }
    assert views["LossMergeTree"] == {"2": "None", "3": "LossMergeTreeView"}
    assert views["LossPersistenceDiagram"] == {"0": "LossDiagramView"}
    assert views["TopologicalLandscapeProfile"] == {"0": "LossProfileView", "1": "None"}
    assert views["LandscapeMetrics"] == {"0": "SpreadSheetView"}
    assert views["LossCriticalPoints"] == {"0": "RenderView", "1": "RenderView"}
    assert views["LossPersistenceSimplification"] == {"0": "RenderView"}
    reps = {
        h[3]: h[2] for h in session["hints"]["LossCriticalPoints"] if h[0] == "RepresentationType"
    }
    assert reps == {"0": "Point Gaussian", "1": "Surface"}
    assert session["active_scalars"] == {"profile": "MeanLoss", "critical": "CriticalType"}


def test_critical_points_open_over_the_landscape_whichever_view_is_active(session):
    """Applied with the persistence diagram's view active (the active view after the
    diagram), the critical points went into the diagram's view, where nothing drew them
    over the landscape; a simplified landscape too."""
    assert session["placed_over_landscape"] == {
        "LossCriticalPoints": [True, True],
        "LossPersistenceSimplification": [True],
    }


def test_a_simplified_landscape_hides_the_critical_points_of_its_input(session):
    """The simplified landscape replaced its input in the landscape's view, but the
    critical points computed on that input stayed over it, stale; those of another
    landscape in the same view stay."""
    assert session["overlays_after_simplification"] == {
        "points of the simplified landscape": [0, 0],
        "points of another landscape": 1,
        "simplified landscape": 1,
    }


def test_the_tree_leaves_the_landscape_visible_under_its_nodes_and_arcs(session):
    """Shown on Apply, the tree's segmentation covered the landscape's loss colours and
    added a legend of one entry per segment (about 70 on the beta = 50 PINN): it starts
    hidden, the nodes and arcs show over the landscape, the planar tree in its own view."""
    assert session["tree_ports_shown"] == [True, True, False, True]


def test_a_landscapes_loss_is_coloured_on_a_log_scale_by_default(session):
    """The file a user opens is coloured by its Loss on a log scale: linear colours made
    the beta = 50 PINN (loss 33 to 5.7e7) one blue with a red dot."""
    assert session["landscape_colours"] == ["Loss", 1]
    # a new log map starting on ParaView's 0 .. 1 warned in Output Messages
    assert "not valid for log" not in session["log"]


def test_segments_get_colours_of_their_own(session):
    """SegmentationId took ParaView's continuous blue-red ramp: neighbouring ids (and so
    most neighbouring segments) differed by a shade (0.012 on the beta = 50 PINN)."""
    colours = np.array(session["segment_colours"])
    assert len(colours) > 20, "the rough landscape should have dozens of segments"
    assert len({tuple(c) for c in colours.round(3)}) == len(colours)
    assert np.abs(np.diff(colours, axis=0)).max(axis=1).min() > 0.15


def test_panels_list_properties_in_reading_order(session):
    """ParaView's Python decorators listed them alphabetically by setter (Global
    Minimum-Maximum Pair first) with a Reload Python Module button on top."""
    panel = session["panel"]["LossPersistenceDiagram"]
    names = [n for n, _, _ in panel]
    assert names == [
        "Input",
        "ScalarArray",
        "PersistenceThreshold",
        "MinimumSaddle",
        "SaddleMaximum",
        "GlobalMinimumMaximum",
        "SaddleSaddle",
        "LogScaleLoss",
        "Backend",
        "BackendUsed",
    ]
    visibility = {n: v for n, v, _ in panel}
    assert visibility["SaddleSaddle"] == "advanced" and visibility["MinimumSaddle"] == "default"
    for name, props in session["panel"].items():
        assert "Reload Python Module" not in [n for n, _, _ in props], name


def test_keyword_input_takes_the_array_from_the_filters_own_input(session):
    """`LossCriticalPoints(Input=src)` right after a diagram took 'CriticalType' from the
    active diagram and produced nothing."""
    array, points = session["keyword_input"]
    assert array == ["POINTS", "Loss"]
    assert points > 0


def test_saddles_are_named_by_the_landscapes_dimension(session):
    names = session["names"]
    assert names["surface"]["1"] == names["surface"]["2"] == "saddle"
    assert names["points"]["2"] == "saddle"
    assert (names["volume"]["1"], names["volume"]["2"]) == ("1-saddle", "2-saddle")


def test_the_legend_names_each_kind_of_critical_point_once(session):
    """A 2-D landscape's saddles (TTK's codes 1 and 2) are one legend entry; code 2 is
    drawn in the saddle's colour through the categorical map's NaN colour."""
    annotations, nan, colours = session["legend"]["surface"]
    assert annotations == ["0", "minimum", "1", "saddle", "3", "maximum", "4", "degenerate"]
    assert nan == colours[3:6]  # code 1's colour
    annotations, _, _ = session["legend"]["volume"]
    assert annotations[2:6] == ["1", "1-saddle", "2", "2-saddle"]


def test_macro_lays_out_the_study_views_fitted_to_the_landscape(session):
    assert any(name.startswith("Loss landscape") for name in session["macro_layouts"])
    for view in ("landscape", "merge_tree", "persistence_diagram", "profile", "hessian_density"):
        assert view in session["macro_views"]
    lo, hi, log = session["macro_loss_lut"]
    np.testing.assert_allclose([lo, hi], session["ranges"][0], rtol=1e-6)
    assert log == 0  # half a decade: linear colours
    # the fitted range stays (ParaView would reset it to one representation's data)
    assert session["macro_rescale"] == ["Never", 0]


def test_macro_leaves_the_users_own_colours_alone(session):
    """The macro coloured its views through the session's one Loss colour map, and so
    turned the user's own view of the landscape log-scale Viridis too."""
    assert session["user_colours_kept"]


def test_states_replace_the_scene_and_fit_each_landscape(session):
    first, second = session["state_counts"]
    assert first == second  # the second state did not pile onto the first
    for fitted, (lo, hi), log in zip(
        session["state_fitted"], session["ranges"], (0, 1), strict=True
    ):
        np.testing.assert_allclose(fitted["lut"][:2], [lo, hi], rtol=1e-6)
        assert fitted["lut"][2] == log  # four decades: log colours
        x0, x1, y0, y1 = fitted["tree_bounds"]
        # the state's own log axis, once: not on top of the filter's automatic one
        expected = np.log10([lo, hi]) if log else [lo, hi]
        np.testing.assert_allclose([y0, y1], expected, rtol=1e-4, atol=1e-6)
        fx, fy, _ = fitted["tree_focal"]
        assert x0 <= fx <= x1 and y0 - fitted["tree_scale"] <= fy <= y1 + fitted["tree_scale"]
    assert "landscape" in session["python_state_views"]


def test_a_pvsm_loaded_as_it_is_fits_its_landscape_once(session):
    """File > Load State restored merge_tree.pvsm with the camera of the landscape it was
    built on: on another one the tree sat off-camera until Reset Camera. Loaded with
    lltk's plugins it is fitted (the whole tree in the camera's frame, filling a good part
    of it) and forgets that it was lltk's, so a state the user saves keeps their camera."""
    tree = session["pvsm_tree"]
    x0, x1, y0, y1 = tree["bounds"]
    (fx, fy, _), half_height = tree["focal"], tree["scale"]
    half_width = half_height * tree["size"][0] / tree["size"][1]
    assert fx - half_width <= x0 and x1 <= fx + half_width, tree
    assert fy - half_height <= y0 and y1 <= fy + half_height, tree
    assert (x1 - x0) / (2 * half_width) > 0.3 or (y1 - y0) / (2 * half_height) > 0.3, tree
    assert not tree["annotated"]
    assert session["resaved_tree_scale"] == 123.0


def test_a_plots_camera_reset_leaves_room_for_its_axes(session):
    """ParaView's reset fitted a sphere around the data: in a view a quarter of a
    1600 x 1000 screen the loss axis's title was cut off at the left and the legend
    covered the data at the right. Left, right, bottom and top, in pixels."""
    def least(width: int) -> tuple[float, float]:  # the margins (left, right) lltk keeps
        return min(125, 0.36 * width), min(110, 0.3 * width)

    assert set(session["plot_margins"]) == set(PLANAR_VIEWS.values())
    for name, (left, right, bottom, top) in session["plot_margins"].items():
        least_left, least_right = least(365)
        assert left >= least_left - 1 and right >= least_right - 1, (name, left, right)
        assert bottom >= 70 - 1 and top >= 30 - 1, (name, bottom, top)
        # and no more than the margins in the direction the data fills
        assert min(left + right - least_left - least_right, bottom + top - 100) < 2, name
    # the view split for the next plot: the frame follows its new width
    for name, (left, right, _, _) in session["plot_margins_narrower"].items():
        least_left, least_right = least(250)
        assert left >= least_left - 1 and right >= least_right - 1, (name, left, right)
    assert session["zoom_kept"] == 123.0


def test_plots_open_in_2d_interaction_mode(session):
    """The merge tree, diagram and profile views opened in 3-D mode: a drag rotated the
    plot out of its plane."""
    assert session["planar_modes"] == {
        "LossMergeTreeView": "2D",
        "LossDiagramView": "2D",
        "LossProfileView": "2D",
    }


def test_plots_open_with_titled_axes(session):
    """The plain filters' plots had no axes (only the macro's views did): a diagram read
    as thin lines in an empty view."""
    axes = session["plot_axes"]
    assert set(axes) == {"LossMergeTreeView", "LossDiagramView", "LossProfileView"}
    for visible, x, y in axes.values():
        assert visible == 1 and x and y
    assert "loss" in axes["LossMergeTreeView"][2] and "birth" in axes["LossDiagramView"][1]


def test_backend_documentation_says_where_the_engine_shows(session):
    """The tooltip named an invisible Backend Used; the panel shows it now (below)."""
    doc = " ".join(session["backend_doc"].split())
    assert "lltkBackend (Information panel, Data Arrays)" in doc


def test_macro_legends_keep_their_names_inside_narrow_views(session):
    """Names to the right of swatches at x = 0.84 ran off a 530-pixel view ("minimur")."""
    legends = session["macro_legends"]
    macro_views = ("landscape", "merge_tree", "persistence_diagram", "profile")
    assert set(macro_views) <= set(legends)
    for text_position, title, (x, _) in (legends[name] for name in macro_views):
        assert text_position == "Ticks right/top, annotations left/bottom"
        assert title == "Right"
        assert x > 0.85  # swatches at the right edge, names to their left


def test_a_long_label_leaves_the_macros_legends_without_titles(session):
    """In the macro's tab at 1920 x 1080 (five views, a few hundred pixels high each), a
    label wrapped over two lines ran the title into the legend's ("Critical points" over
    "..., seed 123456"): those legends drop their titles, a short label keeps them."""
    titles = session["legend_titles"]
    assert titles["short label"] and all(titles["short label"])
    assert titles["long label"] and not any(titles["long label"])
    assert len(titles["long label"]) == len(titles["short label"])


def test_the_panel_shows_which_engine_ran(session):
    """Whether TTK ran was said only on the terminal and in an off-screen Information
    column: Backend Used sits in each filter's own panel, under Engine."""
    for name, props in session["panel"].items():
        shown = {n: v for n, v, _ in props}
        if "BackendUsed" in shown:
            assert shown["BackendUsed"] == "default", name
    assert "BackendUsed" in {n for n, _, _ in session["panel"]["LossCriticalPoints"]}


def test_layout_state_without_hessian_density_shows_no_error(session):
    """File > Load State of layout on a landscape sampled without a Hessian density put
    red reader errors on screen; now the layout comes without that view."""
    log = session["log"]
    part = log[log.index("NO-DENSITY-START") : log.index("NO-DENSITY-END")]
    assert "ERROR" not in part and "rror" not in part, part[-2000:]
    assert session["no_density_views"] == [
        "landscape",
        "merge_tree",
        "persistence_diagram",
        "profile",
    ]
