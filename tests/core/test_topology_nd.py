"""Persistence pairs of every dimension on 4-D to 6-D grids, against gudhi.

gudhi computes the lower-star persistence of the same simplicial complex: the Kuhn
triangulation (x reversed) of the grid, from its top simplices, each vertex filtered by
its value (or by its rank in the (value, id) order), every simplex by its highest vertex.
With values, ties make many pairs of zero persistence whose vertices depend on how ties
are broken; the multiset of (dimension, birth value, death value) of the pairs with
death > birth does not, and is compared. With ranks (ties broken as lltk breaks them),
the vertex pairs themselves are compared.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import gudhi_lower_star, reference_cases

from lltk import vtkxml
from lltk.topology import grid_domain, join_tree_and_diagram, persistence_pairs, vertex_order
from lltk.topology._ndgrid import grid_pairs
from lltk.topology.diagram import persistence_diagram_geometry
from lltk.topology.metrics import dimension_metrics

gudhi = pytest.importorskip("gudhi")


def _gudhi_vertex_pairs(dims: tuple[int, ...], rank: np.ndarray) -> Counter:
    """gudhi's pairs filtered by rank, as (dimension, birth vertex, death vertex)."""
    order = np.argsort(rank)
    return Counter(
        (k, int(order[int(b)]), int(order[int(d)])) for k, b, d in gudhi_lower_star(dims, rank)
    )


def _values_multiset(values: np.ndarray, dims: tuple[int, ...]) -> Counter:
    dgm = persistence_pairs(values, grid_domain(dims))
    finite = dgm.pair_type != -1
    rows = zip(dgm.dimension[finite], dgm.birth[finite], dgm.death[finite], strict=True)
    return Counter((int(k), float(b), float(d)) for k, b, d in rows if d > b)


def _vertex_pairs(rank: np.ndarray, dims: tuple[int, ...]) -> Counter:
    return Counter(
        (k, int(b), int(d))
        for k, (births, deaths) in enumerate(grid_pairs(rank, dims))
        for b, d in zip(births, deaths, strict=True)
    )


@pytest.mark.parametrize("dims", [(5, 5, 5, 5), (7, 7, 7, 7), (4, 4, 4, 4, 4), (3,) * 6])
def test_random_fields_with_ties_match_gudhi(dims: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(dims) * 100 + dims[0])
    n = int(np.prod(dims))
    for levels in (3, 8, n):
        values = rng.integers(0, levels, size=n).astype(float)
        ours = _values_multiset(values, dims)
        ref = Counter((k, float(b), float(d)) for k, b, d in gudhi_lower_star(dims, values))
        assert ours == ref, (dims, levels)
        assert {k for k, _, _ in ours} <= set(range(len(dims)))
        rank = vertex_order(values)
        assert _vertex_pairs(rank, dims) == _gudhi_vertex_pairs(dims, rank), (dims, levels)


def test_small_and_thin_grids_match_gudhi() -> None:
    """Every size-2 axis, boundary-heavy grids, from 4 to 6 axes."""
    rng = np.random.default_rng(5)
    for _ in range(60):
        d = int(rng.integers(4, 7))
        dims = tuple(int(x) for x in rng.integers(2, {4: 5, 5: 4, 6: 3}[d] + 1, size=d))
        values = rng.integers(0, int(rng.integers(2, 6)), size=int(np.prod(dims))).astype(float)
        rank = vertex_order(values)
        assert _vertex_pairs(rank, dims) == _gudhi_vertex_pairs(dims, rank), dims


def _by_dimension(dgm) -> Counter:
    finite = dgm.pair_type != -1
    rows = zip(
        dgm.dimension[finite], dgm.birth_vertex[finite], dgm.death_vertex[finite], strict=True
    )
    return Counter((int(k), int(b), int(d)) for k, b, d in rows)


@pytest.mark.parametrize("ndim", [2, 3])
def test_nd_path_gives_ttk_pairs_on_random_2d_3d_grids(ndim: int) -> None:
    """The n-D kernels on 2-D/3-D grids give the pairs of the TTK-exact kernels."""
    rng = np.random.default_rng(ndim)
    for _ in range(200 if ndim == 2 else 60):
        dims = tuple(int(x) for x in rng.integers(2, 9 if ndim == 2 else 6, size=ndim))
        values = rng.integers(0, int(rng.integers(2, 6)), size=int(np.prod(dims))).astype(float)
        domain = grid_domain(dims)
        if len(domain.dims) != ndim:
            continue
        rank = vertex_order(values)
        assert _vertex_pairs(rank, domain.dims) == _by_dimension(persistence_pairs(values, domain))


