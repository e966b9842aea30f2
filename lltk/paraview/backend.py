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

from lltk.paraview.vtkdata import InputError, cell_array, point_array, point_coordinates
from lltk.topology.diagram import SADDLE_MAX
from lltk.topology.domain import sweep_order
from lltk.topology.tree import MAXIMUM, region_spans, ttk_node_order

#: TTK's VTK class for each task: its name in TTK 1.2.0, then in later versions.
TTK_CLASSES = {
    "merge_tree": ("ttkFTMTree", "ttkMergeTree"),
    "persistence_diagram": ("ttkPersistenceDiagram",),
    "critical_points": ("ttkScalarFieldCriticalPoints",),
    "simplification": ("ttkTopologicalSimplificationByPersistence",),
}
#: TTK's ParaView proxy (filter) for each task, by the same versions.
TTK_PROXIES = {
    "merge_tree": ("TTKMergeandContourTreeFTM", "TTKMergeTree"),
    "persistence_diagram": ("TTKPersistenceDiagram",),
    "critical_points": ("TTKScalarFieldCriticalPoints",),
    "simplification": ("TTKTopologicalSimplificationByPersistence",),
}
#: TTK's PairType for minimum-saddle pairs in TopologicalSimplificationByPersistence
#: (0 is extremum-saddle: maxima too).
MINIMUM_SADDLE = 1
#: Values of the filters' ``Backend`` property.
AUTO, LLTK, TTK = 0, 1, 2
TTK_MODULE = "topologytoolkit"


def ttk_class(task: str):
    """TTK's VTK class for ``task`` (by any of its names), or None when TTK's plugin is
    not loaded."""
    try:
        module = importlib.import_module(TTK_MODULE)
    except ImportError:
        return None
    for name in TTK_CLASSES[task]:
        if hasattr(module, name):
            return getattr(module, name)
    return None


def ttk_proxy(simple, task: str):
    """The constructor of TTK's ParaView filter for ``task`` in ``paraview.simple`` (by
    any of its names), or None when TTK's plugin is not loaded."""
    for name in TTK_PROXIES[task]:
        if hasattr(simple, name):
            return getattr(simple, name)
    return None


def choose(task: str, mode: int, vtu_grid: bool = False) -> str:
    """``"ttk"`` or ``"lltk"`` for ``task`` under the Backend property value ``mode``.
    A grid landscape in a .vtu (``vtu_grid``: GridShape, up to 6 axes) is lltk's alone:
    TTK triangulates image data of up to 3 axes, and would read the .vtu as a graph."""
    if mode == LLTK:
        return "lltk"
    if vtu_grid:
        if mode == TTK:
            raise InputError(
                "Backend is TTK but the input is an n-D grid landscape (a .vtu with "
                "GridShape), which TTK reads as a graph: set Backend to Automatic or lltk"
            )
        return "lltk"
    available = ttk_class(task) is not None
    if mode == TTK and not available:
        raise InputError(
            f"Backend is TTK but TTK's {TTK_CLASSES[task][0]} is not available: load TTK's "
            "plugin (Tools > Manage Plugins) or set Backend to Automatic or lltk"
        )
    return "ttk" if available else "lltk"


def run_ttk(task: str, dataset, array: str, **settings):
    """Instantiate TTK's class for ``task`` on ``dataset``, apply setters, update.

    TTK gets a shallow copy: it adds the order array it computes (``<array>_Order``) to
    its input, which must not reach the pipeline's data or the filters' outputs."""
    alg = ttk_class(task)()
    copy = dataset.NewInstance()
    copy.ShallowCopy(dataset)
    alg.SetInputDataObject(0, copy)
    alg.SetInputArrayToProcess(0, 0, 0, 0, array)
    for name, value in settings.items():
        getattr(alg, f"Set{name}")(value)
    alg.Update()
    return alg


def _required(values: np.ndarray | None, what: str) -> np.ndarray:
    if values is None:
        raise RuntimeError(f"TTK's output lacks the array {what!r}: unsupported TTK version")
    return values


