"""The PINNs of Krishnapriyan et al. (NeurIPS 2021): lltk trains the convection one.

``u_t + beta u_x = 0`` on ``x in [0, 2 pi)``, ``t in [0, 1]``, ``u(x, 0) = sin x``, periodic
in x; exact solution ``u = sin(x - beta t)``. As in the paper's code: an MLP with 4 hidden
layers of 50 and tanh; the loss is the mean squared initial-condition error on the 256
grid points at t = 0, plus the mean squared periodic mismatch ``u(0, t) - u(2 pi, t)`` on
the 100 grid times, plus the mean squared PDE residual on ``N_f`` collocation points drawn
from the interior of the 256 x 100 grid; L-BFGS (lr 1, history 50, strong Wolfe).

The study's authors (Vis4SciML/loss-lens, ``main_pbc.py`` and ``utils.sample_random``) train
with ``N_f = 100`` points drawn by numpy's legacy generator seeded with 0 whatever the
training seed: :func:`convection_data` draws them the same way, so with the defaults the
collocation points are theirs.

The loss (:func:`pinn_loss`) covers every system of their code (:mod:`lltk.sampling.pde`:
diffusion, reaction, reaction-diffusion), whose networks come from their files
(:mod:`lltk.sampling.authors`): with a diffusion term the boundary term also matches
``u_x(0, t)`` and ``u_x(2 pi, t)``, as theirs does.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn
from torch.func import functional_call, vjp

from lltk.sampling.cache import cache_path, check_cache_writable, load_model_state, save_checkpoint
from lltk.sampling.closure import LossFn, Trained
from lltk.sampling.pde import PdeSystem, reference_solution

X_POINTS, T_POINTS = 256, 100
#: Hidden layer widths of the paper's network.
HIDDEN = (50, 50, 50, 50)


class ConvectionPINN(nn.Module):
    """The MLP ``(x, t) -> u``: tanh hidden layers of ``hidden`` widths, linear output."""

    def __init__(self, hidden: tuple[int, ...] = HIDDEN) -> None:
        super().__init__()
        widths = (2, *hidden)
        layers: list[nn.Module] = []
        for a, b in itertools.pairwise(widths):
            layers += [nn.Linear(a, b), nn.Tanh()]
        layers.append(nn.Linear(widths[-1], 1))
        self.net = nn.Sequential(*layers)

    def forward(self, xt: Tensor) -> Tensor:
        """``u`` at the rows ``(x, t)`` of ``xt``, shape (N, 1)."""
        return self.net(xt)


def test_grid() -> tuple[np.ndarray, np.ndarray]:
    """The 256 x positions in [0, 2 pi) and the 100 times in [0, 1] of the test grid."""
    return (
        np.linspace(0.0, 2.0 * math.pi, X_POINTS, endpoint=False),
        np.linspace(0.0, 1.0, T_POINTS),
    )


def exact_solution(x: np.ndarray, t: np.ndarray, beta: float) -> np.ndarray:
    """``sin(x - beta t)``."""
    return np.sin(x - beta * t)


@dataclass
class PinnData:
    """The PDE system and the training points: initial condition (``x_initial`` the 256
    test-grid x at t = 0), both periodic boundaries, collocation."""

    system: PdeSystem
    x_initial: Tensor
    u_initial: Tensor
    x_left: Tensor
    x_right: Tensor
    x_collocation: Tensor

    @property
    def beta(self) -> float:
        """The convection speed."""
        return self.system.beta

    def to(
        self, device: str | torch.device | None = None, dtype: torch.dtype | None = None
    ) -> PinnData:
        """A copy with every tensor moved to ``device`` and/or cast to ``dtype``."""
        moved = {
            f.name: getattr(self, f.name).to(device=device, dtype=dtype)
            for f in fields(self)
            if isinstance(getattr(self, f.name), Tensor)
        }
        return replace(self, **moved)


#: The authors' number of collocation points (every model they saved is named ``Nf100``).
N_F = 100
#: The seed of the authors' collocation draw, the same for every training seed.
COLLOCATION_SEED = 0


def convection_data(
    beta: float, n_f: int = N_F, seed: int = COLLOCATION_SEED, device: str | torch.device = "cpu"
) -> PinnData:
    """The paper's training points; ``n_f`` collocation points drawn from the grid's
    interior as the authors' ``sample_random`` draws them (``RandomState(seed).choice``
    without replacement, the interior in ``meshgrid(x[1:], t[1:])`` order)."""
    x, t = test_grid()
    xi, ti = np.meshgrid(x[1:], t[1:])
    interior = np.column_stack([xi.ravel(), ti.ravel()])
    if not 1 <= n_f <= len(interior):
        raise ValueError(f"n_f must be between 1 and {len(interior)}, not {n_f}")
    pick = np.random.RandomState(seed).choice(len(interior), n_f, replace=False)
    zeros = np.zeros_like(x)

    def tensor(a: np.ndarray) -> Tensor:
        return torch.tensor(a, dtype=torch.float32, device=device)

    return PinnData(
        system=PdeSystem("convection", beta=float(beta)),
        x_initial=tensor(np.column_stack([x, zeros])),
        u_initial=tensor(exact_solution(x, zeros, beta)),
        x_left=tensor(np.column_stack([np.zeros_like(t), t])),
        x_right=tensor(np.column_stack([np.full_like(t, 2.0 * math.pi), t])),
        x_collocation=tensor(interior[np.sort(pick)]),
    )


def pinn_loss(
    model: nn.Module, data: PinnData, fit: tuple[Tensor, Tensor] | None = None
) -> LossFn:
    """The PINN loss as a vmappable closure of the parameters: the mean squared error at
    ``fit`` (points, targets; default the initial condition), the mean squared periodic
    mismatch (of ``u`` and, when the system has a diffusion term, of ``u_x``), and the mean
    squared residual of ``data.system`` at the collocation points.

    The input gradient of ``u`` is one reverse-mode :func:`torch.func.vjp` of the summed
    outputs (each output row depends on its input row only); convection's residual
    ``u_t + beta u_x`` is that gradient dotted with ``(beta, 1)``: under
    :func:`torch.func.vmap` on a CPU this runs about 2.4 times faster than the
    forward-mode ``jvp`` along ``(beta, 1)``. ``u_xx`` is the same pullback of ``u_x``.
    The residual is written as the authors' ``net_f`` writes it:
    ``u_t - nu u_xx + beta u_x - rho u + rho u^2`` with their system's terms only
    (:meth:`lltk.sampling.pde.PdeSystem.terms`).
    """
    fit_points, fit_values = fit if fit is not None else (data.x_initial, data.u_initial)
    beta, nu, rho = data.system.terms()
    direction = data.x_collocation.new_tensor([beta, 1.0])
    slope_term = data.system.nu != 0  # the authors' loss: whenever the file's nu is not 0

    def loss_fn(params: dict[str, Tensor]) -> Tensor:
        def u(xt: Tensor) -> Tensor:
            return functional_call(model, params, (xt,)).squeeze(-1)

        def gradient(xt: Tensor) -> tuple[Tensor, Tensor]:
            """(u_x, u_t) at each row of ``xt``, and u."""
            value, pullback = vjp(u, xt)
            return pullback(torch.ones_like(value))[0], value

        def u_x(xt: Tensor) -> Tensor:
            return gradient(xt)[0][:, 0]

        fitted = torch.mean((u(fit_points) - fit_values) ** 2)
        boundary = torch.mean((u(data.x_left) - u(data.x_right)) ** 2)
        if slope_term:
            boundary = boundary + torch.mean((u_x(data.x_left) - u_x(data.x_right)) ** 2)
        grad, value = gradient(data.x_collocation)
        if not nu and not rho:
            residual = grad @ direction
        else:
            residual = grad[:, 1]
            if nu:
                u_xx = vjp(u_x, data.x_collocation)[1](torch.ones_like(value))[0][:, 0]
                residual = residual - nu * u_xx
            if beta:
                residual = residual + beta * grad[:, 0]
            if rho:
                residual = residual - rho * value + rho * value**2
        return fitted + boundary + torch.mean(residual**2)

    return loss_fn


def predict(model: nn.Module, data: PinnData) -> dict[str, np.ndarray]:
    """``u_pred``, ``u_exact`` and ``abs_error`` on the test grid, shape (100, 256), x
    fastest. ``u_exact``: :func:`exact_solution` for convection from sin x, else
    :func:`lltk.sampling.pde.reference_solution` from ``data``'s initial condition (NaN
    where the system's solution has blown up)."""
    x, t = test_grid()
    xx, tt = np.meshgrid(x, t)
    device = next(model.parameters()).device
    with torch.no_grad():
        pts = torch.tensor(np.column_stack([xx.ravel(), tt.ravel()]), dtype=torch.float32)
        u_pred = model(pts.to(device)).squeeze(-1).double().cpu().numpy().reshape(xx.shape)
    u0 = data.u_initial.detach().double().cpu().numpy()
    x0 = data.x_initial[:, 0].detach().double().cpu().numpy()
    if len(x0) != len(x) or np.abs(x0 - x).max() > 1e-5:
        raise ValueError(f"the initial condition is not on the {X_POINTS}-point test grid")
    if data.system.name == "convection" and np.abs(u0 - np.sin(x)).max() < 1e-6:
        u_exact = exact_solution(xx, tt, data.beta)
    else:
        u_exact = reference_solution(data.system, u0, t)
    return {"u_pred": u_pred, "u_exact": u_exact, "abs_error": np.abs(u_pred - u_exact)}


