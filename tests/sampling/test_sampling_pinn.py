"""The convection PINN: loss terms against autograd and the exact solution, training, cache."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lltk.sampling import pinn  # noqa: E402


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))


def _autograd_loss(model, data):
    """The paper's loss written the way their code does it: reverse-mode input gradients."""
    xf = data.x_collocation.clone().requires_grad_(True)
    u = model(xf).squeeze(-1)
    (grad,) = torch.autograd.grad(u.sum(), xf, create_graph=True)
    residual = grad[:, 1] + data.beta * grad[:, 0]
    initial = torch.mean((model(data.x_initial).squeeze(-1) - data.u_initial) ** 2)
    boundary = torch.mean((model(data.x_left) - model(data.x_right)) ** 2)
    return initial + boundary + torch.mean(residual**2)


@pytest.mark.parametrize("beta", [1.0, 30.0])
def test_loss_matches_autograd(beta):
    torch.manual_seed(3)
    model = pinn.ConvectionPINN()
    data = pinn.convection_data(beta, n_f=200, seed=1)
    ours = pinn.pinn_loss(model, data)(dict(model.named_parameters()))
    torch.testing.assert_close(ours, _autograd_loss(model, data), rtol=1e-5, atol=1e-6)


class _Exact(torch.nn.Module):
    """sin(x - beta t) as a module: its PINN loss must vanish."""

    def __init__(self, beta):
        super().__init__()
        self.beta = torch.nn.Parameter(torch.tensor(float(beta)))

    def forward(self, xt):
        return torch.sin(xt[:, :1] - self.beta * xt[:, 1:])


def test_exact_solution_has_zero_loss():
    data = pinn.convection_data(5.0, n_f=500, seed=0)
    model = _Exact(5.0)
    loss = pinn.pinn_loss(model, data)(dict(model.named_parameters()))
    assert float(loss.detach()) < 1e-10
    sol = pinn.predict(model, data)
    assert sol["u_pred"].shape == (pinn.T_POINTS, pinn.X_POINTS)
    err = pinn.errors(sol)
    assert err["TestRelError"] < 1e-6 and err["TestLinfError"] < 1e-6


def test_collocation_points_are_interior_grid_points_and_seeded():
    a = pinn.convection_data(1.0, n_f=1000, seed=0).x_collocation.numpy()
    b = pinn.convection_data(1.0, n_f=1000, seed=0).x_collocation.numpy()
    c = pinn.convection_data(1.0, n_f=1000, seed=1).x_collocation.numpy()
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert len(np.unique(a, axis=0)) == 1000
    assert a[:, 0].min() > 0 and a[:, 0].max() < 2 * math.pi and a[:, 1].min() > 0
    with pytest.raises(ValueError, match="n_f"):
        pinn.convection_data(1.0, n_f=10**6)


def test_training_learns_and_is_cached(tmp_path):
    first = pinn.train_pinn(beta=1.0, seed=0, n_f=200, max_iter=60, progress=False)
    untrained = pinn.train_pinn(beta=1.0, seed=0, n_f=200, max_iter=0, progress=False)
    assert first.metadata["TrainLoss"] < 0.1 * untrained.metadata["TrainLoss"]
    assert first.metadata["TestRelError"] < untrained.metadata["TestRelError"]
    again = pinn.train_pinn(beta=1.0, seed=0, n_f=200, max_iter=60, progress=False)
    for k, v in first.params.items():
        assert torch.equal(v, again.params[k])
    assert len(list((tmp_path / "cache").glob("pinn-*.pt"))) == 2


def test_damaged_checkpoint_is_reported(tmp_path):
    pinn.train_pinn(beta=1.0, seed=0, n_f=100, max_iter=2, progress=False)
    (ckpt,) = (tmp_path / "cache").glob("pinn-*.pt")
    ckpt.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match=r"is not a torch checkpoint.*delete it to retrain"):
        pinn.train_pinn(beta=1.0, seed=0, n_f=100, max_iter=2, progress=False)


def test_default_collocation_points_are_the_authors():
    """The authors' ``sample_random`` (loss-lens ``utils.py``), written out: seed numpy's
    global generator with 0, choose N_f rows of the interior grid without replacement."""
    x = np.linspace(0, 2 * np.pi, 256, endpoint=False).reshape(-1, 1)
    t = np.linspace(0, 1, 100).reshape(-1, 1)
    xx, tt = np.meshgrid(x[1:], t[1:])
    interior = np.hstack((xx.flatten()[:, None], tt.flatten()[:, None]))
    np.random.seed(0)
    theirs = interior[np.random.choice(interior.shape[0], 100, replace=False), :]
    ours = pinn.convection_data(7.0).x_collocation.double().numpy()
    # the order of the rows is irrelevant: compare them sorted
    np.testing.assert_allclose(ours[np.lexsort(ours.T)], theirs[np.lexsort(theirs.T)], rtol=1e-6)
    # the same points whatever the training seed
    trained = pinn.train_pinn(beta=1.0, seed=3, max_iter=0, use_cache=False, progress=False)
    assert trained.metadata["CollocationPoints"] == 100
    assert trained.metadata["CollocationSeed"] == 0
