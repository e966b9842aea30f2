"""Join and split trees (TTK's MergeandContourTreeFTM output) by a union-find sweep, their
branch decomposition, and what the Loss Merge Tree filter draws of them: the nodes, the
arcs and the planar tree."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from lltk.topology._sweep import ftm_saddle_order, join_sweep
from lltk.topology.domain import Domain, sweep_order
from lltk.topology.geometry import Geometry

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
    ``order``: a TTK order array that replaces the (value, id) order.

    A line of five vertices: the basins of the minima 1 and 3 join at the saddle 2, and
    the maximum 4 is the root (``node_type``: TTK's CriticalType, 0 minimum, 1 saddle,
    3 maximum).

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> values = np.array([3.0, 1.0, 2.0, 0.0, 4.0])  # minima at vertices 1 and 3
    >>> tree = join_tree(values, grid_domain((5,)))
    >>> tree.node_vertex.tolist(), tree.node_type.tolist()
    ([1, 3, 2, 4], [0, 0, 1, 3])
    >>> list(zip(tree.arc_down.tolist(), tree.arc_up.tolist()))  # arcs, from node to node
    [(0, 2), (1, 2), (2, 3)]
    """
    return tree_from_sweep(*sweep(values, domain, "join", order), domain, "join")


def split_tree(values: np.ndarray, domain: Domain, order: np.ndarray | None = None) -> MergeTree:
    """The split tree (superlevel-set components merging downwards).

    The same line: the maxima 0, 2 and 4 are its leaves, the 2-saddle 1 joins the first
    two, and the global minimum 3 is the root.

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> values = np.array([3.0, 1.0, 2.0, 0.0, 4.0])  # minima at vertices 1 and 3
    >>> tree = split_tree(values, grid_domain((5,)))
    >>> tree.node_vertex.tolist(), tree.node_type.tolist()
    ([0, 2, 4, 1, 3], [3, 3, 3, 2, 0])
    """
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

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> values = np.array([3.0, 1.0, 2.0, 0.0, 4.0])  # minima at vertices 1 and 3
    >>> tree = join_tree(values, grid_domain((5,)))
    >>> join_level(tree, values, 1, 3)  # the two basins meet at the saddle, vertex 2
    (2.0, 2)
    >>> join_level(tree, values, 0, 1)  # 0 lies on 1's way up
    (3.0, 0)
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


@dataclass(frozen=True)
class Branches:
    """The branch decomposition (elder rule) of a merge tree.

    Branch ``b`` runs from the leaf node ``leaf[b]`` (a minimum of a join tree) up to
    the node ``top[b]`` where it dies: the saddle where it meets an older branch, or the
    root for the branch of the oldest leaf of each component. Branches are numbered by
    age (branch 0 holds the global minimum of a join tree). ``parent[b]`` is the branch
    it dies into (-1 for a root branch), ``persistence[b]`` = |scalar(top) -
    scalar(leaf)|, ``arc_branch`` / ``node_branch`` the branch of each arc / node (a
    saddle belongs to the older branch that continues through it).
    """

    leaf: np.ndarray
    top: np.ndarray
    parent: np.ndarray
    persistence: np.ndarray
    arc_branch: np.ndarray
    node_branch: np.ndarray

    @property
    def n_branches(self) -> int:
        """Number of branches (= number of leaves)."""
        return int(self.leaf.size)


def node_rank(tree) -> np.ndarray:
    """Position of each node in the tree's sweep (ascending (value, id) for a join tree)."""
    order = np.lexsort((tree.node_vertex, tree.node_scalar))
    if tree.kind == "split":
        order = order[::-1]
    rank = np.empty(order.size, np.int64)
    rank[order] = np.arange(order.size)
    return rank


