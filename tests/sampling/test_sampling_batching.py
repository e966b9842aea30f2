"""How the sampler batches weight points: every way gives the one-point-at-a-time landscape."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lltk import vtkxml  # noqa: E402
from lltk.cli import main  # noqa: E402
from lltk.sampling import directions, landscape  # noqa: E402
from lltk.sampling.closure import model_loss_closure  # noqa: E402

HERE = Path(__file__).parent


def _cnn():
    """A seeded convolutional network with batch norm in eval mode (non-trivial running
    statistics), on 12 seeded images."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 6, 3, padding=1),
        torch.nn.BatchNorm2d(6),
        torch.nn.ReLU(),
        torch.nn.Conv2d(6, 4, 3, stride=2),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 3 * 3, 5),
    ).eval()
    model[1].running_mean.uniform_(-0.5, 0.5)
    model[1].running_var.uniform_(0.5, 2.0)
    x, y = torch.randn(12, 3, 8, 8), torch.randint(0, 5, (12,))
    return model, x, y


def _plain_loop(model, x, y, dirs, r, distance):
    """The landscape by the plainest loop: a copy of the model, its weights set by
    torch.nn.utils.vector_to_parameters, ``cross_entropy(model(x), y)`` per point."""
    probe = copy.deepcopy(model)
    theta = torch.nn.utils.parameters_to_vector(model.parameters()).detach()
    axis = np.linspace(-distance, distance, r)
    out = np.empty((r, r))
    with torch.no_grad():
        for i, a in enumerate(axis):
            for j, b in enumerate(axis):
                w = theta + float(a) * dirs[0] + float(b) * dirs[1]
                torch.nn.utils.vector_to_parameters(w, probe.parameters())
                out[i, j] = float(torch.nn.functional.cross_entropy(probe(x), y))
    return out


def test_sampler_equals_the_one_point_at_a_time_loop():
    """The convolutional network's landscape through vmap (the sampler's choice for so
    small a network) and one point at a time in channels_last (its choice for a ResNet on
    a CPU) equal the plain loop to float32 rounding."""
    model, x, y = _cnn()
    loss_fn = model_loss_closure(model, [(x, y)], torch.nn.functional.cross_entropy)
    params = {k: v.detach() for k, v in model.named_parameters()}
    dirs = directions.random_directions(model, 2, seed=0)
    r = 5
    want = _plain_loop(model, x, y, dirs, r, 1.0)
    assert landscape.point_evaluation(loss_fn, params)[0] is not None
    sampled = landscape.sample_landscape(loss_fn, params, dirs, r, 1.0, progress=False).loss
    np.testing.assert_allclose(sampled, want, rtol=2e-6, atol=1e-7)
    batched, per_point = landscape.point_evaluation(loss_fn, params, loop_flops=0)
    assert batched is None and per_point is not loss_fn
    theta = directions.flatten(params)
    looped = landscape._evaluate(
        per_point, None, params, theta, dirs, (r, 1.0, False), np.arange(r * r)
    )
    np.testing.assert_allclose(looped.reshape(r, r, order="F"), want, rtol=2e-6, atol=1e-7)


def test_point_evaluation_batches_where_it_pays():
    """vmap for a small evaluation; a loop (plain layout without convolutions) for a large
    one on a CPU, and where vmap cannot run."""
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    loss_fn = model_loss_closure(mlp, [(torch.randn(8, 3), torch.randn(8, 1))], torch.nn.MSELoss())
    params = {k: v.detach() for k, v in mlp.named_parameters()}
    # 8 rows through 3x4 and 4x1 products: 2 * 8 * (12 + 4) operations.
    assert landscape.evaluation_flops(loss_fn, params) == 256
    batched, per_point = landscape.point_evaluation(loss_fn, params)
    assert batched is not None and per_point is loss_fn
    assert landscape.point_evaluation(loss_fn, params, loop_flops=256) == (None, loss_fn)
    assert landscape.point_evaluation(loss_fn, params, vectorized=False) == (None, loss_fn)


