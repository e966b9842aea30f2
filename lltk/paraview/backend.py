"""Which engine a filter runs: TTK when its plugin is loaded, else lltk's numpy core.

TTK's ParaView plugin makes its VTK classes importable from the Python module
``topologytoolkit``. When the class a filter needs is there (and the user did not force
lltk), the filter drives it and converts its output into the arrays the lltk engine
gives, so the filter's outputs are the same either way; the filters record which one
ran in the field-data entry ``lltkBackend`` and the information property
``BackendUsed``.
"""

from __future__ import annotations

import importlib

import numpy as np
from vtkmodules.util import numpy_support

from lltk.paraview.vtkdata import InputError, cell_array, point_array

#: TTK's VTK class for each task.
TTK_CLASSES = {
    "merge_tree": "ttkFTMTree",
    "persistence_diagram": "ttkPersistenceDiagram",
    "critical_points": "ttkScalarFieldCriticalPoints",
    "simplification": "ttkTopologicalSimplificationByPersistence",
}
#: Values of the filters' ``Backend`` property.
AUTO, LLTK, TTK = 0, 1, 2
TTK_MODULE = "topologytoolkit"


def ttk_class(task: str):
    """TTK's VTK class for ``task``, or None when TTK's plugin is not loaded."""
    try:
        module = importlib.import_module(TTK_MODULE)
    except ImportError:
        return None
    return getattr(module, TTK_CLASSES[task], None)


def choose(task: str, mode: int) -> str:
    """``"ttk"`` or ``"lltk"`` for ``task`` under the Backend property value ``mode``."""
    if mode == LLTK:
        return "lltk"
    available = ttk_class(task) is not None
    if mode == TTK and not available:
        raise InputError(
            f"Backend is TTK but TTK's {TTK_CLASSES[task]} is not available: load TTK's "
            "plugin (Tools > Manage Plugins) or set Backend to Automatic or lltk"
        )
    return "ttk" if available else "lltk"


def _run(task: str, dataset, array: str, **settings):
    """Instantiate TTK's class for ``task`` on ``dataset``, apply setters, update."""
    alg = ttk_class(task)()
    alg.SetInputDataObject(0, dataset)
    alg.SetInputArrayToProcess(0, 0, 0, 0, array)
    for name, value in settings.items():
        getattr(alg, f"Set{name}")(value)
    alg.Update()
    return alg


def _required(values: np.ndarray | None, what: str) -> np.ndarray:
    if values is None:
        raise RuntimeError(f"TTK's output lacks the array {what!r}: unsupported TTK version")
    return values


def ttk_merge_tree(dataset, array: str, kind: str):
    """TTK's FTM join or split tree, as a :class:`lltk.topology.MergeTree`.

    TTK's nodes come in the order lltk uses (leaves, saddles, roots); its arcs are
    renumbered as lltk numbers them (arc ``a`` leaves node ``a`` upwards) so that the
    arc and segmentation ids are the same whichever backend ran.
    """
    from lltk.topology import MergeTree

    alg = _run("merge_tree", dataset, array, TreeType=0 if kind == "join" else 1)
    nodes, arcs, seg = alg.GetOutput(0), alg.GetOutput(1), alg.GetOutput(2)
    order = np.argsort(_required(point_array(nodes, "NodeId"), "NodeId"))

    def node(name: str) -> np.ndarray:
        return _required(point_array(nodes, name), name)[order]

    down = _required(cell_array(arcs, "downNodeId"), "downNodeId").astype(np.int64)
    arc_id = cell_array(arcs, "SegmentationId")  # the arc's id in the segmentation
    arc_id = np.arange(down.size) if arc_id is None else arc_id.astype(np.int64)
    up = _required(cell_array(arcs, "upNodeId"), "upNodeId").astype(np.int64)
    # renumber arcs as lltk does: arc a is the upward arc of node a (roots come last)
    ours = np.full(int(arc_id.max()) + 1 if arc_id.size else 0, -1, np.int64)
    ours[arc_id] = down
    arc_up = np.empty(down.size, np.int64)
    arc_up[down] = up
    n = order.size
    node_arc = np.arange(n, dtype=np.int64)
    for root in range(down.size, n):
        ending = np.flatnonzero(arc_up == root)
        node_arc[root] = ending[-1] if ending.size else -1
    segmentation = _required(point_array(seg, "SegmentationId"), "SegmentationId")
    return MergeTree(
        kind=kind,
        node_vertex=node("VertexId").astype(np.int64),
        node_scalar=node("Scalar").astype(np.float64),
        node_type=node("CriticalType").astype(np.int64),
        node_arc=node_arc,
        region_size=node("RegionSize").astype(np.int64),
        region_span=node("RegionSpan").astype(np.float64),
        arc_down=np.arange(down.size, dtype=np.int64),
        arc_up=arc_up,
        segmentation=ours[segmentation.astype(np.int64)],
    )