@pytest.mark.parametrize("stem", reference_cases()[:6] or ["none"])
def test_nd_path_gives_ttk_pairs_on_reference_landscapes(ttk_reference: Path, stem: str) -> None:
    ds = vtkxml.read(ttk_reference / f"{stem}.vti")
    domain = grid_domain(ds.dimensions)
    values = ds.point_data["Loss"]
    ours = _vertex_pairs(vertex_order(values), domain.dims)
    assert ours == _by_dimension(persistence_pairs(values, domain))


def test_pair_types_and_dimensions_of_a_4d_diagram() -> None:
    rng = np.random.default_rng(0)
    dgm = persistence_pairs(rng.standard_normal(6**4), grid_domain((6, 6, 6, 6)))
    assert set(np.unique(dgm.dimension)) == {0, 1, 2, 3}
    for k, ptype, btype, dtype in ((0, 0, 0, 1), (1, 1, 1, 2), (2, 1, 2, 2), (3, 2, 2, 3)):
        rows = (dgm.dimension == k) & (dgm.pair_type != -1)
        assert set(dgm.pair_type[rows]) == {ptype}
        assert set(dgm.birth_type[rows]) == {btype} and set(dgm.death_type[rows]) == {dtype}
    assert np.count_nonzero(dgm.pair_type == -1) == 1
    assert np.all(dgm.persistence >= 0)
    # the diagram filter's cells carry the dimension (to colour by); the diagonal -1
    geometry = persistence_diagram_geometry(dgm, np.zeros((6**4, 3)), np.arange(len(dgm)))
    np.testing.assert_array_equal(geometry.cell_data["Dimension"], [*dgm.dimension, -1])


def test_grid_domain_takes_six_axes_and_refuses_seven() -> None:
    assert grid_domain((3,) * 6).dims == (3,) * 6
    with pytest.raises(ValueError, match="1 to 6 axes"):
        grid_domain((3,) * 7)


def test_merge_tree_of_a_4d_grid_agrees_with_its_h0_pairs() -> None:
    rng = np.random.default_rng(4)
    values = rng.integers(0, 6, size=6**4).astype(float)
    domain = grid_domain((6,) * 4)
    tree, dgm = join_tree_and_diagram(values, domain)
    ms = dgm.pair_type == 0
    leaves = set(tree.node_vertex[tree.node_type == 0].tolist())
    assert set(dgm.birth_vertex[ms].tolist()) | {int(np.argmin(vertex_order(values)))} == leaves
    saddles = set(tree.node_vertex[np.isin(tree.node_type, (1, 4))].tolist())
    assert set(dgm.death_vertex[ms].tolist()) == saddles
    again = persistence_pairs(values, domain)
    np.testing.assert_array_equal(again.birth_vertex, dgm.birth_vertex)
    np.testing.assert_array_equal(again.dimension, dgm.dimension)


def test_dimension_metrics_count_and_average_each_dimension() -> None:
    rng = np.random.default_rng(6)
    dgm = persistence_pairs(rng.standard_normal(5**4), grid_domain((5,) * 4))
    got = dimension_metrics(dgm, 4)
    for k in range(4):
        rows = (dgm.dimension == k) & (dgm.pair_type != -1)
        assert got[f"H{k}PairCount"] == rows.sum() > 0
        assert got[f"H{k}AveragePersistence"] == pytest.approx(dgm.persistence[rows].mean())
    with_global = dgm.dimension == 0
    assert got["H0AllPairsAveragePersistence"] == pytest.approx(dgm.persistence[with_global].mean())
    assert got["H3AllPairsAveragePersistence"] == got["H3AveragePersistence"]


def test_grid_too_large_names_the_estimate(monkeypatch) -> None:
    monkeypatch.setattr("lltk.topology._ndgrid.available_memory", lambda: 2**30)
    with pytest.raises(ValueError, match=r"81x81x81x81 grid needs about 36\.3 GiB.*1\.0 GiB"):
        grid_domain((81,) * 4)
