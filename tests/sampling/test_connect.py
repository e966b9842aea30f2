"""``lltk connect``: barriers and the joining saddle against closed forms, the Bézier fit's
determinism and resumption, and bad input (one line, exit 2)."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lltk import vtkxml  # noqa: E402
from lltk.cli import main  # noqa: E402
from lltk.sampling import connect  # noqa: E402
from lltk.sampling.closure import model_loss_closure  # noqa: E402
from lltk.sampling.usermodel import load_user_model  # noqa: E402

MODELS = "python:tests/sampling/connect_models.py"
K, C = 1.0, 1.0  # tests/sampling/connect_models.py's double well


@pytest.fixture(scope="module")
def wells():
    return {n: load_user_model(f"{MODELS}:well_{n.lower()}") for n in ("A", "B", "C", "Mid")}


def test_double_well_barriers_and_saddle_in_closed_form(wells):
    a, b, c = wells["A"], wells["B"], wells["C"]
    linear = connect.linear_path(a.loss_fn, a.params, b.params, 41)
    # the straight path peaks at (0, 0): loss 1 + K C^2, ends at 0
    assert linear.barrier == pytest.approx(1 + K * C**2, rel=1e-6)
    t = linear.t
    w0 = 2 * t - 1
    np.testing.assert_allclose(linear.loss, (1 + K * C**2) * (1 - w0**2) ** 2, atol=1e-5)
    # the curve with control point (0, 2C) follows the valley: its barrier is the saddle's 1
    valley = connect.curve_path(a.loss_fn, a.params, b.params, torch.tensor([0.0, 2 * C]), 41)
    assert valley.barrier == pytest.approx(1.0, abs=1e-6)
    plane = connect.plane_through(connect.flat(a), connect.flat(b), connect.flat(c), 41)
    result = connect.sample_plane(a.loss_fn, a.params, plane)
    saddle = connect.plane_saddle(result, plane)
    # the basins join at the saddle (0, C), loss 1, which the grid holds as a vertex
    assert saddle.is_saddle
    assert saddle.level == pytest.approx(1.0, abs=1e-5)
    w = plane.origin + torch.tensor(saddle.alphas, dtype=torch.float32) @ plane.directions
    np.testing.assert_allclose(w.numpy(), [0.0, C], atol=1e-5)
    assert saddle.row_max == pytest.approx(linear.barrier, rel=1e-6)
    assert saddle.row_max >= saddle.level


def test_fitted_bezier_lowers_the_barrier_to_between_saddle_and_line(wells):
    a, b = wells["A"], wells["B"]
    fit = connect.fit_bezier(a.loss_fn, a.params, b.params, steps=300, lr=0.05, seed=0)
    curve = connect.curve_path(a.loss_fn, a.params, b.params, fit.theta, 401)
    valley = connect.curve_path(a.loss_fn, a.params, b.params, torch.tensor([0.0, 2 * C]), 401)
    # Garipov's objective, the mean loss over t, is at least as low as the valley curve's
    assert curve.loss.mean() <= valley.loss.mean() + 1e-3
    assert 1.0 - 1e-6 <= curve.barrier < 1 + K * C**2


def test_linear_path_in_one_convex_basin_has_no_barrier():
    """Over-parameterised least squares: every gradient-descent solution lies on the affine
    set of minimisers, so the straight path between two of them stays at the minimum."""
    gen = torch.Generator().manual_seed(0)
    x, y = torch.randn(4, 10, generator=gen), torch.randn(4, 1, generator=gen)
    nets = []
    for seed in (1, 2):
        torch.manual_seed(seed)
        model = torch.nn.Linear(10, 1)
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        for _ in range(2000):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
        nets.append({k: v.detach() for k, v in model.named_parameters()})
    assert not torch.allclose(nets[0]["weight"], nets[1]["weight"], atol=1e-2)
    loss_fn = model_loss_closure(model, [(x, y)], torch.nn.functional.mse_loss)
    path = connect.linear_path(loss_fn, nets[0], nets[1], 21)
    assert np.nanmax(path.loss) < 1e-8
    assert abs(path.barrier) < 1e-8


def test_join_level_is_the_minimax_path_value():
    """Against scipy: the minimax path value between two vertices is the largest edge
    weight (max of its two ends) on their path in a minimum spanning tree."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree

    from lltk.topology import grid_domain, join_level, join_tree

    rng = np.random.default_rng(3)
    domain = grid_domain((15, 12))
    values = rng.random(domain.n_vertices)
    tree = join_tree(values, domain)
    edges = domain.edges()
    weight = np.maximum(values[edges[:, 0]], values[edges[:, 1]]) + 1.0  # no zero weights
    graph = coo_matrix((weight, (edges[:, 0], edges[:, 1])), shape=(domain.n_vertices,) * 2)
    mst = minimum_spanning_tree(graph)
    mst = mst + mst.T
    for u, v in rng.integers(0, domain.n_vertices, (25, 2)):
        _, pred = breadth_first_order(mst, u, directed=False)
        top, w = max(values[u], values[v]), v
        while w != u:
            top = max(top, mst[pred[w], w] - 1.0)
            w = pred[w]
        level, vertex = join_level(tree, values, int(u), int(v))
        assert level == pytest.approx(top, abs=1e-12)
        assert values[vertex] == level


