"""Persistence diagrams with TTK's pairs, types and row order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lltk.topology._lowerstar import kuhn_tables, lower_star_pairs, minimum_saddle_pairs
from lltk.topology._sweep import outside_split_pairs
from lltk.topology.domain import Domain, sweep_order
from lltk.topology.tree import (
    MAXIMUM,
    MINIMUM,
    SADDLE1,
    SADDLE2,
    MergeTree,
    check_values,
    given_order,
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


def saddle_max_pairs(domain: Domain, rank: np.ndarray) -> tuple[np.ndarray, ...]:
    """Saddle-maximum and saddle-saddle vertex pairs of a 2-D or 3-D grid.

    On 3-D grids both come from the lower stars of the implicit triangulation
    (:func:`lltk.topology._lowerstar.lower_star_pairs`). 2-D grids have no
    saddle-saddle pairs, and their saddle-maximum pairs come from a cheaper sweep over
    the vertices, the dual one by Alexander duality
    (:func:`lltk.topology._sweep.outside_split_pairs`). Returns (saddle, max, saddle1,
    saddle2).
    """
    empty = np.zeros(0, np.int64)
    if domain.dims is None or len(domain.dims) < 2:
        return empty, empty, empty, empty
    shape = np.array([*domain.dims, 1][:3], np.int64)
    if len(domain.dims) == 2:
        saddle, maximum = outside_split_pairs(rank, domain.indptr, domain.indices, shape)
        return saddle, maximum, empty, empty
    return lower_star_pairs(rank, shape)


def persistence_pairs(
    values: np.ndarray, domain: Domain, order: np.ndarray | None = None
) -> PersistenceDiagram:
    """TTK's persistence diagram of ``values`` on ``domain``.

    Minimum-saddle pairs come from the join-tree sweep (elder rule; a degenerate saddle
    kills one component per extra merging branch), saddle-maximum pairs on 2-D/3-D
    grids from the dual sweep, and each connected component adds an essential pair
    (its minimum, its maximum) of type -1 -- a connected domain has exactly one, the
    global minimum-maximum pair. Graphs (1-D complexes) have no saddle-maximum pairs.
    ``order``: a TTK order array that replaces the (value, id) order. On 2-D/3-D grids
    the minimum-saddle pairs come from a sweep that reads the neighbours from the grid
    (:func:`lltk.topology._lowerstar.minimum_saddle_pairs`, faster than the join tree's
    sweep, which lists them first); a grid has one component.
    """
    if domain.dims is None or len(domain.dims) < 2:
        return diagram_from_sweep(*sweep(values, domain, "join", order), domain)
    v = check_values(values, domain)
    by_rank, rank = sweep_order(v) if order is None else given_order(order, v.size)
    shape = np.array([*domain.dims, 1][:3], np.int64)
    ms_b, ms_d = minimum_saddle_pairs(by_rank, rank, shape, kuhn_tables(len(domain.dims))["nb"])
    return _diagram(v, rank, (ms_b, ms_d, by_rank[:1], by_rank[-1:]), domain)


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
    return _diagram(v, rank, res[4:8], domain)


def _diagram(v: np.ndarray, rank: np.ndarray, join: tuple, domain: Domain) -> PersistenceDiagram:
    """The diagram from the join sweep's (minimum, saddle) pairs and (minimum, maximum)
    of each component, adding the pairs of higher dimension."""
    ms_b, ms_d, comp_leaf, comp_top = join
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
