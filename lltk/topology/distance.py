"""Distances between persistence diagrams, their matrix over many landscapes, and MDS.

A landscape's diagram is split by TTK's ``PairType``: minimum-saddle pairs (0), and for
"all pairs" also saddle-saddle (1), saddle-maximum (2) and the global minimum-maximum
pair (-1). Pairs of different types are never matched with each other (they are
features of different homology dimension): the bottleneck distance over all pairs is the
largest per-type distance, the p-Wasserstein distance is the p-norm of the per-type ones.
Points are (birth, death) losses; the ground metric is L-infinity and a point matched to
the diagonal costs half its persistence (gudhi's conventions). gudhi computes each
per-type distance: ``bottleneck_distance`` (exact) and hera's ``wasserstein_distance``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lltk.topology.diagram import (
    GLOBAL,
    MIN_SADDLE,
    SADDLE_MAX,
    SADDLE_SADDLE,
    PersistenceDiagram,
    persistence_pairs,
)
from lltk.topology.domain import Domain
from lltk.topology.field import landscape_field

#: The pair sets ``lltk compare`` measures: name -> TTK PairType codes.
PAIR_SETS: dict[str, tuple[int, ...]] = {
    "min-saddle": (MIN_SADDLE,),
    "all": (MIN_SADDLE, SADDLE_SADDLE, SADDLE_MAX, GLOBAL),
}
#: Distance names -> Wasserstein order (inf for the bottleneck distance).
METRICS: dict[str, float] = {"bottleneck": np.inf, "wasserstein1": 1.0, "wasserstein2": 2.0}


@dataclass(frozen=True)
class DiagramPoints:
    """A diagram's (birth, death) points per PairType, as the distances use them."""

    points: dict[int, np.ndarray]

    def of(self, pair_type: int) -> np.ndarray:
        """The (k, 2) points of one pair type (k may be 0)."""
        return self.points.get(pair_type, np.zeros((0, 2)))


def diagram_points(
    diagram: PersistenceDiagram, pair_types: Sequence[int], span: tuple[float, float] | None = None
) -> DiagramPoints:
    """The diagram's points of ``pair_types``; with ``span = (lo, hi)`` the losses are
    mapped to ``(loss - lo) / (hi - lo)`` (a flat landscape, ``hi == lo``, maps to 0)."""
    birth, death = np.asarray(diagram.birth, float), np.asarray(diagram.death, float)
    if span is not None:
        lo, hi = span
        scale = 1.0 / (hi - lo) if hi > lo else 0.0
        birth, death = (birth - lo) * scale, (death - lo) * scale
    return DiagramPoints(
        {
            int(t): np.column_stack([birth[mask], death[mask]])
            for t in pair_types
            if (mask := diagram.pair_type == t).any()
        }
    )


def diagram_distance(a: DiagramPoints, b: DiagramPoints, order: float) -> float:
    """Bottleneck (``order`` = inf) or p-Wasserstein distance, pair types matched apart."""
    import gudhi

    per_type = []
    for t in sorted(set(a.points) | set(b.points)):
        x, y = a.of(t), b.of(t)
        if np.isinf(order):
            per_type.append(gudhi.bottleneck_distance(x, y))
        else:
            per_type.append(wasserstein_distance(x, y, order))
    if not per_type:
        return 0.0
    values = np.asarray(per_type, float)
    return float(values.max() if np.isinf(order) else np.sum(values**order) ** (1.0 / order))


def wasserstein_distance(
    x: np.ndarray, y: np.ndarray, order: float, ground: float = np.inf
) -> float:
    """Exact p-Wasserstein distance between (k, 2) point sets. ``ground`` is the L_q norm
    between points (inf, gudhi's default: a point is half its persistence from the
    diagonal; 1: its whole persistence, as TTK's ttkBottleneckDistance counts it). Each
    point of ``x`` is matched to one of ``y`` or to its own diagonal copy; diagonal copies
    match each other for free.

    >>> import numpy as np
    >>> x, y = np.array([[0.0, 2.0]]), np.array([[0.0, 3.0], [1.0, 1.5]])
    >>> wasserstein_distance(x, y, 1.0)  # (0, 2) to (0, 3): 1; (1, 1.5) to the diagonal: 0.25
    1.25
    """
    from scipy.optimize import linear_sum_assignment

    n, m = len(x), len(y)
    if n + m == 0:
        return 0.0
    to_diagonal = 2.0 ** (1.0 / ground) / 2.0  # L_q distance to the diagonal per unit persistence
    cost = np.full((n + m, m + n), np.inf)
    cost[:n, :m] = np.linalg.norm(x[:, None, :] - y[None, :, :], ord=ground, axis=2) ** order
    cost[np.arange(n), m + np.arange(n)] = (to_diagonal * (x[:, 1] - x[:, 0])) ** order
    cost[n + np.arange(m), np.arange(m)] = (to_diagonal * (y[:, 1] - y[:, 0])) ** order
    cost[n:, m:] = 0.0
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].sum() ** (1.0 / order))


