"""The look of lltk's ParaView views (runs in pvpython, never in the venv): white views,
titles, legends, axes grids, the 2-D views' and the landscape's cameras, log-scale
colours and their decade ticks, the critical types' and homology dimensions' named
colours.

The views themselves are :mod:`lltk.render.scene`'s and :mod:`lltk.render.plots`';
fitting them to a landscape is :mod:`lltk.render.fitting`'s.
"""

from __future__ import annotations

import numpy as np
from paraview import simple as pv

from lltk.paraview.colours import critical_legend, dimension_legend
from lltk.paraview.plotcameras import keep_framed, study_frame

BLACK = [0.0, 0.0, 0.0]


WHITE = [1.0, 1.0, 1.0]


#: Diameter of the critical-point glyphs as a fraction of the domain's width.
GLYPH_SIZE = 0.03


#: Loss ranges wider than this ratio (max / min, min > 0) are drawn on a log scale.
LOG_RATIO = 10.0


#: Characters per line of the landscape's label under a view's title.
LABEL_WIDTH = 34


#: Width over height of the data in the 2-D views (merge tree, diagram, profile, u(x, t)).
PANEL_ASPECT = 1.3


def white_view(kind: str, name: str) -> object:
    view = pv.CreateView(kind, registrationName=name)
    view.ViewSize = [900, 700]
    if hasattr(view, "UseColorPaletteForBackground"):
        view.UseColorPaletteForBackground = 0
    if hasattr(view, "OrientationAxesVisibility"):
        view.OrientationAxesVisibility = 0
    if hasattr(view, "Background"):
        view.Background = WHITE
    return view


def add_title(view: object, text: str, name: str) -> None:
    source = pv.Text(registrationName=name)
    source.Text = text
    rep = pv.Show(source, view)
    rep.WindowLocation = "Upper Center"
    rep.FontSize = 22
    rep.Color = BLACK


def scalar_bar(
    rep: object, view: object, array: str, title: str, preset: str, where: str = "POINTS"
) -> object:
    """Colour ``rep`` by ``array`` with ``preset`` and a legend titled ``title``; returns
    its colour map. Each representation gets a colour map of its own: the session's map
    for ``array`` (``Loss`` of the user's own view in the GUI) stays as the user left it
    (the macro turned it log-scale Viridis)."""
    pv.ColorBy(rep, (where, array), separate=True)
    lut = pv.GetColorTransferFunction(array, rep, separate=True)
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


def style_axes(view: object, x: str, y: str, z: str = "") -> None:
    """Titles and colours of the view's axes grid, left hidden: :func:`show_axes` shows it
    once :func:`lltk.render.fitting.fit_views` has fitted the camera and the bounds."""
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


def make_planar(view: object) -> None:
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
    scaled = (bounds[0], bounds[1], bounds[2] * sy, bounds[3] * sy)
    (cx, cy), half = study_frame(scaled, tuple(view.ViewSize), width_share)
    view.CameraFocalPoint = [cx, cy, 0.0]
    view.CameraPosition = [cx, cy, 10.0 * half]
    view.CameraViewUp = [0.0, 1.0, 0.0]
    view.CameraParallelScale = half
    keep_framed(view.SMProxy, scaled, width_share)


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


def uses_log_scale(lo: float, hi: float) -> bool:
    """Whether a loss range is drawn on a log scale: positive and wider than a decade."""
    return lo > 0 and hi > LOG_RATIO * lo


def set_log_colours(lut: object, log: bool) -> None:
    """Switch ``lut`` between linear and log colours, keeping its colours spread over its
    range: a switch alone keeps the control points where they were, and linear points on
    a log scale leave seven decades in the first colour."""
    if bool(lut.UseLogScale) != log:
        lut.UseLogScale = int(log)
        lut.SMProxy.MapControlPointsToLogSpace(not log)


def rescale_by_itself(lut: object, on: bool) -> None:
    """Let ParaView rescale ``lut`` to the data by itself, whenever a representation that
    uses it is shown, or never. A committed ``.pvsm`` has it on, should nothing fit it as it
    loads (:mod:`lltk.render.loading`): its colours kept the range of the landscape the
    state was built on (a wider landscape all yellow). A scene whose ranges lltk fitted
    (:func:`lltk.render.fitting.fit_views`) keeps them: off."""
    lut.AutomaticRescaleRangeMode = "Clamp and update every timestep" if on else "Never"
    lut.RescaleOnVisibilityChange = int(on)


def decade_labels(lo: float, hi: float, most: int = 5) -> list[float]:
    """Powers of ten inside [lo, hi], at most ``most`` of them, evenly spaced in
    exponent: the ticks of a log-scale legend."""
    first, last = int(np.ceil(np.log10(lo))), int(np.floor(np.log10(hi)))
    step = max(1, int(np.ceil((last - first + 1) / most)))
    return [10.0**k for k in range(first, last + 1, step)]


def label_decades(bar: object, log: bool) -> None:
    """Tick a log-scale legend at whole decades only (ParaView's own log ticks add 2 and 5
    times each decade, and seven decades piled them onto each other); a linear legend
    keeps ParaView's ticks. The decades are written alike (1e+04, 1e+06: ParaView's
    automatic format wrote "1e+6" beside "10000"), the range's ends in three digits
    ("104", not "104.")."""
    lut = bar.LookupTable
    lo, hi = lut.RGBPoints[0], lut.RGBPoints[-4]
    bar.UseCustomLabels = int(log)
    if log:
        bar.CustomLabels = decade_labels(lo, hi)
    bar.AutomaticLabelFormat = int(not log)
    bar.LabelFormat = "%.0e" if log else "%-#.3g"
    bar.RangeLabelFormat = "%.3g" if log else "%-#.3g"


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


def category_legend(rep: object, view: object, array: str, title: str, bottom: float) -> None:
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


#: Where the critical-type legend starts, as a fraction of the view's height: it ends at
#: the top right, under the view's title.
CRITICAL_LEGEND_BOTTOM = 0.52


def critical_type_legend(rep: object, view: object, title: str) -> None:
    """Colour ``rep`` by ``CriticalType`` with TTK's categories and a legend."""
    pv.ColorBy(rep, ("POINTS", "CriticalType"))
    set_critical_names("volume")
    category_legend(rep, view, "CriticalType", title, CRITICAL_LEGEND_BOTTOM)


def critical_marks(source: object, view: object, title: str) -> object:
    """Show ``source``'s points as spheres coloured by ``CriticalType``, with a legend."""
    rep = pv.Show(source, view)
    rep.SetRepresentationType("Points")
    rep.PointSize = 9.0
    rep.RenderPointsAsSpheres = 1
    critical_type_legend(rep, view, title)
    return rep


def sphere_glyphs(source: object, name: str, size: float) -> object:
    glyphs = pv.Glyph(registrationName=name, Input=source, GlyphType="Sphere")
    glyphs.ScaleArray = ["POINTS", "No scale array"]
    glyphs.GlyphMode = "All Points"
    glyphs.ScaleFactor = size
    return glyphs