def errors(solution: dict[str, np.ndarray]) -> dict[str, float]:
    """The paper's errors over the test-grid points where the solution exists: mean
    absolute, relative L2, relative L-inf; the test MSE; and that share of the grid
    (``TestCoverage``, 1 unless the system blows up)."""
    exists = np.isfinite(solution["u_exact"])
    exact = solution["u_exact"][exists]
    diff = solution["u_pred"][exists] - exact
    return {
        "TestAbsError": float(np.mean(np.abs(diff))),
        "TestRelError": float(np.linalg.norm(diff) / np.linalg.norm(exact)),
        "TestLinfError": float(np.max(np.abs(diff)) / np.max(np.abs(exact))),
        "TestLoss": float(np.mean(diff**2)),
        "TestCoverage": float(exists.mean()),
    }


def train_pinn(
    beta: float = 1.0,
    seed: int = 0,
    n_f: int = N_F,
    max_iter: int = 1000,
    collocation_seed: int | None = COLLOCATION_SEED,
    hidden: tuple[int, ...] = HIDDEN,
    use_cache: bool = True,
    progress: bool = True,
    device: str | torch.device = "cpu",
    recorder: Callable[[int, nn.Module], None] | None = None,
) -> Trained:
    """Train (or load from the cache) the convection PINN; returns its loss closure too.

    The collocation points are drawn with ``collocation_seed`` (the authors': 0 for every
    training seed; None draws them with the training ``seed``).

    L-BFGS runs for at most ``max_iter`` iterations (the paper's tolerances 1e-7); the
    checkpoint is cached under a key made of every argument that changes the result
    (the device is not one: a checkpoint trained on a GPU is reused on the CPU). With a
    ``recorder`` (:class:`lltk.sampling.trajectory.Recorder`) it trains even when cached, the
    recorder keeping states along the way, and the cache gets this run's final state.
    """
    if max_iter < 0:
        raise ValueError(f"max_iter must be >= 0, not {max_iter}")
    if not math.isfinite(beta):
        raise ValueError(f"--beta must be a finite number, not {beta}")
    draw = seed if collocation_seed is None else collocation_seed
    hyper = {"beta": float(beta), "seed": int(seed), "n_f": int(n_f), "max_iter": int(max_iter)}
    # "loss" names the loss implementation: a new one changes the L-BFGS path, so retrain;
    # "collocation" the draw of the collocation points (generator and seed).
    hyper.update(hidden=list(hidden), loss="vjp-1", collocation=f"RandomState-{int(draw)}")
    path = cache_path("pinn", hyper)
    data = convection_data(beta, n_f, draw, device)
    torch.manual_seed(seed)
    model = ConvectionPINN(tuple(hidden)).to(device)
    loss_fn = pinn_loss(model, data)
    if use_cache and path.is_file() and recorder is None:
        load_model_state(model, path)
    else:
        if use_cache:
            check_cache_writable()
        _lbfgs(model, loss_fn, max_iter, progress, recorder)
        if use_cache:
            save_checkpoint(model, hyper, path)
    metadata = {"Seed": float(seed), "Width": float(hidden[0]), "CollocationSeed": float(draw)}
    return trained_pinn(model, data, metadata, checkpoint=path if use_cache else None)


