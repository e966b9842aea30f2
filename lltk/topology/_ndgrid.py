"""Persistence pairs of every homology dimension on n-D grids (2 to 6 axes), implicitly.

The grid's triangulation is Kuhn's (Freudenthal's) with the x axis reversed, TTK's in
2-D and 3-D (:mod:`lltk.topology.domain`), extended to n axes: two vertices are adjacent
when their offset, x negated, is a non-zero 0/1 vector or minus one, and a set of
pairwise adjacent vertices is a simplex (the triangulation is a flag complex). No
simplex is ever listed: the kernels read the ranks of a vertex's ``2 (2^n - 1)``
neighbours from a grid padded with one layer of vertices that rank above all others
(``_OUTSIDE``), so a simplex touching the padding is outside the complex and no bounds
are checked.

A simplex is the tuple of its vertex ranks, highest first; tuples compare
lexicographically, which refines the lower-star filtration of the (value, id) order.
Its apparent pairs (a simplex and its youngest facet, when it is that facet's oldest
cofacet) form a discrete gradient in which a simplex ``s`` is paired upwards with
``s + u``, ``u`` the lowest vertex completing ``s``, when ``u`` ranks below all of
``s``. Within the lower star of a vertex v the simplices form a tree (a simplex's
parent drops its lowest vertex) whose children are the completions below the lowest
vertex: a simplex is paired with its lowest child, and is critical when it has no child
and is not its parent's lowest child. One depth-first pass over each lower star, on
bit sets of the lower neighbours, finds the critical cells of the middle dimensions.

As in the Discrete Morse Sandwich (Guillou, Vidal, Tierny, IEEE TVCG 2023):
minimum-saddle pairs come from a union-find sweep over the vertices; the
(n-1)-saddle-maximum pairs from the critical facets, highest first, joining the
critical top cells that their cofacets' ascending gradient paths reach (elder rule; the
outside is a node born at +inf); the pairs in between from reducing the Morse boundary
matrix of the critical cells over Z/2, one dimension at a time from the top, with
clearing (a cell that a higher reduction paired is skipped). A column's boundary is
found lazily: a max-heap of simplices whose top, if paired downwards, is dropped, if
paired upwards, is replaced by the other facets of its partner, and if critical is the
pivot, unless an earlier column owns it.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from lltk.memory import available_memory
from lltk.topology._jit import numba
from lltk.topology._lowerstar import _slot
from lltk.topology._sweep import _elder_merge, _find, _push_distinct

#: The most grid axes the kernels take (a 6-D vertex has 126 neighbours: two bit words).
MAX_AXES = 6
#: Rank of a padding vertex, above every vertex of the grid.
_OUTSIDE = np.iinfo(np.int32).max


@functools.lru_cache(maxsize=8)
def neighbour_tables(d: int) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, adjacency) of the neighbours of a vertex of a d-D grid.

    ``vectors`` (K, d), K = 2 (2^d - 1): offsets in grid axes (x first), the non-zero 0/1
    vectors with x negated and their opposites; ``adjacency`` (K, W) uint64 bit sets:
    bit j of row i is set when neighbours i and j are adjacent to each other.
    """
    flip = np.ones(d, np.int64)
    flip[0] = -1  # TTK's diagonal: Kuhn's triangulation with x reversed
    units = np.array([[(m >> a) & 1 for a in range(d)] for m in range(1, 1 << d)], np.int64)
    kuhn = np.concatenate([units, -units])  # offsets before x is negated
    k = kuhn.shape[0]
    words = (k + 63) // 64
    adjacency = np.zeros((k, words), np.uint64)
    for i, j in itertools.permutations(range(k), 2):
        diff = kuhn[i] - kuhn[j]
        if diff.any() and (np.all(np.isin(diff, (0, 1))) or np.all(np.isin(diff, (0, -1)))):
            adjacency[i, j >> 6] |= np.uint64(1) << np.uint64(j & 63)
    return kuhn * flip, adjacency


