"""Join and split trees (TTK's MergeandContourTreeFTM output) by a union-find sweep."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from lltk.topology._sweep import ftm_saddle_order, join_sweep
from lltk.topology.domain import Domain, sweep_order

#: TTK's CriticalType codes.
MINIMUM, SADDLE1, SADDLE2, MAXIMUM, DEGENERATE, REGULAR = 0, 1, 2, 3, 4, 5


@dataclass(frozen=True)
class MergeTree:
    """A join (or split) tree in TTK's node order and conventions.

    Nodes are listed as TTK's CSV lists them: leaves (minima of a join tree, maxima of
    a split tree) by ascending vertex id, then saddles in the order TTK's FTM creates
    them on one thread (see :func:`lltk.topology._sweep.ftm_saddle_order`; checked on
    all 53 reference trees), then the root(s) (``CriticalType`` 3 for a join tree's
    global maximum, 0 for a split tree's global minimum). Saddles are type 1 (join) or
    2 (split), 4 where three or more components merge.

    A disconnected graph gives a forest: one root per component (its last vertex in
    sweep order; an isolated vertex is only a root). Where the last vertex is itself a
    saddle (a 1-D grid whose maximum is interior), that node is the root.

    Arc ``a`` goes from ``arc_down[a]`` (a non-root node, ``a``) to
    ``arc_up[a]``; ``node_arc`` is the arc each node reports (its upward arc; a root
    reports the arc that ends at it), and ``region_size`` / ``region_span`` are that
    arc's number of regular vertices and the distance between its end nodes (a float; TTK's
    node output truncates it to an integer, :mod:`lltk.topology.csvio` writes it so).
    ``segmentation`` gives each vertex its arc id.
    """

    kind: str
    node_vertex: np.ndarray
    node_scalar: np.ndarray
    node_type: np.ndarray
    node_arc: np.ndarray
    region_size: np.ndarray
    region_span: np.ndarray
    arc_down: np.ndarray
    arc_up: np.ndarray
    segmentation: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of tree nodes."""
        return int(self.node_vertex.size)


def plateau_height(finite: np.ndarray) -> float:
    """A finite stand-in for +inf: the highest finite value plus the values' range (plus
    max(|value|, 1) when they are all equal), at most float64's largest number; strictly
    above every finite value unless that value is float64's largest number itself."""
    lo, hi = float(finite.min()), float(finite.max())
    with np.errstate(over="ignore"):
        high = hi + (hi - lo if hi > lo else max(abs(hi), 1.0))
    biggest = float(np.finfo(np.float64).max)
    return min(max(high, float(np.nextafter(hi, np.inf))), biggest)


def check_values(values: np.ndarray, domain: Domain) -> np.ndarray:
    """The values as float64, NaN and -inf replaced by +inf with a warning; shape checked.

    NaN or -inf (a failed loss evaluation; the sampler marks every non-finite loss
    ``Valid`` = 0) is treated as +inf: such vertices come last in the order, after every
    finite value, ties broken by vertex id like any other value. The ParaView filters
    follow the same rule.
    """
    v = np.asarray(values)
    if v.ndim != 1:
        v = v.reshape(-1) if v.size == domain.n_vertices else v
    if v.ndim != 1 or v.size != domain.n_vertices:
        raise ValueError(
            f"expected one scalar per vertex ({domain.n_vertices}), got shape {np.shape(values)}"
        )
    if v.size == 0:
        raise ValueError("the input has no vertices")
    if not np.issubdtype(v.dtype, np.number) or np.issubdtype(v.dtype, np.complexfloating):
        raise ValueError(f"the scalar field must be real numbers, got dtype {v.dtype}")
    v = v.astype(np.float64)
    nan, neg = np.isnan(v), np.isneginf(v)
    if nan.any() or neg.any():
        which = " and ".join(
            f"{int(m.sum())} {name}" for m, name in ((nan, "NaN"), (neg, "-inf")) if m.any()
        )
        warnings.warn(
            f"{which} value(s) treated as +inf (diverged samples: ordered last, by vertex id)",
            RuntimeWarning,
            stacklevel=3,
        )
        v = np.where(nan | neg, np.inf, v)
    return v


