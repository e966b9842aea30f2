"""Domains of scalar fields: TTK's implicitly triangulated grids and plain graphs.

A :class:`Domain` holds the vertex adjacency as CSR arrays (what the union-find sweeps
need) and, for grids, the dimensions from which the triangles and tetrahedra of TTK's
implicit triangulation are enumerated.

TTK's ``ImplicitTriangulation`` cuts each grid cell along the diagonal that starts at
``(i+1, j, k)``: in 2-D the quad diagonal joins ``(i+1, j)`` and ``(i, j+1)``; in 3-D
the interior vertex has the 14 neighbours ``±(1,0,0), ±(0,1,0), ±(0,0,1), ±(-1,1,0),
±(-1,0,1), ±(0,1,1), ±(-1,1,1)``. This is the Freudenthal (Kuhn) triangulation of the
grid with the x axis reversed, which is how the simplices are enumerated here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lltk.topology._jit import numba
from lltk.topology._ndgrid import MAX_AXES, check_grid_memory
from lltk.topology._sweep import radix_order

#: The most axes a grid domain takes (the n-D diagram's kernels' limit).
MAX_GRID_AXES = MAX_AXES


@dataclass(frozen=True)
class Domain:
    """Vertex adjacency (CSR) of a grid or a graph, plus grid dimensions if any.

    ``dims`` lists the grid sizes along x, y, z (x fastest, axes of size 1 dropped);
    ``None`` for graphs. ``points`` (n, 3) are vertex coordinates used for
    ``RegionSpan`` (``None``: spans are reported as 0).
    """

    n_vertices: int
    csr_indptr: np.ndarray | None = field(repr=False)
    csr_indices: np.ndarray | None = field(repr=False)
    dims: tuple[int, ...] | None = None
    points: np.ndarray | None = field(default=None, repr=False)

    def _adjacency(self) -> tuple[np.ndarray, np.ndarray]:
        """The adjacency, built on first use for grids (the n-D diagram never needs it)."""
        if self.csr_indptr is None:
            edges = _grid_simplices(self.dims, 1)
            indptr, indices = _csr(self.n_vertices, edges[:, 0], edges[:, 1])
            object.__setattr__(self, "csr_indptr", indptr)
            object.__setattr__(self, "csr_indices", indices)
        return self.csr_indptr, self.csr_indices

    @property
    def indptr(self) -> np.ndarray:
        """CSR row pointers of the vertex adjacency."""
        return self._adjacency()[0]

    @property
    def indices(self) -> np.ndarray:
        """CSR column indices (neighbour vertex ids) of the vertex adjacency."""
        return self._adjacency()[1]

    @property
    def is_grid(self) -> bool:
        """Whether the domain is an implicitly triangulated regular grid."""
        return self.dims is not None

    def edges(self) -> np.ndarray:
        """The undirected edges (m, 2), smaller vertex id first, each once."""
        src = np.repeat(np.arange(self.n_vertices), np.diff(self.indptr))
        keep = src < self.indices
        return np.column_stack([src[keep], self.indices[keep]]).astype(np.int64)

    def simplices(self, dim: int) -> np.ndarray:
        """All ``dim``-simplices (k, dim + 1) of the grid's triangulation (vertex ids)."""
        if self.dims is None:
            if dim == 1:
                return self.edges()
            raise ValueError("a graph domain has only vertices and edges")
        return _grid_simplices(self.dims, dim)


def _grid_ids_reversed_x(dims: tuple[int, ...]) -> np.ndarray:
    """Vertex ids on an array indexed [x', y, z] (x' = nx - 1 - x), reversed axes order."""
    ids = np.arange(int(np.prod(dims))).reshape(dims[::-1])  # [z, y, x]
    ids = ids.transpose()  # [x, y, z]
    return ids[::-1]  # x reversed


def _chains(d: int, length: int, below: int = 0) -> list[tuple[int, ...]]:
    """The strictly nested chains of ``length`` non-zero d-bit masks above ``below``, in
    lexicographic order."""
    if length == 0:
        return [()]
    out = []
    for m in range(below + 1, 1 << d):
        if (m & below) == below:
            out += [(m, *rest) for rest in _chains(d, length - 1, m)]
    return out


