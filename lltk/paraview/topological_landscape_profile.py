"""Topological Landscape Profile: the basins as nested polygons.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

from vtkmodules.vtkCommonDataModel import vtkDataSet

from lltk.paraview.vtkdata import (
    FilterResult,
    log_loss_drawing,
    polydata,
    scalar_input,
    set_field_data,
    tag_backend,
)
from lltk.topology.profile import landscape_profile, landscape_profile_polygons
from lltk.topology.tree import join_tree


def compute(dataset: vtkDataSet, array: str | None, loss_scale: str = "automatic") -> FilterResult:
    """The topological landscape profile: basin quads and the marked critical points,
    the loss axis drawn as ``loss_scale`` says (:func:`lltk.topology.logscale.uses_log`;
    field data ``LossScale``)."""
    field = scalar_input(dataset, array)
    tree = join_tree(field.values, field.domain)
    basins, marks = landscape_profile_polygons(
        landscape_profile(field.values, tree), field.values, tree
    )
    basins, axis = log_loss_drawing(basins, field.values, loss_scale, (1,), 0)
    marks, _ = log_loss_drawing(marks, field.values, loss_scale, (1,), 0)
    quads = polydata(basins.points, polys=basins.cells, cell_data=basins.cell_data)
    verts = polydata(marks.points, verts=marks.cells[:, 0], point_data=marks.point_data)
    for out in (quads, verts):
        tag_backend(out, "lltk")
        set_field_data(out, {"LossScale": axis})
    return FilterResult([quads, verts], "lltk")
