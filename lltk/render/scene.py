"""The pipelines and views of lltk's ParaView states (runs in pvpython, never in the venv).

Each state reads the landscape under fixed names (:data:`FILES`) so that ParaView's
"Search files under specified directory" finds any landscape that was staged (linked)
under those names; see :func:`lltk.render.stage`. Every view is registered under the
name the renderer uses for its PNG.

The states' plumbing (building, loading, laying out and writing them) is
:mod:`lltk.render.states`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from paraview import servermanager
from paraview import simple as pv

from lltk.paraview.colours import critical_legend, dimension_legend

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
BLACK = [0.0, 0.0, 0.0]
WHITE = [1.0, 1.0, 1.0]
#: Height of the warped surface as a fraction of the domain's width.
RELIEF = 0.6
#: Diameter of the critical-point glyphs as a fraction of the domain's width.
GLYPH_SIZE = 0.03
#: Loss ranges wider than this ratio (max / min, min > 0) are drawn on a log scale.
LOG_RATIO = 10.0
#: Characters per line of the landscape's label under a view's title.
LABEL_WIDTH = 34
#: Width over height of the data in the 2-D views (merge tree, diagram, profile, u(x, t)).
PANEL_ASPECT = 1.3


def has_filter(name: str) -> bool:
    """True when ``paraview.simple`` offers the filter (e.g. a loaded plugin's)."""
    return hasattr(pv, name)


def _white_view(kind: str, name: str) -> object:
    view = pv.CreateView(kind, registrationName=name)
    view.ViewSize = [900, 700]
    if hasattr(view, "UseColorPaletteForBackground"):
        view.UseColorPaletteForBackground = 0
    if hasattr(view, "OrientationAxesVisibility"):
        view.OrientationAxesVisibility = 0
    if hasattr(view, "Background"):
        view.Background = WHITE
    return view


def _title(view: object, text: str, name: str) -> None:
    source = pv.Text(registrationName=name)
    source.Text = text
    rep = pv.Show(source, view)
    rep.WindowLocation = "Upper Center"
    rep.FontSize = 22
    rep.Color = BLACK


def _scalar_bar(
    rep: object, view: object, array: str, title: str, preset: str, where: str = "POINTS"
) -> object:
    pv.ColorBy(rep, (where, array))
    lut = pv.GetColorTransferFunction(array)
    lut.ApplyPreset(preset, True)
    rep.SetScalarBarVisibility(view, True)
    bar = pv.GetScalarBar(lut, view)
    bar.Title = title
    bar.ComponentTitle = ""
    bar.TitleColor = BLACK
    bar.LabelColor = BLACK
    bar.TitleFontSize = 18
    bar.LabelFontSize = 16
    bar.RangeLabelFormat = "%-#.3g"
    bar.LabelFormat = "%-#.3g"
    bar.AddRangeLabels = 1
    bar.ScalarBarLength = 0.36
    bar.HorizontalTitle = 1
    # at the right edge, tick labels and the title to the left of the colours: to their
    # right they ran off a narrow view ("Loss (log scale")
    bar.WindowLocation = "Any Location"
    bar.Position = [0.93, 0.06]
    bar.TextPosition = "Ticks left/bottom, annotations right/top"
    bar.TitleJustification = "Right"
    return lut


def _axes(view: object, x: str, y: str, z: str = "", bounds: list[float] | None = None) -> None:
    """Titles and colours of the view's axes grid, left hidden: :func:`show_axes` shows it
    once :func:`fit_views` has fitted the camera and the bounds."""
    grid = view.AxesGrid
    grid.Visibility = 0
    grid.XTitle, grid.YTitle, grid.ZTitle = x, y, z
    grid.ShowGrid = 0
    for axis in "XYZ":
        setattr(grid, f"{axis}TitleColor", BLACK)
        setattr(grid, f"{axis}LabelColor", BLACK)
        setattr(grid, f"{axis}TitleFontSize", 16)
        setattr(grid, f"{axis}LabelFontSize", 14)
    grid.GridColor = BLACK


def _planar(view: object) -> None:
    view.InteractionMode = "2D"
    view.CameraParallelProjection = 1
    view.AxesGrid.FacesToRender = 4  # one face: the data's plane (vtkGridAxesHelper MIN_XY)
    view.AxesGrid.AxesToLabel = 3  # bottom and left edges only (MIN_X | MIN_Y)


#: The share of a 2-D view's width its data takes: 38 % beside labels and the legends on
#: its right in the macro's small views; 62 % in a map whose legends sit above it; 58 % in
#: a view rendered alone to a PNG 900 pixels wide (``lltk render``: :data:`PNG_WIDTH_SHARE`).
WIDTH_SHARE: dict[str | None, float] = {None: 0.38, "connect": 0.62}
PNG_WIDTH_SHARE = 0.58


def fit_planar(
    view: object, bounds: list[float] | tuple[float, ...], width_share: float = WIDTH_SHARE[None]
) -> None:
    """Aim a 2-D view at ``bounds`` (xmin, xmax, ymin, ymax): stretch y so the data is
    about :data:`PANEL_ASPECT` wide per unit high (the axes keep data units), and leave room
    for the title above, axis labels below and left, the colour legend on the right. The
    data takes ``width_share`` of the view's width (the rest: labels and legends)."""
    bounds = list(bounds[:4])
    for lo, span in ((0, 2), (2, 0)):  # a degenerate extent (one pair, one branch) gets room
        if not bounds[lo + 1] > bounds[lo]:
            pad = 0.5 * max(bounds[span + 1] - bounds[span], abs(bounds[lo]) * 0.1, 1e-3)
            bounds[lo], bounds[lo + 1] = bounds[lo] - pad, bounds[lo + 1] + pad
    for lo in (0, 2):  # a 3 % margin keeps data off the axes' frame
        pad = 0.03 * (bounds[lo + 1] - bounds[lo])
        bounds[lo], bounds[lo + 1] = bounds[lo] - pad, bounds[lo + 1] + pad
    width, height = bounds[1] - bounds[0], bounds[3] - bounds[2]
    sy = width / (PANEL_ASPECT * height)
    for rep in view.Representations:
        if hasattr(rep, "Scale"):
            rep.Scale = [1.0, sy, 1.0]
    grid = view.AxesGrid
    grid.UseCustomBounds = 1
    grid.CustomBounds = [bounds[0], bounds[1], bounds[2] * sy, bounds[3] * sy, 0.0, 0.0]
    grid.DataScale = [1.0, sy, 1.0]
    height *= sy
    aspect = view.ViewSize[0] / view.ViewSize[1]
    # the data from 26 % to 64 % of the width: axis labels and title on its left (they
    # were cut off in a third of a 1600-pixel screen), legends (names left of their
    # colours) on its right
    half = 0.5 * max(width / (width_share * aspect), height / 0.66, 1e-12)
    cx = 0.5 * (bounds[0] + bounds[1]) + (0.29 - 0.5 * width_share) * half * aspect
    cy = 0.5 * (bounds[2] + bounds[3]) * sy + 0.02 * half
    view.CameraFocalPoint = [cx, cy, 0.0]
    view.CameraPosition = [cx, cy, 10.0 * half]
    view.CameraViewUp = [0.0, 1.0, 0.0]
    view.CameraParallelScale = half


def _set_categories(array: str, legend: tuple[list[str], list[float], list[float]]) -> None:
    """Make ``array``'s colour map categorical: ``legend``'s names, colours and the colour
    of the values it does not name (:mod:`lltk.paraview.colours`)."""
    annotations, colours, other = legend
    lut = pv.GetColorTransferFunction(array)
    lut.InterpretValuesAsCategories = 1
    lut.Annotations = annotations
    lut.IndexedColors = colours
    lut.NanColor = other


def set_critical_names(kind: str) -> None:
    """Label the ``CriticalType`` colours for a landscape of ``kind``
    (:func:`lltk.paraview.colours.critical_legend`: each name once in the legend)."""
    _set_categories("CriticalType", critical_legend(kind))


def set_dimension_names(top: int) -> None:
    """Name the ``Dimension`` colours H0 to H``top``
    (:func:`lltk.paraview.colours.dimension_legend`; the diagonal grey, unnamed)."""
    _set_categories("Dimension", dimension_legend(top))


def fit_dimension_names(sources: list[object], names: dict[int, str]) -> None:
    """Name as many dimensions in the diagram's legend as its pairs hold (a 4-D grid's
    H0 to H3, a graph's H0)."""
    for source in sources:
        if names[id(source.SMProxy)] == "persistence diagram":
            dims = source.CellData["Dimension"]
            set_dimension_names(max(0, int(dims.GetRange()[1])) if dims is not None else 0)


def _category_legend(rep: object, view: object, array: str, title: str, bottom: float) -> None:
    """A legend of ``rep``'s categorical colours of ``array`` at the view's right edge,
    from ``bottom`` (a fraction of the view's height) up."""
    lut = pv.GetColorTransferFunction(array)
    rep.SetScalarBarVisibility(view, True)
    bar = pv.GetScalarBar(lut, view)
    bar.Title = title
    bar.TitleColor = BLACK
    bar.LabelColor = BLACK
    bar.TitleFontSize = 18
    bar.LabelFontSize = 16
    # the names left of the swatches, which sit at the view's right edge, and the title
    # ending there: a name to their right ran off a narrow view ("minimur")
    bar.WindowLocation = "Any Location"
    bar.Position = [0.93, bottom]
    bar.ScalarBarLength = 0.28
    bar.TextPosition = "Ticks right/top, annotations left/bottom"
    bar.HorizontalTitle = 1
    bar.TitleJustification = "Right"


def _critical_type_legend(rep: object, view: object, title: str) -> None:
    """Colour ``rep`` by ``CriticalType`` with TTK's categories and a legend."""
    pv.ColorBy(rep, ("POINTS", "CriticalType"))
    set_critical_names("volume")
    _category_legend(rep, view, "CriticalType", title, 0.52)


def _dimension_bars(rep: object, view: object) -> None:
    """Colour the diagram's bars (cells) by ``Dimension``: H0, H1, ... with a legend below
    the critical types'."""
    pv.ColorBy(rep, ("CELLS", "Dimension"))
    set_dimension_names(1)  # a 2-D landscape's, as the states are saved (fit_views fits it)
    _category_legend(rep, view, "Dimension", "Homology", 0.10)


def _critical_marks(source: object, view: object, title: str) -> object:
    """Show ``source``'s points as spheres coloured by ``CriticalType``, with a legend."""
    rep = pv.Show(source, view)
    rep.SetRepresentationType("Points")
    rep.PointSize = 9.0
    rep.RenderPointsAsSpheres = 1
    _critical_type_legend(rep, view, title)
    return rep


def _glyphs(source: object, name: str, size: float) -> object:
    glyphs = pv.Glyph(registrationName=name, Input=source, GlyphType="Sphere")
    glyphs.ScaleArray = ["POINTS", "No scale array"]
    glyphs.GlyphMode = "All Points"
    glyphs.ScaleFactor = size
    return glyphs


def open_landscape(data_dir: Path) -> object:
    """The reader of the staged landscape: ``landscape.pvd``, which points at the .vti or
    .vtu (so one state serves both)."""
    reader = pv.PVDReader(
        registrationName=FILES["landscape"], FileName=str(data_dir / FILES["landscape"])
    )
    reader.UpdatePipeline()
    return reader


def uses_log_scale(lo: float, hi: float) -> bool:
    """Whether a loss range is drawn on a log scale: positive and wider than a decade."""
    return lo > 0 and hi > LOG_RATIO * lo


def _fraction_expression() -> str:
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
    frac.Expression = _fraction_expression()
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


def landscape_view(reader: object, title: str = "Loss landscape") -> object:
    """The surface warped by loss, loss colour map, contour lines, critical-point glyphs."""
    view = _white_view("RenderView", "landscape")
    finite = _finite(reader)
    surface = _lifted(finite, finite, "surface")
    rep = pv.Show(surface, view)
    _scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    _contour_lines(surface, view, "contour lines")
    crit = getattr(pv, NEEDS["critical_points"], None)
    if crit is not None:
        critical = crit(reader, registrationName="critical points")
        _critical_glyphs(reader, view, _lifted(critical, finite, "critical points lifted"))
    _axes(view, "direction 1", "direction 2", "")
    view.AxesGrid.FacesToRender = 4  # only the floor (vtkGridAxesHelper's MIN_XY face)
    view.AxesGrid.AxesToLabel = 10  # the two front edges (MIN_Y | MAX_X)
    view.AxesGrid.CullFrontface = 0
    _title(view, title, "landscape title")
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


def _show_path(source: object, view: object, suffix: str) -> None:
    """A dark tube through ``source``'s points and a sphere at each, coloured by step."""
    tube = pv.Tube(registrationName=f"trajectory tube{suffix}", Input=source)
    line = pv.Show(tube, view)
    line.ColorArrayName = ["POINTS", ""]
    line.AmbientColor = line.DiffuseColor = [0.1, 0.1, 0.1]
    dots = pv.Show(_glyphs(source, f"checkpoints{suffix}", 1.0), view)
    lut = _scalar_bar(dots, view, "Step", "step", "Blue Orange (divergent)")
    pv.GetScalarBar(lut, view).Position = [0.05, 0.06]


def _trajectory_map(finite: object, path: object) -> object:
    """The landscape from above (loss colours, contour lines) with the path on it."""
    view = _white_view("RenderView", "trajectory")
    rep = pv.Show(finite, view)
    _scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    frac = pv.PythonCalculator(registrationName="map loss fraction", Input=[finite, finite])
    frac.Expression = _fraction_expression()
    frac.ArrayName = "LossFraction"
    _contour_lines(frac, view, "map contour lines")
    raised = pv.Transform(registrationName="trajectory over map", Input=path)
    _show_path(raised, view, " (map)")
    # right of the map, above the loss legend (the left edge holds the axis title)
    pv.GetScalarBar(pv.GetColorTransferFunction("Step"), view).Position = [0.84, 0.52]
    _axes(view, "direction 1", "direction 2")
    _title(view, "Training path (PCA directions)", "trajectory title")
    _planar(view)
    fit_planar(view, finite.GetDataInformation().GetBounds())
    return view


def _contour_lines(source: object, view: object, name: str) -> None:
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


def _finite(reader: object) -> object:
    """The samples with a finite loss (the sampler stores NaN where it diverged)."""
    finite = pv.Threshold(registrationName="finite loss", Input=reader)
    finite.Scalars = ["POINTS", "Loss"]
    finite.LowerThreshold = -1e300
    finite.UpperThreshold = 1e300
    finite.ThresholdMethod = "Between"
    return finite


def _critical_glyphs(reader: object, view: object, source: object) -> None:
    """Spheres at the critical points (of ``reader``, placed by ``source``), by type."""
    if not has_filter(NEEDS["critical_points"]):
        return
    glyphs = _glyphs(source, "critical point glyphs", GLYPH_SIZE * width(reader))
    _critical_type_legend(pv.Show(glyphs, view), view, "Critical points")


def _oblique_axes(view: object) -> None:
    _axes(view, "direction 1", "direction 2", "direction 3")
    # The three faces behind the data as aim_landscape_camera looks at it
    # (vtkGridAxesHelper MIN_YZ | MAX_ZX | MIN_XY), labelled on the front edges.
    view.AxesGrid.FacesToRender = 21
    view.AxesGrid.AxesToLabel = 10


def landscape_volume_view(reader: object) -> object:
    """A 3-D grid landscape: translucent iso-surfaces of loss, critical-point glyphs."""
    view = _white_view("RenderView", "landscape")
    finite = _finite(reader)
    frac = pv.PythonCalculator(registrationName="loss fraction", Input=[finite, finite])
    frac.Expression = _fraction_expression()
    frac.ArrayName = "LossFraction"
    shells = pv.Contour(registrationName="iso-surfaces", Input=frac)
    shells.ContourBy = ["POINTS", "LossFraction"]
    shells.Isosurfaces = [0.05, 0.15, 0.3, 0.5]
    shells.ComputeScalars = 1
    rep = pv.Show(shells, view)
    _scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    rep.Opacity = 0.3
    pv.Show(pv.Outline(registrationName="domain", Input=reader), view).DiffuseColor = BLACK
    crit = getattr(pv, NEEDS["critical_points"], None)
    if crit is not None:
        _critical_glyphs(reader, view, crit(reader, registrationName="critical points"))
    _oblique_axes(view)
    _title(view, "Loss landscape (iso-surfaces)", "landscape title")
    aim_landscape_camera(view)
    return view


def landscape_points_view(reader: object) -> object:
    """Samples of any dimension (a .vtu), shown at their first three coordinates, with
    the merge tree's nodes (minima, merging saddles, root) as spheres."""
    view = _white_view("RenderView", "landscape")
    finite = _finite(reader)
    rep = pv.Show(finite, view)
    rep.SetRepresentationType("Points")
    rep.PointSize = 4.0
    rep.RenderPointsAsSpheres = 1
    rep.Opacity = 0.5
    _scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    # On a neighbourhood graph nearly every sample has several lower neighbours, so the
    # link-based critical points (TTK's answer on a 1-D complex) mark most samples as
    # saddles; the merge tree's nodes are the minima and the saddles where basins merge.
    tree = getattr(pv, NEEDS["merge_tree"], None)
    if tree is not None:
        nodes = tree(reader, registrationName="merge tree")
        glyphs = _glyphs(nodes, "critical point glyphs", GLYPH_SIZE * width(reader))
        _critical_type_legend(pv.Show(glyphs, view), view, "Merge-tree nodes")
    _oblique_axes(view)
    _title(view, "Loss landscape (samples, first 3 directions)", "landscape title")
    aim_landscape_camera(view)
    return view


def width(reader: object) -> float:
    """The x extent of ``reader``'s data."""
    bounds = reader.GetDataInformation().GetBounds()
    return bounds[1] - bounds[0]


def aim_landscape_camera(view: object) -> None:
    """Look at the surface from the front-right, 30 degrees above it; fit it left of the
    legends."""
    view.CameraFocalPoint = [0.0, 0.0, 0.0]
    view.CameraPosition = [0.9, -1.6, 1.3]
    view.CameraViewUp = [0.0, 0.0, 1.0]
    view.CameraParallelProjection = 0
    view.ResetCamera(False)
    camera = view.GetActiveCamera()
    camera.Dolly(0.88)
    # Slide the camera right (the surface moves left, away from the legends).
    focal, position = np.array(camera.GetFocalPoint()), np.array(camera.GetPosition())
    right = np.cross(focal - position, camera.GetViewUp())
    shift = 0.08 * np.linalg.norm(focal - position) * right / np.linalg.norm(right)
    camera.SetFocalPoint(*(focal + shift))
    camera.SetPosition(*(position + shift))
    view.CameraFocalPoint = list(focal + shift)
    view.CameraPosition = list(position + shift)


#: The 2-D views whose axes show loss: view -> (x title, y title, axes that are loss).
LOSS_AXES = {
    "merge_tree": ("branches (planar layout)", "loss", "y"),
    "persistence_diagram": ("birth (loss)", "death", "xy"),
    "profile": ("basins (width proportional to region size)", "loss", "y"),
}


def _loss_axes(source: object, view_name: str, name: str) -> object:
    """A Calculator that moves the points of ``source`` to log10 loss on the view's loss
    axes when the landscape spans decades (:func:`set_log_axes`); identity otherwise."""
    calc = pv.Calculator(registrationName=f"{name} (loss axes)", Input=source)
    calc.CoordinateResults = 1
    calc.Function = _axes_function("")
    calc.ResultArrayName = f"{view_name} coordinates"
    return calc


def _axes_function(log_axes: str) -> str:
    x = "log10(coordsX)" if "x" in log_axes else "coordsX"
    y = "log10(coordsY)" if "y" in log_axes else "coordsY"
    return f"{x}*iHat + {y}*jHat + coordsZ*kHat"


def set_log_axes(views: dict[str, object], log: bool) -> None:
    """Switch the loss axes of the 2-D views between loss and log10 loss."""
    for calc in sources_of(views.values()):
        name = calc.ResultArrayName if hasattr(calc, "CoordinateResults") else ""
        view_name = name.removesuffix(" coordinates")
        if view_name not in LOSS_AXES:
            continue
        x_title, y_title, axes = LOSS_AXES[view_name]
        calc.Function = _axes_function(axes if log else "")
        view = views.get(view_name)
        if view is not None:
            view.AxesGrid.XTitle = f"log10 {x_title}" if log and "x" in axes else x_title
            view.AxesGrid.YTitle = f"log10 {y_title}" if log and "y" in axes else y_title


def _inputs(source: object) -> list[object]:
    """The pipeline objects connected to ``source``'s input (none for a reader)."""
    prop = source.SMProxy.GetProperty("Input")
    if prop is None or not prop.IsA("vtkSMInputProperty"):
        return []
    proxies = (prop.GetProxy(i) for i in range(prop.GetNumberOfProxies()))
    return [servermanager._getPyProxy(p) for p in proxies if p is not None]


def sources_of(views: object) -> list[object]:
    """The pipeline sources that feed the representations of ``views``, upstream included
    (each once), so that fitting one scene leaves the rest of a GUI session alone."""
    found: dict[int, object] = {}
    stack = [rep.Input for view in views for rep in view.Representations if hasattr(rep, "Input")]
    while stack:
        source = stack.pop()
        source = getattr(source, "Proxy", source)  # the pipeline object of an OutputPort
        if source is None or source.GetGlobalID() in found:
            continue
        found[source.GetGlobalID()] = source
        stack.extend(_inputs(source))
    return list(found.values())


def _registered_name(source: object) -> str:
    return servermanager.ProxyManager().GetProxyName("sources", source.SMProxy) or ""


def landscape_kind(source: object) -> str:
    """``"surface"`` (2-D grid), ``"volume"`` (3-D grid), ``"ndgrid"`` (a .vtu grid of 4
    to 6 axes: FieldData ``GridShape``) or ``"points"`` (a graph, .vtu)."""
    info = source.GetDataInformation()
    if info.GetDataSetTypeAsString() != "vtkImageData":
        shape = source.FieldData.GetArray("GridShape")
        return "ndgrid" if shape is not None and shape.GetNumberOfTuples() > 3 else "points"
    extent = info.GetExtent()
    axes = sum(extent[2 * a + 1] > extent[2 * a] for a in range(3))
    return "volume" if axes == 3 else "surface"


def visible_bounds(view: object) -> list[float]:
    """The union of the bounds of the view's visible datasets (x and y)."""
    lo, hi = [np.inf, np.inf], [-np.inf, -np.inf]
    for rep in view.Representations:
        if not getattr(rep, "Visibility", 0) or not hasattr(rep, "Input"):
            continue
        rep.Input.UpdatePipeline()
        b = rep.Input.GetDataInformation().GetBounds()
        if b[0] <= b[1]:
            lo = [min(lo[0], b[0]), min(lo[1], b[2])]
            hi = [max(hi[0], b[1]), max(hi[1], b[3])]
    return [lo[0], hi[0], lo[1], hi[1]]


#: Arrays coloured by loss, and the titles of their legends.
LOSS_COLOURS = {"Loss": "Loss", "Scalar": "Loss", "MeanLoss": "Mean loss"}
#: Those of them coloured over the landscape's whole loss range.
LANDSCAPE_RANGE = ("Loss", "Scalar")


def fit_views(
    views: dict[str, object],
    landscape: object | None,
    label: str = "",
    width_share: float | None = None,
) -> None:
    """Fit titles, log scales, 2-D axes, colour ranges and cameras of ``views`` (by name, as
    the builders register them) to ``landscape``, the source they were built on. The 2-D
    views' data takes ``width_share`` of their width (None: :data:`WIDTH_SHARE`'s).

    The 2-D views are fitted before anything renders: their axes grids may still carry the
    bounds of the landscape a state was built on, which can make the first render crawl.
    """
    sources = sources_of(views.values())
    names = {id(s.SMProxy): _registered_name(s) for s in sources}
    for source in sources:
        name = names[id(source.SMProxy)]
        if name.endswith(" title") and label:
            # the label in lines a third of a 1600-pixel screen wide (it ran off both
            # sides), wider where the view's data is (WIDTH_SHARE)
            share = width_share or WIDTH_SHARE.get(name.removesuffix(" title"), WIDTH_SHARE[None])
            wrapped = textwrap.fill(label, round(LABEL_WIDTH * share / WIDTH_SHARE[None]))
            source.Text = f"{source.Text.splitlines()[0]}\n{wrapped}"
    if "hessian_density" in views and label:
        wrapped = textwrap.fill(label, LABEL_WIDTH)
        views["hessian_density"].ChartTitle = f"Hessian eigenvalue density\n{wrapped}"
    log = False
    if landscape is not None:
        landscape.UpdatePipeline()
        lo, hi = landscape.PointData["Loss"].GetRange()  # VTK's range skips NaN
        log = uses_log_scale(lo, hi)
        set_log_axes(views, log)
        set_critical_names(landscape_kind(landscape))
        fit_dimension_names(sources, names)
        for source in sources:
            if source.GetXMLName() == "Glyph":
                source.ScaleFactor = GLYPH_SIZE * width(landscape)
        if FILES["trajectory"] in names.values():
            fit_trajectory(width(landscape))
    for name, view in views.items():
        if name != "landscape" and hasattr(view, "CameraParallelScale"):
            share = width_share or WIDTH_SHARE.get(name, WIDTH_SHARE[None])
            fit_planar(view, visible_bounds(view), share)
    for view in views.values():
        pv.Render(view)
        for rep in view.Representations:
            colour = getattr(rep, "ColorArrayName", None)
            if colour and colour[1] not in ("", "CriticalType", "Dimension"):
                rep.RescaleTransferFunctionToDataRange(False, True)
    for array, title in LOSS_COLOURS.items():
        lut = pv.GetColorTransferFunction(array)
        set_log_colours(lut, log)
        if landscape is not None and array in LANDSCAPE_RANGE:
            # one range for every "Loss" legend: the iso-surfaces of a 3-D landscape and
            # its tree hold parts of it, and their legends disagreed
            lut.RescaleTransferFunction(lo, hi)
        for view in views.values():
            for bar in view.Representations:
                if bar.GetXMLName() == "ScalarBarWidgetRepresentation" and bar.LookupTable == lut:
                    bar.Title = f"{title} (log scale)" if log else title
                    label_decades(bar, log)
    for reader in sources:
        if names[id(reader.SMProxy)] == FILES["solution"]:
            arrays = ("u_pred", "u_exact")
            bound = max(abs(x) for a in arrays for x in reader.PointData[a].GetRange())
            for array in arrays:
                pv.GetColorTransferFunction(array).RescaleTransferFunction(-bound, bound)
    if "landscape" in views:
        aim_landscape_camera(views["landscape"])
    show_axes(views.values())


def set_log_colours(lut: object, log: bool) -> None:
    """Switch ``lut`` between linear and log colours, keeping its colours spread over its
    range: a switch alone keeps the control points where they were, and linear points on
    a log scale leave seven decades in the first colour."""
    if bool(lut.UseLogScale) != log:
        lut.UseLogScale = int(log)
        lut.SMProxy.MapControlPointsToLogSpace(not log)


def decade_labels(lo: float, hi: float, most: int = 5) -> list[float]:
    """Powers of ten inside [lo, hi], at most ``most`` of them, evenly spaced in
    exponent: the ticks of a log-scale legend."""
    first, last = int(np.ceil(np.log10(lo))), int(np.floor(np.log10(hi)))
    step = max(1, int(np.ceil((last - first + 1) / most)))
    return [10.0**k for k in range(first, last + 1, step)]


def label_decades(bar: object, log: bool) -> None:
    """Tick a log-scale legend at whole decades only (ParaView's own log ticks add 2 and 5
    times each decade, and seven decades piled them onto each other); a linear legend
    keeps ParaView's ticks."""
    lut = bar.LookupTable
    lo, hi = lut.RGBPoints[0], lut.RGBPoints[-4]
    bar.UseCustomLabels = int(log)
    if log:
        bar.CustomLabels = decade_labels(lo, hi)
    bar.LabelFormat = "%.0e" if log else "%-#.3g"


def show_axes(views: object) -> None:
    """Show the axes grids of ``views``, whose cameras and bounds are fitted.

    A grid drawn before that hangs the GUI: the GUI renders every view as soon as a
    layout takes it, and a grid whose camera still frames the state's landscape (or
    ParaView's default unit box) while its bounds span a raw loss of 10^7 puts billions
    of pixels on an axis, for which vtkAxis makes tick labels until memory runs out.
    """
    for view in views:
        if hasattr(view, "AxesGrid"):
            view.AxesGrid.Visibility = 1


def merge_tree_view(reader: object) -> object:
    """The join tree's planar layout: loss upwards, one vertical segment per branch, its
    nodes (minima, saddles, the root) marked by critical type."""
    view = _white_view("RenderView", "merge_tree")
    # the scene draws its own log axes (_loss_axes): the filter's drawing stays linear
    tree = getattr(pv, NEEDS["merge_tree"])(
        reader, registrationName="merge tree", LogScaleLoss="Off"
    )
    planar = _loss_axes(pv.OutputPort(tree, 3), "merge_tree", "planar tree")
    rep = pv.Show(planar, view)
    _scalar_bar(rep, view, "Scalar", "Loss", "Viridis (matplotlib)")
    rep.LineWidth = 2.5
    _critical_marks(pv.PassArrays(registrationName="tree nodes", Input=planar), view, "Tree nodes")
    _axes(view, *LOSS_AXES["merge_tree"][:2])
    view.AxesGrid.XAxisUseCustomLabels = 1
    view.AxesGrid.XAxisLabels = []
    _title(view, "Merge tree (join tree)", "merge tree title")
    _planar(view)
    return view


def persistence_diagram_view(reader: object) -> object:
    """Each pair as a bar from the diagonal to (birth, death), coloured by its homology
    dimension (H0, H1, ...); ends coloured by critical type."""
    view = _white_view("RenderView", "persistence_diagram")
    diagram = getattr(pv, NEEDS["persistence_diagram"])(
        reader, registrationName="persistence diagram", LogScaleLoss="Off"
    )
    diagram = _loss_axes(diagram, "persistence_diagram", "diagram")
    rep = pv.Show(diagram, view)
    _dimension_bars(rep, view)
    rep.LineWidth = 2.0
    ends = pv.PassArrays(registrationName="diagram points", Input=diagram)
    _critical_marks(ends, view, "Critical type")
    _axes(view, *LOSS_AXES["persistence_diagram"][:2])
    _title(view, "Persistence diagram", "persistence diagram title")
    _planar(view)
    return view


def profile_view(reader: object) -> object:
    """The topological landscape profile: basins nested by the merge tree."""
    view = _white_view("RenderView", "profile")
    profile = getattr(pv, NEEDS["profile"])(
        reader, registrationName="landscape profile", LogScaleLoss="Off"
    )
    rep = pv.Show(_loss_axes(pv.OutputPort(profile, 0), "profile", "basins"), view)
    _scalar_bar(rep, view, "MeanLoss", "Mean loss", "Viridis (matplotlib)", "CELLS")
    marks = _loss_axes(pv.OutputPort(profile, 1), "profile", "marks")
    _critical_marks(marks, view, "Critical points")
    _axes(view, *LOSS_AXES["profile"][:2])
    view.AxesGrid.XAxisUseCustomLabels = 1
    view.AxesGrid.XAxisLabels = []
    _title(view, "Topological landscape profile", "profile title")
    _planar(view)
    return view


def hessian_density_view(path: Path) -> object:
    """The SLQ eigenvalue density (the CSV at ``path``) on a log scale, as PyHessian plots
    it."""
    view = _white_view("XYChartView", "hessian_density")
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
        view = _white_view("RenderView", f"solution_{array.split('_')[1]}")
        rep = pv.Show(reader, view)
        rep.SetRepresentationType("Slice")
        _scalar_bar(rep, view, array, "u(x, t)", "Cool to Warm")
        _axes(view, "x", "t")
        _title(view, f"{label} u(x, t)", f"{array} title")
        _planar(view)
        fit_planar(view, reader.GetDataInformation().GetBounds())
        views.append(view)
    return views