def branch_decomposition(tree) -> Branches:
    """The elder-rule branches of a :class:`lltk.topology.MergeTree` (join or split).

    The younger minimum 1 dies at the saddle 2 into the branch of the global minimum 3,
    which runs up to the root 4:

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> values = np.array([3.0, 1.0, 2.0, 0.0, 4.0])  # minima at vertices 1 and 3
    >>> tree = join_tree(values, grid_domain((5,)))
    >>> branches = branch_decomposition(tree)
    >>> tree.node_vertex[branches.leaf].tolist(), tree.node_vertex[branches.top].tolist()
    ([3, 1], [4, 2])
    >>> branches.parent.tolist(), branches.persistence.tolist()
    ([-1, 0], [4.0, 1.0])
    """
    n = tree.n_nodes
    rank = node_rank(tree)
    arc_down = np.asarray(tree.arc_down, np.int64)
    arc_up = np.asarray(tree.arc_up, np.int64)
    has_up = np.zeros(n, bool)
    has_up[arc_down] = True
    by_up = np.argsort(arc_up, kind="stable")
    bounds = np.searchsorted(arc_up[by_up], np.arange(n + 1))
    leaf_of = np.full(n, -1, np.int64)
    for node in np.argsort(rank):
        children = arc_down[by_up[bounds[node] : bounds[node + 1]]]
        if children.size == 0:
            leaf_of[node] = node
        else:
            leaves = leaf_of[children]
            leaf_of[node] = leaves[np.argmin(rank[leaves])]
    leaves = np.flatnonzero(np.bincount(arc_up, minlength=n)[:n] == 0)
    leaves = leaves[np.argsort(rank[leaves])]
    branch_of_leaf = np.full(n, -1, np.int64)
    branch_of_leaf[leaves] = np.arange(leaves.size)
    node_branch = branch_of_leaf[leaf_of]
    arc_branch = node_branch[arc_down]
    top = np.full(leaves.size, -1, np.int64)
    dies = node_branch[arc_up] != arc_branch
    top[arc_branch[dies]] = arc_up[dies]
    roots = np.flatnonzero(~has_up)
    top[node_branch[roots]] = roots
    parent = node_branch[top]  # a branch may also die at a root where it merges
    parent[node_branch[roots]] = -1
    scalar = np.asarray(tree.node_scalar, np.float64)
    return Branches(
        leaf=leaves,
        top=top,
        parent=parent,
        persistence=np.abs(scalar[top] - scalar[leaves]),
        arc_branch=arc_branch,
        node_branch=node_branch,
    )


def vertex_branches(tree, branches: Branches) -> np.ndarray:
    """The branch that holds each vertex (its arc's branch; nodes: their own branch)."""
    vb = branches.arc_branch[np.asarray(tree.segmentation, np.int64)]
    vb[np.asarray(tree.node_vertex, np.int64)] = branches.node_branch
    return vb


def merge_tree_nodes(tree, positions: np.ndarray) -> Geometry:
    """TTK FTM's node output: one vertex cell per node at its vertex position."""
    vertex = np.asarray(tree.node_vertex, np.int64)
    return Geometry(
        points=positions[vertex],
        cells=np.arange(vertex.size)[:, None],
        point_data={
            "NodeId": np.arange(vertex.size, dtype=np.int64),
            "Scalar": np.asarray(tree.node_scalar, np.float64),
            "VertexId": vertex,
            "CriticalType": np.asarray(tree.node_type, np.int64),
            "RegionSize": np.asarray(tree.region_size, np.int64),
            "RegionSpan": np.asarray(tree.region_span, np.float64),
        },
    )


def _arc_regions(tree) -> tuple[np.ndarray, np.ndarray]:
    """Regular vertices per arc and the distance between its end nodes' vertices,
    as the arc's lower node reports them."""
    down = np.asarray(tree.arc_down, np.int64)
    return (
        np.asarray(tree.region_size, np.int64)[down],
        np.asarray(tree.region_span, np.float64)[down],
    )


def merge_tree_arcs(tree, positions: np.ndarray) -> Geometry:
    """TTK FTM's arc output: a line per arc between its end nodes' vertex positions."""
    vertex = np.asarray(tree.node_vertex, np.int64)
    down = np.asarray(tree.arc_down, np.int64)
    up = np.asarray(tree.arc_up, np.int64)
    size, span = _arc_regions(tree)
    return Geometry(
        points=positions[vertex],
        cells=np.column_stack([down, up]),
        point_data={"Scalar": np.asarray(tree.node_scalar, np.float64)},
        cell_data={
            "SegmentationId": np.arange(down.size, dtype=np.int64),
            "downNodeId": down,
            "upNodeId": up,
            "RegionSize": size,
            "RegionSpan": span,
        },
    )