def _rank(dataset, array: str) -> tuple[np.ndarray, np.ndarray]:
    """The input's values (in full) and each vertex's rank in TTK's vertex order: the
    input's ``<array>_Order`` where it has one, else (value, id)."""
    scalars = _required(point_array(dataset, array), array).astype(np.float64)
    given = point_array(dataset, f"{array}_Order")
    return scalars, sweep_order(scalars)[1] if given is None else given.astype(np.int64)


def ttk_merge_tree(dataset, array: str, kind: str):
    """TTK's FTM join or split tree, as a :class:`lltk.topology.MergeTree`.

    The nodes, arcs and regions are TTK's; they are numbered as lltk numbers them
    (leaves by vertex id, saddles in the order FTM creates them on one thread, roots
    last; arc ``a`` leaves node ``a`` upwards), since TTK's own NodeId follows its
    threads' schedule, so that node, arc and segmentation ids are the same whichever
    backend ran. Scalars are the input's values at the nodes (TTK's are floats).
    """
    from lltk.topology import MergeTree

    alg = run_ttk("merge_tree", dataset, array, TreeType=0 if kind == "join" else 1)
    nodes, arcs, seg = alg.GetOutput(0), alg.GetOutput(1), alg.GetOutput(2)
    ttk_id = _required(point_array(nodes, "NodeId"), "NodeId").astype(np.int64)

    def node(name: str) -> np.ndarray:  # by TTK's node id
        values = _required(point_array(nodes, name), name)
        out = np.empty_like(values)
        out[ttk_id] = values
        return out

    vertex = node("VertexId").astype(np.int64)
    n = vertex.size
    scalars, rank = _rank(dataset, array)
    if kind == "split":
        rank = rank.size - 1 - rank
    down = _required(cell_array(arcs, "downNodeId"), "downNodeId").astype(np.int64)
    up = _required(cell_array(arcs, "upNodeId"), "upNodeId").astype(np.int64)
    arc_id = cell_array(arcs, "SegmentationId")  # the arc's id in the segmentation
    arc_id = np.arange(down.size) if arc_id is None else arc_id.astype(np.int64)
    node_up = np.full(n, -1, np.int64)
    node_up[down] = up
    incoming = np.bincount(up, minlength=n)
    is_root = node_up < 0
    perm = ttk_node_order(vertex, rank, node_up, incoming, is_root)
    new_id = np.empty(n, np.int64)
    new_id[perm] = np.arange(n)
    n_arcs = n - int(is_root.sum())
    arc_up = new_id[node_up[perm[:n_arcs]]]
    # a TTK arc becomes the arc of its lower node; a root reports the last arc ending at it
    arc_of = np.full(int(arc_id.max()) + 1 if arc_id.size else 0, -1, np.int64)
    arc_of[arc_id] = new_id[down]
    node_arc = np.arange(n, dtype=np.int64)
    last = np.full(n, -1, np.int64)
    np.maximum.at(last, arc_up, np.arange(n_arcs))
    node_arc[n_arcs:] = last[n_arcs:]
    segmentation = _required(point_array(seg, "SegmentationId"), "SegmentationId")
    node_vertex = vertex[perm]
    arc_down = np.arange(n_arcs, dtype=np.int64)
    # TTK 1.2.0 truncates RegionSpan to an integer; the span is the arc ends' distance
    points = point_coordinates(dataset)
    return MergeTree(
        kind=kind,
        node_vertex=node_vertex,
        node_scalar=scalars[node_vertex],
        node_type=node("CriticalType")[perm].astype(np.int64),
        node_arc=node_arc,
        region_size=node("RegionSize")[perm].astype(np.int64),
        region_span=region_spans(points, node_vertex, node_arc, arc_down, arc_up),
        arc_down=arc_down,
        arc_up=arc_up,
        segmentation=arc_of[segmentation.astype(np.int64)],
    )


