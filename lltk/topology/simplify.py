"""Topological simplification by persistence (TTK's Minimum-Saddle mode)."""

from __future__ import annotations

import numpy as np

from lltk.topology._jit import numba
from lltk.topology.diagram import GLOBAL, MIN_SADDLE, diagram_from_sweep
from lltk.topology.domain import Domain
from lltk.topology.tree import sweep


@numba.njit(cache=True)
def _flood(
    values: np.ndarray,
    rank: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    seeds: np.ndarray,
) -> np.ndarray:
    """Flood upwards from the authorized minima in (value, id) order.

    A min-heap keyed by the original rank visits every vertex once, starting from
    ``seeds``; a vertex reached before it is at least as high as the last visited one
    is raised just above it (next float up), so the visit order becomes the new
    (value, id) order and only the seeds remain minima.
    """
    n = values.size
    out = values.copy()
    heap = np.empty(n, np.int64)
    size = 0
    queued = np.zeros(n, np.bool_)
    for s in seeds:
        queued[s] = True
        heap[size] = rank[s]
        size += 1
        i = size - 1
        while i > 0 and heap[(i - 1) // 2] > heap[i]:
            j = (i - 1) // 2
            heap[i], heap[j] = heap[j], heap[i]
            i = j
    order = np.empty(n, np.int64)
    order[rank] = np.arange(n)
    last = -np.inf
    last_id = -1
    while size > 0:
        r = heap[0]
        size -= 1
        heap[0] = heap[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and heap[c + 1] < heap[c]:
                c += 1
            if heap[c] >= heap[i]:
                break
            heap[i], heap[c] = heap[c], heap[i]
            i = c
        v = order[r]
        x = values[v]
        if x < last or (x == last and v < last_id):
            x = np.nextafter(last, np.inf)
        out[v] = x
        last = x
        last_id = v
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if not queued[u]:
                queued[u] = True
                heap[size] = rank[u]
                size += 1
                i = size - 1
                while i > 0 and heap[(i - 1) // 2] > heap[i]:
                    j = (i - 1) // 2
                    heap[i], heap[j] = heap[j], heap[i]
                    i = j
    return out


def simplify(
    values: np.ndarray, domain: Domain, threshold: float, absolute: bool = False
) -> np.ndarray:
    """The field without its minimum-saddle pairs of persistence below ``threshold``.

    Like TTK's TopologicalSimplificationByPersistence with PairType Minimum-Saddle: the
    threshold is a fraction of the function range (``absolute=False``, TTK's default)
    or a value; every minimum of a removed pair is flooded up to its saddle. TTK keeps
    the flattened region ordered by an offset field; here the raised vertices get the
    next floats above the saddle value instead, so that the plain (value, id) order is
    that order, and the result's diagram is the input's minus the removed pairs.
    """
    if not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"the persistence threshold must be finite and >= 0, got {threshold}")
    v, rank, res = sweep(values, domain, "join")
    dgm = diagram_from_sweep(v, rank, res, domain)
    finite = v[np.isfinite(v)]
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    limit = threshold if absolute else threshold * span
    ms = dgm.pair_type == MIN_SADDLE
    removed = ms & (dgm.persistence < limit)
    if not removed.any():
        return v
    keep = (ms & ~removed) | (dgm.pair_type == GLOBAL)
    seeds = np.unique(dgm.birth_vertex[keep])
    return _flood(v, rank, domain.indptr, domain.indices, seeds)
