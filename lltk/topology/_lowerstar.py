"""Persistence pairs of grid fields from the lower stars alone.

TTK's implicit grid triangulation is the Kuhn (Freudenthal) triangulation with the x
axis reversed (see :mod:`lltk.topology.domain`). Every simplex containing a vertex is
one of a fixed set of offset patterns, so the kernels here never list simplices: they
visit each vertex's star from small tables of neighbour offsets, and name a top cell
(triangle in 2-D, tetrahedron in 3-D) by its corner vertex and type.

Simplices are ordered lexicographically by their vertex ranks, highest first (a
refinement of the lower-star filtration); its apparent pairs (a simplex and its
youngest face, when it is that face's oldest coface) form a discrete gradient whose
paths descend in that order. As in the Discrete Morse Sandwich (Guillou, Vidal,
Tierny, IEEE TVCG 2023), only critical cells are paired: the critical facets join the
critical top cells that their cofaces' ascending gradient paths reach (union-find,
elder rule; the grid's outside is a node born at +inf), which gives the
saddle-maximum pairs; on 3-D grids the critical triangles that close no cycle there are
reduced in the Morse complex, which gives the saddle-saddle pairs. The minimum-saddle
pairs come from a union-find sweep that reads each vertex's lower neighbours from the
same offset tables.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from lltk.topology._jit import numba
from lltk.topology._sweep import _elder_merge, _find, _push_distinct, grid_xyz, radix_order

#: Rank given to a neighbour outside the grid (above every vertex).
_OUTSIDE = np.iinfo(np.int64).max
#: Per-vertex byte of :func:`critical_facets`: the steepest neighbour's index in the
#: low bits (``_STEEP`` itself at a minimum), ``_BOUNDARY`` set on the grid's boundary.
_STEEP, _BOUNDARY = 63, 64
#: A top cell is numbered corner << _TYPE_BITS | type (6 types in 3-D, 2 in 2-D).
_TYPE_BITS = 3


@functools.lru_cache(maxsize=2)
def kuhn_tables(d: int) -> dict[str, np.ndarray]:
    """Offset tables of the simplices around one vertex of a d-D grid (d = 2 or 3).

    Vectors are (dx, dy, dz) in vertex-index axes (x fastest; z = 0 in 2-D).
    ``nb`` (K, 3): the neighbours; the top cells through the vertex have corner offset
    ``top_corner`` and type ``top_type`` (``chain[type]``, (d + 1, 3), lists a type's
    vertices from its corner); ``fac_nb`` (F, d - 1): the facets through the vertex
    as neighbour indices, ``fac_cof``/``fac_extra`` (F, 2) the top-cell index of each
    of its two cofaces and the neighbour that the coface adds; ``partners`` (K, P): per
    edge, the neighbours that span a triangle with it (-1 padded); ``asc`` (types,
    d + 1, d + 1, 2): for a top cell whose chain vertices ih, il are its highest and
    lowest, the facet (index around ih) left when il is removed and the slot of the
    other coface; ``step`` (K, K): the neighbour index of ``nb[q] - nb[k]`` (-1 none),
    the vertex q seen from the vertex k.
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
    step = np.array(
        [[index.get(tuple(b - a for a, b in zip(p, q, strict=True)), -1) for q in nb] for p in nb],
        np.int64,
    )
    chain_vec = np.array([[vec(s) for s in seq] for seq in chains], np.int64)
    asc = np.full((len(chains), d + 1, d + 1, 2), -1, np.int64)
    for t, ih, il in itertools.product(range(len(chains)), range(d + 1), range(d + 1)):
        if ih == il:
            continue
        rel = [
            index.get(tuple(int(c) for c in chain_vec[t, i] - chain_vec[t, ih]), -1)
            for i in range(d + 1)
        ]
        mid = [rel[i] for i in range(d + 1) if i not in (ih, il)]
        f = int(fac_of[mid[0], mid[-1]])
        asc[t, ih, il] = f, 1 if facets[fac[f]][0][1] == rel[il] else 0
    return {
        "nb": np.array(nb, np.int64),
        "top_corner": np.array([c for _, c, _ in tops], np.int64),
        "top_type": np.array([t for _, _, t in tops], np.int64),
        "chain": chain_vec,
        "fac_nb": np.array(fac, np.int64).reshape(len(fac), d - 1),
        "fac_cof": np.array([[ti for ti, _ in facets[f]] for f in fac], np.int64),
        "fac_extra": np.array([[x for _, x in facets[f]] for f in fac], np.int64),
        "partners": partners,
        "asc": asc,
        "step": step,
    }


