"""What the filters draw, as arrays: merge-tree nodes and arcs, the planar merge tree,
the persistence diagram in TTK's layout, the landscape profile's polygons, spheres
around critical points.

Each function returns a :class:`Geometry` (points, cells, named point / cell arrays,
TTK's array names) that :mod:`lltk.paraview.vtkdata` turns into VTK objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
from scipy.spatial import ConvexHull

from lltk.topology.profile import Branches, Profile, node_rank


@dataclass
class Geometry:
    """Points (k, 3), cells (m, c) of one kind, and their named arrays."""

    points: np.ndarray
    cells: np.ndarray
    point_data: dict[str, np.ndarray] = field(default_factory=dict)
    cell_data: dict[str, np.ndarray] = field(default_factory=dict)


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
    (:func:`lltk.topology.profile.branch_decomposition`).

    Each branch is a vertical segment at its own x from its leaf (a minimum, at its
    loss) to its top, the saddle where it dies (the root for the oldest branch); a
    horizontal segment at the saddle's value links it to its parent branch, where a
    *dummy* copy of the saddle lies (``isDummyNode`` = 1), as in TTK's planar merge-tree
    layout. x spans [0, value range) so the picture is roughly square. Arrays follow
    TTK's: ``NodeId``, ``Scalar``, ``VertexId``, ``CriticalType``, ``RegionSize``,
    ``RegionSpan``, ``Persistence``, ``BranchNodeID``, ``isDummyNode``; lines carry
    ``BranchNodeID`` and ``Persistence``.
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


def select_pairs(diagram, pair_types: tuple[int, ...], threshold: float = 0.0) -> np.ndarray:
    """Indices of the diagram's pairs of the given PairType codes with persistence >=
    ``threshold`` (in the diagram's order)."""
    keep = np.isin(np.asarray(diagram.pair_type), pair_types)
    keep &= np.asarray(diagram.persistence, np.float64) >= threshold
    return np.flatnonzero(keep)


def persistence_diagram_geometry(diagram, positions: np.ndarray, rows: np.ndarray) -> Geometry:
    """The persistence diagram as TTK draws it, for the selected pairs ``rows``.

    Two points per pair: the birth point on the diagonal (birth, birth) then the death
    point (birth, death); a line cell per pair with ``PairIdentifier``, ``PairType``,
    ``Persistence``, ``IsFinite`` (0 for the global minimum-maximum pair), ``Dimension``
    (the pair's homology dimension, to colour by), and one diagonal cell
    (``PairIdentifier`` = ``PairType`` = ``Dimension`` = -1) joining the lowest and the
    highest birth points. Point arrays: ``ttkVertexScalarField`` (critical vertex id),
    ``CriticalType`` and ``Coordinates`` (the vertex's position in the landscape).
    """
    birth = np.asarray(diagram.birth, np.float64)[rows]
    death = np.asarray(diagram.death, np.float64)[rows]
    k = rows.size
    pts = np.zeros((2 * k, 3))
    pts[0::2, 0] = birth
    pts[0::2, 1] = birth
    pts[1::2, 0] = birth
    pts[1::2, 1] = death
    vertex = np.empty(2 * k, np.int64)
    vertex[0::2] = np.asarray(diagram.birth_vertex, np.int64)[rows]
    vertex[1::2] = np.asarray(diagram.death_vertex, np.int64)[rows]
    ctype = np.empty(2 * k, np.int64)
    ctype[0::2] = np.asarray(diagram.birth_type, np.int64)[rows]
    ctype[1::2] = np.asarray(diagram.death_type, np.int64)[rows]
    pair_type = np.asarray(diagram.pair_type, np.int64)[rows]
    cells = np.column_stack([np.arange(0, 2 * k, 2), np.arange(1, 2 * k, 2)])
    cell_data = {
        "PairIdentifier": np.arange(k, dtype=np.int64),
        "PairType": pair_type,
        "Persistence": np.asarray(diagram.persistence, np.float64)[rows],
        "IsFinite": (pair_type != -1).astype(np.uint8),
        "Dimension": np.asarray(diagram.dimension, np.int64)[rows],
    }
    if k:
        diag = np.array([[2 * np.argmin(birth), 2 * np.argmax(birth)]])
        cells = np.concatenate([cells, diag])
        extra = {"PairIdentifier": -1, "PairType": -1, "Persistence": 0.0, "IsFinite": 1}
        extra["Dimension"] = -1
        for name, val in extra.items():
            cell_data[name] = np.append(cell_data[name], val).astype(cell_data[name].dtype)
    return Geometry(
        points=pts,
        cells=cells,
        point_data={
            "ttkVertexScalarField": vertex,
            "CriticalType": ctype,
            "Coordinates": positions[vertex] if k else np.zeros((0, 3)),
        },
        cell_data=cell_data,
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


#: Sphere radius around a critical point, as a fraction of the landscape's largest extent.
SPHERE_RADIUS = 0.015


@cache
def unit_icosphere() -> tuple[np.ndarray, np.ndarray]:
    """The unit sphere as an icosahedron subdivided once: (points (42, 3), triangles
    (80, 3) wound counter-clockwise seen from outside)."""
    phi = (1 + 5**0.5) / 2
    base = np.array([(0, s, t * phi) for s in (-1, 1) for t in (-1, 1)], np.float64)
    corners = np.concatenate([np.roll(base, k, axis=1) for k in range(3)])
    gap = np.linalg.norm(corners[:, None] - corners[None], axis=-1)
    i, j = np.nonzero(np.triu(np.isclose(gap, 2.0)))  # the icosahedron's 30 edges
    points = np.concatenate([corners, (corners[i] + corners[j]) / 2])
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    triangles = ConvexHull(points).simplices
    a, b, c = (points[triangles[:, k]] for k in range(3))
    inward = np.einsum("ij,ij->i", np.cross(b - a, c - a), a) < 0
    triangles[inward] = triangles[inward][:, ::-1]
    return points, triangles


def critical_point_spheres(
    positions: np.ndarray, point_data: dict[str, np.ndarray], extent: float
) -> Geometry:
    """A sphere around each critical point, of radius :data:`SPHERE_RADIUS` times the
    landscape's largest ``extent`` (1 where that is 0), each point's arrays on its sphere's
    points: markers that stay visible whatever the view's zoom (TTK's
    IcospheresFromPoints, built in)."""
    unit, triangles = unit_icosphere()
    radius = SPHERE_RADIUS * (extent if extent > 0 else 1.0)
    positions = np.asarray(positions, np.float64).reshape(-1, 3)
    n, k = positions.shape[0], unit.shape[0]
    return Geometry(
        points=(positions[:, None, :] + radius * unit[None]).reshape(-1, 3),
        cells=(triangles[None] + k * np.arange(n)[:, None, None]).reshape(-1, 3),
        point_data={name: np.repeat(np.asarray(v), k, axis=0) for name, v in point_data.items()},
    )
