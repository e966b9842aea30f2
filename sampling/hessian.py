"""Hessian figures: top-k eigenpairs, trace, spectral density.

Two engines compute them with the same algorithms, seeds and probe vectors: ``batched``
(the default: :mod:`lltk.sampling.hvp`, Hessian-vector products by :mod:`torch.func` over
chunks of the images) and ``pyhessian`` (PyHessian 0.1 itself, the reference).

PyHessian evaluates ``criterion(model(inputs), targets)``; any loss closure goes through a
wrapper module whose forward returns the loss, with the identity as criterion. PyHessian's
``density()`` calls ``torch.eig``, removed in torch 2: :func:`torch_eig_shim` provides it,
only while our calls run, from :func:`torch.linalg.eigh` (the Lanczos matrix is symmetric)
in the old format (eigenvalues as an (n, 2) real/imaginary table, eigenvectors as columns).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from lltk.sampling.closure import LossFn


@contextmanager
def torch_eig_shim() -> Iterator[None]:
    """Temporarily give torch the pre-1.9 ``torch.eig`` for symmetric matrices."""

    def eig(matrix: Tensor, eigenvectors: bool = False) -> tuple[Tensor, Tensor]:
        values, vectors = torch.linalg.eigh(matrix)
        table = torch.stack([values, torch.zeros_like(values)], dim=1)
        return table, vectors if eigenvectors else torch.empty(0)

    had = "eig" in vars(torch)
    previous = vars(torch).get("eig")
    torch.eig = eig
    try:
        yield
    finally:
        if had:
            torch.eig = previous
        else:
            del torch.eig


class LossModule(nn.Module):
    """A module whose forward ignores its input and returns ``loss_fn(model's parameters)``."""

    def __init__(self, model: nn.Module, loss_fn: LossFn) -> None:
        super().__init__()
        self.model = model
        self._loss_fn = loss_fn

    def forward(self, _inputs: Tensor) -> Tensor:
        """The loss at the model's current parameters."""
        return self._loss_fn(dict(self.model.named_parameters()))


def hessian_metadata(
    eigenvalues: np.ndarray, trace: float, trace_stderr: float
) -> dict[str, np.ndarray | float]:
    """The FieldData figures ``HessianTopEigenvalues``, ``HessianTrace`` and
    ``HessianTraceStdErr`` (the trace is a stochastic estimate)."""
    return {
        "HessianTopEigenvalues": eigenvalues,
        "HessianTrace": trace,
        "HessianTraceStdErr": trace_stderr,
    }


@dataclass
class HessianFigures:
    """Top eigenvalues (descending) with unit eigenvectors as rows, trace, SLQ density."""

    eigenvalues: np.ndarray
    eigenvectors: Tensor
    trace: float
    trace_samples: np.ndarray
    #: Ritz values and weights of each SLQ run (``density_runs`` x ``lanczos_steps``).
    ritz_values: np.ndarray
    ritz_weights: np.ndarray

    @property
    def trace_stderr(self) -> float:
        """Standard error of the Hutchinson trace: the probes' spread over sqrt(probes)."""
        m = len(self.trace_samples)
        return float(np.std(self.trace_samples, ddof=1) / np.sqrt(m)) if m > 1 else np.inf

    def metadata(self) -> dict[str, np.ndarray | float]:
        """The FieldData figures (see :func:`hessian_metadata`)."""
        return hessian_metadata(self.eigenvalues, self.trace, self.trace_stderr)

    def density(
        self, points: int = 1000, sigma: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The spectral density on a grid: Gaussian-smoothed SLQ quadrature, mass 1.

        ``sigma`` defaults to 1 % of the Ritz values' range; the grid spans that range
        plus 5 sigma on each side.
        """
        values, weights = self.ritz_values, self.ritz_weights
        lo, hi = float(values.min()), float(values.max())
        if sigma is None:
            sigma = 0.01 * max(hi - lo, 1e-12 + abs(hi) * 1e-6)
        grid = np.linspace(lo - 5 * sigma, hi + 5 * sigma, points)
        kernel = np.exp(-0.5 * ((grid[:, None] - values.ravel()[None, :]) / sigma) ** 2)
        kernel /= sigma * np.sqrt(2 * np.pi)
        density = kernel @ weights.ravel() / len(values)
        return grid, density


ENGINES = ("batched", "pyhessian")
#: The steps of :func:`hessian_figures`, as ``timings`` names them.
STAGES = ("setup", "eigenvalues", "trace", "density")


def hessian_figures(
    model: nn.Module,
    loss_fn: LossFn,
    top_k: int = 2,
    seed: int = 0,
    max_iter: int = 100,
    tol: float = 1e-3,
    trace_iter: int = 100,
    lanczos_steps: int = 100,
    density_runs: int = 1,
    engine: str = "batched",
    chunk_size: int | None = None,
    timings: dict[str, float] | None = None,
) -> HessianFigures:
    """The Hessian figures of ``loss_fn`` at the model's parameters (seeded; torch's RNG
    restored), by PyHessian's algorithms on ``engine``.

    ``max_iter``/``tol`` go to the power iteration of each eigenpair, ``trace_iter`` to
    Hutchinson's estimator (PyHessian stops earlier when its mean settles within 1e-3),
    ``lanczos_steps`` (at most the number of parameters) and ``density_runs`` to SLQ.
    ``chunk_size``: images per Hessian-vector product of the batched engine (default
    :data:`lltk.sampling.hvp.DEFAULT_CHUNK`). Frozen parameters (``requires_grad`` False)
    are left out, as PyHessian leaves them out; ``loss_fn`` gets the trainable ones.
    ``timings``, where given, receives the wall seconds of each of :data:`STAGES`.
    """
    if top_k < 1:
        raise ValueError(f"top_k must be >= 1, not {top_k}")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    trainable = {k: v for k, v in model.named_parameters() if v.requires_grad}
    n_params = sum(p.numel() for p in trainable.values())
    steps = min(lanczos_steps, n_params)
    if engine == "batched":
        from lltk.sampling import hvp

        marks = [time.perf_counter()]
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            product = hvp.HessianVectorProduct(loss_fn, trainable, chunk_size)
            marks.append(time.perf_counter())
            values, vectors = hvp.top_eigenpairs(product, top_k, max_iter, tol)
            marks.append(time.perf_counter())
            samples = hvp.hutchinson_samples(product, trace_iter)
            marks.append(time.perf_counter())
            ritz, weights = hvp.lanczos_quadrature(product, steps, density_runs)
            marks.append(time.perf_counter())
        figures = _figures(values, vectors, samples, ritz, weights)
    else:
        figures, marks = _pyhessian_figures(
            model, loss_fn, top_k, seed, max_iter, tol, trace_iter, steps, density_runs
        )
    if timings is not None:
        timings.update(zip(STAGES, np.diff(marks).tolist(), strict=True))
    return figures


def _pyhessian_figures(
    model: nn.Module,
    loss_fn: LossFn,
    top_k: int,
    seed: int,
    max_iter: int,
    tol: float,
    trace_iter: int,
    steps: int,
    density_runs: int,
) -> tuple[HessianFigures, list[float]]:
    """The figures by PyHessian 0.1 itself (through :class:`LossModule`), and the clock
    at the start and after each of :data:`STAGES`."""
    from pyhessian import hessian

    marks = [time.perf_counter()]
    wrapper = LossModule(model, loss_fn)
    device = next(model.parameters()).device
    dummy = torch.zeros(1, device=device)
    with torch.random.fork_rng(devices=[]), torch_eig_shim(), warnings.catch_warnings():
        # PyHessian calls backward(create_graph=True); the cycle it warns of is broken below.
        warnings.filterwarnings("ignore", "Using backward\\(\\) with create_graph=True")
        torch.manual_seed(seed)
        hess = hessian(
            wrapper, lambda out, _target: out, data=(dummy, dummy), cuda=device.type == "cuda"
        )
        marks.append(time.perf_counter())
        values, vectors = hess.eigenvalues(maxIter=max_iter, tol=tol, top_n=top_k)
        marks.append(time.perf_counter())
        samples = hess.trace(maxIter=trace_iter)
        marks.append(time.perf_counter())
        ritz, weights = hess.density(iter=steps, n_v=density_runs)
        marks.append(time.perf_counter())
    model.zero_grad(set_to_none=True)
    flat = [torch.cat([t.detach().reshape(-1) for t in vector]) for vector in vectors]
    return _figures(values, flat, samples, ritz, weights), marks


def _figures(
    values: list[float],
    vectors: list[Tensor],
    samples: list[float],
    ritz: list[list[float]],
    weights: list[list[float]],
) -> HessianFigures:
    """The figures, eigenpairs in descending order."""
    order = np.argsort(values)[::-1]
    rows = torch.stack([vectors[i] for i in order])
    return HessianFigures(
        eigenvalues=np.asarray(values, dtype=np.float64)[order],
        eigenvectors=rows,
        trace=float(np.mean(samples)),
        trace_samples=np.asarray(samples, dtype=np.float64),
        ritz_values=np.asarray(ritz, dtype=np.float64),
        ritz_weights=np.asarray(weights, dtype=np.float64),
    )