def ttk_persistence_diagram(dataset, array: str):
    """TTK's persistence diagram as a :class:`lltk.topology.PersistenceDiagram`.

    TTK's output has two points per pair (birth then death) joined by a line cell with
    ``PairIdentifier``, ``PairType`` and ``IsFinite`` (plus the diagonal, identifier
    -1); the global minimum-maximum pair (``IsFinite`` 0) gets PairType -1 as in lltk.
    """
    from lltk.topology import PersistenceDiagram

    out = _run("persistence_diagram", dataset, array).GetOutput()
    ident = _required(cell_array(out, "PairIdentifier"), "PairIdentifier")
    ptype = _required(cell_array(out, "PairType"), "PairType").astype(np.int64)
    finite = cell_array(out, "IsFinite")
    vertex = _required(point_array(out, "ttkVertexScalarField"), "ttkVertexScalarField")
    ctype = _required(point_array(out, "CriticalType"), "CriticalType")
    cells = out.GetCells()
    conn = numpy_support.vtk_to_numpy(cells.GetConnectivityArray()).reshape(-1, 2)
    xy = numpy_support.vtk_to_numpy(out.GetPoints().GetData())[:, :2]
    keep = ident >= 0
    if finite is not None:
        ptype = np.where(finite == 0, -1, ptype)
    b, d = conn[keep, 0], conn[keep, 1]
    birth, death = xy[b, 1], xy[d, 1]
    rows = np.lexsort((-death, vertex[b], birth))
    b, d, birth, death = b[rows], d[rows], birth[rows], death[rows]
    return PersistenceDiagram(
        birth_vertex=vertex[b].astype(np.int64),
        death_vertex=vertex[d].astype(np.int64),
        birth_type=ctype[b].astype(np.int64),
        death_type=ctype[d].astype(np.int64),
        birth=birth.astype(np.float64),
        death=death.astype(np.float64),
        persistence=(death - birth).astype(np.float64),
        pair_type=ptype[keep][rows],
    )


def ttk_critical_points(dataset, array: str) -> tuple[np.ndarray, np.ndarray]:
    """TTK's critical points as (vertex ids, CriticalType), by ascending vertex id."""
    out = _run("critical_points", dataset, array, VertexIds=True).GetOutput()
    ids = _required(point_array(out, "ttkVertexScalarField"), "ttkVertexScalarField")
    types = _required(point_array(out, "CriticalType"), "CriticalType")
    order = np.argsort(ids, kind="stable")
    return ids[order].astype(np.int64), types[order].astype(np.int64)


def ttk_simplify(dataset, array: str, threshold: float, absolute: bool) -> np.ndarray:
    """TTK's minimum-saddle simplification by persistence: the simplified values."""
    out = _run(
        "simplification",
        dataset,
        array,
        PersistenceThreshold=threshold,
        ThresholdIsAbsolute=absolute,
        PairType=0,
    ).GetOutput()
    return _required(point_array(out, array), array).astype(np.float64)
