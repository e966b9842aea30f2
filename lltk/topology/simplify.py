"""Topological simplification by persistence (TTK's Minimum-Saddle mode)."""

from __future__ import annotations

import numpy as np

from lltk.topology._jit import numba
from lltk.topology.domain import Domain
from lltk.topology.tree import sweep

#: At most this many local-ordering passes per basin (TTK warns after 20).
_PASSES = 1000
#: A key above every local order (TTK gives the saddle the largest one).
_TOP = 2**62


@numba.njit(cache=True)
def _heap_push(keys: np.ndarray, items: np.ndarray, size: int, key: int, item: int) -> int:
    """Push onto the max-heap (keys, items) of ``size`` entries; returns the new size."""
    i = size
    keys[i], items[i] = key, item
    while i > 0:
        j = (i - 1) // 2
        if keys[j] >= keys[i]:
            break
        keys[i], keys[j] = keys[j], keys[i]
        items[i], items[j] = items[j], items[i]
        i = j
    return size + 1


@numba.njit(cache=True)
def _heap_pop(keys: np.ndarray, items: np.ndarray, size: int) -> tuple[int, int]:
    """Pop the largest key of the max-heap; returns (item, new size)."""
    top = items[0]
    size -= 1
    keys[0], items[0] = keys[size], items[size]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and keys[c + 1] > keys[c]:
            c += 1
        if keys[c] <= keys[i]:
            break
        keys[i], keys[c] = keys[c], keys[i]
        items[i], items[c] = items[c], items[i]
        i = c
    return top, size


@numba.njit(cache=True)
def _flood(
    rank: np.ndarray, indptr: np.ndarray, indices: np.ndarray, seeds: np.ndarray
) -> np.ndarray:
    """Flood upwards from the kept minima in (value, id) order; for each vertex, the
    saddle whose removed basin it lies in (-1 outside every removed basin).

    A heap keyed by the original rank visits every vertex once, starting from ``seeds``.
    A vertex visited after a higher one (the running maximum of the ranks visited) lies
    in a removed basin, entered through that higher vertex: its saddle.
    """
    n = rank.size
    keys = np.empty(n, np.int64)
    items = np.empty(n, np.int64)
    size = 0
    queued = np.zeros(n, np.bool_)
    for s in seeds:
        queued[s] = True
        size = _heap_push(keys, items, size, -rank[s], s)
    saddle = np.full(n, -1, np.int64)
    top = -1
    top_vertex = -1
    while size > 0:
        v, size = _heap_pop(keys, items, size)
        if rank[v] > top:
            top, top_vertex = rank[v], v
        else:
            saddle[v] = top_vertex
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if not queued[u]:
                queued[u] = True
                size = _heap_push(keys, items, size, -rank[u], u)
    return saddle


@numba.njit(cache=True)
def _local_pass(
    local: np.ndarray,
    members: np.ndarray,
    inside: np.ndarray,
    boundary: np.ndarray,
    saddle: int,
    upward: bool,
    indptr: np.ndarray,
    indices: np.ndarray,
    keys: np.ndarray,
    items: np.ndarray,
    seq: np.ndarray,
) -> None:
    """One pass of TTK's local ordering of a flattened segment (in TTK's inverted frame):
    ``upward`` floods from the saddle, else from the segment's boundary inwards."""
    m = members.size
    size = 0
    big = _TOP
    if upward:
        size = _heap_push(keys, items, size, big, saddle)
    else:
        for v in members:
            local[v] = -m - 1 - local[v]
        for v in boundary:
            size = _heap_push(keys, items, size, local[v], v)
            local[v] = 0
        size = _heap_push(keys, items, size, -big, saddle)
    q = 0
    while size > 0:
        v, size = _heap_pop(keys, items, size)
        seq[q] = v
        q += 1
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if inside[u] and local[u] < 0:
                size = _heap_push(keys, items, size, local[u], u)
                local[u] = 0
    if upward:
        for i in range(1, m + 1):
            local[seq[i]] = -i
    else:
        for i in range(m):
            local[seq[i]] = i - m


@numba.njit(cache=True)
def _local_order(
    inverted: np.ndarray,
    starts: np.ndarray,
    members_all: np.ndarray,
    saddles: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
) -> np.ndarray:
    """TTK's order inside each flattened segment (LocalizedTopologicalSimplification's
    local order): alternate floods from the saddle and from the segment's boundary until
    the segment holds no extremum of its own. ``inverted`` is TTK's inverted order."""
    n = inverted.size
    local = np.zeros(n, np.int64)
    keys = np.empty(n + 1, np.int64)
    items = np.empty(n + 1, np.int64)
    seq = np.empty(n + 1, np.int64)
    inside = np.zeros(n, np.bool_)
    for k in range(saddles.size):
        members = members_all[starts[k] : starts[k + 1]]
        s = saddles[k]
        if members.size == 1:
            local[members[0]] = -2
            continue
        for v in members:
            local[v] = inverted[v] - n
            inside[v] = True
        boundary = np.empty(0, np.int64)
        upward = True
        for _ in range(_PASSES):
            _local_pass(
                local, members, inside, boundary, s, upward, indptr, indices, keys, items, seq
            )
            upward = not upward
            found = np.empty(members.size, np.int64)
            nb = 0
            residual = False
            for v in members:
                on_boundary = smaller = larger = False
                for e in range(indptr[v], indptr[v + 1]):
                    u = indices[e]
                    if u == s:
                        larger = True
                    elif not inside[u]:
                        on_boundary = True
                    elif local[u] > local[v]:
                        larger = True
                    else:
                        smaller = True
                if not larger or (not on_boundary and not smaller):
                    residual = True
                if on_boundary:
                    found[nb] = v
                    nb += 1
            if boundary.size == 0:
                boundary = found[:nb].copy()
            if not residual or boundary.size == 0:
                # a basin that touches nothing but its saddle (a dead end of a graph or
                # 1-D grid) never loses its residual maximum; TTK 1.2.0 loops forever
                # there, lltk keeps the first pass, which leaves it no minimum
                break
        for v in members:
            inside[v] = False
    return local


