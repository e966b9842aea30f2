"""Numba kernels: union-find sweeps over vertices and over top-dimensional cells."""

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
    maxdeg = 0
    for r in range(n):
        maxdeg = max(maxdeg, ptr[r + 1] - ptr[r])
    buf = np.empty(maxdeg + 1, np.int64)
    nn = 0
    npairs = 0
    for r in range(n):
        k = 0
        for e in range(ptr[r], ptr[r + 1]):
            q = _find(parent, low[e])
            dup = False
            for t in range(k):
                if buf[t] == q:
                    dup = True
                    break
            if not dup:
                buf[k] = q
                k += 1
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
def dual_sweep(
    cell_key: np.ndarray,
    cell_vertex: np.ndarray,
    facet_key: np.ndarray,
    facet_vertex: np.ndarray,
    facet_cofaces: np.ndarray,
):
    """Elder-rule sweep of the dual graph in descending order (saddle-maximum pairs).

    Cells (top simplices) are dual nodes, born at ``cell_key`` (rank of their highest
    vertex ``cell_vertex``); facets join their one or two cofaces (``-1`` = the outer
    node, born at +inf). Both key arrays must be sorted descending. A facet that joins
    two components kills the younger one: returns (facet vertex, cell vertex) pairs of
    non-zero persistence, and per facet whether it joined two components.
    """
    nc = cell_key.size
    nf = facet_key.size
    outer = nc
    parent = np.empty(nc + 1, np.int64)
    birth_key = np.empty(nc + 1, np.int64)
    birth_vertex = np.empty(nc + 1, np.int64)
    parent[outer] = outer
    birth_key[outer] = np.iinfo(np.int64).max
    birth_vertex[outer] = -1
    pair_saddle = np.empty(nf, np.int64)
    pair_max = np.empty(nf, np.int64)
    merging = np.zeros(nf, np.bool_)
    npairs = 0
    ci = 0
    for fi in range(nf):
        fk = facet_key[fi]
        while ci < nc and cell_key[ci] >= fk:
            parent[ci] = ci
            birth_key[ci] = cell_key[ci]
            birth_vertex[ci] = cell_vertex[ci]
            ci += 1
        a = facet_cofaces[fi, 0]
        b = facet_cofaces[fi, 1]
        ra = _find(parent, outer if a < 0 else a)
        rb = _find(parent, outer if b < 0 else b)
        if ra == rb:
            continue
        merging[fi] = True
        if birth_key[ra] < birth_key[rb]:
            ra, rb = rb, ra
        # rb is the younger component: it dies here
        if birth_vertex[rb] != facet_vertex[fi]:
            pair_saddle[npairs] = facet_vertex[fi]
            pair_max[npairs] = birth_vertex[rb]
            npairs += 1
        parent[rb] = ra
    return pair_saddle[:npairs], pair_max[:npairs], merging


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
def _xor_sorted(a: np.ndarray, na: int, b: np.ndarray, out: np.ndarray) -> int:
    """Symmetric difference of the sorted ``a[:na]`` and ``b`` into ``out``; its size."""
    i = 0
    j = 0
    k = 0
    nb = b.size
    while i < na and j < nb:
        if a[i] < b[j]:
            out[k] = a[i]
            i += 1
            k += 1
        elif a[i] > b[j]:
            out[k] = b[j]
            j += 1
            k += 1
        else:
            i += 1
            j += 1
    while i < na:
        out[k] = a[i]
        i += 1
        k += 1
    while j < nb:
        out[k] = b[j]
        j += 1
        k += 1
    return k


@numba.njit(cache=True)
def reduce_columns(columns: np.ndarray, skip: np.ndarray, n_rows: int):
    """Z/2 reduction of a boundary matrix whose columns have 3 sorted row indices.

    ``columns`` (c, 3) are in filtration order, rows are row filtration positions;
    columns flagged in ``skip`` are known to reduce to zero (clearing). Returns the
    (row, column) persistence pairs.
    """
    c = columns.shape[0]
    pivot_col = np.full(n_rows, -1, np.int64)
    start = np.zeros(c, np.int64)
    length = np.zeros(c, np.int64)
    cap = max(16, 4 * c)
    store = np.empty(cap, np.int64)
    used = 0
    work = np.empty(64, np.int64)
    tmp = np.empty(64, np.int64)
    pr = np.empty(c, np.int64)
    pc = np.empty(c, np.int64)
    npairs = 0
    for j in range(c):
        if skip[j]:
            continue
        nw = 3
        work[0] = columns[j, 0]
        work[1] = columns[j, 1]
        work[2] = columns[j, 2]
        while nw > 0:
            other = pivot_col[work[nw - 1]]
            if other < 0:
                break
            col = store[start[other] : start[other] + length[other]]
            if work.size < nw + col.size:
                bigger = np.empty(2 * (nw + col.size), np.int64)
                bigger[:nw] = work[:nw]
                work = bigger
                tmp = np.empty(2 * (nw + col.size), np.int64)
            nw = _xor_sorted(work, nw, col, tmp)
            work, tmp = tmp, work
        if nw == 0:
            continue
        low = work[nw - 1]
        pivot_col[low] = j
        if used + nw > cap:
            cap = 2 * (used + nw)
            bigger = np.empty(cap, np.int64)
            bigger[:used] = store[:used]
            store = bigger
        store[used : used + nw] = work[:nw]
        start[j] = used
        length[j] = nw
        used += nw
        pr[npairs] = low
        pc[npairs] = j
        npairs += 1
    return pr[:npairs], pc[:npairs]
