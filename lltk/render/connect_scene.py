"""The ``landscape_connect`` state's views (runs in pvpython): the plane that ``lltk connect``
sampled through three networks, seen from above with the paths and the networks on it
(``connect``), and the loss along the paths as a line chart (``path_loss``).

The state reads the landscape's side files ``<stem>_paths.vtp`` (polylines at their
alphas; ``Path`` 0 linear, 1 Bézier) and ``<stem>_networks.vtp`` (A, B, C as
``Network`` 0, 1, 2), staged as ``landscape_paths.vtp`` and ``landscape_networks.vtp``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from paraview import simple as pv

from lltk.render import scene, style

#: Colours of the paths: linear dark grey, Bézier orange.
PATH_COLOURS = {0: ("linear path", [0.15, 0.15, 0.15]), 1: ("Bezier curve", [0.95, 0.45, 0.05])}
#: Colours of the networks A, B, C and the saddle joining A's and B's basins.
NETWORK_COLOURS = {
    0: ("A", [0.85, 0.1, 0.1]),
    1: ("B", [0.1, 0.35, 0.9]),
    2: ("C", [0.1, 0.6, 0.2]),
    3: ("saddle A-B", [1.0, 0.85, 0.1]),
}


def _categories(rep: object, view: object, array: str, names: dict, title: str) -> None:
    """Colour ``rep`` by the integer ``array`` with one named colour per value, and a legend."""
    pv.ColorBy(rep, ("POINTS", array))
    lut = pv.GetColorTransferFunction(array)
    lut.InterpretValuesAsCategories = 1
    lut.Annotations = [x for k, (name, _) in names.items() for x in (str(k), name)]
    lut.IndexedColors = [c for _, colour in names.values() for c in colour]
    rep.SetScalarBarVisibility(view, True)
    bar = pv.GetScalarBar(lut, view)
    bar.Title = title
    bar.TitleColor = bar.LabelColor = style.BLACK
    bar.TitleFontSize = 18
    bar.LabelFontSize = 16
    bar.WindowLocation = "Any Location"
    bar.Orientation = "Horizontal"
    bar.ScalarBarLength = 0.3
    bar.TextPosition = "Ticks left/bottom, annotations right/top"


def connect_views(reader: object, data_dir: Path) -> list[object]:
    """The plane from above (loss colours, contour lines) with the paths and the networks,
    and the loss along each path against t."""
    finite = scene.finite_loss(reader)
    view = style.white_view("RenderView", "connect")
    rep = pv.Show(finite, view)
    style.scalar_bar(rep, view, "Loss", "Loss", "Viridis (matplotlib)")
    frac = pv.PythonCalculator(registrationName="plane loss fraction", Input=[finite, finite])
    frac.Expression = scene.fraction_expression()
    frac.ArrayName = "LossFraction"
    scene.contour_lines(frac, view, "plane contour lines")
    paths = pv.XMLPolyDataReader(
        registrationName=scene.FILES["paths"], FileName=[str(data_dir / scene.FILES["paths"])]
    )
    raised = pv.Transform(registrationName="paths over plane", Input=paths)
    raised.Transform.Translate = [0.0, 0.0, 0.02]
    tube = pv.Tube(registrationName="path tubes", Input=raised)
    tube.Radius = 0.012
    _categories(pv.Show(tube, view), view, "Path", PATH_COLOURS, "path")
    pv.GetScalarBar(pv.GetColorTransferFunction("Path"), view).Position = [0.55, 0.835]
    networks = pv.XMLPolyDataReader(
        registrationName=scene.FILES["networks"],
        FileName=[str(data_dir / scene.FILES["networks"])],
    )
    above = pv.Transform(registrationName="networks over plane", Input=networks)
    above.Transform.Translate = [0.0, 0.0, 0.04]
    dots = pv.Show(style.sphere_glyphs(above, "network spheres", 0.07), view)
    _categories(dots, view, "Network", NETWORK_COLOURS, "network")
    pv.GetScalarBar(pv.GetColorTransferFunction("Network"), view).Position = [0.15, 0.835]
    style.style_axes(view, "plane direction 1 (A to B)", "plane direction 2")
    style.add_title(view, "Plane through three networks", "connect title")
    style.make_planar(view)
    bounds = finite.GetDataInformation().GetBounds()
    style.fit_planar(view, bounds, style.WIDTH_SHARE["connect"])
    return [view, path_loss_view(paths)]


def path_loss_view(paths: object) -> object:
    """The loss along each path against t, one line per path, as Garipov et al. plot it."""
    view = style.white_view("XYChartView", "path_loss")
    for value, (name, colour) in PATH_COLOURS.items():
        one = pv.Threshold(registrationName=name, Input=paths)
        one.Scalars = ["POINTS", "Path"]
        one.LowerThreshold = one.UpperThreshold = value
        one.ThresholdMethod = "Between"
        rep = pv.Show(pv.PlotData(registrationName=f"{name} plot", Input=one), view)
        rep.UseIndexForXAxis = 0
        rep.XArrayName = "T"
        rep.SeriesVisibility = ["Loss"]
        rep.SeriesLabel = ["Loss", name]
        rep.SeriesColor = ["Loss", *(str(c) for c in colour)]
        rep.SeriesLineThickness = ["Loss", "3"]
    view.ChartTitle = "Loss along the paths from A (t = 0) to B (t = 1)"
    view.ChartTitleFontSize = 20
    view.LeftAxisTitle = "Loss"
    view.BottomAxisTitle = "t"
    for axis in ("Left", "Bottom"):
        setattr(view, f"{axis}AxisTitleFontSize", 18)
        setattr(view, f"{axis}AxisLabelFontSize", 14)
    view.LegendLocation = "TopRight"
    return view


def write_example(folder: Path) -> Path:
    """A synthetic ``lltk connect`` output to build the state on: ``plane.vti`` (a double
    well in alphas) and its paths and networks."""
    from lltk import vtkxml

    folder.mkdir(parents=True, exist_ok=True)
    r = 41
    axis = np.linspace(-1.0, 1.0, r)
    x, y = np.meshgrid(axis, axis)  # x fastest when raveled
    loss = (x**2 - 0.36) ** 2 * 20 + 4 * (y + 0.5 - 0.8 * (0.36 - x**2)) ** 2 + 0.05
    plane = vtkxml.image_data(
        {"Loss": loss.ravel(), "Valid": np.ones(r * r, np.uint8)},
        (r, r),
        origin=(-1.0, -1.0),
        spacing=(2.0 / (r - 1),) * 2,
    )
    vtkxml.write(folder / "plane.vti", plane)
    t = np.linspace(0.0, 1.0, 21)
    a, b, c = np.array([-0.6, -0.5]), np.array([0.6, -0.5]), np.array([0.0, 0.2])
    line = a + t[:, None] * (b - a)
    curve = (1 - t[:, None]) ** 2 * a + 2 * (t * (1 - t))[:, None] * c + t[:, None] ** 2 * b
    coords = np.concatenate([line, curve])
    points = np.zeros((len(coords), 3))
    points[:, :2] = coords
    ix = np.rint((coords + 1) * (r - 1) / 2).astype(int)
    vtkxml.write(
        folder / "plane_paths.vtp",
        vtkxml.Dataset(
            kind="PolyData",
            point_data={
                "Loss": loss[ix[:, 1], ix[:, 0]],
                "T": np.concatenate([t, t]),
                "Path": np.repeat(np.arange(2, dtype=np.int64), len(t)),
            },
            points=points,
            connectivity=np.arange(len(coords), dtype=np.int64),
            offsets=np.array([len(t), 2 * len(t)], np.int64),
            cell_types=np.full(2, vtkxml.VTK_POLY_LINE, np.uint8),
        ),
    )
    nets = np.zeros((4, 3))
    nets[:, :2] = [a, b, c, [0.0, -0.3]]
    vtkxml.write(
        folder / "plane_networks.vtp",
        vtkxml.Dataset(
            kind="PolyData",
            point_data={"Network": np.arange(4, dtype=np.int64), "Loss": np.zeros(4)},
            points=nets,
            connectivity=np.arange(4, dtype=np.int64),
            offsets=np.arange(1, 5, dtype=np.int64),
            cell_types=np.full(4, vtkxml.VTK_VERTEX, np.uint8),
        ),
    )
    return folder / "plane.vti"
