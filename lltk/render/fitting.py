"""Fitting lltk's views to a landscape (runs in pvpython, never in the venv): the
pipeline sources behind a set of views, the titles' labels, log or linear loss axes and
colours, colour ranges, cameras, and the axes grids shown last
(:func:`fit_views`)."""

from __future__ import annotations

import textwrap

import numpy as np
from paraview import servermanager
from paraview import simple as pv

from lltk.render.plots import LOSS_AXES, axes_function
from lltk.render.scene import FILES, fit_trajectory, width
from lltk.render.style import (
    CRITICAL_LEGEND_BOTTOM,
    GLYPH_SIZE,
    LABEL_WIDTH,
    WIDTH_SHARE,
    aim_landscape_camera,
    fit_planar,
    label_decades,
    rescale_by_itself,
    set_critical_names,
    set_dimension_names,
    set_log_colours,
    show_axes,
    uses_log_scale,
)


def upstream(source: object) -> list[object]:
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
        stack.extend(upstream(source))
    return list(found.values())


def registered_name(source: object) -> str:
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


def fit_dimension_names(sources: list[object], names: dict[int, str]) -> None:
    """Name as many dimensions in the diagram's legend as its pairs hold (a 4-D grid's
    H0 to H3, a graph's H0)."""
    for source in sources:
        if names[id(source.SMProxy)] == "persistence diagram":
            dims = source.CellData["Dimension"]
            set_dimension_names(max(0, int(dims.GetRange()[1])) if dims is not None else 0)


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


def set_log_axes(views: dict[str, object], log: bool) -> None:
    """Switch the loss axes of the 2-D views between loss and log10 loss."""
    for calc in sources_of(views.values()):
        name = calc.ResultArrayName if hasattr(calc, "CoordinateResults") else ""
        view_name = name.removesuffix(" coordinates")
        if view_name not in LOSS_AXES:
            continue
        x_title, y_title, axes = LOSS_AXES[view_name]
        calc.Function = axes_function(axes if log else "")
        view = views.get(view_name)
        if view is not None:
            view.AxesGrid.XTitle = f"log10 {x_title}" if log and "x" in axes else x_title
            view.AxesGrid.YTitle = f"log10 {y_title}" if log and "y" in axes else y_title


#: Arrays coloured by loss, and the titles of their legends.
LOSS_COLOURS = {"Loss": "Loss", "Scalar": "Loss", "MeanLoss": "Mean loss"}


#: Those of them coloured over the landscape's whole loss range.
LANDSCAPE_RANGE = ("Loss", "Scalar")


def colour_maps(views: object, arrays: object) -> list[tuple[object, str]]:
    """The colour maps of the representations in ``views`` coloured by one of ``arrays``,
    each once, with that array (every representation has a map of its own:
    :func:`lltk.render.style.scalar_bar`)."""
    found: dict[int, tuple[object, str]] = {}
    for view in views:
        for rep in view.Representations:
            colour = getattr(rep, "ColorArrayName", None)
            lut = getattr(rep, "LookupTable", None)
            if colour and colour[1] in arrays and lut is not None:
                found.setdefault(lut.GetGlobalID(), (lut, colour[1]))
    return list(found.values())


def untitle_top_legends(views: object) -> None:
    """Drop the titles of the categorical legends at the top right of ``views`` (the
    critical types'): in the views that share a GUI tab, a title of three lines ran into
    them ("Critical points" over "..., seed 123456"); their names say what they are."""
    for view in views:
        for bar in view.Representations:
            if (
                bar.GetXMLName() == "ScalarBarWidgetRepresentation"
                and bar.LookupTable.InterpretValuesAsCategories
                and bar.Position[1] >= CRITICAL_LEGEND_BOTTOM
            ):
                bar.Title = ""


def fit_views(
    views: dict[str, object],
    landscape: object | None,
    label: str = "",
    width_share: float | None = None,
    shared_screen: bool = False,
) -> None:
    """Fit titles, log scales, 2-D axes, colour ranges and cameras of ``views`` (by name, as
    the builders register them) to ``landscape``, the source they were built on. The 2-D
    views' data takes ``width_share`` of their width (None: :data:`WIDTH_SHARE`'s).
    ``shared_screen``: the views share one GUI tab, a few hundred pixels high each, where a
    label wrapped over two lines leaves no room for the legends' titles
    (:func:`untitle_top_legends`).

    The 2-D views are fitted before anything renders: their axes grids may still carry the
    bounds of the landscape a state was built on, which can make the first render crawl.
    """
    sources = sources_of(views.values())
    names = {id(s.SMProxy): registered_name(s) for s in sources}
    long_title = False
    for source in sources:
        name = names[id(source.SMProxy)]
        if name.endswith(" title") and label:
            # the label in lines a third of a 1600-pixel screen wide (it ran off both
            # sides), wider where the view's data is (WIDTH_SHARE)
            share = width_share or WIDTH_SHARE.get(name.removesuffix(" title"), WIDTH_SHARE[None])
            wrapped = textwrap.fill(label, round(LABEL_WIDTH * share / WIDTH_SHARE[None]))
            source.Text = f"{source.Text.splitlines()[0]}\n{wrapped}"
            long_title = long_title or "\n" in wrapped
    if shared_screen and long_title:
        untitle_top_legends(views.values())
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
    for lut, array in colour_maps(views.values(), LOSS_COLOURS):
        set_log_colours(lut, log)
        if landscape is not None and array in LANDSCAPE_RANGE:
            # one range for every "Loss" legend: the iso-surfaces of a 3-D landscape and
            # its tree hold parts of it, and their legends disagreed
            lut.RescaleTransferFunction(lo, hi)
        for view in views.values():
            for bar in view.Representations:
                if bar.GetXMLName() == "ScalarBarWidgetRepresentation" and bar.LookupTable == lut:
                    title = LOSS_COLOURS[array]
                    bar.Title = f"{title} (log scale)" if log else title
                    label_decades(bar, log)
    for reader in sources:
        if names[id(reader.SMProxy)] == FILES["solution"]:
            arrays = ("u_pred", "u_exact")
            bound = max(abs(x) for a in arrays for x in reader.PointData[a].GetRange())
            for lut, _ in colour_maps(views.values(), arrays):
                lut.RescaleTransferFunction(-bound, bound)
    for view in views.values():
        for rep in view.Representations:
            lut = getattr(rep, "LookupTable", None)
            if lut is not None and not lut.InterpretValuesAsCategories:
                rescale_by_itself(lut, False)
    if "landscape" in views:
        aim_landscape_camera(views["landscape"])
    show_axes(views.values())