def ttk_persistence_diagram(dataset, array: str):
    """TTK's persistence diagram as a :class:`lltk.topology.PersistenceDiagram`.

    TTK's output has two points per pair (birth then death) joined by a line cell with
    ``PairIdentifier``, ``PairType`` and ``IsFinite`` (plus the diagonal, identifier
    -1); the global minimum-maximum pair (``IsFinite`` 0) gets PairType -1 as in lltk.
    """
    from lltk.topology import PersistenceDiagram

    out = run_ttk("persistence_diagram", dataset, array).GetOutput()
    ident = _required(cell_array(out, "PairIdentifier"), "PairIdentifier")
    ptype = _required(cell_array(out, "PairType"), "PairType").astype(np.int64)
    finite = cell_array(out, "IsFinite")
    vertex = _required(point_array(out, "ttkVertexScalarField"), "ttkVertexScalarField")
    ctype = _required(point_array(out, "CriticalType"), "CriticalType")
    cells = out.GetCells()
    conn = numpy_support.vtk_to_numpy(cells.GetConnectivityArray()).reshape(-1, 2)
    scalars, rank = _rank(dataset, array)
    keep = ident >= 0
    if finite is not None:
        ptype = np.where(finite == 0, -1, ptype)
    b, d = conn[keep, 0], conn[keep, 1]
    # TTK numbers pair types by dimension: a 2-D saddle-maximum pair is its type 1, lltk's
    # (any dimension) 2; a 3-D saddle-saddle pair never ends at a maximum
    ptype = ptype[keep]
    dimension = np.where(ptype < 0, 0, ptype)  # TTK's pair type is the pair's dimension
    ptype = np.where((ptype == 1) & (ctype[d] == MAXIMUM), SADDLE_MAX, ptype)
    # the values at TTK's vertices, in full (its diagram's coordinates may be floats)
    birth, death = scalars[vertex[b].astype(np.int64)], scalars[vertex[d].astype(np.int64)]
    # lltk's row order: by the birth's rank, then the death's, descending
    rows = np.lexsort((-rank[vertex[d].astype(np.int64)], rank[vertex[b].astype(np.int64)]))
    b, d, birth, death = b[rows], d[rows], birth[rows], death[rows]
    return PersistenceDiagram(
        birth_vertex=vertex[b].astype(np.int64),
        death_vertex=vertex[d].astype(np.int64),
        birth_type=ctype[b].astype(np.int64),
        death_type=ctype[d].astype(np.int64),
        birth=birth.astype(np.float64),
        death=death.astype(np.float64),
        persistence=(death - birth).astype(np.float64),
        pair_type=ptype[rows],
        dimension=dimension[rows],
    )


def ttk_critical_points(dataset, array: str) -> tuple[np.ndarray, np.ndarray]:
    """TTK's critical points as (vertex ids, CriticalType), by ascending vertex id."""
    out = run_ttk("critical_points", dataset, array, VertexIds=True).GetOutput()
    ids = _required(point_array(out, "ttkVertexScalarField"), "ttkVertexScalarField")
    types = _required(point_array(out, "CriticalType"), "CriticalType")
    order = np.argsort(ids, kind="stable")
    return ids[order].astype(np.int64), types[order].astype(np.int64)


def ttk_simplify(
    dataset, array: str, threshold: float, absolute: bool
) -> tuple[np.ndarray, np.ndarray]:
    """TTK's minimum-saddle simplification by persistence: the simplified values and
    their order array (``<array>_Order``)."""
    out = run_ttk(
        "simplification",
        dataset,
        array,
        PersistenceThreshold=threshold,
        ThresholdIsAbsolute=absolute,
        PairType=MINIMUM_SADDLE,
    ).GetOutput()
    values = _required(point_array(out, array), array).astype(np.float64)
    order = _required(point_array(out, f"{array}_Order"), f"{array}_Order")
    return values, order.astype(np.int64)
