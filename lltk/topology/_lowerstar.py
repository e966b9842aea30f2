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
    with it (-1 padded); ``code`` (27,): neighbour index of each offset (-1 none).
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
def _coface_root(parent, f, c, v, nv, fac_extra, fac_cof, clin, top_type, n_types, outer) -> int:
    """Union-find root of facet ``f``'s coface ``c`` (the outside if it leaves the grid)."""
    if nv[fac_extra[f, c]] < 0:
        return _find(parent, outer)
    t = fac_cof[f, c]
    return _find(parent, (v + clin[t]) * n_types + top_type[t])


@numba.njit(cache=True)
def dual_pairs(
    rank: np.ndarray,
    order: np.ndarray,
    shape: np.ndarray,
    nb: np.ndarray,
    top_nb: np.ndarray,
    top_corner: np.ndarray,
    top_type: np.ndarray,
    chain: np.ndarray,
    fac_nb: np.ndarray,
    fac_cof: np.ndarray,
    fac_extra: np.ndarray,
    partners: np.ndarray,
):
    """Saddle-maximum vertex pairs by the downward dual sweep of the lower stars.

    Returns (saddle, maximum) vertex arrays of the pairs of non-zero persistence and,
    on 3-D grids, the saddle-saddle columns: triangles (v, a, b), ranks v > a > b,
    that close a dual cycle and are not apparent pairs, in ascending filtration order.
    """
    n = rank.size
    nx, ny = shape[0], shape[1]
    d = top_nb.shape[1]
    n_types = chain.shape[0]
    nlin = _linear(nb, nx, ny)
    clin = _linear(top_corner, nx, ny)
    chain_lin = np.empty((n_types, chain.shape[1]), np.int64)
    for t in range(n_types):
        chain_lin[t] = _linear(chain[t], nx, ny)
    outer = n * n_types
    parent = np.empty(outer + 1, np.int32)
    parent[outer] = outer
    nv = np.empty(nb.shape[0], np.int64)
    nr = np.empty(nb.shape[0], np.int64)
    fl = np.empty(fac_nb.shape[0], np.int64)
    fk = np.empty(fac_nb.shape[0], np.int64)
    saddle = np.empty(64, np.int64)
    maxv = np.empty(64, np.int64)
    npairs = 0
    cols = np.empty((64, 3), np.int64)
    ncols = 0
    for r in range(n - 1, -1, -1):
        v = order[r]
        _load_star(v, rank, shape, nb, nlin, nv, nr)
        for t in range(top_nb.shape[0]):
            low = True
            for i in range(d):
                if nr[top_nb[t, i]] >= r:
                    low = False
            if low:
                cell = (v + clin[t]) * n_types + top_type[t]
                parent[cell] = cell
        nf = 0
        for f in range(fac_nb.shape[0]):
            hi = -1
            lo = _OUTSIDE
            for i in range(d - 1):
                hi = max(hi, nr[fac_nb[f, i]])
                lo = min(lo, nr[fac_nb[f, i]])
            if hi >= r:
                continue
            key = hi * n + lo if d == 3 else hi
            j = nf
            while j > 0 and fk[j - 1] < key:  # insertion sort, descending
                fk[j] = fk[j - 1]
                fl[j] = fl[j - 1]
                j -= 1
            fk[j] = key
            fl[j] = f
            nf += 1
        for q in range(nf):
            f = fl[q]
            ra = _coface_root(parent, f, 0, v, nv, fac_extra, fac_cof, clin, top_type, n_types, outer)
            rb = _coface_root(parent, f, 1, v, nv, fac_extra, fac_cof, clin, top_type, n_types, outer)
            if ra == rb:
                if d == 3:
                    a, b = fac_nb[f, 0], fac_nb[f, 1]
                    if nr[a] < nr[b]:
                        a, b = b, a
                    lowest = _OUTSIDE
                    for p in partners[a]:
                        if p >= 0:
                            lowest = min(lowest, nr[p])
                    if lowest != nr[b]:  # not the oldest coface of its youngest edge
                        if ncols == cols.shape[0]:
                            bigger = np.empty((2 * ncols, 3), np.int64)
                            bigger[:ncols] = cols
                            cols = bigger
                        cols[ncols, 0] = v
                        cols[ncols, 1] = nv[a]
                        cols[ncols, 2] = nv[b]
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
            parent[rb] = ra
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
