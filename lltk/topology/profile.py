"""The topological landscape profile and its drawing (the Topological Landscape Profile
filter).

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

from lltk.topology.geometry import Geometry
from lltk.topology.tree import Branches, branch_decomposition, vertex_branches


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


def landscape_profile(values: np.ndarray, tree) -> Profile:
    """The landscape profile of ``values`` from its join tree (see module docstring).

    Basin 0, of the global minimum 3, spans all five columns, floor 0 to rim 4; basin 1,
    of the minimum 1, lies inside it over columns 1 and 2 (vertices 1 and 2), floor 1 to
    the saddle's 2.

    >>> import numpy as np
    >>> from lltk.topology import grid_domain, join_tree
    >>> values = np.array([3.0, 1.0, 2.0, 0.0, 4.0])  # minima at vertices 1 and 3
    >>> profile = landscape_profile(values, join_tree(values, grid_domain((5,))))
    >>> profile.start.tolist(), profile.stop.tolist()
    ([0, 1], [5, 2])
    >>> profile.floor.tolist(), profile.rim.tolist()
    ([0.0, 1.0], [4.0, 2.0])
    >>> profile.position.tolist()  # each vertex's column
    [0, 1, 3, 2, 4]
    """
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


def profile_unit(values: np.ndarray) -> float:
    """Width of one vertex column of the profile: the value range over the number of
    vertices, so the whole profile is as wide as it is deep."""
    v = np.asarray(values, np.float64)
    span = float(v.max() - v.min()) if v.size else 0.0
    return span / v.size if span > 0 else 1.0


def landscape_profile_polygons(
    profile: Profile, values: np.ndarray, tree
) -> tuple[Geometry, Geometry]:
    """Quads of the landscape profile and its marked critical points.

    Column ``x`` of vertex ``v`` is the quad [x, x+1] (times :func:`profile_unit`, so
    the picture is about square) from its value up to the rim of its
    innermost basin; each sub-basin adds the rectangle between its rim and its parent's
    rim over its interval. So every basin is filled down to the landscape's profile, its
    width the region size and its depth the persistence, sub-basins nested. Quads carry
    ``BasinId``, ``MeanLoss`` (the basin's mean value, for colouring), ``Persistence``
    and ``RegionSize``. The second geometry holds the minima (at the floor of each
    basin) and the saddles (at the rim where a sub-basin joins its parent) with
    ``CriticalType``, ``VertexId``, ``BasinId`` and ``Scalar``.

    >>> import numpy as np
    >>> from lltk.topology import grid_domain, join_tree
    >>> values = np.array([3.0, 1.0, 2.0, 0.0, 4.0])  # minima at vertices 1 and 3
    >>> tree = join_tree(values, grid_domain((5,)))
    >>> quads, marks = landscape_profile_polygons(landscape_profile(values, tree), values, tree)
    >>> quads.cells.shape, quads.cell_data["BasinId"].tolist()  # a quad per vertex, one more
    ((6, 4), [0, 1, 0, 0, 0, 0])
    >>> marks.point_data["VertexId"].tolist(), marks.point_data["Scalar"].tolist()
    ([3, 1, 2], [0.0, 1.0, 2.0])
    """
    br = profile.branches
    v = np.asarray(values, np.float64).reshape(-1)
    x = profile.position.astype(np.float64)
    basin = profile.vertex_basin
    child = np.flatnonzero(br.parent >= 0)
    x0 = np.concatenate([x, profile.start[child].astype(np.float64)])
    x1 = np.concatenate([x + 1.0, profile.stop[child].astype(np.float64)])
    y0 = np.concatenate([v, profile.rim[child]])
    y1 = np.concatenate([profile.rim[basin], profile.rim[br.parent[child]]])
    owner = np.concatenate([basin, br.parent[child]])
    corners = np.stack(
        [
            np.column_stack([x0, y0]),
            np.column_stack([x1, y0]),
            np.column_stack([x1, y1]),
            np.column_stack([x0, y1]),
        ],
        axis=1,
    ).reshape(-1, 2)
    unit = profile_unit(v)
    points = np.column_stack([corners * [unit, 1.0], np.zeros(len(corners))])
    quads = np.arange(len(corners)).reshape(-1, 4)
    size = (profile.stop - profile.start).astype(np.int64)
    cells = Geometry(
        points=points,
        cells=quads,
        cell_data={
            "BasinId": owner,
            "MeanLoss": profile.mean[owner],
            "Persistence": br.persistence[owner],
            "RegionSize": size[owner],
        },
    )
    node_vertex = np.asarray(tree.node_vertex, np.int64)
    leaf_v = node_vertex[br.leaf]
    sad_v = node_vertex[br.top[child]]
    parent_min_x = x[node_vertex[br.leaf[br.parent[child]]]]
    sad_x = np.where(
        profile.start[child] > parent_min_x, profile.start[child], profile.stop[child]
    ).astype(np.float64)
    mx = np.concatenate([x[leaf_v] + 0.5, sad_x])
    my = np.concatenate([profile.floor, profile.rim[child]])
    marks = Geometry(
        points=np.column_stack([mx * unit, my, np.zeros(mx.size)]),
        cells=np.arange(mx.size)[:, None],
        point_data={
            "CriticalType": np.asarray(tree.node_type, np.int64)[
                np.concatenate([br.leaf, br.top[child]])
            ],
            "VertexId": np.concatenate([leaf_v, sad_v]),
            "BasinId": np.concatenate([np.arange(br.n_branches), child]),
            "Scalar": my,
        },
    )
    return cells, marks