def branch_columns(branches: Branches, node_rank_of_top: np.ndarray) -> np.ndarray:
    """Column of each branch in a crossing-free planar layout.

    Pre-order: a branch, then its sub-branches, nearest first in order of their saddles
    (lowest first for a join tree), so a farther sub-branch's horizontal link passes
    beyond the nearer ones' whole subtrees.
    """
    nb = branches.n_branches
    kids: list[list[int]] = [[] for _ in range(nb)]
    for b in np.argsort(node_rank_of_top, kind="stable"):
        if branches.parent[b] >= 0:
            kids[branches.parent[b]].append(int(b))
    column = np.zeros(nb, np.int64)
    nxt = 0
    stack = [int(b) for b in np.flatnonzero(branches.parent < 0)[::-1]]
    while stack:
        b = stack.pop()
        column[b] = nxt
        nxt += 1
        stack.extend(reversed(kids[b]))
    return column


def planar_merge_tree(tree, branches: Branches) -> Geometry:
    """A planar 2-D drawing of the merge tree by its branch decomposition ``branches``
    (:func:`branch_decomposition`).

    Each branch is a vertical segment at its own x from its leaf (a minimum, at its
    loss) to its top, the saddle where it dies (the root for the oldest branch); a
    horizontal segment at the saddle's value links it to its parent branch, where a
    *dummy* copy of the saddle lies (``isDummyNode`` = 1), as in TTK's planar merge-tree
    layout. x spans [0, value range) so the picture is roughly square. Arrays follow
    TTK's: ``NodeId``, ``Scalar``, ``VertexId``, ``CriticalType``, ``RegionSize``,
    ``RegionSpan``, ``Persistence``, ``BranchNodeID``, ``isDummyNode``; lines carry
    ``BranchNodeID`` and ``Persistence``.

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> values = np.array([3.0, 1.0, 2.0, 0.0, 4.0])  # minima at vertices 1 and 3
    >>> tree = join_tree(values, grid_domain((5,)))
    >>> planar = planar_merge_tree(tree, branch_decomposition(tree))
    >>> planar.points[:, :2].tolist()  # two leaves, two tops, the saddle's dummy copy
    [[0.0, 0.0], [2.0, 1.0], [0.0, 4.0], [2.0, 2.0], [0.0, 2.0]]
    >>> planar.cells.tolist(), planar.point_data["isDummyNode"].tolist()
    ([[0, 2], [1, 3], [3, 4]], [0, 0, 0, 0, 1])
    """
    br = branches
    scalar = np.asarray(tree.node_scalar, np.float64)
    column = branch_columns(br, node_rank(tree)[br.top])
    value_range = float(scalar.max() - scalar.min()) if scalar.size else 0.0
    unit = value_range / br.n_branches if value_range > 0 else 1.0
    x = column * unit
    nb = br.n_branches
    child = np.flatnonzero(br.parent >= 0)
    node = np.concatenate([br.leaf, br.top, br.top[child]])
    branch = np.concatenate([np.arange(nb), np.arange(nb), child])
    px = np.concatenate([x, x, x[br.parent[child]]])
    dummy = np.concatenate([np.zeros(2 * nb, np.uint8), np.ones(child.size, np.uint8)])
    points = np.column_stack([px, scalar[node], np.zeros(node.size)])
    vertical = np.column_stack([np.arange(nb), nb + np.arange(nb)])
    horizontal = np.column_stack([nb + child, 2 * nb + np.arange(child.size)])
    line_branch = np.concatenate([np.arange(nb), child])
    return Geometry(
        points=points,
        cells=np.concatenate([vertical, horizontal]),
        point_data={
            "NodeId": node,
            "Scalar": scalar[node],
            "VertexId": np.asarray(tree.node_vertex, np.int64)[node],
            "CriticalType": np.asarray(tree.node_type, np.int64)[node],
            "RegionSize": np.asarray(tree.region_size, np.int64)[node],
            "RegionSpan": np.asarray(tree.region_span, np.float64)[node],
            "Persistence": br.persistence[branch],
            "BranchNodeID": branch,
            "isDummyNode": dummy,
        },
        cell_data={
            "BranchNodeID": line_branch,
            "Persistence": br.persistence[line_branch],
            "isHorizontal": np.concatenate([np.zeros(nb, np.uint8), np.ones(child.size, np.uint8)]),
        },
    )