def _grid_simplices(dims: tuple[int, ...], dim: int) -> np.ndarray:
    """The ``dim``-simplices of the Freudenthal triangulation (x reversed) of a grid.

    A simplex is a chain ``p, p + b1, p + b2, ...`` of corners of one grid cell where
    ``0 < b1 < b2 < ...`` are nested 0/1 offset vectors.
    """
    d = len(dims)
    if dim == 0:
        return np.arange(int(np.prod(dims)))[:, None]
    if dim > d:
        return np.zeros((0, dim + 1), np.int64)
    ids = _grid_ids_reversed_x(dims)
    parts = []
    for chain in _chains(d, dim):
        top = chain[-1]
        ext = [(top >> a) & 1 for a in range(d)]
        base = ids[tuple(slice(0, n - e) for n, e in zip(dims, ext, strict=True))]
        cols = [base.ravel()]
        for m in chain:
            off = [(m >> a) & 1 for a in range(d)]
            sl = tuple(slice(o, n - e + o) for n, e, o in zip(dims, ext, off, strict=True))
            cols.append(ids[sl].ravel())
        parts.append(np.column_stack(cols))
    if not parts:
        return np.zeros((0, dim + 1), np.int64)
    return np.concatenate(parts).astype(np.int64)


@numba.njit(cache=True)
def _csr_fill(n: int, u: np.ndarray, v: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` with the symmetric CSR adjacency of edges (u, v); return indptr."""
    deg = np.zeros(n + 1, np.int64)
    for e in range(u.size):
        deg[u[e] + 1] += 1
        deg[v[e] + 1] += 1
    for i in range(n):
        deg[i + 1] += deg[i]
    fill = deg[:-1].copy()
    for e in range(u.size):
        a = u[e]
        b = v[e]
        out[fill[a]] = b
        fill[a] += 1
        out[fill[b]] = a
        fill[b] += 1
    return deg


def _csr(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric CSR adjacency (indptr, indices) of the undirected edges (u, v)."""
    out = np.empty(2 * u.size, np.int32 if n < 2**31 - 1 else np.int64)
    u = np.ascontiguousarray(u, dtype=np.int64)
    v = np.ascontiguousarray(v, dtype=np.int64)
    return _csr_fill(n, u, v, out), out


def _normalize_dims(dims: tuple[int, ...]) -> tuple[int, ...]:
    dims = tuple(int(n) for n in dims)
    if not dims or any(n < 1 for n in dims):
        raise ValueError(f"grid dimensions must be positive, got {dims}")
    kept = tuple(n for n in dims if n > 1)
    return kept or (1,)


def grid_domain(
    dims: tuple[int, ...],
    origin: tuple[float, ...] | None = None,
    spacing: tuple[float, ...] | None = None,
) -> Domain:
    """A regular grid (x fastest) with TTK's implicit triangulation (1 to 6 axes).

    Axes of size 1 are dropped (a 40x40x1 image is a 2-D grid). ``origin`` and
    ``spacing`` (default 0 and 1, finite numbers) only place the vertices, for ``RegionSpan``; the
    points hold the first three coordinates. Beyond three axes the triangulation is the
    same Kuhn triangulation with x reversed, in n dimensions; its adjacency is built
    only when asked for (the merge tree's sweep), never for the persistence diagram.

    >>> domain = grid_domain((3, 2, 1), spacing=(0.5, 1.0, 1.0))
    >>> domain.dims, domain.n_vertices
    ((3, 2), 6)
    >>> domain.points[:4].tolist()  # x fastest
    [[0.0, 0.0, 0.0], [0.5, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    for what, numbers in (("origin", origin), ("spacing", spacing)):
        if numbers is not None and not np.isfinite(np.asarray(numbers, float)).all():
            raise ValueError(f"the grid's {what} {tuple(numbers)} is not finite numbers")
    full = tuple(int(n) for n in dims)
    kept = _normalize_dims(full)
    if len(kept) > MAX_GRID_AXES:
        raise ValueError(f"grids of 1 to {MAX_GRID_AXES} axes are supported, got {full}")
    if len(kept) > 3:
        check_grid_memory(kept)
    n = int(np.prod(kept))
    o = np.zeros(len(full)) if origin is None else np.asarray(origin, float)[: len(full)]
    s = np.ones(len(full)) if spacing is None else np.asarray(spacing, float)[: len(full)]
    axes = [o[a] + s[a] * np.arange(full[a]) for a in range(len(full))]
    points = np.zeros((n, 3))
    for a in range(min(3, len(full))):
        shape = [1] * len(full)
        shape[len(full) - 1 - a] = full[a]
        points[:, a] = np.broadcast_to(axes[a].reshape(shape), full[::-1]).ravel()
    return Domain(n, None, None, kept, points)


def graph_domain(n_vertices: int, edges: np.ndarray, points: np.ndarray | None = None) -> Domain:
    """A graph on ``n_vertices`` vertices whose adjacency is the edge list (m, 2).

    Self-loops and repeated edges are ignored. ``points`` (n, k) are optional vertex
    coordinates (used for ``RegionSpan``; padded to 3 columns).

    >>> import numpy as np
    >>> square = graph_domain(4, np.array([[0, 1], [1, 2], [2, 3], [3, 0], [1, 0], [2, 2]]))
    >>> square.is_grid, square.edges().tolist()  # the repeated edge and the loop dropped
    (False, [[0, 1], [0, 3], [1, 2], [2, 3]])
    """
    n = int(n_vertices)
    if n < 0:
        raise ValueError("the number of vertices must be non-negative")
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if e.size and (e.min() < 0 or e.max() >= n):
        raise ValueError(f"edge endpoints must lie in [0, {n}), got {e.min()}..{e.max()}")
    e = e[e[:, 0] != e[:, 1]]
    e = np.sort(e, axis=1)
    if e.size:
        key = e[:, 0] * np.int64(n) + e[:, 1]
        key = np.unique(key)
        e = np.column_stack([key // n, key % n])
    indptr, indices = _csr(n, e[:, 0].copy(), e[:, 1].copy())
    pts = None
    if points is not None:
        p = np.asarray(points, dtype=np.float64)
        if p.ndim != 2 or p.shape[0] != n:
            raise ValueError(f"points must have shape ({n}, k), got {p.shape}")
        pts = np.zeros((n, 3))
        pts[:, : min(3, p.shape[1])] = p[:, :3]
    return Domain(n, indptr, indices, None, pts)


def float_sort_keys(values: np.ndarray) -> np.ndarray | None:
    """Non-negative int64 keys in the order of float64 ``values`` (equal values, -0.0
    and 0.0 included, get equal keys), or None where values hold NaN or span more
    than 2^63 keys."""
    if values.size == 0 or np.isnan(values).any():
        return None
    bits = (values + 0.0).view(np.int64)  # -0.0 + 0.0 is 0.0
    signed = bits ^ ((bits >> 63) & np.int64(0x7FFFFFFFFFFFFFFF))  # negatives reversed
    lowest = signed.min()
    if int(signed.max()) - int(lowest) >= 2**63:
        return None
    return signed - lowest


def sweep_order(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, rank): vertices sorted by (value, id), and each vertex's position there
    (float64 values from 4096 vertices by a stable radix sort of their bits, twice as
    fast as numpy's stable argsort there)."""
    values = np.asarray(values)
    radix = values.dtype == np.float64 and values.size >= 1 << 12
    keys = float_sort_keys(values) if radix else None
    order = np.argsort(values, kind="stable") if keys is None else radix_order(keys)
    rank = np.empty(order.size, np.int64)
    rank[order] = np.arange(order.size)
    return order, rank


def vertex_order(values: np.ndarray) -> np.ndarray:
    """Rank of each vertex in the order (value, vertex id) (simulation of simplicity)."""
    return sweep_order(values)[1]


def axis_edges(n: int, resolution: int) -> np.ndarray:
    """The edges between neighbours along each axis of a ``resolution``^``n`` grid (first
    axis fastest), smaller vertex id first, in (u, v) order: the axis graph of an n-D
    landscape as a ``.vtu`` of line cells holds it.

    >>> axis_edges(2, 2).tolist()
    [[0, 1], [0, 2], [1, 3], [2, 3]]
    """
    index = np.arange(resolution**n, dtype=np.int64)
    parts = []
    for axis in range(n):
        stride = resolution**axis
        lo = index[(index // stride) % resolution < resolution - 1]
        parts.append(np.column_stack([lo, lo + stride]))
    edges = np.concatenate(parts) if parts else np.zeros((0, 2), np.int64)
    return edges[np.lexsort((edges[:, 1], edges[:, 0]))]