def test_bezier_fit_is_deterministic_and_resumes(tmp_path, wells):
    a, b = wells["A"], wells["B"]
    kwargs = {"steps": 30, "lr": 0.05, "samples": 3, "seed": 7}
    once = connect.fit_bezier(a.loss_fn, a.params, b.params, **kwargs)
    again = connect.fit_bezier(a.loss_fn, a.params, b.params, **kwargs)
    assert torch.equal(once.theta, again.theta)
    calls = {"n": 0}

    def interrupted(params):
        calls["n"] += 1
        if calls["n"] == 12:
            raise KeyboardInterrupt
        return a.loss_fn(params)

    state = tmp_path / "fit.pt"
    with pytest.raises(KeyboardInterrupt):
        connect.fit_bezier(interrupted, a.params, b.params, state_path=state, **kwargs)
    assert state.is_file()
    resumed = connect.fit_bezier(a.loss_fn, a.params, b.params, state_path=state, **kwargs)
    assert torch.equal(resumed.theta, once.theta)
    np.testing.assert_array_equal(resumed.history, once.history)
    other = connect.fit_bezier(a.loss_fn, a.params, b.params, **{**kwargs, "seed": 8})
    assert not torch.equal(other.theta, once.theta)


def test_cli_writes_paths_plane_and_summary(tmp_path, capsys):
    out = tmp_path / "c"
    args = [f"{MODELS}:well_a", f"{MODELS}:well_b", f"{MODELS}:well_c"]
    assert main(["connect", *args, "--out", str(out), "--resolution", "21", "--quiet"]) == 0
    summary = json.loads((out / "connect.json").read_text())
    assert summary["linear"]["barrier"] == pytest.approx(2.0, rel=1e-6)
    assert summary["plane"]["join_level"] == pytest.approx(1.0, abs=1e-5)
    ds = vtkxml.read(out / "plane.vti")
    assert ds.dimensions == (21, 21, 1)
    fd = ds.field_data
    for name in "ABC":
        np.testing.assert_allclose(fd[f"Network{name}"], summary["plane"]["coordinates"][name])
    # each network's loss at its own place on the grid (A and B are vertices)
    pts = ds.point_coordinates()[:, :2]
    for name, value in (("A", 0.0), ("B", 0.0)):
        at = np.argmin(np.linalg.norm(pts - fd[f"Network{name}"], axis=1))
        assert ds.point_data["Loss"][at] == pytest.approx(value, abs=1e-6)
    paths = vtkxml.read(out / "plane_paths.vtp")
    assert paths.point_data["Loss"].size == 41
    assert sorted(p.name for p in out.iterdir()) == [
        "connect.json",
        "linear.csv",
        "plane.vti",
        "plane_networks.vtp",
        "plane_paths.vtp",
    ]
    networks = vtkxml.read(out / "plane_networks.vtp")
    np.testing.assert_allclose(networks.point_data["Loss"][:2], 0.0, atol=1e-6)
    assert networks.point_data["Loss"][3] == pytest.approx(1.0, abs=1e-5)  # the saddle
    assert "basins join at saddle loss 1" in capsys.readouterr().out