@numba.njit(cache=True, inline="always")
def _linear(vecs: np.ndarray, nx: int, ny: int) -> np.ndarray:
    """Vertex-id offsets of (k, 3) grid vectors."""
    out = np.empty(vecs.shape[0], np.int64)
    for k in range(vecs.shape[0]):
        out[k] = vecs[k, 0] + nx * (vecs[k, 1] + ny * vecs[k, 2])
    return out


@numba.njit(cache=True, inline="always")
def _load_star(v, x, y, z, rank, shape, nb, nlin, nr):
    """Ranks (``nr``, +inf outside) of the neighbours of vertex ``v`` at grid position
    (x, y, z)."""
    nx, ny, nz = shape[0], shape[1], shape[2]
    if 0 < x < nx - 1 and 0 < y < ny - 1 and (nz == 1 or 0 < z < nz - 1):
        for k in range(nb.shape[0]):
            nr[k] = rank[v + nlin[k]]
        return
    for k in range(nb.shape[0]):
        xx = x + nb[k, 0]
        yy = y + nb[k, 1]
        zz = z + nb[k, 2]
        if 0 <= xx < nx and 0 <= yy < ny and 0 <= zz < nz:
            nr[k] = rank[v + nlin[k]]
        else:
            nr[k] = _OUTSIDE


@numba.njit(cache=True, inline="always")
def _cell_birth(cell: int, chain_lin: np.ndarray, rank: np.ndarray) -> int:
    """Rank of the highest vertex of top cell ``cell``."""
    corner = cell >> _TYPE_BITS
    kind = cell & ((1 << _TYPE_BITS) - 1)
    best = -1
    for i in range(chain_lin.shape[1]):
        best = max(best, rank[corner + chain_lin[kind, i]])
    return best


