"""Trajectories: checkpoints, PCA directions against numpy's SVD, the projection file,
chunked L-BFGS, and the errors naming the file."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from torch import nn

from lltk import vtkxml
from lltk.cli import main
from lltk.sampling.closure import Trained
from lltk.sampling.directions import flatten, unflatten
from lltk.sampling.pinn import _lbfgs
from lltk.sampling.trajectory import Recorder, load_trajectory, pca_directions, trajectory_pca


def _model(seed: int = 0, width: int = 5) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, width), nn.Tanh(), nn.Linear(width, 1)).double()


def _loss(model: nn.Module):
    x = torch.linspace(-1, 1, 40, dtype=torch.float64).reshape(20, 2)
    y = torch.sin(3 * x[:, :1]) * x[:, 1:]

    def loss_fn(params):
        out = torch.func.functional_call(model, params, (x,))
        return torch.mean((out - y) ** 2)

    return loss_fn


def _train(tmp_path, steps: int = 6, every: int = 2, seed: int = 0) -> tuple[Trained, object]:
    """A small model trained by SGD, recorded like lltk train --save-every does."""
    model = _model(seed)
    loss_fn = _loss(model)
    recorder = Recorder(tmp_path / "traj", every, "tiny")
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    recorder(0, model)
    for step in range(1, steps + 1):
        opt.zero_grad()
        loss_fn(dict(model.named_parameters())).backward()
        opt.step()
        if step % every == 0 or step == steps:
            recorder(step, model)
    return Trained(model=model, loss_fn=loss_fn), recorder.folder


def test_pca_directions_are_numpys_svd(tmp_path) -> None:
    trained, folder = _train(tmp_path, steps=9, every=1)
    centre = flatten(trained.params).numpy()
    traj = load_trajectory(folder, trained.params)
    assert traj.steps.tolist() == list(range(10))
    dirs, coords = pca_directions(traj.weights, centre, 3)
    _, s, vt = np.linalg.svd(traj.weights - centre)
    for k in range(3):  # the same singular vectors, up to sign
        assert abs(dirs[k] @ vt[k]) == pytest.approx(1.0, abs=1e-10)
    assert np.allclose(dirs @ dirs.T, np.eye(3), atol=1e-12)
    assert np.allclose(np.linalg.norm(coords, axis=0), s[:3])
    assert np.all(coords[0] <= 0)
    assert np.allclose(coords[-1], 0.0, atol=1e-12)  # the final state is the origin


def test_projection_file_holds_each_checkpoints_coordinates(tmp_path) -> None:
    trained, folder = _train(tmp_path)
    dirs, path = trajectory_pca(folder, trained, 2)
    out = path.write(tmp_path / "tiny_trajectory.vtp")
    ds = vtkxml.read(out)
    assert ds.kind == "PolyData"
    centre = flatten(trained.params)
    for i, ckpt in enumerate(sorted(folder.glob("step-*.pt"))):
        weights = flatten(torch.load(ckpt, weights_only=True)["params"])
        expected = (dirs @ (weights - centre)).numpy()
        assert np.allclose(ds.point_data["Coordinates"][i], expected, atol=1e-12)
        assert np.allclose(ds.points[i, :2], expected, atol=1e-12)
        loss = float(trained.loss_fn(unflatten(weights, trained.params)))
        assert ds.point_data["Loss"][i] == pytest.approx(loss)
    assert ds.point_data["Step"].tolist() == [0, 2, 4, 6]
    assert np.allclose(ds.point_data["Coordinates"][-1], 0.0)
    assert ds.connectivity.tolist() == [0, 1, 2, 3]


def test_chunked_lbfgs_follows_the_same_path(tmp_path) -> None:
    plain, chunked = _model(1), _model(1)
    _lbfgs(plain, _loss(plain), 30, progress=False)
    recorder = Recorder(tmp_path / "lbfgs", 7, "tiny")
    _lbfgs(chunked, _loss(chunked), 30, progress=False, recorder=recorder)
    a, b = flatten(dict(plain.named_parameters())), flatten(dict(chunked.named_parameters()))
    assert torch.allclose(a, b, rtol=1e-6, atol=1e-8)
    steps = [int(p.stem.split("-")[1]) for p in sorted(recorder.folder.glob("step-*.pt"))]
    assert steps[:5] == [0, 7, 14, 21, 28] and steps[-1] <= 30


def test_bad_trajectories_name_the_file(tmp_path) -> None:
    trained, folder = _train(tmp_path)
    few = tmp_path / "few"
    few.mkdir()
    for src in sorted(folder.glob("step-*.pt"))[:2]:
        (few / src.name).write_bytes(src.read_bytes())
    with pytest.raises(ValueError, match=re.escape(f"{few}: 2 checkpoint")):
        trajectory_pca(few, trained, 2)
    with pytest.raises(ValueError, match=re.escape(f"{folder}: 4 PCA directions need at least 5")):
        trajectory_pca(folder, trained, 4)
    _, other_folder = _train(tmp_path / "wide", seed=1)
    wide = _model(0, width=6)
    Recorder(tmp_path / "mixed", 1, "wide")(3, wide)
    for src in sorted(folder.glob("step-*.pt"))[:3]:
        (tmp_path / "mixed" / src.name).write_bytes(src.read_bytes())
    with pytest.raises(ValueError, match=r"step-00000003\.pt: a checkpoint of another model"):
        trajectory_pca(tmp_path / "mixed", trained, 2)
    with pytest.raises(ValueError, match=r"step-00000006\.pt: the trajectory's last checkpoint"):
        trajectory_pca(other_folder, trained, 2)


def test_cli_pca_needs_a_trajectory(capsys, tmp_path) -> None:
    assert main(["sample", "pinn", "--directions", "pca", "--out", str(tmp_path / "a.vti")]) == 2
    assert "--directions pca and --trajectory DIR go together" in capsys.readouterr().err
    assert main(["train", "pinn", "--save-every", "5"]) == 2
    assert "--save-every K and --trajectory DIR go together" in capsys.readouterr().err
