"""The pipelines and views of lltk's ParaView states (runs in pvpython, never in the venv).

Each state reads the landscape under fixed names (:data:`FILES`) so that ParaView's
"Search files under specified directory" finds any landscape that was staged (linked)
under those names; see :func:`lltk.render.stage`. Every view is registered under the
name the renderer uses for its PNG.

Their style is :mod:`lltk.render.style`'s; the 2-D views of the topology are
:mod:`lltk.render.plots`'; fitting views to a landscape is :mod:`lltk.render.fitting`'s;
the states' plumbing (building, loading, laying out and writing them) is
:mod:`lltk.render.states`.
"""

from __future__ import annotations

from pathlib import Path

from paraview import simple as pv

from lltk.render.style import (
    BLACK,
    GLYPH_SIZE,
    LOG_RATIO,
    WHITE,
    add_title,
    aim_landscape_camera,
    critical_type_legend,
    fit_planar,
    make_planar,
    scalar_bar,
    sphere_glyphs,
    style_axes,
    white_view,
)

#: The file names a state reads, relative to its data directory.
FILES = {
    "landscape": "landscape.pvd",
    "hessian_density": "landscape_hessian_density.csv",
    "solution": "landscape_solution.vti",
    "trajectory": "landscape_trajectory.vtp",
    "paths": "landscape_paths.vtp",
    "networks": "landscape_networks.vtp",
}


#: The plugin filters (lltk's plugins/) that a view needs, by view name.
NEEDS = {
    "merge_tree": "LossMergeTree",
    "persistence_diagram": "LossPersistenceDiagram",
    "profile": "TopologicalLandscapeProfile",
    "critical_points": "LossCriticalPoints",
}


#: Height of the warped surface as a fraction of the domain's width.
RELIEF = 0.6


def has_filter(name: str) -> bool:
    """True when ``paraview.simple`` offers the filter (e.g. a loaded plugin's)."""
    return hasattr(pv, name)


def open_landscape(data_dir: Path) -> object:
    """The reader of the staged landscape: ``landscape.pvd``, which points at the .vti or
    .vtu (so one state serves both)."""
    reader = pv.PVDReader(
        registrationName=FILES["landscape"], FileName=str(data_dir / FILES["landscape"])
    )
    reader.UpdatePipeline()
    return reader


def fraction_expression() -> str:
    """Python Calculator expression: the ``Loss`` of input 0 as a fraction of the loss range
    of input 1 (log-scaled when :func:`uses_log_scale`); no ``and``, which the calculator
    splits on."""
    r = "inputs[1].PointData['Loss']"
    log = f"(log(Loss) - log(min({r}))) / (log(max({r})) - log(min({r})))"
    lin = f"(Loss - min({r})) / (max({r}) - min({r}) + 1e-300)"
    return f"{log} if min({r}) > 0 > {LOG_RATIO} * min({r}) - max({r}) else {lin}"


def _lifted(source: object, reference: object, name: str) -> object:
    """``source`` warped like the surface: ``LossFraction`` of the reference's loss range,
    ``Height`` = that fraction of :data:`RELIEF` times the reference's width."""
    frac = pv.PythonCalculator(registrationName=f"{name} loss fraction", Input=[source, reference])
    frac.Expression = fraction_expression()
    frac.ArrayName = "LossFraction"
    height = pv.PythonCalculator(registrationName=f"{name} height", Input=[frac, reference])
    height.Expression = (
        f"LossFraction * {RELIEF} * (max(inputs[1].Points[:, 0]) - min(inputs[1].Points[:, 0]))"
    )
    height.ArrayName = "Height"
    warp = pv.WarpByScalar(registrationName=name, Input=height)
    warp.Scalars = ["POINTS", "Height"]
    warp.ScaleFactor = 1.0
    return warp


def finite_loss(reader: object) -> object:
    """The samples with a finite loss (the sampler stores NaN where it diverged)."""
    finite = pv.Threshold(registrationName="finite loss", Input=reader)
    finite.Scalars = ["POINTS", "Loss"]
    finite.LowerThreshold = -1e300
    finite.UpperThreshold = 1e300
    finite.ThresholdMethod = "Between"
    return finite


def contour_lines(source: object, view: object, name: str) -> None:
    """White lines at 14 equally spaced values of ``source``'s ``LossFraction``."""
    lines = pv.Contour(registrationName=name, Input=source)
    lines.ContourBy = ["POINTS", "LossFraction"]
    lines.Isosurfaces = [i / 15 for i in range(1, 15)]
    lines.ComputeScalars = 0
    lrep = pv.Show(lines, view)
    lrep.ColorArrayName = ["POINTS", ""]
    lrep.AmbientColor = WHITE
    lrep.DiffuseColor = WHITE
    lrep.LineWidth = 1.0
    lrep.Opacity = 0.7