@numba.njit(cache=True)
def minimum_saddle_pairs(
    order: np.ndarray, rank: np.ndarray, shape: np.ndarray, nb: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-saddle vertex pairs of a grid field: the join tree's union-find sweep in
    ascending ``order``, each vertex's lower neighbours read from the grid's offsets
    (no adjacency list); a vertex where k components meet kills the k - 1 younger
    ones (elder rule: a component is as old as its minimum). Returns (minimum, saddle).
    """
    n = rank.size
    nx, ny, nz = shape[0], shape[1], shape[2]
    nlin = _linear(nb, nx, ny)
    parent = np.empty(n, np.int32)
    minimum = np.empty(n, np.int64)
    saddle = np.empty(n, np.int64)
    roots = np.empty(nb.shape[0], np.int64)
    npairs = 0
    for r in range(n):
        v = order[r]
        x, y, z = grid_xyz(v, nx, ny)
        inner = 0 < x < nx - 1 and 0 < y < ny - 1 and (nz == 1 or 0 < z < nz - 1)
        k = 0
        for j in range(nb.shape[0]):
            if not inner:
                xx = x + nb[j, 0]
                yy = y + nb[j, 1]
                zz = z + nb[j, 2]
                if not (0 <= xx < nx and 0 <= yy < ny and 0 <= zz < nz):
                    continue
            ru = rank[v + nlin[j]]
            if ru < r:
                k = _push_distinct(roots, k, _find(parent, ru))
        npairs = _elder_merge(parent, roots, k, r, minimum, saddle, npairs, order)
    return minimum[:npairs], saddle[:npairs]


@numba.njit(cache=True)
def _mask_rows(rank, shape, nb, nlin, fac_nb, fac_extra, partners, lo, hi, mask, steep) -> None:
    """Critical facets (bit masks) and steepest edges of the vertices lo..hi-1.

    Apparent pairs of the lexicographic order: a facet is paired with its oldest coface
    when a coface adds a vertex below it, with its youngest face when it is that
    face's oldest coface (in 3-D: the edge (v, a) pairs with the triangle (v, a, b),
    b its lowest partner; in 2-D the vertex pairs with its steepest edge). The tests
    are written without branches (in a random field they go either way).
    """
    d = fac_nb.shape[1] + 1
    n_nb = nb.shape[0]
    nr = np.empty(n_nb + 1, np.int64)
    nr[n_nb] = _OUTSIDE  # the partners' padding reads this slot
    padded = np.where(partners < 0, n_nb, partners)
    lowest = np.empty(n_nb, np.int64)
    nx, ny, nz = shape[0], shape[1], shape[2]
    x, y, z = grid_xyz(lo, nx, ny)
    for v in range(lo, hi):
        _load_star(v, x, y, z, rank, shape, nb, nlin, nr)
        inner = 0 < x < nx - 1 and 0 < y < ny - 1 and (nz == 1 or 0 < z < nz - 1)
        x += 1
        if x == nx:
            x = 0
            y += 1
            if y == ny:
                y = 0
                z += 1
        r = rank[v]
        sk = -1
        sr = r
        for k in range(n_nb):
            lower = nr[k] < sr
            sk = k if lower else sk
            sr = nr[k] if lower else sr
        steep[v] = (_STEEP if sk < 0 else sk) | (0 if inner else _BOUNDARY)
        m = np.uint64(0)
        if sk >= 0:
            if d == 3:
                for k in range(n_nb):
                    low = _OUTSIDE
                    for j in range(padded.shape[1]):
                        low = min(low, nr[padded[k, j]])
                    lowest[k] = low
            for f in range(fac_nb.shape[0]):
                a = fac_nb[f, 0]
                b = fac_nb[f, d - 2]
                ra = nr[a]
                rb = nr[b]
                high = max(ra, rb)
                low = min(ra, rb)
                below = min(nr[fac_extra[f, 0]], nr[fac_extra[f, 1]])
                unpaired = (lowest[a if ra > rb else b] if d == 3 else sr) != low
                critical = (high < r) & (below >= low) & unpaired
                m |= np.uint64(critical) << np.uint64(f)
        mask[v] = m


@numba.njit(cache=True, parallel=True)
def _mask_parallel(rank, shape, nb, nlin, fac_nb, fac_extra, partners, mask, steep) -> None:
    chunks = 64
    step = (rank.size + chunks - 1) // chunks
    for c in numba.prange(chunks):
        lo = min(c * step, rank.size)
        hi = min(lo + step, rank.size)
        _mask_rows(rank, shape, nb, nlin, fac_nb, fac_extra, partners, lo, hi, mask, steep)


def critical_facets(
    rank: np.ndarray,
    shape: np.ndarray,
    nb: np.ndarray,
    fac_nb: np.ndarray,
    fac_extra: np.ndarray,
    partners: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per vertex, the bit mask of the critical facets of its lower star and a byte:
    the index of its steepest (lowest) neighbour, ``_STEEP`` at minima, plus
    ``_BOUNDARY`` on the grid's boundary (on several threads from 2^15 vertices)."""
    mask = np.empty(rank.size, np.uint64)
    steep = np.empty(rank.size, np.int8)
    nlin = nb[:, 0] + shape[0] * (nb[:, 1] + shape[1] * nb[:, 2])
    args = (rank, shape, nb, nlin, fac_nb, fac_extra, partners)
    if rank.size < 1 << 15:
        _mask_rows(*args, 0, rank.size, mask, steep)
    else:
        _mask_parallel(*args, mask, steep)
    return mask, steep


@numba.njit(cache=True, inline="always")
def _ascend(cell, rank, steep, shape, nb, nlin, chain_lin, asc, fac_extra, fac_cof, clin, top_type):
    """Next top cell on the ascending gradient path from ``cell``: the other coface of
    the facet it is paired with, -2 beyond the grid, or -1 if the cell is critical."""
    corner = cell >> _TYPE_BITS
    kind = cell & ((1 << _TYPE_BITS) - 1)
    ih = 0
    il = 0
    rh = rank[corner + chain_lin[kind, 0]]
    rl = rh
    for i in range(1, chain_lin.shape[1]):
        ru = rank[corner + chain_lin[kind, i]]
        up = ru > rh
        ih = i if up else ih
        rh = ru if up else rh
        down = ru < rl
        il = i if down else il
        rl = ru if down else rl
    f = asc[kind, ih, il, 0]
    slot = asc[kind, ih, il, 1]
    k = fac_extra[f, slot]
    hv = corner + chain_lin[kind, ih]
    if steep[hv] & _BOUNDARY:
        nx, ny, nz = shape[0], shape[1], shape[2]
        hx, hy, hz = grid_xyz(hv, nx, ny)
        x, y, z = hx + nb[k, 0], hy + nb[k, 1], hz + nb[k, 2]
        if not (0 <= x < nx and 0 <= y < ny and 0 <= z < nz):
            return -2
    if rank[hv + nlin[k]] < rl:
        return -1
    t = fac_cof[f, slot]
    return ((hv + clin[t]) << _TYPE_BITS) | top_type[t]