def padded_ranks(rank: np.ndarray, dims: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(ranks on the grid padded by one layer of ``_OUTSIDE``, padded id per vertex id)."""
    padded = tuple(n + 2 for n in dims)
    prank = np.full(padded[::-1], _OUTSIDE, np.int32)
    inner = (slice(1, -1),) * len(dims)
    prank[inner] = rank.reshape(dims[::-1])
    pid = np.arange(prank.size, dtype=np.int64).reshape(padded[::-1])[inner].ravel()
    return prank.ravel(), pid


def _offsets(dims: tuple[int, ...], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(linear offsets of the neighbours on the padded grid, slot table from linear
    offset + span to neighbour index, span)."""
    strides = np.cumprod([1] + [n + 2 for n in dims[:-1]]).astype(np.int64)
    lin = vectors @ strides
    span = int(strides.sum())
    slot = np.full(2 * span + 1, -1, np.int16)
    slot[lin + span] = np.arange(lin.size)
    return lin, slot, span


# ---------------------------------------------------------------------------- bit sets


#: De Bruijn sequence and table: the index of a word's lowest set bit in one multiply.
_DEBRUIJN = np.uint64(0x03F79D71B4CB0A89)
_DEBRUIJN_INDEX = np.zeros(64, np.int64)
_DEBRUIJN_INDEX[[((_DEBRUIJN << np.uint64(i)) >> np.uint64(58)) for i in range(64)]] = np.arange(64)


@numba.njit(cache=True, inline="always")
def _lowest_bit(word: np.uint64) -> int:
    """Index of the lowest set bit of a non-zero word."""
    low = word & (~word + np.uint64(1))
    return _DEBRUIJN_INDEX[(low * _DEBRUIJN) >> np.uint64(58)]


@numba.njit(cache=True, inline="always")
def _next_bit(bits: np.ndarray, start: int) -> int:
    """Index of the first set bit of ``bits`` at or after ``start``, -1 if none."""
    w = start >> 6
    if w >= bits.size:
        return -1
    word = bits[w] & ~((np.uint64(1) << np.uint64(start & 63)) - np.uint64(1))
    while True:
        if word:
            return (w << 6) + _lowest_bit(word)
        w += 1
        if w >= bits.size:
            return -1
        word = bits[w]


# ----------------------------------------------------------- lower stars: critical cells


@numba.njit(cache=True)
def _scan(prank, lin, adjacency, lo, hi, min_dim, max_dim, out, start, first, last):
    """Critical cells of dimensions ``min_dim``..``max_dim`` in the lower stars of the
    padded vertices lo..hi-1, counted; the ``first``..``last``-1th written as rank
    tuples to ``out[start + count]``. Returns the count.

    The lower neighbours, sorted by rank, are bits of two words (126 at most); a node of
    the depth-first walk keeps the bits of the lower neighbours that complete it below
    its lowest vertex (its children) and the children it has still to visit.
    """
    k_nb = lin.size
    two = adjacency.shape[1] > 1
    d = max_dim + 1
    one = np.uint64(1)
    zero = np.uint64(0)
    lr = np.empty(k_nb, np.int64)
    lk = np.empty(k_nb, np.int64)
    adj0 = np.zeros(k_nb, np.uint64)
    adj1 = np.zeros(k_nb, np.uint64)
    full0 = np.zeros(k_nb, np.uint64)  # all adjacent lower neighbours, not only those below
    full1 = np.zeros(k_nb, np.uint64)
    cand0 = np.zeros(d + 2, np.uint64)  # a node's children, two words
    cand1 = np.zeros(d + 2, np.uint64)
    rest0 = np.zeros(d + 2, np.uint64)  # those still to visit
    rest1 = np.zeros(d + 2, np.uint64)
    low = np.empty(d + 2, np.int64)  # the lowest child: paired with the node
    member = np.empty(d + 2, np.int64)
    count = 0
    for v in range(lo, hi):
        r = prank[v]
        if r == _OUTSIDE:
            continue
        n_low = 0
        for q in range(k_nb):
            ru = prank[v + lin[q]]
            if ru < r:
                i = n_low
                while i > 0 and lr[i - 1] > ru:
                    lr[i] = lr[i - 1]
                    lk[i] = lk[i - 1]
                    i -= 1
                lr[i] = ru
                lk[i] = q
                n_low += 1
        if n_low == 0:
            continue
        for i in range(n_low):
            full0[i] = zero
            full1[i] = zero
        for i in range(n_low):
            a0 = zero
            a1 = zero
            row = adjacency[lk[i]]
            for j in range(i):
                b = lk[j]
                if (row[b >> 6] >> np.uint64(b & 63)) & one:
                    if j < 64:
                        a0 |= one << np.uint64(j)
                    else:
                        a1 |= one << np.uint64(j - 64)
                    if i < 64:
                        full0[j] |= one << np.uint64(i)
                    else:
                        full1[j] |= one << np.uint64(i - 64)
            adj0[i] = a0
            adj1[i] = a1
            full0[i] |= a0
            full1[i] |= a1
        cand0[0] = rest0[0] = ~zero if n_low >= 64 else (one << np.uint64(n_low)) - one
        cand1[0] = rest1[0] = ((one << np.uint64(n_low - 64)) - one) if n_low > 64 else zero
        low[0] = 0
        depth = 0
        while depth >= 0:
            w0 = rest0[depth]
            if w0:
                j = _lowest_bit(w0)
                rest0[depth] = w0 & (w0 - one)
            elif two and rest1[depth]:
                w1 = rest1[depth]
                j = 64 + _lowest_bit(w1)
                rest1[depth] = w1 & (w1 - one)
            else:
                depth -= 1
                continue
            member[depth] = j
            # the child's children: this node's children adjacent to j (and below it)
            c0 = cand0[depth] & adj0[j]
            c1 = cand1[depth] & adj1[j]
            if c0 or c1:
                lowest = _lowest_bit(c0) if c0 else 64 + _lowest_bit(c1)
                o0 = c0 & ~(one << np.uint64(lowest)) if lowest < 64 else c0
                o1 = c1 & ~(one << np.uint64(lowest - 64)) if lowest >= 64 else c1
                if not (o0 & ~full0[lowest]) and not (o1 & ~full1[lowest]):
                    continue  # a cone on its lowest child: no critical cell below
                depth += 1
                cand0[depth] = rest0[depth] = c0
                cand1[depth] = rest1[depth] = c1
                low[depth] = lowest
            elif j != low[depth] and min_dim <= depth + 1 <= max_dim:
                if first <= count < last:
                    row_out = start + count
                    out[row_out, 0] = r
                    for t in range(depth + 1):
                        out[row_out, t + 1] = lr[member[t]]
                count += 1
    return count


@numba.njit(cache=True, parallel=True)
def _scan_chunks(prank, lin, adjacency, min_dim, max_dim, lo, hi, starts, first, last, out):
    """:func:`_scan` of the vertex ranges lo..hi on all threads; the counts."""
    counts = np.zeros(lo.size, np.int64)
    for c in numba.prange(lo.size):
        args = (lo[c], hi[c], min_dim, max_dim, out, starts[c], first[c], last[c])
        counts[c] = _scan(prank, lin, adjacency, *args)
    return counts


def critical_cells(
    prank: np.ndarray, lin: np.ndarray, adjacency: np.ndarray, min_dim: int, max_dim: int
) -> list[np.ndarray]:
    """Per dimension ``min_dim``..``max_dim``, the critical cells as rank tuples
    (rows, highest rank first) in ascending filtration order."""
    chunks = 64 if prank.size >= 1 << 14 else 1
    bounds = np.linspace(0, prank.size, chunks + 1).astype(np.int64)
    # room for two cells a vertex (a landscape has fewer); chunks with more are rescanned
    caps = 2 * np.diff(bounds) + 1024
    starts = np.concatenate([[0], np.cumsum(caps)[:-1]]).astype(np.int64)
    out = np.full((int(caps.sum()), max_dim + 1), -1, np.int32)
    args = (prank, lin, adjacency, min_dim, max_dim)
    counts = _scan_chunks(*args, bounds[:-1], bounds[1:], starts, 0 * caps, caps, out)
    written = np.minimum(counts, caps)
    out = out[np.arange(out.shape[0]) - np.repeat(starts, caps) < np.repeat(written, caps)]
    over = np.flatnonzero(counts > caps)
    if over.size:  # the cells past the room, from a second scan of those chunks
        extra = counts[over] - caps[over]
        more = np.full((int(extra.sum()), max_dim + 1), -1, np.int32)
        begin = np.concatenate([[0], np.cumsum(extra)[:-1]]) - caps[over]
        lo, hi, skip = bounds[over], bounds[over + 1], caps[over]
        _scan_chunks(*args, lo, hi, begin.astype(np.int64), skip, counts[over], more)
        out = np.concatenate([out, more])
    dim = (out >= 0).sum(axis=1) - 1
    cells = []
    for k in range(min_dim, max_dim + 1):
        rows = out[dim == k, : k + 1]
        cells.append(rows[np.lexsort(rows.T[::-1])] if rows.size else rows)
    return cells


# ------------------------------------------------------------------- simplex operations


@numba.njit(cache=True, inline="always")
def _completions(verts, size, slot, span, adjacency, bits):
    """Bit set (over the neighbours of ``verts[0]``) of the vertices that complete the
    simplex ``verts[:size]`` (padded ids) to a cofacet, into ``bits``."""
    h = verts[0]
    for w in range(bits.size):
        bits[w] = ~np.uint64(0)
    for i in range(1, size):
        o = slot[verts[i] - h + span]
        for w in range(bits.size):
            bits[w] &= adjacency[o, w]
    for i in range(1, size):
        o = slot[verts[i] - h + span]
        bits[o >> 6] &= ~(np.uint64(1) << np.uint64(o & 63))
    k_nb = adjacency.shape[0]
    if k_nb & 63:
        bits[bits.size - 1] &= (np.uint64(1) << np.uint64(k_nb & 63)) - np.uint64(1)


@numba.njit(cache=True, inline="always")
def _lowest_completion(verts, size, prank, lin, slot, span, adjacency, bits):
    """(rank, padded id) of the lowest vertex completing ``verts[:size]``."""
    _completions(verts, size, slot, span, adjacency, bits)
    h = verts[0]
    best = np.int64(_OUTSIDE)
    who = -1
    j = _next_bit(bits, 0)
    while j >= 0:
        ru = prank[h + lin[j]]
        if ru < best:
            best = ru
            who = h + lin[j]
        j = _next_bit(bits, j + 1)
    return best, who


@numba.njit(cache=True)
def _key(verts, size, vectors, slot, span, strides):
    """A unique int64 of the simplex ``verts[:size]`` (padded ids, highest rank first, as
    every caller lists them): its first vertex and its other vertices' neighbour slots
    (mixed radix) where that fits in 63 bits for every simplex of ``size`` on the grid
    (``strides[-1]``: the padded vertex count), else (large 6-D grids' top cells) its
    base vertex (the least corner, x reversed) and the chain of 0/1 offsets of its
    other vertices."""
    h = verts[0]
    k_nb = vectors.shape[0]
    if float(strides[strides.size - 1]) * float(k_nb) ** (size - 1) < 9.0e18:
        code = h
        for i in range(1, size):
            code = code * k_nb + slot[verts[i] - h + span]
        return code
    d = vectors.shape[1]
    base = np.zeros(d, np.int64)
    for i in range(1, size):
        o = slot[verts[i] - h + span]
        for a in range(d):
            base[a] = min(base[a], vectors[o, a] * (-1 if a == 0 else 1))
    masks = np.zeros(size, np.int64)
    for i in range(size):
        m = 0
        for a in range(d):
            f = 0
            if i > 0:
                f = vectors[slot[verts[i] - h + span], a] * (-1 if a == 0 else 1)
            m |= (f - base[a]) << a
        j = i
        while j > 0 and masks[j - 1] > m:
            masks[j] = masks[j - 1]
            j -= 1
        masks[j] = m
    base_id = h
    for a in range(d):
        base_id += base[a] * (-1 if a == 0 else 1) * strides[a]
    code = base_id
    for i in range(1, size):
        code = (code << d) | masks[i]
    return code


# ------------------------------------------------------------------ open-address tables


@numba.njit(cache=True)
def _grown(keys: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The table rehashed into twice the slots."""
    nk = np.full(2 * keys.size, -1, np.int64)
    nv = np.empty(2 * keys.size, np.int64)
    for i in range(keys.size):
        if keys[i] != -1:
            s = _slot(nk, keys[i])
            nk[s] = keys[i]
            nv[s] = vals[i]
    return nk, nv


# ------------------------------------------------------------------------ pairs, H0


@numba.njit(cache=True)
def minimum_saddle_ranks(porder, prank, lin):
    """(minimum rank, saddle rank) pairs: union-find over the vertices in ascending
    order, elder rule (a component is as old as its minimum)."""
    n = porder.size
    ranks = np.arange(n)
    parent = np.empty(n, np.int32)
    roots = np.empty(lin.size, np.int64)
    birth = np.empty(n, np.int64)
    death = np.empty(n, np.int64)
    npairs = 0
    for r in range(n):
        v = porder[r]
        k = 0
        for q in range(lin.size):
            ru = prank[v + lin[q]]
            if ru < r:
                k = _push_distinct(roots, k, _find(parent, ru))
        npairs = _elder_merge(parent, roots, k, r, birth, death, npairs, ranks)
    return birth[:npairs], death[:npairs]


# ------------------------------------------------------------- pairs, top dimension


@numba.njit(cache=True)
def top_pairs(facets, porder, prank, lin, vectors, adjacency, slot, span, strides):
    """(n-1)-saddle-maximum pairs from the critical facets (rank tuples, ascending).

    Returns (saddle rank, maximum rank) of the pairs of non-zero persistence and, per
    facet, whether it joined two dual components (the facets that did not are the
    columns of the next reduction).
    """
    d = vectors.shape[1]
    words = adjacency.shape[1]
    bits = np.empty(words, np.uint64)
    node_keys = np.full(1024, -1, np.int64)
    node_ids = np.empty(1024, np.int64)
    born = np.empty(64, np.int64)
    n_nodes = 0
    memo_keys = np.full(1024, -1, np.int64)
    memo_end = np.empty(1024, np.int64)
    n_memo = 0
    verts = np.empty(d + 1, np.int64)
    ranks = np.empty(d + 1, np.int64)
    path = np.empty(64, np.int64)
    cofacet = np.empty(2, np.int64)
    ends = np.empty((facets.shape[0], 2), np.int64)
    # pass 1: where the two cofacets of each critical facet lead (node id, -1 outside)
    for q in range(facets.shape[0]):
        for i in range(d):
            verts[i] = porder[facets[q, i]]
        _completions(verts, d, slot, span, adjacency, bits)
        j = _next_bit(bits, 0)
        for side in range(2):
            cofacet[side] = verts[0] + lin[j]
            j = _next_bit(bits, j + 1)
        for side in range(2):
            ru = prank[cofacet[side]]
            ends[q, side] = -1
            if ru == _OUTSIDE:
                continue
            t = 0  # the top cell: the facet's ranks with u's inserted
            for i in range(d):
                if t == i and facets[q, i] < ru:
                    ranks[t] = ru
                    t += 1
                ranks[t] = facets[q, i]
                t += 1
            if t == d:
                ranks[d] = ru
            depth = 0
            end = -1
            while True:
                for i in range(d + 1):
                    verts[i] = porder[ranks[i]]
                key = _key(verts, d + 1, vectors, slot, span, strides)
                s = _slot(memo_keys, key)
                if memo_keys[s] == key:
                    end = memo_end[s]
                    break
                if depth == path.size:
                    path = np.concatenate((path, np.empty(depth, np.int64)))
                path[depth] = key
                depth += 1
                # the cell without its lowest vertex, and that facet's other cofacet
                _completions(verts, d, slot, span, adjacency, bits)
                jj = _next_bit(bits, 0)
                w = verts[0] + lin[jj]
                if w == verts[d]:
                    w = verts[0] + lin[_next_bit(bits, jj + 1)]
                rw = prank[w]
                if rw < ranks[d]:  # the cell is not paired downwards: critical
                    s = _slot(node_keys, key)
                    if node_keys[s] != key:
                        if 2 * (n_nodes + 1) > node_keys.size:
                            node_keys, node_ids = _grown(node_keys, node_ids)
                            s = _slot(node_keys, key)
                        node_keys[s] = key
                        node_ids[s] = n_nodes
                        if n_nodes == born.size:
                            born = np.concatenate((born, np.empty(n_nodes, np.int64)))
                        born[n_nodes] = ranks[0]
                        n_nodes += 1
                    end = node_ids[s]
                    break
                if rw == _OUTSIDE:
                    break
                t = d
                while t > 0 and ranks[t - 1] < rw:
                    ranks[t] = ranks[t - 1]
                    t -= 1
                ranks[t] = rw
            for p in range(depth):
                if 2 * (n_memo + 1) > memo_keys.size:
                    memo_keys, memo_end = _grown(memo_keys, memo_end)
                s = _slot(memo_keys, path[p])
                if memo_keys[s] != path[p]:
                    memo_keys[s] = path[p]
                    memo_end[s] = end
                    n_memo += 1
            ends[q, side] = end
    # pass 2: the facets, highest first, join the nodes (the outside is node n_nodes)
    outer = n_nodes
    parent = np.arange(outer + 1).astype(np.int64)
    saddle = np.empty(facets.shape[0], np.int64)
    maximum = np.empty(facets.shape[0], np.int64)
    joined = np.zeros(facets.shape[0], np.bool_)
    npairs = 0
    for q in range(facets.shape[0] - 1, -1, -1):
        ra = _find(parent, outer if ends[q, 0] < 0 else ends[q, 0])
        rb = _find(parent, outer if ends[q, 1] < 0 else ends[q, 1])
        if ra == rb:
            continue
        joined[q] = True
        ba = _OUTSIDE if ra == outer else born[ra]
        bb = _OUTSIDE if rb == outer else born[rb]
        if ba < bb:
            ra, rb = rb, ra
            bb = ba
        if bb != facets[q, 0]:
            saddle[npairs] = facets[q, 0]
            maximum[npairs] = bb
            npairs += 1
        parent[rb] = ra
    return saddle[:npairs], maximum[:npairs], joined


# ------------------------------------------------------------- pairs, middle dimensions


@numba.njit(cache=True, inline="always")
def _above(heap, i, j, size):
    """Whether row i of ``heap`` comes after row j (lexicographic on ``size`` ranks)."""
    for t in range(size):
        if heap[i, t] != heap[j, t]:
            return heap[i, t] > heap[j, t]
    return False


@numba.njit(cache=True, inline="always")
def _swap(heap, i, j, size):
    for t in range(size):
        heap[i, t], heap[j, t] = heap[j, t], heap[i, t]


@numba.njit(cache=True)
def _push(heap, n, row, size):
    """Push the ranks ``row`` on the max-heap ``heap[:n]`` (grown when full); the heap."""
    if n == heap.shape[0]:
        bigger = np.empty((2 * n, heap.shape[1]), np.int64)
        bigger[:n] = heap
        heap = bigger
    for t in range(size):
        heap[n, t] = row[t]
    i = n
    while i > 0:
        up = (i - 1) >> 1
        if not _above(heap, i, up, size):
            break
        _swap(heap, i, up, size)
        i = up
    return heap


@numba.njit(cache=True)
def _pop(heap, n, top, size):
    """Move the top of the max-heap ``heap[:n]`` (n > 0) into ``top``."""
    for t in range(size):
        top[t] = heap[0, t]
    n -= 1
    for t in range(size):
        heap[0, t] = heap[n, t]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and _above(heap, child + 1, child, size):
            child += 1
        if not _above(heap, child, i, size):
            break
        _swap(heap, i, child, size)
        i = child


@numba.njit(cache=True)
def reduce_columns(columns, porder, prank, lin, vectors, adjacency, slot, span, strides):
    """Pairs of a middle dimension: reduce the (k+1)-cell ``columns`` (rank tuples,
    ascending) over the k-cells. Returns (birth rank, death rank) of the pairs of
    non-zero persistence and the pivot table (keys of the k-cells that were pivots;
    -1 empty slots), whose cells the next reduction skips."""
    size = columns.shape[1] - 1  # vertices of a k-cell
    words = adjacency.shape[1]
    bits = np.empty(words, np.uint64)
    cap = 16
    while cap < 2 * columns.shape[0]:
        cap *= 2
    pivot_keys = np.full(cap, -1, np.int64)
    pivot_col = np.empty(cap, np.int64)
    start = np.zeros(columns.shape[0] + 1, np.int64)
    store = np.empty((64, size), np.int64)
    used = 0
    heap = np.empty((64, size), np.int64)
    top = np.empty(size + 1, np.int64)
    other = np.empty(size + 1, np.int64)
    row = np.empty(size, np.int64)
    verts = np.empty(size + 1, np.int64)
    birth = np.empty(columns.shape[0], np.int64)
    death = np.empty(columns.shape[0], np.int64)
    npairs = 0
    for c in range(columns.shape[0]):
        n = 0
        for drop in range(size + 1):  # the column's facets
            t = 0
            for i in range(size + 1):
                if i != drop:
                    row[t] = columns[c, i]
                    t += 1
            heap = _push(heap, n, row, size)
            n += 1
        while n > 0:
            _pop(heap, n, top, size)
            n -= 1
            odd = True
            while n > 0:
                same = True
                for t in range(size):
                    if heap[0, t] != top[t]:
                        same = False
                        break
                if not same:
                    break
                _pop(heap, n, other, size)
                n -= 1
                odd = not odd
            if not odd:
                continue
            for i in range(size):
                verts[i] = porder[top[i]]
            if size > 1:  # paired downwards: the lowest vertex completes the rest lowest
                rl, _ = _lowest_completion(verts, size - 1, prank, lin, slot, span, adjacency, bits)
                if rl == top[size - 1]:
                    continue
            ru, _ = _lowest_completion(verts, size, prank, lin, slot, span, adjacency, bits)
            if ru < top[size - 1]:  # paired upwards with top + u: push its other facets
                top[size] = ru
                for drop in range(size):
                    t = 0
                    for i in range(size + 1):
                        if i != drop:
                            row[t] = top[i]
                            t += 1
                    heap = _push(heap, n, row, size)
                    n += 1
                continue
            key = _key(verts, size, vectors, slot, span, strides)
            s = _slot(pivot_keys, key)
            if pivot_keys[s] == key:
                owner = pivot_col[s]
                for i in range(start[owner], start[owner + 1]):
                    heap = _push(heap, n, store[i], size)
                    n += 1
                continue
            pivot_keys[s] = key
            pivot_col[s] = c
            if used + n > store.shape[0]:
                bigger = np.empty((2 * (used + n), size), np.int64)
                bigger[:used] = store[:used]
                store = bigger
            store[used : used + n] = heap[:n]
            used += n
            if top[0] != columns[c, 0]:
                birth[npairs] = top[0]
                death[npairs] = columns[c, 0]
                npairs += 1
            break
        start[c + 1] = used
    return birth[:npairs], death[:npairs], pivot_keys


@numba.njit(cache=True)
def _unpaired(cells, keys, porder, vectors, slot, span, strides):
    """Which rows of ``cells`` (rank tuples) are not keys of the table ``keys``."""
    size = cells.shape[1]
    verts = np.empty(size, np.int64)
    keep = np.empty(cells.shape[0], np.bool_)
    for c in range(cells.shape[0]):
        for i in range(size):
            verts[i] = porder[cells[c, i]]
        key = _key(verts, size, vectors, slot, span, strides)
        keep[c] = keys[_slot(keys, key)] != key
    return keep


def grid_pairs(rank: np.ndarray, dims: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Persistence pairs of the lower-star filtration of ``rank`` (each vertex's place in
    the (value, id) order) on the grid ``dims`` (x first, 2 to ``MAX_AXES`` axes).

    Returns, per homology dimension 0 .. n-1, (birth vertex ids, death vertex ids) of the
    pairs of non-zero persistence; dimension 0 lists the minimum-saddle pairs only (the
    global minimum-maximum pair is the caller's).
    """
    d = len(dims)
    if not 2 <= d <= MAX_AXES:
        raise ValueError(f"grids of 2 to {MAX_AXES} axes are supported, got {dims}")
    order = np.empty(rank.size, np.int64)
    order[rank] = np.arange(rank.size)
    prank, pid = padded_ranks(rank, dims)
    porder = pid[order]
    vectors, adjacency = neighbour_tables(d)
    lin, slot, span = _offsets(dims, vectors)
    strides = np.cumprod([1] + [n + 2 for n in dims]).astype(np.int64)  # and the padded count
    geometry = (vectors, slot, span, strides)
    pairs: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, np.int64),) * 2] * d
    pairs[0] = minimum_saddle_ranks(porder, prank, lin)
    low_dim = min(2, d - 1)
    cells = critical_cells(prank, lin, adjacency, low_dim, d - 1)
    facets = cells[-1]
    saddle, maximum, joined = top_pairs(
        facets, porder, prank, lin, vectors, adjacency, slot, span, strides
    )
    pairs[d - 1] = (saddle, maximum)
    columns = facets[~joined]
    for k in range(d - 2, 0, -1):
        birth, death, pivots = reduce_columns(
            columns, porder, prank, lin, vectors, adjacency, slot, span, strides
        )
        pairs[k] = (birth, death)
        if k > 1:
            below = cells[k - low_dim]
            columns = below[_unpaired(below, pivots, porder, *geometry)]
    return [(order[b], order[x]) for b, x in pairs]


#: Bytes per vertex that the n-D diagram holds at its peak (ranks, orders, padded ranks,
#: the union-find, the critical cells and the memo of the ascending paths): 860 measured
#: at 41^4 on the benchmark's noisy field (2.3 GiB), 480 at 21^4, 640 at 11^5, 1900 at 7^6.
BYTES_PER_VERTEX = {4: 900, 5: 900, 6: 2000}


def check_grid_memory(dims: tuple[int, ...]) -> None:
    """Raise a ValueError naming the estimate when the n-D diagram of a grid ``dims``
    would not fit in the memory available now (checked before any work)."""
    padded = int(np.prod([n + 2 for n in dims]))
    need = BYTES_PER_VERTEX.get(len(dims), 900) * int(np.prod(dims)) + 4 * padded
    have = available_memory()
    if need > have:
        shape = "x".join(str(n) for n in dims)
        raise ValueError(
            f"the persistence diagram of a {shape} grid needs about {need / 2**30:.1f} GiB "
            f"of memory, {have / 2**30:.1f} GiB are available: lower the resolution"
        )
