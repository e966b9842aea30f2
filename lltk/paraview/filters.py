"""What each ParaView filter computes: VTK input -> numpy core (or TTK) -> VTK outputs.

The plugin proxies in ``plugins/`` only declare properties and call these functions.
Each returns the output data objects and the backend that ran (``"ttk"`` / ``"lltk"``).
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonDataModel import (
    VTK_LINE,
    VTK_VERTEX,
    vtkDataSet,
    vtkPolyData,
    vtkTable,
    vtkUnstructuredGrid,
)

from lltk import topology
from lltk.paraview import backend
from lltk.paraview.vtkdata import (
    InputError,
    add_arrays,
    field_data,
    point_array,
    polydata,
    scalar_input,
    set_field_data,
    table,
    unstructured_grid,
)
from lltk.topology import distance, geometry
from lltk.topology.metrics import landscape_metrics
from lltk.topology.profile import branch_decomposition, vertex_branches
from lltk.topology.profile import landscape_profile as topology_profile


def _backend_tag(obj, which: str) -> None:
    set_field_data(obj, {"lltkBackend": which})


def _check_threshold(threshold: float) -> None:
    if np.isnan(threshold):
        raise InputError("Persistence Threshold is NaN: set a number (0 keeps every pair)")


def _order(dataset: vtkDataSet, name: str) -> np.ndarray | None:
    """The input's vertex order where it carries TTK's ``<name>_Order`` (Loss Persistence
    Simplification writes one); TTK's filters use it in place of (value, id), so lltk's
    engine does too."""
    order = point_array(dataset, f"{name}_Order")
    if order is None or order.ndim != 1 or order.dtype.kind not in "iu":
        return None
    return order


def _ug(geom: geometry.Geometry, cell_type: int) -> vtkUnstructuredGrid:
    return unstructured_grid(geom.points, geom.cells, cell_type, geom.point_data, geom.cell_data)


def merge_tree(dataset: vtkDataSet, array: str | None, kind: str, mode: int) -> tuple[str, list]:
    """Nodes, arcs (unstructured grids), segmentation (the input + ``SegmentationId``,
    ``BranchId``) and the planar layout (poly data) of the join or split tree."""
    field = scalar_input(dataset, array)
    which = backend.choose("merge_tree", mode)
    if which == "ttk":
        tree = backend.ttk_merge_tree(field.source, field.name, kind)
    else:
        build = topology.join_tree if kind == "join" else topology.split_tree
        tree = build(field.values, field.domain, _order(dataset, field.name))
    nodes = _ug(geometry.merge_tree_nodes(tree, field.points), VTK_VERTEX)
    arcs = _ug(geometry.merge_tree_arcs(tree, field.points), VTK_LINE)
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
    planar_geom = geometry.planar_merge_tree(tree, branches)
    planar = polydata(
        planar_geom.points,
        lines=planar_geom.cells,
        point_data=planar_geom.point_data,
        cell_data=planar_geom.cell_data,
    )
    outputs = [nodes, arcs, seg, planar]
    for out in outputs:
        _backend_tag(out, which)
    return which, outputs


def diagram(
    dataset: vtkDataSet, array: str | None, pair_types: tuple[int, ...], threshold: float, mode: int
) -> tuple[str, vtkUnstructuredGrid]:
    """The persistence diagram in TTK's layout, restricted to ``pair_types`` (PairType
    codes) with persistence >= ``threshold``."""
    _check_threshold(threshold)
    field = scalar_input(dataset, array)
    which = backend.choose("persistence_diagram", mode)
    if which == "ttk":
        pd = backend.ttk_persistence_diagram(field.source, field.name)
    else:
        pd = topology.persistence_pairs(field.values, field.domain, _order(dataset, field.name))
    rows = geometry.select_pairs(pd, pair_types, threshold)
    out = _ug(geometry.persistence_diagram_geometry(pd, field.points, rows), VTK_LINE)
    _backend_tag(out, which)
    return which, out


def critical_points(dataset: vtkDataSet, array: str | None, mode: int) -> tuple[str, vtkPolyData]:
    """The critical points as vertices at their positions, with ``CriticalType``,
    ``ttkVertexScalarField`` (vertex id) and the scalar value under its own name; none at
    a NaN or infinite (diverged) sample, where only the plateau's tie-breaking puts them."""
    field = scalar_input(dataset, array)
    which = backend.choose("critical_points", mode)
    if which == "ttk":
        ids, types = backend.ttk_critical_points(field.source, field.name)
    else:
        ids, types = topology.critical_points(
            field.values, field.domain, _order(dataset, field.name)
        )
    ids = np.asarray(ids, np.int64)
    keep = ~field.invalid[ids]  # a diverged sample is no critical point of the landscape
    ids, types = ids[keep], np.asarray(types)[keep]
    out = polydata(
        field.points[ids],
        verts=np.arange(ids.size),
        point_data={
            "CriticalType": np.asarray(types, np.int64),
            "ttkVertexScalarField": ids,
            field.name: field.values[ids],
        },
    )
    _backend_tag(out, which)
    return which, out