@numba.njit(cache=True)
def critical_cells(
    mask: np.ndarray,
    steep: np.ndarray,
    rank: np.ndarray,
    shape: np.ndarray,
    nb: np.ndarray,
    top_corner: np.ndarray,
    top_type: np.ndarray,
    chain: np.ndarray,
    fac_nb: np.ndarray,
    fac_cof: np.ndarray,
    fac_extra: np.ndarray,
    asc: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The critical facets (bits of ``mask``) in vertex order, with the critical top
    cells their two cofaces' ascending gradient paths end at (``steep``: the bytes of
    :func:`critical_facets`, for their boundary flags).

    Paths are followed in vertex order (neighbouring facets share most of theirs), each
    top cell once: ``dest`` remembers where a visited cell's path ends. Returns one
    row per facet, (vertex, facet index around it, end, end) with the ends as
    critical-cell numbers, -1 for the outside; a sort key per facet that orders them
    by their vertex ranks, highest first ((n - 1 - rank of the vertex) * 64 + the
    facet's place among the vertex's critical facets); each critical cell's birth
    (rank of its highest vertex).
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
    total = 0
    for v in range(n):
        m = mask[v]
        while m:
            m &= m - np.uint64(1)
            total += 1
    facets = np.empty((total, 4), np.int32)  # half the cache misses of the sweep
    key = np.empty(total, np.int64)
    local = np.empty(fac_nb.shape[0], np.int64)
    dest = np.full(n << _TYPE_BITS, -1, np.int32)
    birth = np.empty(64, np.int64)
    ncrit = 0
    path = np.empty(64, np.int64)
    i = 0
    for v in range(n):
        m = mask[v]
        if not m:
            continue
        f = 0
        x, y, z = grid_xyz(v, nx, ny)
        run = i
        while m:
            if m & np.uint64(1):
                a = rank[v + nlin[fac_nb[f, 0]]]
                b = rank[v + nlin[fac_nb[f, d - 2]]]
                local[i - run] = max(a, b) * n + min(a, b)
                facets[i, 0] = v
                facets[i, 1] = f
                for c in range(2):
                    k = fac_extra[f, c]
                    xx = x + nb[k, 0]
                    yy = y + nb[k, 1]
                    zz = z + nb[k, 2]
                    if not (0 <= xx < nx and 0 <= yy < ny and 0 <= zz < nz):
                        facets[i, 2 + c] = -1
                        continue
                    t = fac_cof[f, c]
                    cell = ((v + clin[t]) << _TYPE_BITS) | top_type[t]
                    depth = 0
                    end = -1
                    while True:
                        if dest[cell] != -1:
                            end = dest[cell]
                            break
                        nxt = _ascend(
                            cell,
                            rank,
                            steep,
                            shape,
                            nb,
                            nlin,
                            chain_lin,
                            asc,
                            fac_extra,
                            fac_cof,
                            clin,
                            top_type,
                        )
                        if nxt == -1:
                            if ncrit == birth.size:
                                birth = np.concatenate((birth, np.empty(ncrit, np.int64)))
                            birth[ncrit] = _cell_birth(cell, chain_lin, rank)
                            end = ncrit
                            ncrit += 1
                            dest[cell] = end
                            break
                        if depth == path.size:
                            path = np.concatenate((path, np.empty(depth, np.int64)))
                        path[depth] = cell
                        depth += 1
                        if nxt == -2:
                            end = -2
                            break
                        cell = nxt
                    for p in range(depth):
                        dest[path[p]] = end
                    facets[i, 2 + c] = -1 if end == -2 else end
                i += 1
            m >>= np.uint64(1)
            f += 1
        for j in range(i - run):
            place = 0
            for q in range(i - run):
                place += local[q] > local[j]
            key[run + j] = (n - 1 - rank[v]) * 64 + place
    return facets, key, birth[:ncrit]


