"""Numba kernels: union-find sweeps over the vertices (merge trees, minimum-saddle pairs)
and the radix sort that orders sweeps."""

from __future__ import annotations

import numpy as np

from lltk.topology._jit import numba


@numba.njit(cache=True, inline="always")
def _find(parent: np.ndarray, x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root


@numba.njit(cache=True, inline="always")
def grid_xyz(v: int, nx: int, ny: int) -> tuple[int, int, int]:
    """Grid coordinates (x fastest) of vertex ``v`` of an ``nx`` by ``ny`` by nz grid."""
    return v % nx, (v // nx) % ny, v // (nx * ny)


@numba.njit(cache=True, inline="always")
def max_degree(indptr: np.ndarray) -> int:
    """The longest row of a CSR ``indptr``."""
    most = 0
    for v in range(indptr.size - 1):
        most = max(most, indptr[v + 1] - indptr[v])
    return most


@numba.njit(cache=True, inline="always")
def _push_distinct(roots: np.ndarray, k: int, q: int) -> int:
    """Append ``q`` to ``roots[:k]`` unless it is already there; the new count."""
    for t in range(k):
        if roots[t] == q:
            return k
    roots[k] = q
    return k + 1


@numba.njit(cache=True, inline="always")
def _elder_merge(parent, roots, k, r, minimum, saddle, npairs, order) -> int:
    """Vertex rank ``r`` joins the ``k`` components ``roots`` (each root its minimum's
    rank): the eldest absorbs the others, each of which pairs (``order`` of its minimum,
    ``order[r]``) into ``minimum``/``saddle`` from ``npairs``; the new pair count."""
    if k == 0:
        parent[r] = r
        return npairs
    eldest = roots[0]
    for t in range(1, k):
        eldest = min(eldest, roots[t])
    for t in range(k):
        if roots[t] != eldest:
            minimum[npairs] = order[roots[t]]
            saddle[npairs] = order[r]
            npairs += 1
            parent[roots[t]] = eldest
    parent[r] = eldest
    return npairs


@numba.njit(cache=True)
def lower_neighbours(rank: np.ndarray, indptr: np.ndarray, indices: np.ndarray):
    """CSR, in rank space, of each vertex's lower neighbours (as ranks).

    Row ``r`` lists the ranks of the neighbours of the vertex of rank ``r`` that come
    before it. Two streaming passes over the adjacency in vertex-id order.
    """
    n = rank.size
    ptr = np.zeros(n + 1, np.int64)
    for v in range(n):
        rv = rank[v]
        c = 0
        for e in range(indptr[v], indptr[v + 1]):
            if rank[indices[e]] < rv:
                c += 1
        ptr[rv + 1] = c
    for r in range(n):
        ptr[r + 1] += ptr[r]
    low = np.empty(ptr[n], np.int32)
    for v in range(n):
        rv = rank[v]
        p = ptr[rv]
        for e in range(indptr[v], indptr[v + 1]):
            ru = rank[indices[e]]
            if ru < rv:
                low[p] = ru
                p += 1
    return ptr, low


@numba.njit(cache=True)
def join_sweep(order: np.ndarray, rank: np.ndarray, indptr: np.ndarray, indices: np.ndarray):
    """Union-find sweep of the vertices in ascending ``order`` (the join tree).

    Works in rank space (vertex ``order[r]`` is ``r``) so that the sweep streams
    through the lower-neighbour lists. Returns ``node_vertex``, ``node_kind`` (0 leaf,
    k >= 2 a saddle where k components merge), ``node_up`` (the node where each node's
    upward arc ends, -1 if none), ``seg`` (per vertex id, the node whose upward arc
    holds it), ``pair_birth`` / ``pair_death`` (leaf, saddle vertices by the elder
    rule), and per final component its leaf, last vertex and open node.
    """
    n = order.size
    ptr, low = lower_neighbours(rank, indptr, indices)
    parent = np.empty(n, np.int32)
    comp_min = np.empty(n, np.int32)
    comp_node = np.empty(n, np.int32)
    comp_last = np.empty(n, np.int32)
    node_rank = np.empty(n, np.int64)
    node_kind = np.empty(n, np.int64)
    node_up = np.empty(n, np.int64)
    seg = np.empty(n, np.int64)
    pair_birth = np.empty(n, np.int64)
    pair_death = np.empty(n, np.int64)
    buf = np.empty(max_degree(ptr) + 1, np.int64)
    nn = 0
    npairs = 0
    for r in range(n):
        k = 0
        for e in range(ptr[r], ptr[r + 1]):
            k = _push_distinct(buf, k, _find(parent, low[e]))
        if k == 0:
            parent[r] = r
            comp_min[r] = r
            comp_last[r] = r
            comp_node[r] = nn
            node_rank[nn] = r
            node_kind[nn] = 0
            node_up[nn] = -1
            seg[order[r]] = nn
            nn += 1
        elif k == 1:
            q = buf[0]
            parent[r] = q
            comp_last[q] = r
            seg[order[r]] = comp_node[q]
        else:
            best = buf[0]
            for t in range(1, k):
                if comp_min[buf[t]] < comp_min[best]:
                    best = buf[t]
            node = nn
            nn += 1
            node_rank[node] = r
            node_kind[node] = k
            node_up[node] = -1
            for t in range(k):
                q = buf[t]
                node_up[comp_node[q]] = node
                if q != best:
                    pair_birth[npairs] = order[comp_min[q]]
                    pair_death[npairs] = order[r]
                    npairs += 1
                    parent[q] = best
            parent[r] = best
            comp_node[best] = node
            comp_last[best] = r
            seg[order[r]] = node
    nroots = 0
    for r in range(n):
        if parent[r] == r:
            nroots += 1
    comp_leaf = np.empty(nroots, np.int64)
    comp_top = np.empty(nroots, np.int64)
    comp_open = np.empty(nroots, np.int64)
    c = 0
    for r in range(n):
        if parent[r] == r:
            comp_leaf[c] = order[comp_min[r]]
            comp_top[c] = order[comp_last[r]]
            comp_open[c] = comp_node[r]
            c += 1
    node_vertex = np.empty(nn, np.int64)
    for i in range(nn):
        node_vertex[i] = order[node_rank[i]]
    return (
        node_vertex,
        node_kind[:nn],
        node_up[:nn],
        seg,
        pair_birth[:npairs],
        pair_death[:npairs],
        comp_leaf,
        comp_top,
        comp_open,
    )


@numba.njit(cache=True)
def ftm_saddle_order(
    node_up: np.ndarray,
    node_kind: np.ndarray,
    leaves_by_rank: np.ndarray,
    saddles_by_rank: np.ndarray,
) -> np.ndarray:
    """The order in which TTK's FTM (run on one thread) creates the saddle nodes.

    FTM starts one growth task per leaf, by ascending value. A task climbs its arc to
    the saddle above; unless it is the last of the saddle's ``node_kind`` incoming arcs
    it stops there; the last one creates the saddle node and climbs on. Once a single
    task remains active, the remaining (opened) saddles become nodes by ascending value
    (FTM's "trunk"). Saddles are sweep node ids; returns them in creation order.
    """
    nn = node_up.size
    pending = node_kind.copy()
    opened = np.zeros(nn, np.bool_)
    made = np.zeros(nn, np.bool_)
    out = np.empty(saddles_by_rank.size, np.int64)
    k = 0
    active = leaves_by_rank.size
    trunk = False
    for leaf in leaves_by_rank:
        x = leaf
        while True:
            s = node_up[x]
            if s < 0 or node_kind[s] < 2:
                active -= 1
                break
            pending[s] -= 1
            opened[s] = True
            if pending[s] > 0:
                active -= 1
                break
            out[k] = s
            k += 1
            made[s] = True
            if active == 1:
                trunk = True
                break
            opened[s] = False
            x = s
        if trunk:
            break
    for s in saddles_by_rank:
        if not made[s]:
            out[k] = s
            k += 1
    return out[:k]


@numba.njit(cache=True)
def outside_split_pairs(rank: np.ndarray, indptr: np.ndarray, indices: np.ndarray, shape):
    """Saddle-maximum pairs of a grid (a d-ball) from one descending union-find sweep.

    By Alexander duality the top-dimensional classes of the sublevel sets of a ball are
    the extra components of the superlevel sets together with the ball's outside, a
    node born at +inf adjacent to every boundary vertex: a component born at its
    maximum dies (elder rule) at the vertex where it meets an older one. ``shape``: the
    grid sizes (x, y, z), 1 for missing axes. Returns (saddle, maximum) vertex ids, one
    pair per component that dies (several at a degenerate saddle).
    """
    n = rank.size
    down = n - 1 - rank
    ptr, up = lower_neighbours(down, indptr, indices)
    by_down = np.empty(n, np.int64)
    by_down[down] = np.arange(n)
    nx, ny, nz = shape[0], shape[1], shape[2]
    outside = n
    parent = np.empty(n + 1, np.int32)
    parent[outside] = outside
    saddle = np.empty(n, np.int64)
    maximum = np.empty(n, np.int64)
    roots = np.empty(max_degree(ptr) + 1, np.int64)
    npairs = 0
    for r in range(n):
        v = by_down[r]
        x, y, z = grid_xyz(v, nx, ny)
        k = 0
        if x == 0 or x == nx - 1 or y == 0 or y == ny - 1 or (nz > 1 and (z == 0 or z == nz - 1)):
            roots[0] = outside
            k = 1
        for e in range(ptr[r], ptr[r + 1]):
            k = _push_distinct(roots, k, _find(parent, up[e]))
        if k == 0:
            parent[r] = r
            continue
        eldest = roots[0]  # the outside, or the root born first (lowest index)
        for t in range(1, k):
            if eldest != outside and (roots[t] == outside or roots[t] < eldest):
                eldest = roots[t]
        for t in range(k):
            q = roots[t]
            if q != eldest:
                saddle[npairs] = v
                maximum[npairs] = by_down[q]
                npairs += 1
                parent[q] = eldest
        parent[r] = eldest
    return saddle[:npairs], maximum[:npairs]


@numba.njit(cache=True)
def radix_order(key: np.ndarray) -> np.ndarray:
    """The permutation that sorts non-negative ``key`` ascending (LSD radix sort, digits
    of at most 13 bits: two passes for keys below 2^26)."""
    m = key.size
    top = 0
    for i in range(m):
        top = max(top, key[i])
    bits = 1
    while top >> bits:
        bits += 1
    passes = (bits + 12) // 13
    width = (bits + passes - 1) // passes
    digit = (1 << width) - 1
    idx = np.arange(m)
    cur = key.copy()
    idx_out = np.empty(m, np.int64)
    key_out = np.empty(m, np.int64)
    count = np.empty(digit + 2, np.int64)
    for p in range(passes):
        shift = p * width
        count[:] = 0
        for i in range(m):
            count[((cur[i] >> shift) & digit) + 1] += 1
        for b in range(digit + 1):
            count[b + 1] += count[b]
        for i in range(m):
            b = (cur[i] >> shift) & digit
            idx_out[count[b]] = idx[i]
            key_out[count[b]] = cur[i]
            count[b] += 1
        idx, idx_out = idx_out, idx
        cur, key_out = key_out, cur
    return idx
