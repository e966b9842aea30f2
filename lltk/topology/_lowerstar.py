"""Saddle-maximum and saddle-saddle pairs of grid fields from the lower stars alone.

TTK's implicit grid triangulation is the Kuhn (Freudenthal) triangulation with the x
axis reversed (see :mod:`lltk.topology.domain`). Every simplex containing a vertex is
one of a fixed set of offset patterns, so the kernels here never list simplices: they
visit each vertex's lower star (the simplices whose highest-ranked vertex it is) from
small tables of neighbour offsets, and name a top cell by its corner vertex and type.

Simplices are ordered lexicographically by their vertex ranks, highest first (a
refinement of the lower-star filtration). The top-dimensional pairs come from the
dual graph swept downwards (top cells are nodes, facets join their one or two
cofaces, the outside is one node born at +inf); on 3-D grids the facets that close no
dual cycle and are not apparent pairs of that order (a triangle that is the oldest
coface of its youngest edge) are the boundary columns of the saddle-saddle pairs,
reduced over the discrete gradient of the apparent pairs: an edge is expanded through
its paired triangle until the highest remaining edge is critical.
"""

from __future__ import annotations

import functools
import itertools

import numba
import numpy as np

#: Rank given to a neighbour outside the grid (above every vertex).
_OUTSIDE = np.iinfo(np.int64).max


