"""Topological Landscape Profile: the basins as nested polygons.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

from vtkmodules.vtkCommonDataModel import vtkDataSet

from lltk import topology
from lltk.paraview.vtkdata import FilterResult, polydata, scalar_input, tag_backend
from lltk.topology import geometry
from lltk.topology.profile import landscape_profile


def compute(dataset: vtkDataSet, array: str | None) -> FilterResult:
    """The topological landscape profile: basin quads and the marked critical points."""
    field = scalar_input(dataset, array)
    tree = topology.join_tree(field.values, field.domain)
    basins, marks = geometry.landscape_profile_polygons(
        landscape_profile(field.values, tree), field.values, tree
    )
    quads = polydata(basins.points, polys=basins.cells, cell_data=basins.cell_data)
    verts = polydata(marks.points, verts=marks.cells[:, 0], point_data=marks.point_data)
    for out in (quads, verts):
        tag_backend(out, "lltk")
    return FilterResult([quads, verts], "lltk")
