"""Directions, the batched grid sampler, graphs and the VTK export."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lltk import vtkxml  # noqa: E402
from lltk.sampling import directions, export, graphs, landscape  # noqa: E402
from lltk.topology.domain import axis_edges  # noqa: E402


def _mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.Flatten(), torch.nn.Linear(16, 5), torch.nn.Linear(5, 1)
    )


def test_filter_normalization_matches_filter_norms():
    model = _mlp()
    dirs = directions.random_directions(model, 2, seed=7, normalization="filter")
    weights = {k: v.detach() for k, v in model.named_parameters()}
    for row in dirs:
        parts = directions.unflatten(row, weights)
        for name, d in parts.items():
            w = weights[name]
            if w.dim() <= 1:
                assert torch.count_nonzero(d) == 0, name
            else:
                dn = d.flatten(1).norm(dim=1)
                torch.testing.assert_close(dn, w.flatten(1).norm(dim=1), rtol=1e-5, atol=1e-7)
    assert torch.equal(dirs, directions.random_directions(model, 2, seed=7))
    assert not torch.equal(dirs, directions.random_directions(model, 2, seed=8))


def test_layer_and_no_normalization():
    model = _mlp()
    weights = {k: v.detach() for k, v in model.named_parameters()}
    layer = directions.unflatten(directions.random_directions(model, 1, 1, "layer")[0], weights)
    for name, d in layer.items():
        expected = 0.0 if weights[name].dim() <= 1 else float(weights[name].norm())
        assert float(d.norm()) == pytest.approx(expected, rel=1e-5)
    raw = directions.random_directions(model, 1, 1, "none")[0]
    gen = torch.Generator().manual_seed(1)
    ref = torch.cat([torch.randn(w.shape, generator=gen).ravel() for w in weights.values()])
    assert torch.equal(raw, ref)
    with pytest.raises(ValueError, match="normalization"):
        directions.random_directions(model, 1, 1, "bogus")


def _quadratic(P, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(P, P))
    h = a @ a.T / P
    g = rng.normal(size=P)
    ht, gt = torch.tensor(h), torch.tensor(g)

    def loss_fn(params):
        w = params["w"]
        return 0.5 * w @ ht @ w + gt @ w

    return h, g, loss_fn


@pytest.mark.parametrize(("n", "r"), [(1, 7), (2, 5), (3, 4), (4, 3)])
def test_grid_values_match_closed_form(n, r):
    P = 6
    h, g, loss_fn = _quadratic(P, n)
    theta = np.random.default_rng(9).normal(size=P)
    dirs = np.random.default_rng(10).normal(size=(n, P))
    res = landscape.sample_landscape(
        loss_fn,
        {"w": torch.tensor(theta)},
        torch.tensor(dirs),
        r,
        0.5,
        chunk_size=5,
        progress=False,
    )
    axis = np.linspace(-0.5, 0.5, r)
    assert res.loss.shape == (r,) * n
    for idx in itertools.product(range(r), repeat=n):
        w = theta + axis[list(idx)] @ dirs
        assert res.loss[idx] == pytest.approx(0.5 * w @ h @ w + g @ w, rel=1e-12)
    flat = res.flat_loss()
    coords = res.coordinates()
    w = theta + coords @ dirs
    np.testing.assert_allclose(flat, 0.5 * np.einsum("ij,jk,ik->i", w, h, w) + w @ g, rtol=1e-12)
    assert coords[1, 0] - coords[0, 0] == pytest.approx(1.0 / (r - 1))


def test_vectorized_equals_loop_for_a_real_model():
    model = _mlp()
    x, y = torch.randn(8, 3, 4, 4), torch.randn(8, 1)
    from lltk.sampling.closure import model_loss_closure

    loss_fn = model_loss_closure(model, [(x, y)], torch.nn.functional.mse_loss)
    params = {k: v.detach() for k, v in model.named_parameters()}
    dirs = directions.random_directions(model, 2, seed=0)
    a = landscape.sample_landscape(loss_fn, params, dirs, 5, 1.0, progress=False)
    b = landscape.sample_landscape(loss_fn, params, dirs, 5, 1.0, vectorized=False, progress=False)
    np.testing.assert_allclose(a.loss, b.loss, rtol=1e-5)
    assert a.loss[2, 2] == pytest.approx(float(loss_fn(params)), rel=1e-6)


def test_model_criterion_mismatch_is_reported():
    from lltk.sampling.closure import model_loss_closure

    model = _mlp()
    x = torch.randn(8, 3, 4, 4)
    with pytest.raises(ValueError, match="model/criterion mismatch"):
        model_loss_closure(model, [(x, torch.randn(8, 7))], torch.nn.functional.mse_loss)
    with pytest.raises(ValueError, match="model/criterion mismatch"):
        model_loss_closure(
            model,
            [(x, torch.randn(8, 1))],
            lambda o, t: torch.nn.functional.mse_loss(o, t, reduction="none"),
        )


def test_nan_and_inf_are_recorded():
    def loss_fn(params):
        w = params["w"]
        return torch.log(w[0]) + 1.0 / w[1]

    res = landscape.sample_landscape(
        loss_fn,
        {"w": torch.tensor([0.0, 0.0])},
        torch.eye(2, dtype=torch.float64),
        5,
        1.0,
        progress=False,
    )
    axis = np.linspace(-1, 1, 5)
    with np.errstate(all="ignore"):
        expected = np.log(axis)[:, None] + 1.0 / axis[None, :]
    assert np.array_equal(res.valid.astype(bool), np.isfinite(expected))
    assert res.invalid_count == int((~np.isfinite(expected)).sum()) > 0
    assert np.isnan(res.loss[~np.isfinite(expected)]).all()


def test_bad_grids_are_refused():
    loss_fn = _quadratic(3, 0)[2]
    p = {"w": torch.zeros(3, dtype=torch.float64)}
    for dirs, r, d, msg in [
        (torch.zeros(2, 3), 1, 1.0, "resolution"),
        (torch.zeros(2, 3), 5, -1.0, "distance"),
        (torch.zeros(2, 4), 5, 1.0, "parameters"),
        (torch.zeros(3), 5, 1.0, r"\(n, P\)"),
    ]:
        with pytest.raises(ValueError, match=msg):
            landscape.sample_landscape(loss_fn, p, dirs, r, d, progress=False)


def test_grid_graph_is_the_axis_stencil():
    for n, r in [(1, 5), (2, 4), (3, 3), (4, 3)]:
        edges = axis_edges(n, r)
        assert len(edges) == n * r ** (n - 1) * (r - 1)
        coords = landscape.grid_alphas(n, r, 1.0, np.arange(r**n))
        step = np.abs(coords[edges[:, 0]] - coords[edges[:, 1]])
        assert np.allclose(np.sort(step, axis=1)[:, -1], 2.0 / (r - 1))
        assert np.allclose(np.sort(step, axis=1)[:, :-1], 0.0)


@pytest.mark.slow
def test_knn_graph_is_mutual_nearest_neighbours():
    pts = np.random.default_rng(0).normal(size=(120, 3))
    k = 5
    edges = graphs.knn_edges(pts, k)
    dist = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(dist, np.inf)
    nn = np.argsort(dist, axis=1)[:, :k]
    member = np.zeros_like(dist, dtype=bool)
    member[np.arange(len(pts))[:, None], nn] = True
    mutual = member & member.T
    expected = {(i, j) for i, j in zip(*np.nonzero(np.triu(mutual)), strict=True)}
    got = {tuple(e) for e in edges.tolist()}
    assert len(got ^ expected) <= 0.02 * len(expected)


def test_delaunay_and_gabriel_graphs():
    from scipy.spatial import Delaunay

    pts = np.random.default_rng(1).uniform(size=(60, 2))
    dl = graphs.delaunay_edges(pts)
    tri = Delaunay(pts).simplices
    ref = {tuple(sorted((int(t[a]), int(t[b])))) for t in tri for a, b in [(0, 1), (1, 2), (0, 2)]}
    assert {tuple(e) for e in dl.tolist()} == ref
    gab = {tuple(e) for e in graphs.gabriel_edges(pts).tolist()}
    brute = set()
    for i, j in itertools.combinations(range(len(pts)), 2):
        m, r = 0.5 * (pts[i] + pts[j]), 0.5 * np.linalg.norm(pts[i] - pts[j])
        d = np.linalg.norm(pts - m, axis=1)
        d[[i, j]] = np.inf
        if (d > r).all():
            brute.add((i, j))
    assert gab == brute
    with pytest.raises(ValueError, match="2-D or 3-D"):
        graphs.delaunay_edges(np.zeros((10, 4)))


def _result(n, r):
    loss_fn = _quadratic(4, 0)[2]
    return landscape.sample_landscape(
        loss_fn,
        {"w": torch.ones(4, dtype=torch.float64)},
        torch.eye(4, dtype=torch.float64)[:n],
        r,
        2.0,
        progress=False,
    )


def test_vti_export_round_trip(tmp_path):
    res = _result(2, 5)
    path = export.write_landscape(tmp_path / "a.vti", res, {"Model": "custom", "Beta": 2.0})
    ds = vtkxml.read(path)
    assert ds.dimensions == (5, 5, 1)
    assert ds.origin[:2] == (-2.0, -2.0) and ds.spacing[:2] == (1.0, 1.0)
    assert list(ds.point_data) == ["Loss", "Valid"]
    assert ds.point_data["Loss"].dtype == np.float64
    np.testing.assert_array_equal(ds.point_data["Loss"], res.flat_loss())
    xyz = ds.point_coordinates()[:, :2]
    np.testing.assert_allclose(xyz, res.coordinates())
    fd = ds.field_data
    assert fd["Model"] == "custom" and fd["Dimension"][0] == 2 and fd["Resolution"][0] == 5
    assert fd["Distance"][0] == 2.0 and fd["InvalidCount"][0] == 0 and "lltkVersion" in fd


@pytest.mark.parametrize("graph", ["grid", "knn", "gabriel"])
def test_vtu_export_round_trip(tmp_path, graph):
    n = 2 if graph == "gabriel" else 4
    res = _result(n, 4)
    path = export.write_landscape(tmp_path / "a.vtu", res, {"Model": "custom"}, graph=graph)
    ds = vtkxml.read(path)
    assert ds.kind == "UnstructuredGrid" and ds.field_data["GraphKind"] == graph
    coords = ds.point_data["Coordinates"]
    np.testing.assert_allclose(coords, res.coordinates())
    np.testing.assert_allclose(ds.points[:, : min(n, 3)], coords[:, :3])
    edges = vtkxml.cell_edges(ds)
    if graph == "grid":
        np.testing.assert_array_equal(edges, axis_edges(n, 4))
    assert len(edges) > 0


def test_export_refuses_bad_outputs(tmp_path):
    res = _result(4, 3)
    with pytest.raises(ValueError, match="at most 3"):
        export.write_landscape(tmp_path / "a.vti", res, {})
    with pytest.raises(ValueError, match=r"\.vti or \.vtu"):
        export.write_landscape(tmp_path / "a.txt", res, {})
    (tmp_path / "ro").mkdir(mode=0o500)
    with pytest.raises(ValueError, match="cannot write"):
        export.check_output("/proc/lltk-no/a.vtu", 2)
    assert not any(p.name.startswith(".a") for p in tmp_path.iterdir())