@functools.lru_cache(maxsize=2)
def kuhn_tables(d: int) -> dict[str, np.ndarray]:
    """Offset tables of the simplices around one vertex of a d-D grid (d = 2 or 3).

    Vectors are (dx, dy, dz) in vertex-index axes (x fastest; z = 0 in 2-D).
    ``nb`` (K, 3): the neighbours; ``top_nb`` (T, d): each top cell through the
    vertex as neighbour indices, ``top_corner``/``top_type`` its corner offset and
    type (``chain[type]``, (d + 1, 3), lists a type's vertices from its corner);
    ``fac_nb`` (F, d - 1): the facets through the vertex, ``fac_cof``/``fac_extra``
    (F, 2) the top-cell index of each of its two cofaces and the neighbour that the
    coface adds; ``partners`` (K, P): per edge, the neighbours that span a triangle
    with it (-1 padded); ``fac_of`` (K, K): the facet index of the neighbours (i, j)
    ((i, i) in 2-D); ``code`` (27,): neighbour index of each offset (-1 none).
    """
    flip = np.ones(3, np.int64)
    flip[0] = -1  # TTK's diagonal: Kuhn's triangulation with x reversed

    def vec(bits: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(int(c) for c in np.pad(np.asarray(bits), (0, 3 - d)) * flip)

    units = [tuple((m >> a) & 1 for a in range(d)) for m in range(1, 1 << d)]
    nb = [vec(u) for u in units] + [vec(tuple(-c for c in u)) for u in units]
    index = {v: k for k, v in enumerate(nb)}
    chains = []
    for perm in itertools.permutations(range(d)):
        c, seq = [0] * d, [tuple([0] * d)]
        for axis in perm:
            c[axis] = 1
            seq.append(tuple(c))
        chains.append(seq)
    tops, facets = [], {}
    for t, seq in enumerate(chains):
        for i in range(d + 1):  # the vertex is the chain's i-th corner
            corner = tuple(-c for c in seq[i])
            others = [tuple(a + b for a, b in zip(corner, s, strict=True)) for s in seq]
            others = sorted(index[vec(o)] for o in others if any(o))
            tops.append((others, vec(corner), t))
    for ti, (others, _, _) in enumerate(tops):
        for drop in others:
            key = tuple(o for o in others if o != drop)
            facets.setdefault(key, []).append((ti, drop))
    fac = sorted(facets)
    pairs: dict[int, set[int]] = {k: set() for k in range(len(nb))}
    for others, _, _ in tops:
        for a, b in itertools.permutations(others, 2):
            pairs[a].add(b)
    width = max(len(s) for s in pairs.values())
    partners = np.full((len(nb), width), -1, np.int64)
    for k, s in pairs.items():
        partners[k, : len(s)] = sorted(s)
    fac_of = np.full((len(nb), len(nb)), -1, np.int64)
    for fi, f in enumerate(fac):
        fac_of[f[0], f[-1]] = fac_of[f[-1], f[0]] = fi
    code = np.full(27, -1, np.int64)
    for k, (x, y, z) in enumerate(nb):
        code[(x + 1) + 3 * (y + 1) + 9 * (z + 1)] = k
    return {
        "nb": np.array(nb, np.int64),
        "top_nb": np.array([o for o, _, _ in tops], np.int64),
        "top_corner": np.array([c for _, c, _ in tops], np.int64),
        "top_type": np.array([t for _, _, t in tops], np.int64),
        "chain": np.array([[vec(s) for s in seq] for seq in chains], np.int64),
        "fac_nb": np.array(fac, np.int64).reshape(len(fac), d - 1),
        "fac_cof": np.array([[ti for ti, _ in facets[f]] for f in fac], np.int64),
        "fac_extra": np.array([[x for _, x in facets[f]] for f in fac], np.int64),
        "partners": partners,
        "fac_of": fac_of,
        "code": code,
    }


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
def _linear(vecs: np.ndarray, nx: int, ny: int) -> np.ndarray:
    """Vertex-id offsets of (k, 3) grid vectors."""
    out = np.empty(vecs.shape[0], np.int64)
    for k in range(vecs.shape[0]):
        out[k] = vecs[k, 0] + nx * (vecs[k, 1] + ny * vecs[k, 2])
    return out


@numba.njit(cache=True, inline="always")
def _load_star(v, rank, shape, nb, nlin, nv, nr):
    """Ids (``nv``, -1 outside) and ranks (``nr``, +inf outside) of v's neighbours."""
    nx, ny, nz = shape[0], shape[1], shape[2]
    x = v % nx
    y = (v // nx) % ny
    z = v // (nx * ny)
    for k in range(nb.shape[0]):
        xx = x + nb[k, 0]
        yy = y + nb[k, 1]
        zz = z + nb[k, 2]
        if 0 <= xx < nx and 0 <= yy < ny and 0 <= zz < nz:
            nv[k] = v + nlin[k]
            nr[k] = rank[v + nlin[k]]
        else:
            nv[k] = -1
            nr[k] = _OUTSIDE


@numba.njit(cache=True, inline="always")
def _cell_birth(cell: int, n_types: int, chain_lin: np.ndarray, rank: np.ndarray) -> int:
    """Rank of the highest vertex of top cell ``cell`` (corner * n_types + type)."""
    corner = cell // n_types
    kind = cell % n_types
    best = -1
    for i in range(chain_lin.shape[1]):
        best = max(best, rank[corner + chain_lin[kind, i]])
    return best


@numba.njit(cache=True, inline="always")
def _facet_kind(f, r, nr, fac_nb, fac_extra, partners) -> int:
    """Facet ``f`` of the loaded star: -1 not in the lower star, 0 critical, 1 paired
    with its youngest face, 2 paired with its oldest coface (apparent pairs)."""
    d = fac_nb.shape[1] + 1
    a = fac_nb[f, 0]
    b = fac_nb[f, d - 2]
    if nr[a] < nr[b]:
        a, b = b, a
    if nr[a] >= r:
        return -1
    if min(nr[fac_extra[f, 0]], nr[fac_extra[f, 1]]) < nr[b]:
        return 2
    lowest = _OUTSIDE
    if d == 3:
        for p in partners[a]:
            if p >= 0:
                lowest = min(lowest, nr[p])
        return 1 if lowest == nr[b] else 0
    for k in range(nr.size):
        lowest = min(lowest, nr[k])
    return 1 if lowest == nr[a] else 0


@numba.njit(cache=True, parallel=True)
def critical_facets(rank, shape, nb, fac_nb, fac_extra, partners) -> np.ndarray:
    """Per vertex, the bit mask of the critical facets of its lower star."""
    n = rank.size
    nlin = _linear(nb, shape[0], shape[1])
    mask = np.zeros(n, np.uint64)
    for v in numba.prange(n):
        nv = np.empty(nb.shape[0], np.int64)
        nr = np.empty(nb.shape[0], np.int64)
        _load_star(v, rank, shape, nb, nlin, nv, nr)
        r = rank[v]
        m = np.uint64(0)
        for f in range(fac_nb.shape[0]):
            if _facet_kind(f, r, nr, fac_nb, fac_extra, partners) == 0:
                m |= np.uint64(1) << np.uint64(f)
        mask[v] = m
    return mask


@numba.njit(cache=True)
def critical_list(mask, rank, nb, fac_nb, shape):
    """(vertex, facet index, rank of each facet vertex, highest first) of the set bits."""
    nlin = _linear(nb, shape[0], shape[1])
    total = 0
    for v in range(mask.size):
        m = mask[v]
        while m:
            m &= m - np.uint64(1)
            total += 1
    d = fac_nb.shape[1] + 1
    fv = np.empty(total, np.int64)
    ff = np.empty(total, np.int64)
    fr = np.empty((d, total), np.int64)
    i = 0
    for v in range(mask.size):
        m = mask[v]
        f = 0
        while m:
            if m & np.uint64(1):
                a = rank[v + nlin[fac_nb[f, 0]]]
                b = rank[v + nlin[fac_nb[f, d - 2]]]
                fv[i] = v
                ff[i] = f
                fr[0, i] = rank[v]
                fr[1, i] = max(a, b)
                fr[d - 1, i] = min(a, b)
                i += 1
            m >>= np.uint64(1)
            f += 1
    return fv, ff, fr


@numba.njit(cache=True, inline="always")
def _neighbour(h, u, shape, code) -> int:
    """Neighbour index of vertex ``u`` around vertex ``h``."""
    nx, ny = shape[0], shape[1]
    dx = u % nx - h % nx
    dy = (u // nx) % ny - (h // nx) % ny
    dz = u // (nx * ny) - h // (nx * ny)
    return code[(dx + 1) + 3 * (dy + 1) + 9 * (dz + 1)]


@numba.njit(cache=True)
def _ascend(cell, rank, shape, nb, nlin, code, chain_lin, fac_of, fac_extra, fac_cof, clin, top_type, outer):
    """Next top cell on the ascending gradient path from ``cell``: the other coface of
    the facet it is paired with (``outer`` beyond the grid), or -1 if it is critical."""
    n_types = chain_lin.shape[0]
    corner = cell // n_types
    kind = cell % n_types
    hv = -1
    lv = -1
    hr = -1
    lr = _OUTSIDE
    for i in range(chain_lin.shape[1]):
        u = corner + chain_lin[kind, i]
        if rank[u] > hr:
            hr = rank[u]
            hv = u
        if rank[u] < lr:
            lr = rank[u]
            lv = u
    m0 = -1
    m1 = -1
    for i in range(chain_lin.shape[1]):
        u = corner + chain_lin[kind, i]
        if u != hv and u != lv:
            m1 = _neighbour(hv, u, shape, code)
            if m0 < 0:
                m0 = m1
    f = fac_of[m0, m1]
    slot = 1 if fac_extra[f, 0] == _neighbour(hv, lv, shape, code) else 0
    k = fac_extra[f, slot]
    nx, ny, nz = shape[0], shape[1], shape[2]
    x = hv % nx + nb[k, 0]
    y = (hv // nx) % ny + nb[k, 1]
    z = hv // (nx * ny) + nb[k, 2]
    if not (0 <= x < nx and 0 <= y < ny and 0 <= z < nz):
        return outer
    if rank[hv + nlin[k]] < lr:
        return -1
    t = fac_cof[f, slot]
    return (hv + clin[t]) * n_types + top_type[t]


@numba.njit(cache=True)
def dual_pairs(
    fv, ff, rank, order, shape, nb, top_corner, top_type, chain, fac_nb, fac_cof, fac_extra, fac_of, code
):
    """Saddle-maximum vertex pairs from the critical facets, highest first.

    Each facet's two cofaces are followed up their gradient paths to a critical top
    cell (or the outside, born at +inf); a union-find over those with the elder rule
    gives the pairs of non-zero persistence. Returns (saddle, maximum) vertex arrays
    and, on 3-D grids, the critical triangles (v, a, b), ranks v > a > b, that closed
    no dual cycle (the saddle-saddle columns) in ascending order.
    """
    n = rank.size
    nx, ny, nz = shape[0], shape[1], shape[2]
    d = fac_nb.shape[1] + 1
    n_types = chain.shape[0]
    nlin = _linear(nb, nx, ny)
    clin = _linear(top_corner, nx, ny)
    chain_lin = np.empty((n_types, chain.shape[1]), np.int64)
    for t in range(n_types):
        chain_lin[t] = _linear(chain[t], nx, ny)
    outer = n * n_types
    dest = np.full(outer + 1, -1, np.int32)
    dest[outer] = outer
    path = np.empty(64, np.int64)
    saddle = np.empty(64, np.int64)
    maxv = np.empty(64, np.int64)
    npairs = 0
    cols = np.empty((64, 3), np.int64)
    ncols = 0
    roots = np.empty(2, np.int64)
    for q in range(fv.size):
        v = fv[q]
        f = ff[q]
        r = rank[v]
        x = v % nx
        y = (v // nx) % ny
        z = v // (nx * ny)
        for c in range(2):
            k = fac_extra[f, c]
            xx = x + nb[k, 0]
            yy = y + nb[k, 1]
            zz = z + nb[k, 2]
            if not (0 <= xx < nx and 0 <= yy < ny and 0 <= zz < nz):
                roots[c] = _find(dest, outer)
                continue
            t = fac_cof[f, c]
            cell = (v + clin[t]) * n_types + top_type[t]
            m = 0
            while dest[cell] < 0:
                nxt = _ascend(cell, rank, shape, nb, nlin, code, chain_lin, fac_of, fac_extra, fac_cof, clin, top_type, outer)
                if nxt < 0:
                    dest[cell] = cell
                    break
                if m == path.size:
                    path = np.concatenate((path, np.empty(m, np.int64)))
                path[m] = cell
                m += 1
                cell = nxt
            root = _find(dest, cell)
            for i in range(m):
                dest[path[i]] = root
            roots[c] = root
        ra, rb = roots[0], roots[1]
        if ra == rb:
            if d == 3:
                a = v + nlin[fac_nb[f, 0]]
                b = v + nlin[fac_nb[f, 1]]
                if rank[a] < rank[b]:
                    a, b = b, a
                if ncols == cols.shape[0]:
                    bigger = np.empty((2 * ncols, 3), np.int64)
                    bigger[:ncols] = cols
                    cols = bigger
                cols[ncols, 0] = v
                cols[ncols, 1] = a
                cols[ncols, 2] = b
                ncols += 1
            continue
        ba = _OUTSIDE if ra == outer else _cell_birth(ra, n_types, chain_lin, rank)
        bb = _OUTSIDE if rb == outer else _cell_birth(rb, n_types, chain_lin, rank)
        if ba < bb:
            ra, rb = rb, ra
            ba, bb = bb, ba
        if bb != r:  # rb, the younger component, dies here
            if npairs == saddle.size:
                saddle = np.concatenate((saddle, np.empty(npairs, np.int64)))
                maxv = np.concatenate((maxv, np.empty(npairs, np.int64)))
            saddle[npairs] = v
            maxv[npairs] = order[bb]
            npairs += 1
        dest[rb] = ra
    return saddle[:npairs], maxv[:npairs], cols[:ncols][::-1].copy()


@numba.njit(cache=True, inline="always")
def _push(heap: np.ndarray, size: int, key: int) -> np.ndarray:
    """Push ``key`` on the max-heap ``heap[:size]`` (grown when full); the heap."""
    if size == heap.size:
        heap = np.concatenate((heap, np.empty(size, np.int64)))
    i = size
    while i > 0:
        up = (i - 1) >> 1
        if heap[up] >= key:
            break
        heap[i] = heap[up]
        i = up
    heap[i] = key
    return heap


@numba.njit(cache=True, inline="always")
def _pop(heap: np.ndarray, size: int) -> int:
    """Remove and return the top of the max-heap ``heap[:size]`` (size > 0)."""
    top = heap[0]
    last = heap[size - 1]
    size -= 1
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] > heap[child]:
            child += 1
        if heap[child] <= last:
            break
        heap[i] = heap[child]
        i = child
    if size > 0:
        heap[i] = last
    return top


@numba.njit(cache=True)
def saddle_saddle_pairs(
    columns: np.ndarray,
    rank: np.ndarray,
    order: np.ndarray,
    shape: np.ndarray,
    nb: np.ndarray,
    partners: np.ndarray,
    code: np.ndarray,
):
    """(edge vertex, triangle vertex) pairs of the saddle-saddle columns of a 3-D grid.

    ``columns`` (triangles from :func:`dual_pairs`, ascending) are reduced in the
    Morse complex of the apparent pairs: an edge is keyed rank(high) * n + rank(low);
    the highest edge of a column is dropped if it is its high vertex's steepest edge
    (paired with that vertex), replaced by the other two edges of the triangle it is
    paired with if it has one, and otherwise is critical: it pairs with the column
    unless an earlier column has it as pivot, whose stored chain is then added.
    """
    n = rank.size
    nx, ny = shape[0], shape[1]
    nlin = _linear(nb, nx, ny)
    nv = np.empty(nb.shape[0], np.int64)
    nr = np.empty(nb.shape[0], np.int64)
    pivot = dict()
    pivot[np.int64(-1)] = np.int64(-1)
    start = np.zeros(columns.shape[0] + 1, np.int64)
    store = np.empty(64, np.int64)
    used = 0
    heap = np.empty(64, np.int64)
    ev = np.empty(columns.shape[0], np.int64)
    tv = np.empty(columns.shape[0], np.int64)
    npairs = 0
    for j in range(columns.shape[0]):
        rv = rank[columns[j, 0]]
        ra = rank[columns[j, 1]]
        rb = rank[columns[j, 2]]
        size = 0
        heap = _push(heap, size, rv * n + ra)
        size += 1
        heap = _push(heap, size, rv * n + rb)
        size += 1
        heap = _push(heap, size, ra * n + rb)
        size += 1
        while size > 0:
            e = _pop(heap, size)
            size -= 1
            odd = True
            while size > 0 and heap[0] == e:
                _pop(heap, size)
                size -= 1
                odd = not odd
            if not odd:
                continue
            rh = e // n
            rl = e - rh * n
            h = order[rh]
            lo = order[rl]
            _load_star(h, rank, shape, nb, nlin, nv, nr)
            steepest = _OUTSIDE
            for k in range(nb.shape[0]):
                steepest = min(steepest, nr[k])
            if steepest == rl:
                continue  # paired with its high vertex
            dx = lo % nx - h % nx
            dy = (lo // nx) % ny - (h // nx) % ny
            dz = lo // (nx * ny) - h // (nx * ny)
            k = code[(dx + 1) + 3 * (dy + 1) + 9 * (dz + 1)]
            third = -1
            best = rl
            for p in partners[k]:
                if p >= 0 and nr[p] < best:
                    best = nr[p]
                    third = p
            if third >= 0:  # paired with the triangle (h, lo, third)
                heap = _push(heap, size, rh * n + best)
                size += 1
                heap = _push(heap, size, rl * n + best)
                size += 1
                continue
            if e in pivot:
                owner = pivot[e]
                for i in range(start[owner], start[owner + 1]):
                    heap = _push(heap, size, store[i])
                    size += 1
                continue
            pivot[e] = j
            if used + size > store.size:
                store = np.concatenate((store, np.empty(used + size, np.int64)))
            store[used : used + size] = heap[:size]
            used += size
            ev[npairs] = h
            tv[npairs] = columns[j, 0]
            npairs += 1
            break
        start[j + 1] = used
    return ev[:npairs], tv[:npairs]
