"""Persistence diagrams with TTK's pairs, types and row order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lltk.topology._sweep import dual_sweep, reduce_columns
from lltk.topology.domain import Domain
from lltk.topology.tree import (
    MAXIMUM,
    MINIMUM,
    SADDLE1,
    SADDLE2,
    MergeTree,
    sweep,
    tree_from_sweep,
)

#: TTK's PairType codes.
MIN_SADDLE, SADDLE_SADDLE, SADDLE_MAX, GLOBAL = 0, 1, 2, -1


@dataclass(frozen=True)
class PersistenceDiagram:
    """Persistence pairs as TTK's PersistenceDiagram lists them (one entry per pair).

    Rows are sorted by the birth vertex's (value, id) order, as TTK sorts them; pairs
    born at the same vertex (a degenerate saddle) by decreasing death order.
    ``birth``/``death`` are the scalar values, ``persistence = death - birth``.
    """

    birth_vertex: np.ndarray
    death_vertex: np.ndarray
    birth_type: np.ndarray
    death_type: np.ndarray
    birth: np.ndarray
    death: np.ndarray
    persistence: np.ndarray
    pair_type: np.ndarray

    def __len__(self) -> int:
        return int(self.birth_vertex.size)


def _facet_cofaces(cells: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Facets (f, d) of top simplices ``cells`` (c, d+1) and their 1 or 2 cofaces (-1 none)."""
    d1 = cells.shape[1]
    faces = np.concatenate([np.delete(cells, i, axis=1) for i in range(d1)])
    faces = np.sort(faces, axis=1)
    key = np.zeros(faces.shape[0], np.int64)
    for col in range(faces.shape[1]):
        key = key * np.int64(n) + faces[:, col]
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    owner = np.tile(np.arange(cells.shape[0]), d1)
    order = np.argsort(inverse, kind="stable")
    inv_sorted = inverse[order]
    starts = np.searchsorted(inv_sorted, np.arange(uniq.size))
    counts = np.diff(np.append(starts, inv_sorted.size))
    cof = np.full((uniq.size, 2), -1, np.int64)
    cof[:, 0] = owner[order[starts]]
    two = counts == 2
    cof[two, 1] = owner[order[starts[two] + 1]]
    return faces[first], cof


