"""The study's topological numbers of a landscape, from its persistence diagram.

Xie, Geniesse et al. (2024) summarise a loss landscape by the number of local minima
and saddles of its join tree and by the average, total and maximum persistence of its
minimum-saddle pairs. The global minimum, paired with the global maximum, is counted
as a minimum but its (infinite in homology) pair is left out of the persistence
statistics, as are saddle-maximum pairs. Pairs born at an infinite loss (inside a region
where the sampler recorded NaN, which the engine treats as +inf) are features of the
diverged region's tie-breaking, not of the landscape, and are not counted.
"""

from __future__ import annotations

import numpy as np

#: TTK's PairType codes.
MIN_SADDLE, SADDLE_SADDLE, SADDLE_MAX, GLOBAL = 0, 1, 2, -1


def landscape_metrics(diagram) -> dict[str, float]:
    """``MinimaCount``, ``SaddleCount``, ``SaddleMaximumPairs`` and the persistence
    statistics (``AveragePersistence``, ``TotalPersistence``, ``MaxPersistence``, 0 when
    there is no minimum-saddle pair) of a :class:`lltk.topology.PersistenceDiagram`.

    Saddles are the distinct vertices where minimum-saddle pairs die (a degenerate
    saddle, where three or more basins merge, counts once).
    """
    counted = np.isfinite(np.asarray(diagram.birth, np.float64))
    pair_type = np.asarray(diagram.pair_type)
    min_saddle = (pair_type == MIN_SADDLE) & counted
    pers = np.asarray(diagram.persistence, np.float64)[min_saddle]
    minima = np.count_nonzero(min_saddle) + np.count_nonzero((pair_type == GLOBAL) & counted)
    return {
        "MinimaCount": float(minima),
        "SaddleCount": float(np.unique(np.asarray(diagram.death_vertex)[min_saddle]).size),
        "SaddleMaximumPairs": float(np.count_nonzero((pair_type == SADDLE_MAX) & counted)),
        "AveragePersistence": float(pers.mean()) if pers.size else 0.0,
        "TotalPersistence": float(pers.sum()),
        "MaxPersistence": float(pers.max()) if pers.size else 0.0,
    }