def given_order(order: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(vertices by rank, rank) from a TTK ``<name>_Order`` array (each vertex's rank)."""
    rank = np.asarray(order).astype(np.int64).ravel()
    if rank.size != n or not np.array_equal(np.sort(rank), np.arange(n)):
        raise ValueError(f"an order array must rank the {n} vertices 0..{n - 1} once each")
    by_rank = np.empty(n, np.int64)
    by_rank[rank] = np.arange(n)
    return by_rank, rank


def sweep(
    values: np.ndarray, domain: Domain, kind: str = "join", order: np.ndarray | None = None
) -> tuple:
    """Checked values, sweep rank (ascending for ``join``, descending for ``split``) and
    the raw union-find sweep result (see :func:`lltk.topology._sweep.join_sweep`). The
    vertex order is (value, id) unless ``order`` (TTK's ``<name>_Order``) gives it."""
    v = check_values(values, domain)
    order, rank = sweep_order(v) if order is None else given_order(order, v.size)
    if kind == "split":
        order = order[::-1].copy()
        rank = order.size - 1 - rank
    return v, rank, join_sweep(order, rank, domain.indptr, domain.indices)


def tree_from_sweep(v: np.ndarray, rank: np.ndarray, res: tuple, domain: Domain, kind: str):
    """The :class:`MergeTree` of a sweep result (``kind``: ``join`` or ``split``)."""
    node_vertex, node_kind, node_up, seg, _, _, _, comp_top, comp_open = res
    n_sweep = node_vertex.size
    # roots: the last vertex of each component; a regular one becomes a new node
    up = node_up.copy()
    root_nodes = []
    extra_v = []
    node_of_vertex = np.full(v.size, -1, np.int64)
    node_of_vertex[node_vertex] = np.arange(n_sweep)
    for top, open_node in zip(comp_top, comp_open, strict=True):
        if node_of_vertex[top] >= 0:
            root_nodes.append(int(node_of_vertex[top]))
        else:
            new = n_sweep + len(extra_v)
            extra_v.append(int(top))
            root_nodes.append(new)
            up[open_node] = new
            seg[top] = open_node
    all_vertex = np.concatenate([node_vertex, np.asarray(extra_v, np.int64)])
    all_up = np.concatenate([up, np.full(len(extra_v), -1, np.int64)])
    is_root = np.zeros(all_vertex.size, bool)
    is_root[root_nodes] = True
    leaf_type, root_type, saddle_type = (
        (MINIMUM, MAXIMUM, SADDLE1) if kind == "join" else (MAXIMUM, MINIMUM, SADDLE2)
    )
    kinds = np.concatenate([node_kind, np.full(len(extra_v), 1, np.int64)])
    ntype = np.where(kinds == 0, leaf_type, np.where(kinds == 2, saddle_type, DEGENERATE))
    ntype[is_root] = root_type
    perm = ttk_node_order(all_vertex, rank, all_up, kinds, is_root)
    new_id = np.empty(perm.size, np.int64)
    new_id[perm] = np.arange(perm.size)
    node_vertex_o = all_vertex[perm]
    n_arcs = perm.size - int(is_root.sum())
    roots = perm[n_arcs:]
    arc_down = np.arange(n_arcs, dtype=np.int64)
    arc_up = new_id[all_up[perm[:n_arcs]]] if n_arcs else np.zeros(0, np.int64)
    # segmentation: per vertex the arc (= new id of the node whose upward arc holds it);
    # a root vertex belongs to the arc that ends at it
    segmentation = new_id[seg]
    last_arc = np.full(perm.size, -1, np.int64)
    if n_arcs:
        np.maximum.at(last_arc, arc_up, arc_down)
    root_ids = new_id[roots]
    segmentation[all_vertex[roots]] = np.where(last_arc[root_ids] >= 0, last_arc[root_ids], 0)
    is_node = np.zeros(v.size, bool)
    is_node[node_vertex_o] = True
    region = np.bincount(segmentation[~is_node], minlength=max(n_arcs, 1))[: max(n_arcs, 0)]
    node_arc = np.arange(perm.size, dtype=np.int64)
    node_arc[n_arcs:] = last_arc[n_arcs:]
    has_arc = node_arc >= 0
    region_size = np.where(has_arc, region[np.maximum(node_arc, 0)] if n_arcs else 0, 0)
    region_span = region_spans(domain.points, node_vertex_o, node_arc, arc_down, arc_up)
    return MergeTree(
        kind=kind,
        node_vertex=node_vertex_o,
        node_scalar=v[node_vertex_o],
        node_type=ntype[perm].astype(np.int64),
        node_arc=node_arc,
        region_size=region_size.astype(np.int64),
        region_span=region_span,
        arc_down=arc_down,
        arc_up=arc_up.astype(np.int64),
        segmentation=segmentation,
    )


def join_tree(values: np.ndarray, domain: Domain, order: np.ndarray | None = None) -> MergeTree:
    """The join tree (sublevel-set components merging upwards), as TTK's FTM gives it;
    ``order``: a TTK order array that replaces the (value, id) order."""
    return tree_from_sweep(*sweep(values, domain, "join", order), domain, "join")


def split_tree(values: np.ndarray, domain: Domain, order: np.ndarray | None = None) -> MergeTree:
    """The split tree (superlevel-set components merging downwards)."""
    return tree_from_sweep(*sweep(values, domain, "split", order), domain, "split")


def ttk_node_order(
    vertex: np.ndarray,
    rank: np.ndarray,
    node_up: np.ndarray,
    incoming: np.ndarray,
    is_root: np.ndarray,
) -> np.ndarray:
    """TTK's node order, as a permutation of the nodes: leaves (no ``incoming`` arc) by
    vertex id, saddles in the order FTM creates them on one thread
    (:func:`lltk.topology._sweep.ftm_saddle_order`), roots last by rank."""
    leaves = np.flatnonzero((incoming == 0) & ~is_root)
    by_rank = leaves[np.argsort(rank[vertex[leaves]], kind="stable")]
    leaves = leaves[np.argsort(vertex[leaves], kind="stable")]
    saddles = np.flatnonzero((incoming != 0) & ~is_root)
    saddles = saddles[np.argsort(rank[vertex[saddles]], kind="stable")]
    saddles = ftm_saddle_order(node_up, np.where(is_root, 1, incoming), by_rank, saddles)
    roots = np.flatnonzero(is_root)
    roots = roots[np.argsort(rank[vertex[roots]], kind="stable")]
    return np.concatenate([leaves, saddles, roots])


def region_spans(
    points: np.ndarray | None,
    node_vertex: np.ndarray,
    node_arc: np.ndarray,
    arc_down: np.ndarray,
    arc_up: np.ndarray,
) -> np.ndarray:
    """Each node's ``RegionSpan``: the Euclidean distance between the end vertices of the
    arc it reports (``node_arc``; 0 for a node without one, or without coordinates)."""
    span = np.zeros(node_vertex.size, np.float64)
    has_arc = node_arc >= 0
    if points is None or not has_arc.any():
        return span
    arcs = node_arc[has_arc]
    ends = points[node_vertex[arc_down[arcs]]] - points[node_vertex[arc_up[arcs]]]
    span[has_arc] = np.linalg.norm(ends, axis=1)
    return span


def join_level(tree: MergeTree, values: np.ndarray, u: int, v: int) -> tuple[float, int]:
    """The level at which vertices ``u`` and ``v`` fall into one sublevel-set component of
    a join tree: the lowest maximum over the domain's paths from ``u`` to ``v`` (the
    minimax value), and the vertex where it is reached.

    That vertex is the saddle node where the tree joins the basins of ``u`` and ``v``,
    unless one of them lies on the other's way up (then it is ``u`` or ``v`` itself).
    Walks the arcs upwards from each vertex's arc: a few tree nodes, no vertex loop.
    """
    if tree.kind != "join":
        raise ValueError("join_level needs a join tree")
    v_all = np.asarray(values, np.float64).ravel()
    v_all = np.where(np.isfinite(v_all), v_all, np.inf)
    n_arcs = tree.arc_up.size

    def chain(node: int) -> list[int]:
        nodes = [node]
        while nodes[-1] < n_arcs:
            nodes.append(int(tree.arc_up[nodes[-1]]))
        return nodes

    up_u, up_v = chain(int(tree.segmentation[u])), chain(int(tree.segmentation[v]))
    common = set(up_v)
    meet = next((n for n in up_u if n in common), None)
    if meet is None:
        raise ValueError(f"vertices {u} and {v} lie in different components of the domain")
    candidates = [int(u), int(v), int(tree.node_vertex[meet])]
    top = max(candidates, key=lambda w: (v_all[w], w))
    return float(v_all[top]), top
