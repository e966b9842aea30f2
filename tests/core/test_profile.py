"""The numpy cores behind the plugins: branch decomposition, landscape profile, metrics.

Checked on random fields with many ties (small integers) on 1-D to 3-D grids and on
random graphs, against scipy's connected components of sublevel sets, the engine's
persistence pairs and gudhi.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from lltk import topology
from lltk.topology.metrics import landscape_metrics
from lltk.topology.profile import landscape_profile
from lltk.topology.tree import branch_decomposition


def _fields():
    """(values, domain) pairs: grids of 1-3 dimensions and random graphs, tied values."""
    rng = np.random.default_rng(7)
    out = []
    for dims in [(30,), (9, 7), (12, 11), (5, 4, 6), (7, 6, 5)]:
        n = int(np.prod(dims))
        out.append((rng.integers(0, 6, n).astype(float), topology.grid_domain(dims)))
    for n in (40, 120):
        edges = rng.integers(0, n, size=(3 * n, 2))
        edges = np.concatenate([edges, np.column_stack([np.arange(n - 1), np.arange(1, n)])])
        out.append((rng.integers(0, 8, n).astype(float), topology.graph_domain(n, edges)))
    # two components: a path 0..19 and a cycle 20..34
    edges = np.array(
        [(i, i + 1) for i in range(19)] + [(20 + i, 20 + (i + 1) % 15) for i in range(15)]
    )
    out.append((rng.integers(0, 5, 35).astype(float), topology.graph_domain(35, edges)))
    return out


FIELDS = _fields()


def _rank(values: np.ndarray) -> np.ndarray:
    rank = np.empty(values.size, np.int64)
    rank[np.lexsort((np.arange(values.size), values))] = np.arange(values.size)
    return rank


def _component(values: np.ndarray, domain, seed: int, below: int | None) -> np.ndarray:
    """Vertices connected to ``seed`` among those ranked before ``below`` (all if None)."""
    rank = _rank(values)
    keep = np.ones(values.size, bool) if below is None else rank < rank[below]
    e = domain.edges()
    e = e[keep[e[:, 0]] & keep[e[:, 1]]]
    graph = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(values.size,) * 2)
    _, labels = connected_components(graph, directed=False)
    return np.flatnonzero(keep & (labels == labels[seed]))


@pytest.mark.parametrize("case", range(len(FIELDS)))
def test_branches_are_the_minimum_saddle_pairs(case):
    """Non-root branches (leaf, top) = the engine's minimum-saddle pairs."""
    values, domain = FIELDS[case]
    tree = topology.join_tree(values, domain)
    br = branch_decomposition(tree)
    diagram = topology.persistence_pairs(values, domain)
    ms = diagram.pair_type == 0
    expected = sorted(
        zip(diagram.birth_vertex[ms].tolist(), diagram.death_vertex[ms].tolist(), strict=True)
    )
    child = br.parent >= 0
    got = sorted(
        zip(
            tree.node_vertex[br.leaf[child]].tolist(),
            tree.node_vertex[br.top[child]].tolist(),
            strict=True,
        )
    )
    assert got == expected
    assert br.leaf.size == np.count_nonzero(tree.node_type == 0)
    np.testing.assert_allclose(np.sort(br.persistence[child]), np.sort(diagram.persistence[ms]))


@pytest.mark.parametrize("case", range(len(FIELDS)))
def test_profile_intervals_are_sublevel_components(case):
    """Basin b's columns hold exactly the component of its minimum below its saddle."""
    values, domain = FIELDS[case]
    tree = topology.join_tree(values, domain)
    prof = landscape_profile(values, tree)
    assert np.array_equal(np.sort(prof.position), np.arange(values.size))
    at = np.empty(values.size, np.int64)
    at[prof.position] = np.arange(values.size)
    br = prof.branches
    for b in range(br.n_branches):
        leaf = int(tree.node_vertex[br.leaf[b]])
        below = None if br.parent[b] < 0 else int(tree.node_vertex[br.top[b]])
        comp = _component(values, domain, leaf, below)
        assert set(at[prof.start[b] : prof.stop[b]].tolist()) == set(comp.tolist()), b
        assert prof.mean[b] == pytest.approx(values[comp].mean())
        assert prof.rim[b] - prof.floor[b] == pytest.approx(br.persistence[b])
        if br.parent[b] >= 0:
            p = br.parent[b]
            assert prof.start[p] <= prof.start[b] and prof.stop[b] <= prof.stop[p]


def test_profile_rejects_split_tree():
    values, domain = FIELDS[1]
    with pytest.raises(ValueError, match="join tree"):
        landscape_profile(values, topology.split_tree(values, domain))


@pytest.mark.parametrize("case", range(len(FIELDS)))
def test_metrics_equal_gudhi_zero_dimensional_persistence(case):
    """Minima, saddles and persistence statistics from gudhi's lower-star H0."""
    _check_metrics_against_gudhi(*FIELDS[case])


def test_metrics_leave_out_pairs_born_in_a_diverged_region():
    """NaN losses (a diverged corner) are +inf; the pairs born there are not counted."""
    values = np.random.default_rng(3).integers(0, 6, (12, 11)).astype(float)
    values[:4, :3] = np.nan
    values[8:, 9:] = np.nan
    with pytest.warns(RuntimeWarning, match="NaN"):
        _check_metrics_against_gudhi(values.ravel(), topology.grid_domain((11, 12)))


def _check_metrics_against_gudhi(values, domain):
    gudhi = pytest.importorskip("gudhi")
    m = landscape_metrics(topology.persistence_pairs(values, domain))
    values = np.where(np.isnan(values), np.inf, values)
    rank = _rank(values)
    order = np.argsort(rank)
    st = gudhi.SimplexTree()
    for v in range(values.size):
        st.insert([v], filtration=float(rank[v]))
    for a, b in domain.edges():
        st.insert([int(a), int(b)], filtration=float(max(rank[a], rank[b])))
    st.persistence()
    intervals = st.persistence_intervals_in_dimension(0)
    finite = [
        (order[int(b)], order[int(d)])
        for b, d in intervals
        if np.isfinite(d) and d > b and np.isfinite(values[order[int(b)]])
    ]
    pers = np.array([values[d] - values[b] for b, d in finite])
    n_components = sum(1 for _, d in intervals if not np.isfinite(d))
    assert m["MinimaCount"] == len(finite) + n_components
    assert m["SaddleCount"] == len({d for _, d in finite})
    assert m["TotalPersistence"] == pytest.approx(pers.sum())
    assert m["AveragePersistence"] == pytest.approx(pers.mean() if pers.size else 0.0)
    assert m["MaxPersistence"] == pytest.approx(pers.max() if pers.size else 0.0)
