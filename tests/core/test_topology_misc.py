"""Simplification, bad input, disconnected graphs and the ``lltk topology`` command."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from lltk import vtkxml
from lltk.cli import main
from lltk.topology import (
    critical_points,
    graph_domain,
    grid_domain,
    join_tree,
    persistence_pairs,
    plateau_height,
    simplify,
    simplify_with_order,
    split_tree,
)
from lltk.topology.domain import sweep_order


def _pairs(dgm) -> set[tuple[int, int, int]]:
    return set(
        zip(
            dgm.birth_vertex.tolist(),
            dgm.death_vertex.tolist(),
            dgm.pair_type.tolist(),
            strict=True,
        )
    )


@pytest.mark.parametrize("dims", [(9, 7), (5, 4, 4), (30,)])
def test_simplify_removes_exactly_the_pairs_up_to_threshold(dims) -> None:
    """TTK's rule: pairs of persistence <= threshold go, their basins take the saddle's
    value, and the order array makes exactly the kept minima minima."""
    rng = np.random.default_rng(len(dims))
    domain = grid_domain(dims)
    for i in range(60):
        values = rng.integers(0, 6, size=int(np.prod(dims))) + rng.normal(0, 0.3, size=1)[0]
        threshold = 0.0 if i % 5 == 0 else float(rng.uniform(0, 0.6))
        before = persistence_pairs(values, domain)
        limit = threshold * (values.max() - values.min())
        removed = (before.pair_type == 0) & (before.persistence <= limit)
        out, order = simplify_with_order(values, domain, threshold)
        np.testing.assert_array_equal(out, simplify(values, domain, threshold))
        assert sorted(order) == list(range(values.size))
        ranked = np.argsort(order)
        assert (np.diff(out[ranked]) >= 0).all()  # the order sorts the new values
        after = persistence_pairs(order.astype(float), domain)
        kept = {
            (int(b), int(d), int(t))
            for b, d, t, r in zip(
                before.birth_vertex, before.death_vertex, before.pair_type, removed, strict=True
            )
            if not r
        }
        # the essential pair keeps its minimum; its maximum moves only where a flattened
        # basin ends at the old maximum (a 1-D saddle can be the global maximum). Saddles
        # of the other pair types inside a flattened basin move with TTK's local order.
        assert {p for p in _pairs(after) if p[2] == 0} == {p for p in kept if p[2] == 0}
        assert {p[0] for p in _pairs(after) if p[2] == -1} == {p[0] for p in kept if p[2] == -1}
        # only the removed basins move, upwards, each to one value (its saddle's)
        assert (out >= values).all()
        moved = out != values
        assert np.isin(out[moved], values[before.death_vertex[removed]]).all()
        assert (join_tree(order.astype(float), domain).node_type == 0).sum() == (
            join_tree(values, domain).node_type == 0
        ).sum() - removed.sum()


def test_simplify_absolute_threshold_and_bad_threshold() -> None:
    values = np.array([0.0, 2.0, 1.0, 3.0, 0.5, 4.0])
    domain = grid_domain((6,))
    out = simplify(values, domain, 1.01, absolute=True)  # pair (2, 1) has persistence 1
    assert {p[0] for p in _pairs(persistence_pairs(out, domain))} == {0, 4}
    with pytest.raises(ValueError, match="threshold"):
        simplify(values, domain, float("nan"))


def test_nan_is_plus_inf_with_warning_and_bad_shapes_raise() -> None:
    values = np.array([1.0, np.nan, 0.0, 2.0])
    domain = grid_domain((4,))
    with pytest.warns(RuntimeWarning, match="NaN"):
        tree = join_tree(values, domain)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same = join_tree(np.array([1.0, np.inf, 0.0, 2.0]), domain)
    np.testing.assert_array_equal(tree.node_vertex, same.node_vertex)
    with pytest.raises(ValueError, match="one scalar per vertex"):
        join_tree(np.zeros(5), domain)
    with pytest.raises(ValueError, match="no vertices"):
        persistence_pairs(np.zeros(0), graph_domain(0, np.zeros((0, 2))))
    with pytest.raises(ValueError, match="real numbers"):
        critical_points(np.array(["a", "b", "c", "d"]), domain)
    with pytest.raises(ValueError, match="edge endpoints"):
        graph_domain(3, [[0, 3]])


def test_disconnected_graph_has_one_essential_pair_per_component() -> None:
    values = np.array([3.0, 1.0, 2.0, 0.0, 5.0, 4.0, 9.0])
    domain = graph_domain(7, [[0, 1], [1, 2], [3, 4], [4, 5]])  # vertex 6 isolated
    dgm = persistence_pairs(values, domain)
    essential = sorted(
        zip(
            dgm.birth_vertex[dgm.pair_type == -1].tolist(),
            dgm.death_vertex[dgm.pair_type == -1],
            strict=True,
        )
    )
    assert essential == [(1, 0), (3, 4), (6, 6)]
    jt = join_tree(values, domain)
    assert (jt.node_type == 3).sum() == 3
    st = split_tree(values, domain)
    assert (st.node_type == 0).sum() == 3


def test_cli_matches_reference_and_reports_bad_input(
    ttk_reference: Path, tmp_path: Path, capsys
) -> None:
    stem = "pinn_convection_beta50.0_seed0"
    assert main(["topology", str(ttk_reference / f"{stem}.vti"), "--out", str(tmp_path)]) == 0
    for suffix in ("_MergeTree.csv", "_PersistenceDiagram.csv"):
        assert (tmp_path / f"{stem}{suffix}").read_text() == (
            ttk_reference / f"{stem}{suffix}"
        ).read_text()
    assert main(["topology", str(tmp_path / "missing.vti"), "--out", str(tmp_path)]) == 2
    bad = tmp_path / "bad.vti"
    bad.write_text("<VTKFile")
    assert main(["topology", str(bad), "--out", str(tmp_path)]) == 2
    assert (
        main(
            ["topology", str(ttk_reference / f"{stem}.vti"), "--array", "X", "--out", str(tmp_path)]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "no such file" in err and "no point array 'X'" in err


def test_cli_on_a_graph_with_simplification(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 200
    points = rng.uniform(-1, 1, size=(n, 3))
    from scipy.spatial import cKDTree

    _, nbr = cKDTree(points).query(points, k=5)
    lines = np.column_stack([np.repeat(np.arange(n), 4), nbr[:, 1:].ravel()])
    ds = vtkxml.Dataset(
        kind="UnstructuredGrid",
        point_data={"Loss": (points**2).sum(1)},
        points=points,
        connectivity=lines.ravel(),
        offsets=np.arange(2, 2 * len(lines) + 1, 2),
        cell_types=np.full(len(lines), vtkxml.VTK_LINE, np.uint8),
    )
    path = vtkxml.write(tmp_path / "knn.vtu", ds)
    out = tmp_path / "out"
    assert (
        main(["topology", str(path), "--tree", "split", "--simplify", "0.05", "--out", str(out)])
        == 0
    )
    rows = (out / "knn_MergeTree.csv").read_text().splitlines()
    assert rows[0].startswith('"NodeId","Scalar","VertexId","CriticalType"')
    assert rows[-1].split(",")[3] == "0"  # split tree root: the global minimum


def test_bench_prints_one_json_record_per_case(capsys) -> None:
    import json

    assert main(["bench", "topology", "--json", "--cases", "grid41x41", "--repeat", "1"]) == 0
    rec = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert rec["case"] == "grid41x41" and rec["vertices"] == 41 * 41
    assert rec["edges"] == 3 * 40 * 40 + 2 * 40  # TTK's triangulation: 6 neighbours
    assert rec["seconds"] > 0
    # The engine sorts the same values and then does more, so it cannot be quicker (a
    # 41x41 argsort may round to 0.0 s at four decimals).
    assert isinstance(rec["argsort_seconds"], float)
    assert 0 <= rec["argsort_seconds"] <= rec["seconds"]
    assert rec["gudhi_seconds"] is None or rec["gudhi_seconds"] > 0
    from lltk import ttk

    # TTK's time where make ttk installed it (a child process loads it), else null
    assert (rec["ttk_seconds"] is None) == (ttk.find() is None)
    assert rec["ttk_seconds"] is None or rec["ttk_seconds"] > 0


def test_infinite_values_do_not_make_nan_persistence() -> None:
    values = np.array([0.0, np.inf, np.inf, 1.0, np.inf])
    dgm = persistence_pairs(values, grid_domain((5,)))
    assert not np.isnan(dgm.persistence).any()
    # A corner of +inf (diverged) losses on a grid: its tie-broken pairs have persistence 0.
    grid = np.random.default_rng(0).random((9, 9))
    grid[:3, :3] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "invalid value encountered in subtract"
        dgm = persistence_pairs(grid.ravel(), grid_domain((9, 9)))
    inside = np.isinf(dgm.birth)
    assert inside.any() and not np.isnan(dgm.persistence).any()
    assert (dgm.persistence[inside] == 0).all()


def test_grid_neighbours_are_ttks_implicit_triangulation() -> None:
    # 2-D: shared/ttk-reference/README.md; 3-D: getVertexNeighborABCDEFGH in TTK's
    # core/base/implicitTriangulation (vshift = (nx, nx * ny)).
    nx, ny = 5, 6
    d2 = grid_domain((nx, ny))
    v = 2 + nx * 3
    got = set((d2.indices[d2.indptr[v] : d2.indptr[v + 1]] - v).tolist())
    assert got == {1, -1, nx, -nx, 1 - nx, nx - 1}
    d3 = grid_domain((nx, ny, 4))
    a, b = nx, nx * ny
    v = 2 + a * 3 + b * 2
    got = set((d3.indices[d3.indptr[v] : d3.indptr[v + 1]] - v).tolist())
    ttk = {-a - b, 1 - a - b, -b, 1 - b, -a, 1 - a, 1, -1 + b, b, -1, -1 + a, a}
    ttk |= {-1 + a + b, a + b}
    assert got == ttk
    assert len(d3.simplices(3)) == 6 * (nx - 1) * (ny - 1) * 3


def test_plateau_height_orders_like_plus_infinity() -> None:
    """A finite plateau at plateau_height gives the trees and pairs NaN (+inf) gives."""
    rng = np.random.default_rng(5)
    values = rng.integers(0, 7, (13, 11)).astype(float)
    values[rng.random((13, 11)) < 0.15] = np.nan
    domain = grid_domain((11, 13))
    flat = values.ravel()
    finite = np.isfinite(flat)
    plateau = np.where(finite, flat, plateau_height(flat[finite]))
    assert (plateau[~finite] > flat[finite].max()).all()
    with pytest.warns(RuntimeWarning, match="NaN"):
        tree, dgm = join_tree(flat, domain), persistence_pairs(flat, domain)
    same_tree, same_dgm = join_tree(plateau, domain), persistence_pairs(plateau, domain)
    np.testing.assert_array_equal(same_tree.node_vertex, tree.node_vertex)
    np.testing.assert_array_equal(same_tree.segmentation, tree.segmentation)
    np.testing.assert_array_equal(same_dgm.birth_vertex, dgm.birth_vertex)
    np.testing.assert_array_equal(same_dgm.death_vertex, dgm.death_vertex)
    assert plateau_height(np.array([1e20, 1e20 - 1])) > 1e20  # no tie by rounding


def test_cli_simplified_diagram_keeps_exactly_the_pairs_above_threshold(tmp_path: Path) -> None:
    """`lltk topology --simplify` computes on the simplified field in TTK's order: no
    spurious pairs on the flattened basins, exactly the pairs above the threshold."""
    rng = np.random.default_rng(11)
    values = np.round(rng.uniform(0, 1, size=(14, 12)), 1).ravel()
    path = vtkxml.write(tmp_path / "g.vti", vtkxml.image_data({"Loss": values}, (14, 12)))
    assert main(["topology", str(path), "--simplify", "0.25", "--out", str(tmp_path)]) == 0
    rows = (tmp_path / "g_PersistenceDiagram.csv").read_text().splitlines()
    header = [h.strip('"') for h in rows[0].split(",")]
    table = np.array([[float(x) for x in r.split(",")] for r in rows[1:]])
    before = persistence_pairs(values, grid_domain((14, 12)))
    kept = (before.pair_type == 0) & (before.persistence > 0.25)
    ctype = table[:, header.index("CriticalType")].reshape(-1, 2)  # (birth, death) rows
    assert ((ctype[:, 0] == 0) & (ctype[:, 1] == 1)).sum() == kept.sum()
    flat, order = simplify_with_order(values, grid_domain((14, 12)), 0.25)
    np.testing.assert_array_equal(
        persistence_pairs(flat, grid_domain((14, 12)), order).birth_vertex,
        persistence_pairs(order.astype(float), grid_domain((14, 12))).birth_vertex,
    )


def test_region_span_is_the_distance_between_arc_ends_on_a_small_grid() -> None:
    """On a [-1, 1]^2 grid every span is below 3: truncated to an integer it was 0, 1 or 2.
    RegionSpan is the Euclidean distance between an arc's end vertices (TTK's definition)."""
    n = 21
    x = np.linspace(-1.0, 1.0, n)
    xx, yy = np.meshgrid(x, x)
    values = (np.sin(4 * xx) * np.cos(3 * yy) + 0.1 * xx).ravel()
    domain = grid_domain((n, n), origin=(-1.0, -1.0), spacing=(x[1] - x[0],) * 2)
    tree = join_tree(values, domain)
    ends = np.column_stack([tree.node_vertex[tree.arc_down], tree.node_vertex[tree.arc_up]])
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    expected = np.hypot(*(grid[ends[:, 0]] - grid[ends[:, 1]]).T)
    assert tree.region_span.dtype == np.float64
    np.testing.assert_allclose(tree.region_span[tree.arc_down], expected, rtol=1e-12)
    assert np.any(expected % 1 > 0.1)  # the case truncation got wrong


def test_sweep_order_is_numpys_stable_argsort() -> None:
    """The radix sort of float bits orders vertices as a stable argsort: ties (-0.0 and
    0.0 included: round(1) makes -0.0) by id, infinities at the ends, any exponent; NaN
    falls back to numpy."""
    rng = np.random.default_rng(5)
    specials = np.array([-np.inf, np.inf, 1e308, -1e308, 5e-324, -5e-324, 0.0, -0.0, np.nan])
    for case in range(60):
        n = int(rng.integers(1, 9000))
        values = [
            rng.integers(-3, 3, n).astype(float),
            rng.standard_normal(n) * 10.0 ** rng.integers(-300, 300),
            np.where(rng.random(n) < 0.3, np.inf, rng.standard_normal(n).round(1)),
            specials[rng.integers(0, specials.size - (case % 2), n)],
        ][case % 4]
        order, rank = sweep_order(values)
        np.testing.assert_array_equal(order, np.argsort(values, kind="stable"))
        np.testing.assert_array_equal(rank[order], np.arange(n))