def simplification(
    dataset: vtkDataSet, array: str | None, threshold: float, absolute: bool, mode: int
) -> tuple[str, vtkDataSet]:
    """The input with its scalar field simplified (minimum-saddle pairs of persistence
    up to the threshold removed, their basins flattened to their saddles) and TTK's
    order array ``<name>_Order`` (the simplified field's vertex order, which TTK's and
    lltk's filters downstream use); the original values are kept as ``<name>_Original``,
    and NaN or infinite (diverged) values stay as they were."""
    _check_threshold(threshold)
    field = scalar_input(dataset, array)
    if field.invalid.any() and not absolute:  # relative to the finite losses' range
        finite = field.original[~field.invalid]
        threshold, absolute = threshold * float(finite.max() - finite.min()), True
    which = backend.choose("simplification", mode)
    if which == "ttk":
        values, order = backend.ttk_simplify(field.source, field.name, threshold, absolute)
    else:
        values, order = topology.simplify_with_order(
            field.values, field.domain, threshold, absolute, _order(dataset, field.name)
        )
    out = dataset.NewInstance()
    out.ShallowCopy(dataset)
    pd = out.GetPointData()
    pd.RemoveArray(field.name)
    values = np.where(field.invalid, field.original, np.asarray(values, np.float64))
    add_arrays(
        pd,
        {
            field.name: values,
            # TTK 1.2.0's identifier type (32-bit ids), which its filters require
            f"{field.name}_Order": np.asarray(order, np.int32),
            f"{field.name}_Original": field.original,
        },
    )
    pd.SetActiveScalars(field.name)
    _backend_tag(out, which)
    return which, out


def landscape_profile(dataset: vtkDataSet, array: str | None) -> tuple[vtkPolyData, vtkPolyData]:
    """The topological landscape profile: basin quads and the marked critical points."""
    field = scalar_input(dataset, array)
    tree = topology.join_tree(field.values, field.domain)
    basins, marks = geometry.landscape_profile_polygons(
        topology_profile(field.values, tree), field.values, tree
    )
    quads = polydata(basins.points, polys=basins.cells, cell_data=basins.cell_data)
    verts = polydata(marks.points, verts=marks.cells[:, 0], point_data=marks.point_data)
    for out in (quads, verts):
        _backend_tag(out, "lltk")
    return quads, verts


def metrics(dataset: vtkDataSet, array: str | None) -> vtkTable:
    """One row: the study's topological numbers (diverged samples counted as +inf, as
    the engine does), then every number and string the sampler stored in FieldData
    (arrays of several values as ``Name_0``, ``Name_1``...)."""
    field = scalar_input(dataset, array)
    # As the engine and `lltk topology` count them: diverged samples at +inf.
    values = np.where(field.invalid, np.inf, field.values)
    numbers = landscape_metrics(topology.persistence_pairs(values, field.domain))
    finite = field.original[~field.invalid]
    columns: dict[str, np.ndarray | list[str]] = {
        "ScalarField": [field.name],
        "Vertices": np.array([field.values.size], np.int64),
        "InvalidVertices": np.array([np.count_nonzero(field.invalid)], np.int64),
        "MinLoss": np.array([finite.min()]),
        "MaxLoss": np.array([finite.max()]),
    }
    columns.update({k: np.array([v]) for k, v in numbers.items()})
    for name, value in field_data(dataset).items():
        if isinstance(value, str):
            columns[name] = [value]
        elif value.size == 1:
            columns[name] = value
        else:
            columns.update({f"{name}_{i}": value[i : i + 1] for i in range(value.size)})
    out = table(columns)
    _backend_tag(out, "lltk")
    return out


def landscape_distances(
    datasets: list, array: str | None, pair_set: str, metric: str, normalize: bool
) -> vtkTable:
    """The distance matrix between the inputs' persistence diagrams as a table: a
    ``Landscape`` column (``input 0``, ``input 1``... in connection order), one column
    per input, and the 2-D classical MDS coordinates ``MDS1``, ``MDS2``; the pair set,
    metric and loss scaling in the field data (``Pairs``, ``Metric``, ``Losses``)."""
    if len(datasets) < 2:
        raise InputError("connect at least two landscapes (select them all, then apply)")
    points, first = [], None
    for i, dataset in enumerate(datasets):
        try:
            field = scalar_input(dataset, array)
        except InputError as exc:
            raise InputError(f"input {i}: {exc}") from None
        kind = (field.name, distance.domain_kind(field.domain))
        if first is None:
            first = kind
        elif kind != first:
            raise InputError(
                f"input {i} is a {kind[1]} with array {kind[0]!r}, input 0 a {first[1]} with "
                f"{first[0]!r}: compare landscapes of one dimension and one array"
            )
        diagram, span = distance.landscape_diagram(field.original, field.domain, normalize)
        points.append(distance.diagram_points(diagram, distance.PAIR_SETS[pair_set], span))
    matrix = distance.distance_matrix(points, distance.METRICS[metric])
    labels = [f"input {i}" for i in range(len(datasets))]
    xy = distance.classical_mds(matrix)
    columns: dict[str, np.ndarray | list[str]] = {"Landscape": labels}
    columns.update({label: matrix[:, j] for j, label in enumerate(labels)})
    columns.update(MDS1=xy[:, 0], MDS2=xy[:, 1])
    out = table(columns)
    set_field_data(
        out,
        {
            "Pairs": pair_set,
            "Metric": metric,
            "Losses": "normalized" if normalize else "raw",
            "lltkBackend": "lltk",
        },
    )
    return out
