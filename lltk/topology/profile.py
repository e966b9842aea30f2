"""Branch decomposition of a merge tree and the topological landscape profile.

The profile (Oesterling et al. 2013, as Geniesse et al. 2024 use it for loss landscapes)
lays the vertices of a landscape out along one axis so that every merge-tree branch, a
basin, occupies one contiguous interval: the interval's width is the basin's region size
(its vertices, sub-basins included), its depth is the branch's persistence, and the
sub-basins that join it at saddles lie nested inside it. Inside a basin the vertices are
placed by value alternately right and left of the minimum, so each basin is a valley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    """The elder-rule branches of a :class:`lltk.topology.MergeTree` (join or split)."""
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


@dataclass(frozen=True)
class Profile:
    """A topological landscape profile.

    ``position[v]`` is the column of vertex ``v`` (0 .. n-1); basin ``b`` (a branch)
    covers the columns ``start[b] <= x < stop[b]``, has the floor ``floor[b]`` (its
    minimum's value), the rim ``rim[b]`` (the value of the saddle where it joins its
    parent basin, or the maximum for a root basin), the depth ``rim - floor`` = the
    branch's persistence, and ``mean[b]``, the mean value over its columns.
    ``vertex_basin[v]`` is the innermost basin holding ``v``.
    """

    branches: Branches
    position: np.ndarray
    vertex_basin: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    floor: np.ndarray
    rim: np.ndarray
    mean: np.ndarray


def vertex_branches(tree, branches: Branches) -> np.ndarray:
    """The branch that holds each vertex (its arc's branch; nodes: their own branch)."""
    vb = branches.arc_branch[np.asarray(tree.segmentation, np.int64)]
    vb[np.asarray(tree.node_vertex, np.int64)] = branches.node_branch
    return vb


def landscape_profile(values: np.ndarray, tree) -> Profile:
    """The landscape profile of ``values`` from its join tree (see module docstring)."""
    if tree.kind != "join":
        raise ValueError("the landscape profile is built from a join tree (basins of minima)")
    v = np.asarray(values, np.float64).reshape(-1)
    br = branch_decomposition(tree)
    nb = br.n_branches
    vb = vertex_branches(tree, br)
    vrank = np.empty(v.size, np.float64)
    vrank[np.lexsort((np.arange(v.size), v))] = np.arange(v.size)
    node_vertex = np.asarray(tree.node_vertex, np.int64)
    child = np.flatnonzero(br.parent >= 0)
    # items: every vertex in its own branch, every sub-basin in its parent, just below
    # the saddle where it joins (key = saddle rank - 0.5)
    owner = np.concatenate([vb, br.parent[child]])
    key = np.concatenate([vrank, vrank[node_vertex[br.top[child]]] - 0.5])
    ref = np.concatenate([np.arange(v.size), v.size + child])
    size = np.bincount(vb, minlength=nb).astype(np.int64)
    top_rank = vrank[node_vertex[br.top]]
    for b in np.argsort(top_rank):
        if br.parent[b] >= 0:
            size[br.parent[b]] += size[b]
    width = np.where(ref < v.size, 1, size[np.maximum(ref - v.size, 0)])
    items = np.lexsort((key, owner))
    owner_sorted = owner[items]
    bounds = np.searchsorted(owner_sorted, np.arange(nb + 1))
    start = np.zeros(nb, np.int64)
    roots = np.flatnonzero(br.parent < 0)
    start[roots] = np.concatenate([[0], np.cumsum(size[roots])[:-1]])
    position = np.empty(v.size, np.int64)
    for b in np.argsort(-top_rank):
        group = items[bounds[b] : bounds[b + 1]]
        p = np.arange(group.size)
        n_left = group.size // 2
        seq = np.where(p % 2 == 1, n_left - 1 - (p - 1) // 2, n_left + p // 2)
        ordered = np.empty_like(group)
        ordered[seq] = group
        offsets = start[b] + np.concatenate([[0], np.cumsum(width[ordered])[:-1]])
        r = ref[ordered]
        is_vertex = r < v.size
        position[r[is_vertex]] = offsets[is_vertex]
        start[r[~is_vertex] - v.size] = offsets[~is_vertex]
    stop = start + size
    scalar = np.asarray(tree.node_scalar, np.float64)
    by_position = np.empty(v.size, np.float64)
    by_position[position] = v
    csum = np.concatenate([[0.0], np.cumsum(by_position)])
    mean = (csum[stop] - csum[start]) / np.maximum(size, 1)
    return Profile(
        branches=br,
        position=position,
        vertex_basin=vb,
        start=start,
        stop=stop,
        floor=scalar[br.leaf],
        rim=scalar[br.top],
        mean=mean,
    )