@numba.njit(cache=True)
def dual_pairs(
    facets: np.ndarray,
    down: np.ndarray,
    birth: np.ndarray,
    rank: np.ndarray,
    order: np.ndarray,
    shape: np.ndarray,
    nb: np.ndarray,
    fac_nb: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Saddle-maximum vertex pairs: the critical facets (rows of
    :func:`critical_cells`), highest first (rows ``down``), join the critical top
    cells at their ends (union-find, elder rule; the outside is born at
    +inf). Returns (saddle, maximum) vertex arrays of the pairs of non-zero persistence
    and, on 3-D grids, the critical triangles (v, a, b) that closed no dual cycle (the
    saddle-saddle columns) in ascending order: a and b as neighbour indices around the
    vertex v, ranks v > a > b.
    """
    d = fac_nb.shape[1] + 1
    nlin = _linear(nb, shape[0], shape[1])
    outer = birth.size
    parent = np.arange(outer + 1).astype(np.int32)
    saddle = np.empty(64, np.int64)
    maxv = np.empty(64, np.int64)
    npairs = 0
    cols = np.empty((64, 3), np.int64)
    ncols = 0
    for q in down:
        v = facets[q, 0]
        ra = _find(parent, outer if facets[q, 2] < 0 else facets[q, 2])
        rb = _find(parent, outer if facets[q, 3] < 0 else facets[q, 3])
        if ra == rb:
            if d == 3:
                a = fac_nb[facets[q, 1], 0]
                b = fac_nb[facets[q, 1], 1]
                if rank[v + nlin[a]] < rank[v + nlin[b]]:
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
        ba = _OUTSIDE if ra == outer else birth[ra]
        bb = _OUTSIDE if rb == outer else birth[rb]
        if ba < bb:
            ra, rb = rb, ra
            ba, bb = bb, ba
        if bb != rank[v]:  # rb, the younger component, dies here
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


@numba.njit(cache=True, inline="always")
def _slot(table: np.ndarray, key: int) -> int:
    """Slot of ``key`` in the open-addressing ``table`` (power-of-two size, -1 empty)."""
    mask = table.size - 1
    i = ((key * 0x5851F42D4C957F2D) >> 17) & mask
    while table[i] != -1 and table[i] != key:
        i = (i + 1) & mask
    return i


@numba.njit(cache=True)
def saddle_saddle_pairs(
    columns: np.ndarray,
    steep: np.ndarray,
    rank: np.ndarray,
    order: np.ndarray,
    shape: np.ndarray,
    nb: np.ndarray,
    partners: np.ndarray,
    step: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(edge vertex, triangle vertex) pairs of the saddle-saddle columns of a 3-D grid.

    ``columns`` (triangles from :func:`dual_pairs`, ascending) are reduced in the
    Morse complex of the apparent pairs: an edge from its high vertex h to the
    neighbour k of h is keyed (rank(h) * n + rank(low)) * 16 + k, so that keys follow
    the filtration and name the edge without a lookup; the highest edge of a column is
    dropped if it is h's steepest edge (paired with h), replaced by the other two
    edges of the triangle it is paired with if it has one, and otherwise is critical:
    it pairs with the column unless an earlier column has it as pivot, whose stored
    chain is then added.
    """
    n = rank.size
    nx, ny = shape[0], shape[1]
    nlin = _linear(nb, nx, ny)
    nz = shape[2]
    cap = 16
    while cap < 2 * columns.shape[0]:
        cap *= 2
    pivot_edge = np.full(cap, -1, np.int64)  # open addressing: pivot edge -> column
    pivot_col = np.empty(cap, np.int64)
    start = np.zeros(columns.shape[0] + 1, np.int64)
    store = np.empty(64, np.int64)
    used = 0
    heap = np.empty(64, np.int64)
    ev = np.empty(columns.shape[0], np.int64)
    tv = np.empty(columns.shape[0], np.int64)
    npairs = 0
    for j in range(columns.shape[0]):
        v = columns[j, 0]
        ka = columns[j, 1]
        kb = columns[j, 2]
        rv = rank[v]
        ra = rank[v + nlin[ka]]
        rb = rank[v + nlin[kb]]
        size = 0
        heap = _push(heap, size, (rv * n + ra) * 16 + ka)
        size += 1
        heap = _push(heap, size, (rv * n + rb) * 16 + kb)
        size += 1
        heap = _push(heap, size, (ra * n + rb) * 16 + step[ka, kb])
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
            k = e & 15
            rh = (e >> 4) // n
            rl = (e >> 4) - rh * n
            h = order[rh]
            flags = steep[h]
            if (flags & _STEEP) == k:
                continue  # paired with its high vertex
            third = -1
            best = rl
            if flags & _BOUNDARY:
                hx, hy, hz = grid_xyz(h, nx, ny)
                for p in partners[k]:
                    if p >= 0:
                        x = hx + nb[p, 0]
                        y = hy + nb[p, 1]
                        z = hz + nb[p, 2]
                        inside = 0 <= x < nx and 0 <= y < ny and 0 <= z < nz
                        if inside and rank[h + nlin[p]] < best:
                            best = rank[h + nlin[p]]
                            third = p
            else:
                for p in partners[k]:
                    if p >= 0 and rank[h + nlin[p]] < best:
                        best = rank[h + nlin[p]]
                        third = p
            if third >= 0:  # paired with the triangle (h, low, third)
                heap = _push(heap, size, (rh * n + best) * 16 + third)
                size += 1
                heap = _push(heap, size, (rl * n + best) * 16 + step[k, third])
                size += 1
                continue
            slot = _slot(pivot_edge, e)
            if pivot_edge[slot] == e:
                owner = pivot_col[slot]
                for i in range(start[owner], start[owner + 1]):
                    heap = _push(heap, size, store[i])
                    size += 1
                continue
            pivot_edge[slot] = e
            pivot_col[slot] = j
            if used + size > store.size:
                store = np.concatenate((store, np.empty(used + size, np.int64)))
            store[used : used + size] = heap[:size]
            used += size
            ev[npairs] = h
            tv[npairs] = v
            npairs += 1
            break
        start[j + 1] = used
    return ev[:npairs], tv[:npairs]


def lower_star_pairs(rank: np.ndarray, shape: np.ndarray) -> tuple[np.ndarray, ...]:
    """Saddle-maximum and saddle-saddle vertex pairs of a 2-D or 3-D grid field.

    ``rank``: each vertex's position in the (value, id) order; ``shape``: the grid
    sizes (x, y, z), z = 1 in 2-D. The top cells (triangles or tetrahedra) are nodes of
    the dual graph, plus one outer node for the boundary; sweeping the critical facets
    downwards with the elder rule gives the pairs of the lower-star filtration's
    top-dimensional homology, TTK's saddle-maximum pairs. On 3-D grids the critical
    triangles that did not join two dual components kill 1-cycles; reducing them gives
    the edge-triangle (saddle-saddle) pairs. Returns (saddle, max, saddle1, saddle2).
    """
    d = 3 if shape[2] > 1 else 2
    tables = kuhn_tables(d)
    order = np.empty(rank.size, np.int64)
    order[rank] = np.arange(rank.size)
    rank = rank.astype(np.int32) if rank.size < 2**31 else rank  # half the cache misses
    mask, steep = critical_facets(
        rank, shape, tables["nb"], tables["fac_nb"], tables["fac_extra"], tables["partners"]
    )
    facets, key, birth = critical_cells(
        mask,
        steep,
        rank,
        shape,
        *(tables[k] for k in ("nb", "top_corner", "top_type", "chain", "fac_nb", "fac_cof")),
        *(tables[k] for k in ("fac_extra", "asc")),
    )
    del mask
    saddle, maximum, columns = dual_pairs(
        facets, radix_order(key), birth, rank, order, shape, tables["nb"], tables["fac_nb"]
    )
    ev, tv = saddle_saddle_pairs(
        columns, steep, rank, order, shape, tables["nb"], tables["partners"], tables["step"]
    )
    keep = ev != tv
    return saddle, maximum, ev[keep], tv[keep]