def _critical_glyphs(reader: object, view: object, source: object) -> None:
    """Spheres at the critical points (of ``reader``, placed by ``source``), by type."""
    if not has_filter(NEEDS["critical_points"]):
        return
    glyphs = sphere_glyphs(source, "critical point glyphs", GLYPH_SIZE * width(reader))
    critical_type_legend(pv.Show(glyphs, view), view, "Critical points")


def landscape_view(reader: object, title: str = "Loss landscape") -> object:
    """The surface warped by loss, loss colour map, contour lines, critical-point glyphs."""
    view = white_view("RenderView", "landscape")
    finite = finite_loss(reader)
    surface = _lifted(finite, finite, "surface")
    rep = pv.Show(surface, view)
    scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    contour_lines(surface, view, "contour lines")
    crit = getattr(pv, NEEDS["critical_points"], None)
    if crit is not None:
        critical = crit(reader, registrationName="critical points")
        _critical_glyphs(reader, view, _lifted(critical, finite, "critical points lifted"))
    style_axes(view, "direction 1", "direction 2", "")
    view.AxesGrid.FacesToRender = 4  # only the floor (vtkGridAxesHelper's MIN_XY face)
    view.AxesGrid.AxesToLabel = 10  # the two front edges (MIN_Y | MAX_X)
    view.AxesGrid.CullFrontface = 0
    add_title(view, title, "landscape title")
    aim_landscape_camera(view)
    return view


def landscape_trajectory_views(reader: object, data_dir: Path) -> list[object]:
    """The training path (``lltk sample --directions pca``) on the landscape view, a dark
    line through the checkpoints (spheres coloured by step) on the surface, and on a map
    seen from above (``trajectory``), as Li et al. (2018) draw it on contour plots."""
    view = landscape_view(reader)
    path = pv.XMLPolyDataReader(
        registrationName=FILES["trajectory"], FileName=[str(data_dir / FILES["trajectory"])]
    )
    path.PointArrayStatus = ["Step", "Coordinates"]  # its own Loss is not the surface's
    finite = pv.FindSource("finite loss")
    on_surface = pv.ResampleWithDataset(
        registrationName="trajectory on surface", SourceDataArrays=finite, DestinationMesh=path
    )
    on_surface.PassPointArrays = 1
    lifted = _lifted(on_surface, finite, "trajectory lifted")
    above = pv.Transform(registrationName="trajectory above surface", Input=lifted)
    _show_path(above, view, "")
    views = [view, _trajectory_map(finite, path)]
    fit_trajectory(width(reader))
    return views


def fit_trajectory(size: float) -> None:
    """Size the path's tubes and spheres, and lift it off the surface, for a landscape
    ``size`` wide (the states keep the sizes of the landscape they were built on)."""
    for suffix in ("", " (map)"):
        pv.FindSource(f"trajectory tube{suffix}").Radius = 0.008 * size
        pv.FindSource(f"checkpoints{suffix}").ScaleFactor = GLYPH_SIZE * size
    pv.FindSource("trajectory above surface").Transform.Translate = [0.0, 0.0, 0.015 * size]
    pv.FindSource("trajectory over map").Transform.Translate = [0.0, 0.0, 0.01 * size]


def _show_path(source: object, view: object, suffix: str) -> object:
    """A dark tube through ``source``'s points and a sphere at each, coloured by step;
    returns the steps' colour map."""
    tube = pv.Tube(registrationName=f"trajectory tube{suffix}", Input=source)
    line = pv.Show(tube, view)
    line.ColorArrayName = ["POINTS", ""]
    line.AmbientColor = line.DiffuseColor = [0.1, 0.1, 0.1]
    dots = pv.Show(sphere_glyphs(source, f"checkpoints{suffix}", 1.0), view)
    lut = scalar_bar(dots, view, "Step", "step", "Blue Orange (divergent)")
    pv.GetScalarBar(lut, view).Position = [0.05, 0.06]
    return lut


def _trajectory_map(finite: object, path: object) -> object:
    """The landscape from above (loss colours, contour lines) with the path on it."""
    view = white_view("RenderView", "trajectory")
    rep = pv.Show(finite, view)
    scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    frac = pv.PythonCalculator(registrationName="map loss fraction", Input=[finite, finite])
    frac.Expression = fraction_expression()
    frac.ArrayName = "LossFraction"
    contour_lines(frac, view, "map contour lines")
    raised = pv.Transform(registrationName="trajectory over map", Input=path)
    steps = _show_path(raised, view, " (map)")
    # right of the map, above the loss legend (the left edge holds the axis title)
    pv.GetScalarBar(steps, view).Position = [0.84, 0.52]
    style_axes(view, "direction 1", "direction 2")
    add_title(view, "Training path (PCA directions)", "trajectory title")
    make_planar(view)
    fit_planar(view, finite.GetDataInformation().GetBounds())
    return view


def _oblique_axes(view: object) -> None:
    style_axes(view, "direction 1", "direction 2", "direction 3")
    # The three faces behind the data as aim_landscape_camera looks at it
    # (vtkGridAxesHelper MIN_YZ | MAX_ZX | MIN_XY), labelled on the front edges.
    view.AxesGrid.FacesToRender = 21
    view.AxesGrid.AxesToLabel = 10


