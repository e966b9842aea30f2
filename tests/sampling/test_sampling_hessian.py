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
    loss_fn = pinn.pinn_loss(model, data)

    def loss64(params):
        return pinn.pinn_loss(model, data.to(dtype=torch.float64))(params)

    h = _exact_hessian(model, loss64)
    figures = hessian.hessian_figures(
        model, loss_fn, top_k=1, max_iter=3000, tol=1e-7, trace_iter=3000, lanczos_steps=20
    )
    vals = np.linalg.eigvalsh(h)
    assert figures.eigenvalues[0] == pytest.approx(vals[np.argmax(np.abs(vals))], rel=5e-3)
    m = len(figures.trace_samples)
    se = np.sqrt(2 * (np.sum(h**2) - np.sum(np.diag(h) ** 2)) / m)
    assert abs(figures.trace - np.trace(h)) < 4 * se + 1e-6


def _small_cnn():
    """A seeded CNN with batch norm (eval mode) on 40 seeded images: a ResNet in little."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 6 * 6, 5),
    ).eval()
    model[1].running_mean.uniform_(-0.5, 0.5)
    model[1].running_var.uniform_(0.5, 2.0)
    x = torch.randn(40, 3, 8, 8)
    y = torch.randint(0, 5, (40,))
    return model, model_loss_closure(model, [(x, y)], torch.nn.functional.cross_entropy)


@pytest.mark.parametrize("mode", ["reverse-over-reverse", "forward-over-reverse"])
def test_chunked_products_equal_the_exact_hessian(mode):
    """Both ways of differentiating, over image chunks of 16 (three, of unequal size, with
    channels_last layout), give the float64 Hessian of the whole loss times a vector."""
    from lltk.sampling import hvp

    model, loss_fn = _small_cnn()
    params = {k: v.detach() for k, v in model.named_parameters()}
    product = hvp.HessianVectorProduct(loss_fn, params, 16, mode=mode)
    assert len(product.pieces) == 3 and product.channels_last
    buffers = {k: b.double() for k, b in model.named_buffers()}
    ((x, y),) = loss_fn.batches

    def loss64(p):
        out = functional_call(model, {**p, **buffers}, (x.double(),))
        return torch.nn.functional.cross_entropy(out, y)

    exact = _exact_hessian(model, loss64)
    v = torch.randn(3, product.size)
    want = v.double().numpy() @ exact
    np.testing.assert_allclose(product(v[0]).numpy(), want[0], atol=1e-5 * np.abs(want).max())
    np.testing.assert_allclose(product(v).numpy(), want, atol=1e-5 * np.abs(want).max())
    assert product.products == 4


@pytest.mark.parametrize("probes_per_pass", [1, 4])
def test_batched_engine_equals_pyhessian_on_the_same_probes(probes_per_pass, monkeypatch):
    """The batched engine (image chunks of 16, Hutchinson's probes one or four per pass)
    draws PyHessian's probe vectors on the same seed: every figure agrees to float32
    rounding, the early stop of Hutchinson's estimator included."""
    from lltk.sampling import hvp

    monkeypatch.setattr(hvp, "PROBES_PER_PASS", probes_per_pass)
    model, loss_fn = _small_cnn()
    for kw in (
        dict(top_k=2, max_iter=30, tol=0.0, trace_iter=10, lanczos_steps=20),
        dict(top_k=1, max_iter=100, trace_iter=100, lanczos_steps=12, seed=3),
    ):
        ours = hessian.hessian_figures(model, loss_fn, engine="batched", chunk_size=16, **kw)
        ref = hessian.hessian_figures(model, loss_fn, engine="pyhessian", **kw)
        np.testing.assert_allclose(ours.eigenvalues, ref.eigenvalues, rtol=1e-5)
        cosines = (ours.eigenvectors * ref.eigenvectors).sum(dim=1).numpy()
        np.testing.assert_allclose(cosines, 1.0, atol=1e-5)
        assert len(ours.trace_samples) == len(ref.trace_samples)
        np.testing.assert_allclose(ours.trace_samples, ref.trace_samples, rtol=1e-5)
        np.testing.assert_allclose(ours.ritz_values, ref.ritz_values, atol=1e-5)
        np.testing.assert_allclose(ours.ritz_weights, ref.ritz_weights, atol=1e-5)
    # A trace that stops early (not a multiple of four probes per pass) leaves torch's
    # generator where PyHessian leaves it: the density's probe above agreed after it.
    assert len(ref.trace_samples) % 4 != 0


def test_batch_norm_folds_into_the_convolution():
    """An eval-mode batch norm after a convolution is folded into it: the same outputs from
    the same named parameters and buffers. One in training mode, or a model that torch.fx
    cannot trace (data-dependent control flow), is left as it is."""
    from lltk.sampling import hvp

    model, loss_fn = _small_cnn()
    folded, count = hvp.fold_batch_norm(model)
    assert count == 1
    assert "1" not in {n.target for n in folded.graph.nodes if n.op == "call_module"}
    ((x, _),) = loss_fn.batches
    state = {**dict(model.named_parameters()), **dict(model.named_buffers())}
    with torch.no_grad():
        want = model(x)
        np.testing.assert_allclose(folded(x), want, atol=1e-5 * want.abs().max())
        shifted = {k: v + 0.1 if v.is_floating_point() else v for k, v in state.items()}
        np.testing.assert_allclose(
            functional_call(folded, shifted, (x,)),
            functional_call(model, shifted, (x,)),
            atol=1e-5 * want.abs().max(),
        )
    assert hvp.fold_batch_norm(model.train())[1] == 0
    model.eval()

    class Branching(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.inner(x) if x.sum() > 0 else -self.inner(x)

    branching = Branching()
    assert hvp.fold_batch_norm(branching) == (branching, 0)


def test_batched_engine_matches_exact_hessian_whole_closure():
    """A closure that is not a model on batches (the PINN's) is differentiated whole."""
    torch.manual_seed(0)
    model = pinn.ConvectionPINN(hidden=(4, 4))
    data = pinn.convection_data(1.0, n_f=50, seed=0)
    loss_fn = pinn.pinn_loss(model, data)
    kw = dict(top_k=1, max_iter=300, tol=1e-7, trace_iter=50, lanczos_steps=20)
    ours = hessian.hessian_figures(model, loss_fn, **kw)
    ref = hessian.hessian_figures(model, loss_fn, engine="pyhessian", **kw)
    np.testing.assert_allclose(ours.eigenvalues, ref.eigenvalues, rtol=1e-4)
    np.testing.assert_allclose(ours.trace_samples, ref.trace_samples, rtol=1e-4)
    np.testing.assert_allclose(ours.ritz_values, ref.ritz_values, atol=1e-4)


def test_hessian_chunk_is_halved_to_fit_memory():
    """A chunk whose estimated memory exceeds what is available is halved with one
    message before any work; a machine that cannot hold one image is refused clearly."""
    from lltk.sampling import hvp

    model, loss_fn = _small_cnn()
    params = {k: v.detach() for k, v in model.named_parameters()}
    per_image = hvp.hvp_bytes_per_image(loss_fn, params)
    assert per_image > 0
    said = []
    fitted = hvp.fit_chunk(loss_fn, params, 40, 2 * 9 * per_image, said.append)
    assert fitted == 5 and len(said) == 1 and "using chunks of 5" in said[0]
    assert hvp.fit_chunk(loss_fn, params, 16, 2 * 40 * per_image, said.append) == 16
    assert len(said) == 1
    with pytest.raises(ValueError, match="one image's Hessian-vector product needs"):
        hvp.fit_chunk(loss_fn, params, 8, per_image, said.append)