def threshold_value(finite: np.ndarray, threshold: float, absolute: bool) -> float:
    """The persistence threshold as a loss difference: ``threshold`` itself where
    ``absolute``, else that fraction of the range of the ``finite`` values (TTK's relative
    threshold; diverged losses never stretch the range).

    >>> threshold_value(np.array([1.0, 3.0, 5.0]), 0.25, absolute=False)
    1.0
    """
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    return float(threshold) if absolute else threshold * span


def _flattened(
    values: np.ndarray, domain: Domain, threshold: float, absolute: bool, order: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Checked values, their rank, and each vertex's saddle (-1 where kept)."""
    if not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"the persistence threshold must be finite and >= 0, got {threshold}")
    v, rank, res = sweep(values, domain, "join", order)
    births, deaths, leaves = res[4], res[5], res[6]
    limit = threshold_value(v[np.isfinite(v)], threshold, absolute)
    with np.errstate(invalid="ignore"):  # inf - inf inside a region of +inf (NaN) losses
        persistence = np.where(v[births] == v[deaths], 0.0, v[deaths] - v[births])
    removed = persistence <= limit  # TTK stops a basin only above the threshold
    seeds = np.unique(np.concatenate([births[~removed], leaves]))
    return v, rank, _flood(rank, domain.indptr, domain.indices, seeds)


def simplify(
    values: np.ndarray,
    domain: Domain,
    threshold: float,
    absolute: bool = False,
    order: np.ndarray | None = None,
) -> np.ndarray:
    """The field without its minimum-saddle pairs of persistence up to ``threshold``.

    TTK 1.2.0's TopologicalSimplificationByPersistence with PairType Minimum-Saddle: the
    threshold is a fraction of the function range (``absolute=False``, TTK's default)
    or a value; a pair is removed when its persistence is at most the threshold (elder
    rule, ties by vertex id), and every vertex of a removed basin takes its saddle's
    value. :func:`simplify_with_order` also gives the order that TTK puts on the
    flattened basins; ``order`` (a TTK order array) replaces the (value, id) order.

    The basin of the minimum 1 has persistence 1 (it dies at the saddle 2), a quarter of
    the range 4:

    >>> import numpy as np
    >>> from lltk.topology import grid_domain
    >>> values = np.array([3.0, 1.0, 2.0, 0.0, 4.0])  # minima at vertices 1 and 3
    >>> simplify(values, grid_domain((5,)), 0.25).tolist()  # 1 <= 0.25 x 4: flattened
    [3.0, 2.0, 2.0, 0.0, 4.0]
    >>> simplify(values, grid_domain((5,)), 0.2).tolist()  # 1 > 0.2 x 4: kept
    [3.0, 1.0, 2.0, 0.0, 4.0]
    >>> simplify(values, grid_domain((5,)), 1.0, absolute=True).tolist()
    [3.0, 2.0, 2.0, 0.0, 4.0]
    """
    v, _, saddle = _flattened(values, domain, threshold, absolute, order)
    return _flat_values(v, saddle)


def _flat_values(v: np.ndarray, saddle: np.ndarray) -> np.ndarray:
    out = v.copy()
    inside = saddle >= 0
    out[inside] = v[saddle[inside]]
    return out


def simplify_with_order(
    values: np.ndarray,
    domain: Domain,
    threshold: float,
    absolute: bool = False,
    order: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`simplify`'s values and TTK's ``<name>_Order`` array for them: each
    vertex's rank in the simplified field's vertex order, in which only the kept minima
    are minima (TTK's local order inside each flattened basin)."""
    v, rank, saddle = _flattened(values, domain, threshold, absolute, order)
    n = v.size
    inverted = n - 1 - rank  # TTK simplifies minima as maxima of the inverted order
    flat = inverted.copy()
    inside = np.flatnonzero(saddle >= 0)
    flat[inside] = inverted[saddle[inside]]
    local = np.zeros(n, np.int64)
    if inside.size:
        labels = _segments(domain, saddle >= 0)
        by_segment = inside[np.argsort(labels[inside], kind="stable")]
        starts = np.concatenate([[0], np.cumsum(np.bincount(labels[inside]))])
        local = _local_order(
            inverted,
            starts,
            by_segment,
            saddle[by_segment[starts[:-1]]],
            domain.indptr,
            domain.indices,
        )
        local[np.unique(saddle[inside])] = _TOP
    position = np.empty(n, np.int64)
    position[np.lexsort((np.arange(n), local, flat))] = np.arange(n)
    return _flat_values(v, saddle), n - 1 - position


def _segments(domain: Domain, mask: np.ndarray) -> np.ndarray:
    """Connected-component labels (0, 1, ...) of the vertices in ``mask`` (-1 elsewhere)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    n = mask.size
    rows = np.repeat(np.arange(n), np.diff(domain.indptr))
    keep = mask[rows] & mask[domain.indices]
    graph = csr_matrix(
        (np.ones(int(keep.sum()), np.int8), (rows[keep], domain.indices[keep])), shape=(n, n)
    )
    _, labels = connected_components(graph, directed=False)
    out = np.full(n, -1, np.int64)
    ids = np.unique(labels[mask], return_inverse=True)[1]
    out[mask] = ids
    return out
