"""Persistence diagrams with TTK's pairs, types and row order, and the diagram as the
Loss Persistence Diagram filter draws it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lltk.topology._lowerstar import kuhn_tables, lower_star_pairs, minimum_saddle_pairs
from lltk.topology._ndgrid import check_grid_memory, grid_pairs
from lltk.topology._sweep import outside_split_pairs
from lltk.topology.domain import Domain, sweep_order
from lltk.topology.geometry import Geometry
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
    ``dimension``: the homology dimension of each pair (0 for minimum-saddle pairs and
    the global minimum-maximum pair, k for a k-saddle-(k+1)-saddle pair; on an n-D
    grid, n - 1 for saddle-maximum pairs). Not given, it is read from ``pair_type`` as
    on a 3-D grid.
    """

    birth_vertex: np.ndarray
    death_vertex: np.ndarray
    birth_type: np.ndarray
    death_type: np.ndarray
    birth: np.ndarray
    death: np.ndarray
    persistence: np.ndarray
    pair_type: np.ndarray
    dimension: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.dimension is None:
            dim = np.where(np.asarray(self.pair_type) == GLOBAL, 0, self.pair_type)
            object.__setattr__(self, "dimension", np.asarray(dim, np.int64))

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
    ``order``: a TTK order array that replaces the (value, id) order. Grids of 4 to 6
    axes get the pairs of every dimension (:func:`lltk.topology._ndgrid.grid_pairs`);
    their ``pair_type`` is 1 for the pairs between two saddles, whatever their
    dimension. On 2-D/3-D grids
    the minimum-saddle pairs come from a sweep that reads the neighbours from the grid
    (:func:`lltk.topology._lowerstar.minimum_saddle_pairs`, faster than the join tree's
    sweep, which lists them first); a grid has one component.

    Four minima in the corners of a 3 x 3 grid, saddles between them, a maximum in the
    middle:

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> loss = np.array([[0.0, 3.0, 1.0], [3.0, 4.0, 3.0], [1.0, 3.0, 2.0]]).ravel()
    >>> diagram = persistence_pairs(loss, grid_domain((3, 3)))
    >>> diagram.birth_vertex.tolist(), diagram.death_vertex.tolist()
    ([0, 2, 6, 8, 7], [4, 1, 3, 5, 4])
    >>> diagram.pair_type.tolist()  # -1 global, 0 minimum-saddle, 2 saddle-maximum
    [-1, 0, 0, 0, 2]
    >>> diagram.persistence.tolist()
    [4.0, 2.0, 2.0, 1.0, 1.0]
    """
    if domain.dims is None or len(domain.dims) < 2:
        return diagram_from_sweep(*sweep(values, domain, "join", order), domain)
    if len(domain.dims) > 3:
        check_grid_memory(domain.dims)
    v = check_values(values, domain)
    by_rank, rank = sweep_order(v) if order is None else given_order(order, v.size)
    if len(domain.dims) > 3:
        return _nd_diagram(v, rank, by_rank, grid_pairs(rank, domain.dims))
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
    of each component, adding the pairs of higher dimension (on grids of more than three
    axes, all pairs come from :func:`grid_pairs`)."""
    if domain.dims is not None and len(domain.dims) > 3:
        by_rank = np.empty(rank.size, np.int64)
        by_rank[rank] = np.arange(rank.size)
        return _nd_diagram(v, rank, by_rank, grid_pairs(rank, domain.dims))
    ms_b, ms_d, comp_leaf, comp_top = join
    sm_s, sm_m, ss_1, ss_2 = saddle_max_pairs(domain, rank)
    top = len(domain.dims) - 1 if domain.dims is not None and len(domain.dims) > 1 else 1
    blocks = [
        (ms_b, ms_d, MINIMUM, SADDLE1, MIN_SADDLE, 0),
        (ss_1, ss_2, SADDLE1, SADDLE2, SADDLE_SADDLE, 1),
        (sm_s, sm_m, SADDLE2, MAXIMUM, SADDLE_MAX, top),
        (comp_leaf, comp_top, MINIMUM, MAXIMUM, GLOBAL, 0),
    ]
    return _assemble(v, rank, blocks)


def _nd_diagram(
    v: np.ndarray, rank: np.ndarray, by_rank: np.ndarray, pairs: list[tuple[np.ndarray, ...]]
) -> PersistenceDiagram:
    """The diagram of an n-D grid from its pairs per dimension (:func:`grid_pairs`).

    TTK's CriticalType has no code for a k-saddle beyond 2: a 1-saddle is 1 and every
    k-saddle with k >= 2 is 2, a maximum 3; the exact index is the pair's ``dimension``.
    """
    top = len(pairs) - 1
    blocks = [(by_rank[:1], by_rank[-1:], MINIMUM, MAXIMUM, GLOBAL, 0)]
    for k, (birth, death) in enumerate(pairs):
        btype = MINIMUM if k == 0 else min(k, SADDLE2)
        dtype = MAXIMUM if k == top else min(k + 1, SADDLE2)
        ptype = MIN_SADDLE if k == 0 else SADDLE_MAX if k == top else SADDLE_SADDLE
        blocks.append((birth, death, btype, dtype, ptype, k))
    return _assemble(v, rank, blocks)


def _assemble(v: np.ndarray, rank: np.ndarray, blocks: list[tuple]) -> PersistenceDiagram:
    """The diagram of the (birth, death, birth type, death type, pair type, dimension)
    blocks, rows in TTK's order."""
    birth = np.concatenate([b[0] for b in blocks]).astype(np.int64)
    death = np.concatenate([b[1] for b in blocks]).astype(np.int64)
    sizes = [b[0].size for b in blocks]
    btype, dtype, ptype, dim = (np.repeat([b[i] for b in blocks], sizes) for i in range(2, 6))
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
        dimension=dim[rows].astype(np.int64),
    )


def select_pairs(diagram, pair_types: tuple[int, ...], threshold: float = 0.0) -> np.ndarray:
    """Indices of the diagram's pairs of the given PairType codes with persistence >=
    ``threshold`` (in the diagram's order).

    A line with the global pair (0, 4) and one minimum-saddle pair (1, 2):

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> line = persistence_pairs(np.array([3.0, 1.0, 2.0, 0.0, 4.0]), grid_domain((5,)))
    >>> select_pairs(line, (MIN_SADDLE,)).tolist()
    [1]
    >>> select_pairs(line, (MIN_SADDLE, GLOBAL), threshold=2.0).tolist()  # persistence 4 and 1
    [0]
    """
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

    Four minima in the corners of a 3 x 3 grid, saddles between them, a maximum in the
    middle:

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> loss = np.array([[0.0, 3.0, 1.0], [3.0, 4.0, 3.0], [1.0, 3.0, 2.0]]).ravel()
    >>> domain = grid_domain((3, 3))
    >>> diagram = persistence_pairs(loss, domain)
    >>> drawing = persistence_diagram_geometry(diagram, domain.points, np.array([0, 3]))
    >>> drawing.points[:, :2].tolist()  # (birth, birth) and (birth, death) of each pair
    [[0.0, 0.0], [0.0, 4.0], [2.0, 2.0], [2.0, 3.0]]
    >>> drawing.cells.tolist(), drawing.cell_data["PairType"].tolist()  # last: the diagonal
    ([[0, 1], [2, 3], [0, 2]], [-1, 0, -1])
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