def trained_pinn(
    model: nn.Module, data: PinnData, metadata: dict, checkpoint: Path | None = None
) -> Trained:
    """A trained (or loaded) PINN as the sampler needs it: eval mode, its training loss
    on ``data`` as the closure, and ``metadata`` with the model, beta, the number of
    collocation points, the training loss and the test errors added. ``extras`` holds the
    solution on the test grid and ``data`` (``convection_data``); ``checkpoint`` is the
    file holding the weights, if any."""
    model.eval()
    loss_fn = pinn_loss(model, data)
    with torch.no_grad():
        train_loss = float(loss_fn(dict(model.named_parameters())))
    solution = predict(model, data)
    metadata = {
        "Model": "pinn",
        "Beta": float(data.beta),
        **(data.system.metadata() if data.system.name != "convection" else {}),
        **metadata,
        "CollocationPoints": float(len(data.x_collocation)),
        "TrainLoss": train_loss,
        **errors(solution),
    }
    extras = {"solution": solution, "convection_data": data}
    return Trained(model, loss_fn, metadata, extras=extras, checkpoint=checkpoint)


def _lbfgs(
    model: nn.Module,
    loss_fn: LossFn,
    max_iter: int,
    progress: bool,
    recorder: Callable[[int, nn.Module], None] | None = None,
) -> None:
    """Minimise ``loss_fn`` with the paper's L-BFGS settings, a progress bar on evaluations.

    With a ``recorder`` (which has an ``every``), L-BFGS runs in chunks of ``every``
    iterations -- its history and iteration count carry over between chunks -- and the
    recorder gets the state before, between chunks and at the end.
    """
    from tqdm import tqdm

    if max_iter == 0:
        return
    opt = torch.optim.LBFGS(
        model.parameters(),
        lr=1.0,
        max_iter=max_iter,
        history_size=50,
        tolerance_grad=1e-7,
        tolerance_change=1e-7,
        line_search_fn="strong_wolfe",
    )
    bar = tqdm(
        total=opt.defaults["max_eval"], desc="train pinn (L-BFGS evals)", disable=not progress
    )

    def closure() -> Tensor:
        opt.zero_grad()
        loss = loss_fn(dict(model.named_parameters()))
        loss.backward()
        bar.update()
        bar.set_postfix(loss=f"{loss.item():.3e}", refresh=False)
        return loss

    model.train()
    try:
        if recorder is None:
            opt.step(closure)
        else:
            _lbfgs_chunks(opt, closure, model, max_iter, recorder)
    finally:
        bar.close()


def _lbfgs_chunks(opt, closure, model: nn.Module, max_iter: int, recorder) -> None:
    """Run ``opt`` for ``max_iter`` iterations in chunks of ``recorder.every``, recording
    the state before the first and after each chunk; stop where one run would: at
    convergence or when the evaluation budget is spent. Each chunk after the first
    re-evaluates its starting point once, which the budget does not count."""
    group = opt.param_groups[0]
    budget = group["max_eval"]
    state = opt.state[group["params"][0]]
    done, chunks = 0, 0
    recorder(0, model)
    while done < max_iter:
        chunk = min(recorder.every, max_iter - done)
        used = state.get("func_evals", 0) - max(chunks - 1, 0)
        group["max_iter"], group["max_eval"] = chunk, budget - used + (chunks > 0)
        if group["max_eval"] <= 1 and chunks:
            break
        opt.step(closure)
        chunks += 1
        reached = int(state.get("n_iter", done))
        if reached > done:
            recorder(reached, model)
        if reached - done < chunk:  # converged, or out of evaluations, within the chunk
            break
        done = reached