def distance_matrix(diagrams: Sequence[DiagramPoints], order: float) -> np.ndarray:
    """The symmetric (n, n) matrix of :func:`diagram_distance`, zero on the diagonal.

    Every distance is homogeneous (scaling the points scales it), so the points are divided
    by their largest magnitude first and the distances multiplied back: losses near
    float64's limits give finite costs where a square or a difference would overflow."""
    n = len(diagrams)
    scale = max(
        (float(np.abs(p).max()) for d in diagrams for p in d.points.values() if p.size),
        default=1.0,
    )
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    scaled = [DiagramPoints({t: p / scale for t, p in d.points.items()}) for d in diagrams]
    out = np.zeros((n, n))
    rows, cols = np.triu_indices(n, k=1)
    values = [
        diagram_distance(scaled[i], scaled[j], order) for i, j in zip(rows, cols, strict=True)
    ]
    with np.errstate(over="ignore"):
        out[rows, cols] = np.asarray(values, float) * scale
    out[cols, rows] = out[rows, cols]
    return out


def classical_mds(distances: np.ndarray, dims: int = 2) -> np.ndarray:
    """Classical (Torgerson) MDS: (n, dims) coordinates whose Euclidean distances best fit
    ``distances`` (exactly, when they are Euclidean in ``dims`` dimensions). The axes are
    the top eigenvectors of the double-centred squared distances; each is signed so that
    its largest-magnitude coordinate is positive (a reproducible picture)."""
    d = np.asarray(distances, float)
    n = d.shape[0]
    scale = float(d.max()) if d.size and np.isfinite(d).all() and d.max() > 0 else 1.0
    d = d / scale  # MDS is homogeneous: coordinates scale with the distances
    centre = np.eye(n) - 1.0 / n
    gram = -0.5 * centre @ (d**2) @ centre
    values, vectors = np.linalg.eigh(gram)
    top = np.argsort(values)[::-1][:dims]
    coords = vectors[:, top] * np.sqrt(np.clip(values[top], 0.0, None)) * scale
    if coords.shape[1] < dims:
        coords = np.pad(coords, ((0, 0), (0, dims - coords.shape[1])))
    flip = np.sign(coords[np.abs(coords).argmax(axis=0), np.arange(dims)])
    return coords * np.where(flip == 0, 1.0, flip)


def domain_kind(domain: Domain) -> str:
    """What must agree between compared landscapes: ``2-D grid``, ``3-D grid``, ``graph``."""
    return f"{len(domain.dims)}-D grid" if domain.is_grid else "graph"


def landscape_diagram(
    values: np.ndarray, domain: Domain, normalize: bool
) -> tuple[PersistenceDiagram, tuple[float, float] | None]:
    """A landscape's diagram and, when ``normalize``, the span (finite min, max) that maps
    its valid losses to [0, 1]. Invalid (NaN or infinite) losses are at the plateau of
    :meth:`~lltk.topology.field.LandscapeField.plateau_values`, so every point is finite;
    a :class:`~lltk.topology.field.FieldError` if no loss is valid."""
    field = landscape_field("Loss", values, domain)
    valid = field.values[field.valid]
    span = (float(valid.min()), float(valid.max())) if normalize else None
    return persistence_pairs(field.plateau_values(), domain), span


def distance_matrices(
    diagrams: Sequence[PersistenceDiagram], spans: Sequence[tuple[float, float] | None]
) -> dict[tuple[str, str], np.ndarray]:
    """Every (pair set, metric) of :data:`PAIR_SETS` x :data:`METRICS` -> its matrix
    (what ``lltk compare`` writes).

    Two lines whose one minimum-saddle pair is (1, 2) and (1.25, 2): matching the pairs
    costs 0.25 (L-infinity), sending both to the diagonal 0.5 and 0.375.

    >>> import numpy as np
    >>> from lltk.topology import grid_domain, persistence_pairs
    >>> a = persistence_pairs(np.array([3.0, 1.0, 2.0, 0.0, 4.0]), grid_domain((5,)))
    >>> b = persistence_pairs(np.array([3.0, 1.25, 2.0, 0.0, 4.0]), grid_domain((5,)))
    >>> matrices = distance_matrices([a, b], [None, None])
    >>> matrices["min-saddle", "bottleneck"].tolist()
    [[0.0, 0.25], [0.25, 0.0]]
    >>> matrices["all", "wasserstein1"].tolist()  # the global pairs (0, 4) match exactly
    [[0.0, 0.25], [0.25, 0.0]]
    """
    out = {}
    for pairs, types in PAIR_SETS.items():
        points = [diagram_points(d, types, s) for d, s in zip(diagrams, spans, strict=True)]
        for metric, order in METRICS.items():
            out[pairs, metric] = distance_matrix(points, order)
    return out
