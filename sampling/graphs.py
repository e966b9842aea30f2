"""Neighbourhood graphs of landscape samples, as (m, 2) int64 edge arrays (i < j, unique).

``grid``: the exact axis stencil of an r^n grid (first axis fastest), the core's
:func:`lltk.topology.domain.axis_edges`. ``knn``: mutual
approximate k nearest neighbours (pynndescent); an edge is kept when each end is among
the other's k nearest. ``delaunay`` and ``gabriel`` (2-D and 3-D, scipy): the Delaunay
edges, and those Delaunay edges whose closed diametral ball holds no other sample.
"""

from __future__ import annotations

import itertools

import numpy as np

from lltk.topology.domain import axis_edges

GRAPHS = ("grid", "knn", "delaunay", "gabriel")


def knn_edges(points: np.ndarray, k: int | None = None, seed: int = 0) -> np.ndarray:
    """Mutual approximate k-NN edges (k = 4 n by default, n the points' dimension)."""
    from pynndescent import NNDescent

    points = np.ascontiguousarray(points, dtype=np.float64)
    npts, dim = points.shape
    k = 4 * dim if k is None else int(k)
    if not 1 <= k < npts:
        raise ValueError(f"k must be between 1 and {npts - 1} for {npts} points, not {k}")
    index = NNDescent(points, n_neighbors=k + 1, random_state=seed, n_jobs=1)
    neighbours, _ = index.neighbor_graph
    rows = np.repeat(np.arange(npts, dtype=np.int64), neighbours.shape[1])
    cols = neighbours.ravel().astype(np.int64)
    keep = (cols >= 0) & (cols != rows)
    directed = np.column_stack([rows[keep], cols[keep]])
    canon = np.sort(directed, axis=1)
    pairs, counts = np.unique(canon, axis=0, return_counts=True)
    return pairs[counts == 2]


def delaunay_edges(points: np.ndarray) -> np.ndarray:
    """Edges of the Delaunay triangulation (2-D) or tetrahedralisation (3-D)."""
    from scipy.spatial import Delaunay

    points = np.asarray(points, dtype=np.float64)
    if points.shape[1] not in (2, 3):
        raise ValueError(
            f"Delaunay and Gabriel graphs need 2-D or 3-D samples, not {points.shape[1]}-D"
        )
    simplices = Delaunay(points).simplices
    pairs = list(itertools.combinations(range(simplices.shape[1]), 2))
    edges = np.concatenate([simplices[:, [a, b]] for a, b in pairs]).astype(np.int64)
    return _canonical(edges)


def gabriel_edges(points: np.ndarray) -> np.ndarray:
    """Delaunay edges whose closed diametral ball contains no other sample."""
    from scipy.spatial import cKDTree

    points = np.asarray(points, dtype=np.float64)
    edges = delaunay_edges(points)
    a, b = points[edges[:, 0]], points[edges[:, 1]]
    mid = 0.5 * (a + b)
    radius = 0.5 * np.linalg.norm(a - b, axis=1)
    counts = cKDTree(points).query_ball_point(mid, radius * (1 + 1e-9), return_length=True)
    return edges[counts <= 2]


def build_graph(kind: str, points: np.ndarray, resolution: int, k: int | None = None) -> np.ndarray:
    """The edges of graph ``kind`` for grid samples ``points`` (r^n, n), first axis fastest."""
    if kind not in GRAPHS:
        raise ValueError(f"graph must be one of {GRAPHS}, not {kind!r}")
    if kind == "grid":
        return axis_edges(points.shape[1], resolution)
    if kind == "knn":
        return knn_edges(points, k)
    if kind == "delaunay":
        return delaunay_edges(points)
    return gabriel_edges(points)


def _canonical(edges: np.ndarray) -> np.ndarray:
    edges = np.sort(edges, axis=1)
    return np.unique(edges[edges[:, 0] != edges[:, 1]], axis=0)