def test_a_model_vmap_cannot_run_falls_back_with_one_line(tmp_path, capsys, monkeypatch):
    """A user's model with data-dependent control flow: one warning line, then the very
    landscape of the same model without the branch."""
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))
    files = {}
    for name in ("make", "guarded"):
        files[name] = tmp_path / f"{name}.vti"
        argv = ["sample", f"python:{HERE / 'user_model.py'}:{name}", "--resolution", "7"]
        assert main([*argv, "--quiet", "--out", str(files[name])]) == 0
        out = capsys.readouterr().out
        warned = [line for line in out.splitlines() if "torch.func.vmap" in line]
        assert len(warned) == (name == "guarded"), out
    if warned:
        assert warned[0].startswith("lltk: ")
    a, b = (vtkxml.read(files[n]).point_data["Loss"] for n in ("make", "guarded"))
    np.testing.assert_allclose(b, a, rtol=2e-6)


def test_a_chunk_beyond_memory_is_evaluated_in_halves(monkeypatch, capsys):
    """A chunk whose vmap call would not fit is evaluated in halves (one message, the same
    losses, the same chunks for a resumed run); a point that cannot fit is refused first."""
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    loss_fn = model_loss_closure(
        mlp, [(torch.randn(64, 3), torch.randn(64, 1))], torch.nn.MSELoss()
    )
    params = {k: v.detach() for k, v in mlp.named_parameters()}
    dirs = directions.random_directions(mlp, 2, seed=0)
    per_point = landscape.point_bytes(loss_fn, params)
    assert per_point > 2 * 4 * sum(v.numel() for v in params.values())
    said = []
    assert landscape.fit_vmap_batch(loss_fn, params, 32, 2 * 5 * per_point, said.append) == 4
    assert len(said) == 1 and "evaluating 4 points at a time" in said[0]
    assert landscape.fit_vmap_batch(loss_fn, params, 32, 2 * 32 * per_point, said.append) == 32
    with pytest.raises(ValueError, match="one weight point needs about"):
        landscape.fit_vmap_batch(loss_fn, params, 32, per_point, said.append)
    whole = landscape.sample_landscape(loss_fn, params, dirs, 7, 1.0, progress=False).loss
    assert capsys.readouterr().out == ""
    monkeypatch.setattr(landscape, "available_memory", lambda: 2 * 5 * per_point)
    halved = landscape.sample_landscape(loss_fn, params, dirs, 7, 1.0, progress=False).loss
    assert capsys.readouterr().out.count("points at a time") == 1
    np.testing.assert_allclose(halved, whole, rtol=1e-6)
    monkeypatch.setattr(landscape, "available_memory", lambda: per_point)
    with pytest.raises(ValueError, match="one weight point"):
        landscape.sample_landscape(loss_fn, params, dirs, 7, 1.0, progress=False)


def test_bench_sampling_and_hessian_records(tmp_path, capsys, monkeypatch):
    """``lltk bench sampling|hessian --json``: one JSON object per line with the issue's
    fields; both Hessian engines find the same top eigenvalue on the same probes."""
    import json

    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))
    model = f"python:{HERE / 'user_model.py'}:make"
    argv = ["bench", "sampling", "--model", model, "--threads", "1", "--resolution", "2"]
    assert main([*argv, "--json"]) == 0
    (line,) = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("{")]
    rec = json.loads(line)
    assert rec["model"] == model and rec["threads"] == 1
    assert rec["roofline_evals_per_s"] > 0 and rec["lltk_evals_per_s"] > 0
    argv = ["bench", "hessian", "--model", model, "--threads", "1", "--iterations", "3"]
    assert main([*argv, "--json"]) == 0
    (line,) = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("{")]
    rec = json.loads(line)
    assert rec["model"] == model and rec["images"] == 64
    assert rec["lltk_s_per_iter"] > 0 and rec["pyhessian_s_per_iter"] > 0
    assert rec["lltk_top_eigenvalue"] == pytest.approx(rec["pyhessian_top_eigenvalue"], rel=1e-5)
    assert main(["bench", "sampling", "--model", "bogus"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main(["bench", "topology", "--model", "pinn"]) == 2
    assert "applies to sampling and hessian only" in capsys.readouterr().err