def landscape_volume_view(reader: object) -> object:
    """A 3-D grid landscape: translucent iso-surfaces of loss, critical-point glyphs."""
    view = white_view("RenderView", "landscape")
    finite = finite_loss(reader)
    frac = pv.PythonCalculator(registrationName="loss fraction", Input=[finite, finite])
    frac.Expression = fraction_expression()
    frac.ArrayName = "LossFraction"
    shells = pv.Contour(registrationName="iso-surfaces", Input=frac)
    shells.ContourBy = ["POINTS", "LossFraction"]
    shells.Isosurfaces = [0.05, 0.15, 0.3, 0.5]
    shells.ComputeScalars = 1
    rep = pv.Show(shells, view)
    scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    rep.Opacity = 0.3
    pv.Show(pv.Outline(registrationName="domain", Input=reader), view).DiffuseColor = BLACK
    crit = getattr(pv, NEEDS["critical_points"], None)
    if crit is not None:
        _critical_glyphs(reader, view, crit(reader, registrationName="critical points"))
    _oblique_axes(view)
    add_title(view, "Loss landscape (iso-surfaces)", "landscape title")
    aim_landscape_camera(view)
    return view


def landscape_points_view(reader: object) -> object:
    """Samples of any dimension (a .vtu), shown at their first three coordinates, with
    the merge tree's nodes (minima, merging saddles, root) as spheres."""
    view = white_view("RenderView", "landscape")
    finite = finite_loss(reader)
    rep = pv.Show(finite, view)
    rep.SetRepresentationType("Points")
    rep.PointSize = 4.0
    rep.RenderPointsAsSpheres = 1
    rep.Opacity = 0.5
    scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    # On a neighbourhood graph nearly every sample has several lower neighbours, so the
    # link-based critical points (TTK's answer on a 1-D complex) mark most samples as
    # saddles; the merge tree's nodes are the minima and the saddles where basins merge.
    tree = getattr(pv, NEEDS["merge_tree"], None)
    if tree is not None:
        nodes = tree(reader, registrationName="merge tree")
        glyphs = sphere_glyphs(nodes, "critical point glyphs", GLYPH_SIZE * width(reader))
        critical_type_legend(pv.Show(glyphs, view), view, "Merge-tree nodes")
    _oblique_axes(view)
    add_title(view, "Loss landscape (samples, first 3 directions)", "landscape title")
    aim_landscape_camera(view)
    return view


def width(reader: object) -> float:
    """The x extent of ``reader``'s data."""
    bounds = reader.GetDataInformation().GetBounds()
    return bounds[1] - bounds[0]


def hessian_density_view(path: Path) -> object:
    """The SLQ eigenvalue density (the CSV at ``path``) on a log scale, as PyHessian plots
    it."""
    view = white_view("XYChartView", "hessian_density")
    csv = pv.CSVReader(registrationName=path.name, FileName=[str(path)])
    # PyHessian adds 1e-7 before its log plot so that empty bins stay on the chart.
    shifted = pv.Calculator(registrationName="density + 1e-7", Input=csv)
    shifted.AttributeType = "Row Data"
    shifted.Function = "density + 1e-7"
    shifted.ResultArrayName = "Density"
    rep = pv.Show(shifted, view)
    rep.UseIndexForXAxis = 0
    rep.XArrayName = "eigenvalue"
    rep.SeriesVisibility = ["Density"]
    rep.SeriesColor = ["Density", "0.1", "0.3", "0.7"]
    rep.SeriesLineThickness = ["Density", "2"]
    view.ChartTitle = "Hessian eigenvalue density"
    view.ChartTitleFontSize = 22
    view.LeftAxisTitle = "Density (log scale)"
    view.BottomAxisTitle = "Eigenvalue"
    view.LeftAxisLogScale = 1
    view.LeftAxisTitleFontSize = 18
    view.BottomAxisTitleFontSize = 18
    view.LeftAxisLabelFontSize = 14
    view.BottomAxisLabelFontSize = 14
    view.ShowLegend = 0
    return view


def solution_views(data_dir: Path) -> list[object]:
    """The PINN's predicted and the exact u(x, t), on one colour scale."""
    reader = pv.XMLImageDataReader(
        registrationName=FILES["solution"], FileName=[str(data_dir / FILES["solution"])]
    )
    reader.UpdatePipeline()
    views = []
    for array, label in (("u_pred", "PINN prediction"), ("u_exact", "Exact solution")):
        view = white_view("RenderView", f"solution_{array.split('_')[1]}")
        rep = pv.Show(reader, view)
        rep.SetRepresentationType("Slice")
        scalar_bar(rep, view, array, "u(x, t)", "Cool to Warm")
        style_axes(view, "x", "t")
        add_title(view, f"{label} u(x, t)", f"{array} title")
        make_planar(view)
        fit_planar(view, reader.GetDataInformation().GetBounds())
        views.append(view)
    return views
