"""The study's topological numbers of a landscape, from its persistence diagram.

Xie, Geniesse et al. (2024) summarise a loss landscape by the number of local minima and
saddles of its join tree and by the average persistence of its persistence diagram. Two
definitions of each number are in use, and both are computed here, labelled:

- saddles: ``Type1SaddleCount`` counts the join-tree nodes of TTK's type 1 (where exactly
  two basins merge), as the authors' code counts them (``calculate_ttk_merge_tree.py``);
  ``SaddleCount`` also counts the degenerate saddles (type 4, where three or more basins
  merge at once), each once.
- persistence: ``AllPairs*`` statistics use every pair TTK's PersistenceDiagram outputs,
  the global minimum-maximum pair and saddle-maximum pairs included, as the authors'
  diagram CSVs and barcodes do; ``AveragePersistence``, ``TotalPersistence`` and
  ``MaxPersistence`` use the minimum-saddle pairs only (0 for a single basin).

Pairs born at an infinite loss (inside a region where the sampler recorded NaN, which the
engine treats as +inf) are features of the diverged region's tie-breaking, not of the
landscape, and are not counted; in the all-pairs statistics a pair dying at +inf (the
global pair of such a landscape) dies at the diagram's largest finite value instead.

Per homology dimension k (:func:`dimension_metrics`; on an n-D grid k = 0 .. n-1):
``H<k>PairCount`` and ``H<k>AveragePersistence`` over the pairs of dimension k (the
global pair left out), and ``H<k>AllPairsAveragePersistence`` with the global pair in
(the paper's definition; the same as the other from k = 1, which has no global pair).
"""

from __future__ import annotations

import numpy as np

#: TTK's PairType codes.
MIN_SADDLE, SADDLE_SADDLE, SADDLE_MAX, GLOBAL = 0, 1, 2, -1

#: The metrics each definition names, for tables that show both: (paper's, other).
DEFINITIONS = {
    "saddles": ("Type1SaddleCount", "SaddleCount"),
    "avg_persistence": ("AllPairsAveragePersistence", "AveragePersistence"),
}


def dimension_metrics(diagram, dimensions: int) -> dict[str, float]:
    """``H<k>PairCount``, ``H<k>AveragePersistence`` and ``H<k>AllPairsAveragePersistence``
    for k = 0 .. ``dimensions`` - 1 (see the module docstring)."""
    birth = np.asarray(diagram.birth, np.float64)
    counted = np.isfinite(birth)
    death = np.asarray(diagram.death, np.float64)
    top = np.concatenate([birth[counted], death[counted & np.isfinite(death)]]).max(initial=0)
    pers = np.where(np.isfinite(death), death, top) - birth
    is_global = np.asarray(diagram.pair_type) == GLOBAL
    out: dict[str, float] = {}
    for k in range(dimensions):
        in_k = (np.asarray(diagram.dimension) == k) & counted
        pairs, every = pers[in_k & ~is_global], pers[in_k]
        out[f"H{k}PairCount"] = float(pairs.size)
        out[f"H{k}AveragePersistence"] = float(pairs.mean()) if pairs.size else 0.0
        out[f"H{k}AllPairsAveragePersistence"] = float(every.mean()) if every.size else 0.0
    return out


def landscape_metrics(diagram) -> dict[str, float]:
    """The topological numbers of a :class:`lltk.topology.PersistenceDiagram`:

    ``MinimaCount``; ``Type1SaddleCount`` (death vertices of exactly one minimum-saddle
    pair: TTK's type-1 join-tree saddles) and ``SaddleCount`` (every distinct death vertex
    of a minimum-saddle pair, degenerate ones once); ``SaddleMaximumPairs``; the
    minimum-saddle persistence statistics ``AveragePersistence``, ``TotalPersistence``,
    ``MaxPersistence`` (0 without such a pair); and ``AllPairsCount``,
    ``AllPairsAveragePersistence``, ``AllPairsTotalPersistence``,
    ``AllPairsMaxPersistence`` over every pair of the diagram.

    Four minima in the corners of a 3 x 3 grid, saddles between them, a maximum in the
    middle:

    >>> import numpy as np
    >>> from lltk.topology import grid_domain, persistence_pairs
    >>> loss = np.array([[0.0, 3.0, 1.0], [3.0, 4.0, 3.0], [1.0, 3.0, 2.0]]).ravel()
    >>> metrics = landscape_metrics(persistence_pairs(loss, grid_domain((3, 3))))
    >>> metrics["MinimaCount"], metrics["SaddleCount"], metrics["SaddleMaximumPairs"]
    (4.0, 3.0, 1.0)
    >>> metrics["TotalPersistence"], metrics["MaxPersistence"]  # 2 + 2 + 1 over 3 pairs
    (5.0, 2.0)
    """
    birth = np.asarray(diagram.birth, np.float64)
    counted = np.isfinite(birth)
    pair_type = np.asarray(diagram.pair_type)
    min_saddle = (pair_type == MIN_SADDLE) & counted
    pers = np.asarray(diagram.persistence, np.float64)[min_saddle]
    minima = np.count_nonzero(min_saddle) + np.count_nonzero((pair_type == GLOBAL) & counted)
    _, deaths = np.unique(np.asarray(diagram.death_vertex)[min_saddle], return_counts=True)
    death = np.asarray(diagram.death, np.float64)[counted]
    finite = np.isfinite(death)
    top = np.concatenate([birth[counted], death[finite]]).max(initial=-np.inf)
    every = np.where(finite, death, top) - birth[counted]
    return {
        "MinimaCount": float(minima),
        "Type1SaddleCount": float(np.count_nonzero(deaths == 1)),
        "SaddleCount": float(deaths.size),
        "SaddleMaximumPairs": float(np.count_nonzero((pair_type == SADDLE_MAX) & counted)),
        "AveragePersistence": float(pers.mean()) if pers.size else 0.0,
        "TotalPersistence": float(pers.sum()),
        "MaxPersistence": float(pers.max()) if pers.size else 0.0,
        "AllPairsCount": float(every.size),
        "AllPairsAveragePersistence": float(every.mean()) if every.size else 0.0,
        "AllPairsTotalPersistence": float(every.sum()),
        "AllPairsMaxPersistence": float(every.max()) if every.size else 0.0,
    }