def test_cli_bezier_plane_holds_the_curve(tmp_path):
    out = tmp_path / "c"
    args = [f"{MODELS}:well_a", f"{MODELS}:well_b", "--curve", "bezier", "--curve-steps", "40"]
    assert main(["connect", *args, "--out", str(out), "--resolution", "15", "--quiet"]) == 0
    summary = json.loads((out / "connect.json").read_text())
    assert summary["plane"]["third"] == "the Bezier control point"
    assert summary["bezier"]["fit"]["evaluations"] == 160
    paths = vtkxml.read(out / "plane_paths.vtp")
    assert sorted(set(paths.point_data["Path"].tolist())) == [0, 1]  # the curve is in the plane
    control = torch.load(out / "bezier_control.pt", weights_only=True)
    assert control["model"]["w"].shape == (2,)


def test_architecture_mismatch_names_the_tensor(tmp_path, capsys):
    out = tmp_path / "c"
    status = main(["connect", f"{MODELS}:well_a", f"{MODELS}:mlp", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1
    assert "'0.weight'" in err and "'w'" in err
    assert not out.exists()  # nothing written


def test_collinear_networks_refuse_the_plane_but_keep_the_path(tmp_path, capsys):
    out = tmp_path / "c"
    args = [f"{MODELS}:well_a", f"{MODELS}:well_b", f"{MODELS}:well_mid"]
    assert main(["connect", *args, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "collinear" in err
    summary = json.loads((out / "connect.json").read_text())
    assert summary["linear"]["barrier"] == pytest.approx(2.0, rel=1e-6)
    assert not (out / "plane.vti").exists()


def test_identical_networks_have_no_plane(tmp_path, capsys):
    args = [f"{MODELS}:well_a", f"{MODELS}:well_a", f"{MODELS}:well_c"]
    assert main(["connect", *args, "--out", str(tmp_path / "c"), "--quiet"]) == 2
    assert "same network" in capsys.readouterr().err


def test_non_finite_losses_are_invalid_points():
    def loss_fn(params):
        w = params["w"]
        return torch.where(w[..., 0].abs() < 0.35, torch.nan, (w**2).sum(-1))

    a, b = {"w": torch.tensor([-1.0, 0.0])}, {"w": torch.tensor([1.0, 0.0])}
    path = connect.linear_path(loss_fn, a, b, 21)
    assert path.invalid_count == int(np.sum(np.abs(2 * path.t - 1) < 0.35)) == 7
    assert path.valid.sum() == 21 - path.invalid_count
    assert path.barrier == pytest.approx(0.0, abs=1e-6)  # ends 1, the highest valid 1


def test_cli_takes_lltk_train_checkpoints(tmp_path, monkeypatch, capsys):
    """The checkpoints ``lltk train`` prints rebuild the PINN and its loss: the path's ends
    are the trained networks' own losses."""
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))
    fast = ["--n-f", "50", "--max-iter", "5", "--quiet"]
    checkpoints, losses = [], []
    for seed in ("0", "1"):
        assert main(["train", "pinn", "--beta", "2", "--seed", seed, *fast]) == 0
        out = capsys.readouterr().out
        checkpoints.append(out.split("checkpoint ")[1].split()[0])
        losses.append(float(out.split("TrainLoss ")[1].split(",")[0]))
    out = tmp_path / "c"
    assert main(["connect", *checkpoints, "--points", "5", "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "connect.json").read_text())
    np.testing.assert_allclose(summary["linear"]["end_losses"], losses, rtol=1e-4)
    assert "Beta 2.0" in summary["loss"]
    bad = tmp_path / "bad.pt"
    torch.save({"weights": 1}, bad)
    assert main(["connect", checkpoints[0], str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(bad) in err


def test_cli_takes_the_authors_pinn_checkpoints(tmp_path, loss_lens, capsys):
    """The authors' own beta = 1 networks (seeds 0 and 123, read by the audited loader):
    each end of the path is that network's training loss, the final L-BFGS loss its file
    records (to 0.1 %), and the barrier is finite and not negative."""
    from lltk.sampling.connect import load_network

    files = sorted((loss_lens / "pinn").glob("*_beta1.0_*_seed*.pt"))
    assert len(files) == 2, files
    ends = [load_network(str(f)) for f in files]
    for trained in ends:
        assert trained.metadata["Beta"] == 1.0
        assert trained.metadata["TrainLoss"] == pytest.approx(
            trained.metadata["CheckpointFinalLoss"], rel=1e-3
        )
    out = tmp_path / "c"
    argv = ["connect", *map(str, files), "--points", "9", "--out", str(out), "--quiet"]
    assert main(argv) == 0, capsys.readouterr().err
    summary = json.loads((out / "connect.json").read_text())
    np.testing.assert_allclose(
        summary["linear"]["end_losses"], [t.metadata["TrainLoss"] for t in ends], rtol=1e-4
    )
    assert np.isfinite(summary["linear"]["barrier"]) and summary["linear"]["barrier"] >= 0


@pytest.mark.slow
@pytest.mark.paraview
def test_render_draws_the_plane_paths_networks_and_loss_chart(tmp_path, pvpython):
    """``lltk render`` of the plane picks the connect state (its side files are there): the
    map shows the networks' colours and the saddle's yellow, the chart both paths."""
    import subprocess

    from lltk.render import render

    out = tmp_path / "c"
    args = [f"{MODELS}:well_a", f"{MODELS}:well_b", "--curve", "bezier", "--curve-steps", "40"]
    assert main(["connect", *args, "--out", str(out), "--resolution", "21", "--quiet"]) == 0
    plane = out / "plane.vti"
    result = render([plane], tmp_path / "png", views=["connect", "path_loss"])
    assert result.records[0]["states"] == ["landscape_connect"]
    pngs = result.views[plane.absolute()]
    assert sorted(pngs) == ["connect", "path_loss"]

    def pixels(png):
        code = (
            "import sys, numpy as np; from PIL import Image; "
            "np.save(sys.argv[2], np.asarray(Image.open(sys.argv[1]).convert('RGB')))"
        )
        subprocess.run(["/usr/bin/python3", "-c", code, str(png), str(png) + ".npy"], check=True)
        return np.load(str(png) + ".npy").astype(float)

    inner = pixels(pngs["connect"])[160:560, 190:720]  # the map, below the legends
    red, green, blue = inner[..., 0], inner[..., 1], inner[..., 2]
    assert int(((red > 200) & (green > 180) & (blue < 80)).sum()) > 20  # the saddle A-B
    assert int(((red > 180) & (green < 60) & (blue < 60)).sum()) > 20  # network A
    assert int(((red > 200) & (green > 80) & (green < 150) & (blue < 50)).sum()) > 50  # curve
    chart = pixels(pngs["path_loss"])
    orange = (chart[..., 0] > 200) & (chart[..., 1] > 80) & (chart[..., 1] < 150)
    dark = chart.max(axis=2) < 60
    assert int(orange.sum()) > 300 and int(dark.sum()) > 300


def test_cli_takes_resnet_checkpoints(tmp_path, monkeypatch, capsys):
    """ResNet checkpoints rebuild their network and loss (digits, the first images of the
    seed's split), its batch-norm statistics recomputed along the path."""
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))
    checkpoints = []
    for seed in ("0", "1"):
        argv = ["train", "resnet20-noskip", "--epochs", "0", "--seed", seed, "--quiet"]
        assert main(argv) == 0
        checkpoints.append(capsys.readouterr().out.split("checkpoint ")[1].split()[0])
    out = tmp_path / "c"
    argv = ["connect", *checkpoints, "--points", "3", "--loss-samples", "8", "--out", str(out)]
    assert main([*argv, "--quiet"]) == 0
    summary = json.loads((out / "connect.json").read_text())
    assert np.isfinite(summary["linear"]["barrier"]) and "resnet20-noskip" in summary["loss"]
    assert "batch-norm statistics recomputed" in summary["loss"]


def test_batch_norm_statistics_are_recomputed_along_the_path():
    """With batch norm, A's running statistics do not fit B: the path's loss recomputes
    them at every point, so its ends are each network's own loss (their statistics are
    their batch statistics), where A's closure at B's weights is not."""
    a = load_user_model(f"{MODELS}:bn_a")
    b = load_user_model(f"{MODELS}:bn_b")
    loss_fn, vectorized = connect.path_loss(a)
    assert not vectorized
    path = connect.linear_path(loss_fn, a.params, b.params, 5, vectorized=vectorized)
    with torch.no_grad():
        own_a, own_b = float(a.loss_fn(a.params)), float(b.loss_fn(b.params))
        stale = float(a.loss_fn(b.params))
    assert path.loss[0] == pytest.approx(own_a, rel=1e-5)
    assert path.loss[-1] == pytest.approx(own_b, rel=1e-5)
    assert abs(stale - own_b) > 1e-3 * own_b
    assert np.isfinite(path.loss).all()