def _highest(simplices: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The highest-ranked vertex of each simplex."""
    return simplices[np.arange(simplices.shape[0]), np.argmax(rank[simplices], axis=1)]


def saddle_max_pairs(domain: Domain, rank: np.ndarray) -> tuple[np.ndarray, ...]:
    """Saddle-maximum and saddle-saddle vertex pairs of a 2-D or 3-D grid.

    The top cells (triangles or tetrahedra) are nodes of the dual graph, plus one outer
    node for the boundary; sweeping it downwards with the elder rule gives the pairs of
    the lower-star filtration's top-dimensional homology, TTK's saddle-maximum pairs.
    On 3-D grids the triangles that did not join two dual components are the ones that
    kill 1-cycles: reducing only their boundaries (clearing) gives the edge-triangle
    (saddle-saddle) pairs. Returns (saddle, max, saddle1, saddle2) vertex arrays.
    """
    empty = np.zeros(0, np.int64)
    if domain.dims is None or len(domain.dims) < 2:
        return empty, empty, empty, empty
    cells = domain.simplices(len(domain.dims))
    facets, cof = _facet_cofaces(cells, domain.n_vertices)
    cell_v = _highest(cells, rank)
    facet_v = _highest(facets, rank)
    corder = np.argsort(-rank[cell_v], kind="stable")
    forder = np.argsort(-rank[facet_v], kind="stable")
    remap = np.empty(cells.shape[0], np.int64)
    remap[corder] = np.arange(cells.shape[0])
    cof = cof[forder]
    cof = np.where(cof >= 0, remap[np.maximum(cof, 0)], -1)
    saddle, maximum, merging = dual_sweep(
        rank[cell_v][corder], cell_v[corder], rank[facet_v][forder], facet_v[forder], cof
    )
    if len(domain.dims) < 3:
        return saddle, maximum, empty, empty
    positive = np.empty(facets.shape[0], bool)
    positive[forder] = merging
    s1, s2 = _saddle_saddle_pairs(domain.simplices(1), facets, positive, rank, domain.dims)
    return saddle, maximum, s1, s2


def _lower_star_key(simplices: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Filtration order of simplices: by their vertex ranks, highest first."""
    r = -np.sort(-rank[simplices], axis=1)
    key = np.zeros(r.shape[0], np.int64)
    for k in range(r.shape[1]):
        key = key * np.int64(rank.size) + r[:, k]
    return np.argsort(key, kind="stable")


def _edge_slot(u: np.ndarray, w: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
    """A unique slot per grid edge: smaller vertex id times 27 plus the offset code."""
    a, b = np.minimum(u, w), np.maximum(u, w)
    code = np.zeros(a.size, np.int64)
    stride = 1
    for axis, size in enumerate(dims):
        da = (b // stride) % size - (a // stride) % size
        code += (da + 1) * 3**axis
        stride *= size
    return a * 27 + code


def _saddle_saddle_pairs(
    edges: np.ndarray, triangles: np.ndarray, positive: np.ndarray, rank: np.ndarray, dims
) -> tuple[np.ndarray, np.ndarray]:
    """(edge vertex, triangle vertex) pairs of H1 by a cleared Z/2 column reduction."""
    edges = edges[_lower_star_key(edges, rank)]
    position = np.empty(rank.size * 27, np.int64)
    position[_edge_slot(edges[:, 0], edges[:, 1], dims)] = np.arange(edges.shape[0])
    torder = _lower_star_key(triangles, rank)
    tri = triangles[torder]
    cols = np.empty((tri.shape[0], 3), np.int64)
    for k, (a, b) in enumerate(((0, 1), (0, 2), (1, 2))):
        cols[:, k] = position[_edge_slot(tri[:, a], tri[:, b], dims)]
    cols.sort(axis=1)
    rows, columns = reduce_columns(cols, positive[torder], edges.shape[0])
    ev = _highest(edges[rows], rank)
    tv = _highest(tri[columns], rank)
    keep = ev != tv
    return ev[keep], tv[keep]


def persistence_pairs(
    values: np.ndarray, domain: Domain, order: np.ndarray | None = None
) -> PersistenceDiagram:
    """TTK's persistence diagram of ``values`` on ``domain``.

    Minimum-saddle pairs come from the join-tree sweep (elder rule; a degenerate saddle
    kills one component per extra merging branch), saddle-maximum pairs on 2-D/3-D
    grids from the dual sweep, and each connected component adds an essential pair
    (its minimum, its maximum) of type -1 -- a connected domain has exactly one, the
    global minimum-maximum pair. Graphs (1-D complexes) have no saddle-maximum pairs.
    ``order``: a TTK order array that replaces the (value, id) order.
    """
    return diagram_from_sweep(*sweep(values, domain, "join", order), domain)


def join_tree_and_diagram(
    values: np.ndarray, domain: Domain
) -> tuple[MergeTree, PersistenceDiagram]:
    """The join tree and the persistence diagram from one shared sweep."""
    v, rank, res = sweep(values, domain, "join")
    return tree_from_sweep(v, rank, res, domain, "join"), diagram_from_sweep(v, rank, res, domain)


def diagram_from_sweep(
    v: np.ndarray, rank: np.ndarray, res: tuple, domain: Domain
) -> PersistenceDiagram:
    """The :class:`PersistenceDiagram` of an ascending sweep result."""
    ms_b, ms_d, comp_leaf, comp_top = res[4], res[5], res[6], res[7]
    sm_s, sm_m, ss_1, ss_2 = saddle_max_pairs(domain, rank)
    birth = np.concatenate([ms_b, ss_1, sm_s, comp_leaf])
    death = np.concatenate([ms_d, ss_2, sm_m, comp_top])
    sizes = (ms_b.size, ss_1.size, sm_s.size, comp_leaf.size)
    btype = np.repeat([MINIMUM, SADDLE1, SADDLE2, MINIMUM], sizes)
    dtype = np.repeat([SADDLE1, SADDLE2, MAXIMUM, MAXIMUM], sizes)
    ptype = np.repeat([MIN_SADDLE, SADDLE_SADDLE, SADDLE_MAX, GLOBAL], sizes)
    rows = np.lexsort((-rank[death], rank[birth]))
    birth, death = birth[rows], death[rows]
    bval, dval = v[birth], v[death]
    with np.errstate(invalid="ignore"):  # inf - inf: a pair inside a region of +inf (NaN) losses
        persistence = np.where(bval == dval, 0.0, dval - bval)
    return PersistenceDiagram(
        birth_vertex=birth.astype(np.int64),
        death_vertex=death.astype(np.int64),
        birth_type=btype[rows].astype(np.int64),
        death_type=dtype[rows].astype(np.int64),
        birth=bval,
        death=dval,
        persistence=persistence,
        pair_type=ptype[rows].astype(np.int64),
    )
