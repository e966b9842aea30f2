"""PyHessian figures through a loss closure against the exact Hessian of tiny models."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("pyhessian")

from torch.func import functional_call  # noqa: E402

from lltk.sampling import directions, hessian, pinn  # noqa: E402
from lltk.sampling.closure import model_loss_closure  # noqa: E402


def _exact_hessian(model, loss_fn):
    """torch.autograd.functional.hessian of the loss in float64 over the flat parameters."""
    params = {k: v.detach().double() for k, v in model.named_parameters()}
    model.double()

    def flat_loss(w):
        return loss_fn(directions.unflatten(w, params))

    h = torch.autograd.functional.hessian(flat_loss, directions.flatten(params))
    model.float()
    return h.numpy()


def _tiny():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    x = torch.randn(32, 3) * torch.tensor([3.0, 1.0, 0.3])
    y = torch.sin(x.sum(1, keepdim=True)) * 3
    criterion = torch.nn.functional.mse_loss

    def loss64(params):
        return criterion(functional_call(model, params, (x.double(),)), y.double())

    return model, model_loss_closure(model, [(x, y)], criterion), loss64


def _check(figures, h, top_k):
    exact = np.linalg.eigvalsh(h)
    vals, vecs = np.linalg.eigh(h)
    by_size = np.argsort(-np.abs(vals))[:top_k]
    want = np.sort(vals[by_size])[::-1]
    np.testing.assert_allclose(figures.eigenvalues, want, rtol=2e-3)
    for row, value in zip(figures.eigenvectors.double().numpy(), figures.eigenvalues, strict=True):
        ref = vecs[:, np.argmin(np.abs(vals - value))]
        assert abs(row @ ref) / np.linalg.norm(row) > 0.99
    # Hutchinson: within 4 standard errors of the exact trace.
    m = len(figures.trace_samples)
    se = np.sqrt(2 * (np.sum(h**2) - np.sum(np.diag(h) ** 2)) / m)
    assert abs(figures.trace - np.trace(h)) < 4 * se + 1e-6
    # The reported standard error estimates the exact one (Rademacher probes' variance).
    assert 0.5 * se < figures.trace_stderr < 2 * se
    assert figures.metadata()["HessianTraceStdErr"] == figures.trace_stderr
    # SLQ: the quadrature weights sum to 1 per run; Ritz values lie in the exact spectrum.
    np.testing.assert_allclose(figures.ritz_weights.sum(axis=1), 1.0, rtol=1e-4)
    span = exact.max() - exact.min()
    assert figures.ritz_values.min() >= exact.min() - 1e-3 * span
    assert figures.ritz_values.max() <= exact.max() + 1e-3 * span
    grid, density = figures.density()
    assert np.trapz(density, grid) == pytest.approx(1.0, rel=1e-3)
    assert grid[0] <= exact.min() and grid[-1] >= exact.max()
    return exact


def test_tiny_model_matches_exact_hessian():
    model, loss_fn, loss64 = _tiny()
    h = _exact_hessian(model, loss64)
    vals = np.sort(np.abs(np.linalg.eigvalsh(h)))[::-1]
    assert vals[0] > 1.2 * vals[1] and vals[1] > 1.2 * vals[2], "test needs a spectral gap"
    figures = hessian.hessian_figures(
        model, loss_fn, top_k=2, max_iter=2000, tol=1e-7, trace_iter=3000, lanczos_steps=21
    )
    exact = _check(figures, h, 2)
    # With as many Lanczos steps as parameters, SLQ recovers the spectrum itself.
    np.testing.assert_allclose(np.sort(figures.ritz_values[0]), exact, atol=1e-3 * np.ptp(exact))
    assert "eig" not in vars(torch) or vars(torch)["eig"].__module__.startswith("torch")


def test_pinn_closure_matches_exact_hessian():
    torch.manual_seed(0)
    model = pinn.ConvectionPINN(hidden=(4, 4))
    data = pinn.convection_data(1.0, n_f=50, seed=0)
    loss_fn = pinn.convection_loss(model, data)

    def loss64(params):
        data64 = pinn.ConvectionData(
            beta=data.beta, **{k: getattr(data, k).double() for k in vars(data) if k != "beta"}
        )
        return pinn.convection_loss(model, data64)(params)

    h = _exact_hessian(model, loss64)
    figures = hessian.hessian_figures(
        model, loss_fn, top_k=1, max_iter=3000, tol=1e-7, trace_iter=3000, lanczos_steps=20
    )
    vals = np.linalg.eigvalsh(h)
    assert figures.eigenvalues[0] == pytest.approx(vals[np.argmax(np.abs(vals))], rel=5e-3)
    m = len(figures.trace_samples)
    se = np.sqrt(2 * (np.sum(h**2) - np.sum(np.diag(h) ** 2)) / m)
    assert abs(figures.trace - np.trace(h)) < 4 * se + 1e-6
