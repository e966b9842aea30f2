"""Property tests: our diagrams, trees and critical points against gudhi and brute force.

gudhi computes the lower-star persistence of the same simplicial complex (TTK's grid
triangulation, or the graph) with filtration value = vertex rank in (value, id) order,
so ties are broken exactly like ours; pairs of zero persistence are dropped.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from lltk.topology import (
    critical_points,
    graph_domain,
    grid_domain,
    join_tree,
    persistence_pairs,
    split_tree,
    vertex_order,
)

gudhi = pytest.importorskip("gudhi")


def _gudhi_pairs(simplices: list[np.ndarray], rank: np.ndarray) -> dict[int, Counter]:
    """Vertex pairs per homology dimension; essential classes die at vertex -1."""
    order = np.argsort(rank)
    st = gudhi.SimplexTree()
    for block in simplices:
        filt = rank[block].max(axis=1).astype(float)
        st.insert_batch(block.T.astype(np.int64), filt)
    st.make_filtration_non_decreasing()
    out: dict[int, Counter] = {}
    for dim, (b, d) in st.persistence(homology_coeff_field=2, min_persistence=-1):
        bv = int(order[int(b)])
        dv = -1 if np.isinf(d) else int(order[int(d)])
        if bv != dv:
            out.setdefault(dim, Counter())[(bv, dv)] += 1
    return out


def _ours(values: np.ndarray, domain) -> dict[int, Counter]:
    dgm = persistence_pairs(values, domain)
    out: dict[int, Counter] = {}
    for b, d, pt in zip(dgm.birth_vertex, dgm.death_vertex, dgm.pair_type, strict=True):
        dim = {0: 0, -1: 0, 2: (len(domain.dims) - 1) if domain.dims else 1, 1: 1}[int(pt)]
        dd = -1 if pt == -1 else int(d)
        out.setdefault(dim, Counter())[(int(b), dd)] += 1
    return out


def _random_grid(rng: np.random.Generator, ndim: int) -> tuple[tuple[int, ...], np.ndarray]:
    lo, hi = {1: (2, 12), 2: (2, 8), 3: (2, 5)}[ndim]
    dims = tuple(int(x) for x in rng.integers(lo, hi, size=ndim))
    levels = int(rng.integers(2, 6))
    return dims, rng.integers(0, levels, size=int(np.prod(dims))).astype(float)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_grid_diagrams_match_gudhi(ndim: int) -> None:
    rng = np.random.default_rng(ndim)
    for _ in range({1: 300, 2: 1500, 3: 300}[ndim]):
        dims, values = _random_grid(rng, ndim)
        domain = grid_domain(dims)
        rank = vertex_order(values)
        simplices = [domain.simplices(k) for k in range(len(domain.dims) + 1)]
        ref = _gudhi_pairs(simplices, rank)
        ours = _ours(values, domain)
        # the essential class: gudhi says (global min, inf), TTK (global min, global max)
        assert ours == ref, (dims, values.tolist())


def test_graph_diagrams_match_gudhi() -> None:
    rng = np.random.default_rng(7)
    for _ in range(1500):
        n = int(rng.integers(1, 30))
        m = int(rng.integers(0, 3 * n))
        edges = rng.integers(0, n, size=(m, 2))
        values = rng.integers(0, 4, size=n).astype(float)
        domain = graph_domain(n, edges)
        rank = vertex_order(values)
        e = domain.edges()
        ref = _gudhi_pairs([np.arange(n)[:, None], e], rank)
        ref.pop(1, None)  # cycles of a graph are never killed: TTK reports none
        assert _ours(values, domain) == ref, (n, edges.tolist(), values.tolist())


def test_trees_agree_with_diagram_and_critical_points() -> None:
    rng = np.random.default_rng(3)
    for _ in range(300):
        dims, values = _random_grid(rng, 2)
        domain = grid_domain(dims)
        jt = join_tree(values, domain)
        dgm = persistence_pairs(values, domain)
        ms = dgm.pair_type == 0
        leaves = set(jt.node_vertex[jt.node_type == 0])
        assert leaves == set(dgm.birth_vertex[ms]) | {int(np.argmin(vertex_order(values)))}
        saddles = set(jt.node_vertex[np.isin(jt.node_type, (1, 4))])
        assert saddles == set(dgm.death_vertex[ms])
        ids, types = critical_points(values, domain)
        assert set(ids[types == 0]) == leaves
        # the split tree is the join tree of the reversed order
        st = split_tree(values, domain)
        rev = join_tree(-vertex_order(values).astype(float), domain)
        assert set(st.node_vertex) == set(rev.node_vertex)
        np.testing.assert_array_equal(np.sort(st.node_type == 3), np.sort(rev.node_type == 0))
        assert jt.region_size[: jt.arc_up.size].sum() + jt.n_nodes == values.size


def _brute_link_types(values: np.ndarray, domain) -> np.ndarray:
    """Lower/upper link components from the explicit top cells (pure Python)."""
    rank = vertex_order(values)
    cells = domain.simplices(len(domain.dims))
    n = values.size
    star: list[list[np.ndarray]] = [[] for _ in range(n)]
    for c in cells:
        for x in c:
            star[x].append(c)
    counts = np.zeros((n, 2), int)
    for v in range(n):
        link = {int(x) for c in star[v] for x in c if x != v}
        parent = {x: x for x in link}

        def find(x, parent=parent):
            while parent[x] != x:
                x = parent[x]
            return x

        for c in star[v]:
            others = [int(x) for x in c if x != v]
            for a in others:
                for b in others:
                    if (rank[a] < rank[v]) == (rank[b] < rank[v]):
                        parent[find(a)] = find(b)
        roots = {find(x) for x in link}
        counts[v, 0] = sum(rank[r] < rank[v] for r in roots)
        counts[v, 1] = len(roots) - counts[v, 0]
    return counts


@pytest.mark.parametrize("ndim", [2, 3])
def test_critical_points_match_brute_force_links(ndim: int) -> None:
    rng = np.random.default_rng(11)
    for _ in range(40 if ndim == 2 else 8):
        dims, values = _random_grid(rng, ndim)
        domain = grid_domain(dims)
        if len(domain.dims) < 2:
            continue
        counts = _brute_link_types(values, domain)
        ids, types = critical_points(values, domain)
        full = np.full(values.size, 5)
        full[ids] = types
        lo, up = counts[:, 0], counts[:, 1]
        assert ((full == 0) == ((lo == 0) & (up == 1))).all()
        assert ((full == 3) == ((lo == 1) & (up == 0))).all()
        one_one = (lo == 1) & (up == 1)
        if ndim == 2:
            assert ((full == 5) == one_one).all()
        else:  # TTK's boundary rule may call a (1, 1) boundary vertex a saddle
            assert (one_one[full == 5]).all()
            assert ((full == 1) | (full == 2) | (full == 5))[one_one].all()
        saddle2d = ((lo == 2) & ((up == 1) | (up == 2))) | ((lo == 1) & (up == 2))
        if ndim == 2:
            assert ((full == 1) == (saddle2d & ~one_one)).all()
