"""Critical points as TTK's ScalarFieldCriticalPoints classifies them, and the spheres the
Loss Critical Points filter draws around them."""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.spatial import ConvexHull

from lltk.topology._jit import numba
from lltk.topology._sweep import _find, max_degree
from lltk.topology.domain import Domain, sweep_order
from lltk.topology.geometry import Geometry
from lltk.topology.tree import (
    DEGENERATE,
    MAXIMUM,
    MINIMUM,
    REGULAR,
    SADDLE1,
    SADDLE2,
    check_values,
    given_order,
)


@numba.njit(cache=True)
def _link_components(
    rank: np.ndarray, indptr: np.ndarray, indices: np.ndarray, link_edges: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per vertex, the number of lower and upper link components.

    With ``link_edges`` two neighbours on the same side are linked when they are
    adjacent (the grids' triangulation is a flag complex, so adjacent neighbours of
    ``v`` span a triangle with it); without, every neighbour is its own component.
    """
    n = indptr.size - 1
    lower = np.zeros(n, np.int64)
    upper = np.zeros(n, np.int64)
    parent = np.empty(max_degree(indptr), np.int64)
    for v in range(n):
        s = indptr[v]
        k = indptr[v + 1] - s
        for i in range(k):
            parent[i] = i
        if link_edges:
            for i in range(k):
                a = indices[s + i]
                side = rank[a] < rank[v]
                for e in range(indptr[a], indptr[a + 1]):
                    w = indices[e]
                    if (rank[w] < rank[v]) != side or w == v:
                        continue
                    for j in range(k):
                        if indices[s + j] == w:
                            ri = _find(parent, i)
                            rj = _find(parent, j)
                            if ri != rj:
                                parent[ri] = rj
                            break
        for i in range(k):
            if parent[i] == i:
                if rank[indices[s + i]] < rank[v]:
                    lower[v] += 1
                else:
                    upper[v] += 1
    return lower, upper


def _on_boundary(dims: tuple[int, ...]) -> np.ndarray:
    """Whether each grid vertex lies on the grid's boundary."""
    grids = np.meshgrid(*[np.arange(n) for n in dims[::-1]], indexing="ij")
    b = np.zeros(grids[0].shape, bool)
    for g, n in zip(grids, dims[::-1], strict=True):
        b |= (g == 0) | (g == n - 1)
    return b.ravel()


def critical_points(
    values: np.ndarray, domain: Domain, order: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Critical vertices (ascending id) and their TTK ``CriticalType``.

    Lower/upper link components are counted on the link of each vertex (grids: the
    triangulation's link; graphs: a 1-D complex, each neighbour its own component) and
    classified with ScalarFieldCriticalPoints' rules, including its 2-D rule (saddle
    for (2,1), (1,2), (2,2) components, degenerate otherwise) and its 3-D boundary rule.
    Graphs follow its 1-D rule literally: an isolated vertex (no lower, no upper
    neighbour) comes out as a 1-saddle, as in TTK. ``order``: a TTK order array that
    replaces the (value, id) order.

    Four minima in the corners of a 3 x 3 grid, saddles between them, a maximum in the
    middle:

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> loss = np.array([[0.0, 3.0, 1.0], [3.0, 4.0, 3.0], [1.0, 3.0, 2.0]]).ravel()
    >>> ids, types = critical_points(loss, grid_domain((3, 3)))
    >>> ids.tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8]
    >>> types.tolist()  # TTK's CriticalType: 0 minimum, 1 saddle, 3 maximum
    [0, 1, 0, 1, 3, 1, 0, 1, 0]
    """
    v = check_values(values, domain)
    _, rank = sweep_order(v) if order is None else given_order(order, v.size)
    dim = len(domain.dims) if domain.dims is not None else 1
    if domain.dims is not None and domain.dims == (1,):
        dim = 0
    lower, upper = _link_components(rank, domain.indptr, domain.indices, dim >= 2)
    types = np.full(v.size, REGULAR, np.int64)
    if dim <= 1:
        types[(lower == 0) & (upper != 0)] = MINIMUM
        types[(lower != 0) & (upper == 0)] = MAXIMUM
        other = ~((lower == 0) & (upper != 0)) & ~((lower != 0) & (upper == 0))
        other &= ~((lower == 1) & (upper == 1))
        types[other] = SADDLE1
    else:
        types[(lower == 0) & (upper == 1)] = MINIMUM
        types[(lower == 1) & (upper == 0)] = MAXIMUM
        rest = ~(((lower == 0) & (upper == 1)) | ((lower == 1) & (upper == 0)))
        rest &= ~((lower == 1) & (upper == 1))
        if dim == 2:
            sad = ((lower == 2) & (upper == 1)) | ((lower == 1) & (upper == 2))
            sad |= (lower == 2) & (upper == 2)
            types[rest & sad] = SADDLE1
            types[rest & ~sad] = DEGENERATE
        else:
            types[rest & (lower == 2) & (upper == 1)] = SADDLE1
            types[rest & (lower == 1) & (upper == 2)] = SADDLE2
            types[rest & ~(((lower == 2) & (upper == 1)) | ((lower == 1) & (upper == 2)))] = (
                DEGENERATE
            )
            _boundary_saddles(types, rank, domain, (lower == 1) & (upper == 1))
    ids = np.flatnonzero(types != REGULAR)
    return ids, types[ids]


def _boundary_saddles(types: np.ndarray, rank: np.ndarray, domain: Domain, one_one: np.ndarray):
    """TTK's 3-D rule: a boundary vertex with one lower and one upper link component is
    a 1-saddle if only its upper neighbours touch the boundary, a 2-saddle if only its
    lower ones do."""
    assert domain.dims is not None
    bnd = _on_boundary(domain.dims)
    cand = np.flatnonzero(one_one & bnd)
    if cand.size == 0:
        return
    src = np.repeat(np.arange(domain.n_vertices), np.diff(domain.indptr))
    nb = domain.indices.astype(np.int64)
    is_lower = rank[nb] < rank[src]
    low_b = np.zeros(domain.n_vertices, bool)
    up_b = np.zeros(domain.n_vertices, bool)
    np.logical_or.at(low_b, src, is_lower & bnd[nb])
    np.logical_or.at(up_b, src, ~is_lower & bnd[nb])
    types[cand[up_b[cand] & ~low_b[cand]]] = SADDLE1
    types[cand[~up_b[cand] & low_b[cand]]] = SADDLE2


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
    IcospheresFromPoints, built in).

    >>> import numpy as np
    >>> centres = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    >>> balls = critical_point_spheres(centres, {"CriticalType": np.array([0, 3])}, 1.0)
    >>> balls.points.shape, balls.cells.shape  # 42 points and 80 triangles a sphere
    ((84, 3), (160, 3))
    >>> bool(np.allclose(np.linalg.norm(balls.points[:42], axis=1), SPHERE_RADIUS))
    True
    >>> balls.point_data["CriticalType"][[0, 41, 42, 83]].tolist()
    [0, 0, 3, 3]
    """
    unit, triangles = unit_icosphere()
    radius = SPHERE_RADIUS * (extent if extent > 0 else 1.0)
    positions = np.asarray(positions, np.float64).reshape(-1, 3)
    n, k = positions.shape[0], unit.shape[0]
    return Geometry(
        points=(positions[:, None, :] + radius * unit[None]).reshape(-1, 3),
        cells=(triangles[None] + k * np.arange(n)[:, None, None]).reshape(-1, 3),
        point_data={name: np.repeat(np.asarray(v), k, axis=0) for name, v in point_data.items()},
    )
