"""Loss Merge Tree: the join or split tree as TTK's FTM outputs it, and its planar drawing.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonDataModel import VTK_LINE, VTK_VERTEX, vtkDataSet

from lltk.paraview import backend
from lltk.paraview.vtkdata import (
    FilterResult,
    add_arrays,
    log_loss_drawing,
    polydata,
    scalar_input,
    set_field_data,
    tag_backend,
    ttk_order,
    unstructured_grid_of,
)
from lltk.topology.tree import (
    branch_decomposition,
    join_tree,
    merge_tree_arcs,
    merge_tree_nodes,
    planar_merge_tree,
    split_tree,
    vertex_branches,
)


def compute(
    dataset: vtkDataSet, array: str | None, kind: str, mode: int, loss_scale: str = "automatic"
) -> FilterResult:
    """Nodes, arcs (unstructured grids), segmentation (the input + ``SegmentationId``,
    ``BranchId``) and the planar layout (poly data) of the join or split tree, its loss
    axis drawn as ``loss_scale`` says (:func:`lltk.topology.logscale.uses_log`; field
    data ``LossScale``)."""
    field = scalar_input(dataset, array)
    which = backend.choose("merge_tree", mode, field.vtu_grid)
    if which == "ttk":
        tree = backend.ttk_merge_tree(field.source, field.name, kind)
    else:
        build = join_tree if kind == "join" else split_tree
        tree = build(field.values, field.domain, ttk_order(dataset, field.name))
    nodes = unstructured_grid_of(merge_tree_nodes(tree, field.points), VTK_VERTEX)
    arcs = unstructured_grid_of(merge_tree_arcs(tree, field.points), VTK_LINE)
    seg = dataset.NewInstance()
    seg.ShallowCopy(dataset)
    branches = branch_decomposition(tree)
    add_arrays(
        seg.GetPointData(),
        {
            "SegmentationId": np.asarray(tree.segmentation, np.int64),
            "BranchId": vertex_branches(tree, branches),
        },
    )
    planar_geom, axis = log_loss_drawing(
        planar_merge_tree(tree, branches), field.values, loss_scale, (1,), 0
    )
    planar = polydata(
        planar_geom.points,
        lines=planar_geom.cells,
        point_data=planar_geom.point_data,
        cell_data=planar_geom.cell_data,
    )
    set_field_data(planar, {"LossScale": axis})
    outputs = [nodes, arcs, seg, planar]
    for out in outputs:
        tag_backend(out, which)
    return FilterResult(outputs, which)
