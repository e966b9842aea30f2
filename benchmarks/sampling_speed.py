"""Loss evaluations per second on the 41 x 41 landscape of the beta = 1 convection PINN.

lltk's batched sampler against Landscaper 1.3.1 (``compute_loss_landscape``) and
loss-landscapes 3.0.6 (``planar_interpolation``), in one process, on the same trained
model, the same data and the same grid, two threads each. The grid is the one Landscaper
builds from two seeded filter-normalised directions (each tensor rescaled to norm
sqrt(numel), then each step to ||theta|| * distance / (r / 2)); lltk gets those steps as
its directions and loss-landscapes gets the grid's corners as its end models. Each
landscape is compared with lltk's point by point (Landscaper adds random noise to its
largest value, and loss-landscapes' walk shifts its even columns by one step along the
second direction: those points are matched accordingly or left out, as the table says).
Each method is timed ``--repeats`` times, the methods taking turns so that a busy moment
hits them all alike; the table gives the median, the spread (min-max) and the load average.

Each peer runs twice: with lltk's own loss closure (the same code, so the difference is
batching alone) and with the paper-style loss (residual by reverse-mode input gradients,
as Krishnapriyan et al.'s code and a peer's user would write it). The peers need numpy
2-era packages; run them from a separate venv::

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install /opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl
    .venv-bench/bin/pip install landscaper==1.3.1 loss-landscapes==3.0.6
    PYTHONPATH=. .venv-bench/bin/python benchmarks/sampling_speed.py

Methods whose package is missing are reported as such (``.venv/bin/python`` runs lltk only).

Last, the roofline: the multiply-adds any exact float32 evaluation of this loss must do
(every row through every linear layer, plus the input derivative of the collocation rows
through the hidden and output layers), the best float32 matrix-product rate this machine
reaches right now, and so the most evaluations per second it could give even if
everything but the matrix products took no time, beside the rate 10x Landscaper needs.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import importlib.util
import io
import math
import os
import time
from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor, nn

from lltk.sampling import directions, landscape, pinn

#: Seconds one method took and its landscape, indexed as lltk's (NaN: not compared).
Measured = tuple[float, np.ndarray]


def landscaper_steps(params: dict[str, Tensor], dirs: Tensor, r: int, distance: float) -> Tensor:
    """The (n, P) grid steps Landscaper 1.3.1 makes of ``dirs``: each tensor of a direction
    rescaled to norm sqrt(numel), then the whole step to norm ||theta|| * distance / (r / 2)."""
    theta_norm = directions.flatten(params).norm()
    steps = []
    for row in dirs:
        parts = directions.unflatten(row, params)
        flat = directions.flatten(
            {k: d * (math.sqrt(d.numel()) / (float(d.norm()) + 1e-10)) for k, d in parts.items()}
        )
        steps.append(flat * (theta_norm * distance / (r / 2) / flat.norm()))
    return torch.stack(steps)


def _ours(trained: pinn.Trained, steps: Tensor, r: int, n: int, chunk: int) -> Measured:
    """lltk on the grid ``theta + (i - c) s_0 + (j - c) s_1``: directions ``c s_k``, alpha
    in [-1, 1] (c = r // 2)."""
    start = time.perf_counter()
    result = landscape.sample_landscape(
        trained.loss_fn,
        trained.params,
        steps[:n] * (r // 2),
        r,
        1.0,
        chunk_size=chunk,
        progress=False,
    )
    return time.perf_counter() - start, result.loss


def paper_loss(model: torch.nn.Module, data: pinn.PinnData) -> float:
    """The PINN loss with the residual by reverse-mode input gradients, as Krishnapriyan
    et al.'s code computes it (what a user of the peers would write by hand)."""
    with torch.enable_grad():
        xf = data.x_collocation.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(model(xf).sum(), xf)
    with torch.no_grad():
        residual = grad[:, 1] + data.beta * grad[:, 0]
        initial = torch.mean((model(data.x_initial).squeeze(-1) - data.u_initial) ** 2)
        boundary = torch.mean((model(data.x_left) - model(data.x_right)) ** 2)
        return float(initial + boundary + torch.mean(residual**2))


def _scalar_fn(trained: pinn.Trained, loss: str) -> Callable[[torch.nn.Module], float]:
    if loss == "paper":
        data = pinn.convection_data(1.0, int(trained.metadata["CollocationPoints"]), 0)
        return lambda model: paper_loss(model, data)

    def closure(model: torch.nn.Module) -> float:
        with torch.no_grad():
            return float(trained.loss_fn(dict(model.named_parameters())))

    return closure


def _landscaper(
    trained: pinn.Trained, dirs: Tensor, lltk: np.ndarray, r: int, loss: str
) -> Measured:
    """Landscaper's own grid from ``dirs``; its noised maximum (lltk's argmax) left out."""
    from landscaper.compute import compute_loss_landscape

    named = trained.params
    per_param = [list(directions.unflatten(row, named).values()) for row in dirs[:2]]
    evaluate = _scalar_fn(trained, loss)

    def scalar_fn(model: torch.nn.Module, _data: object) -> float:
        return evaluate(model)

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        values, _ = compute_loss_landscape(
            trained.model, None, per_param, scalar_fn, steps=r, distance=1.0, dim=2, device="cpu"
        )
    seconds = time.perf_counter() - start
    values = np.array(values, dtype=np.float64)
    values[np.unravel_index(np.nanargmax(lltk), lltk.shape)] = np.nan
    return seconds, values


def _loss_landscapes(trained: pinn.Trained, steps: Tensor, r: int, loss: str) -> Measured:
    """``planar_interpolation`` from the grid's corner to one step beyond its two far edges.

    Its walk evaluates column i at ``corner + i s_0 + (j + [i even]) s_1`` (j = 0..r-1):
    even columns are shifted by one step, so their first point is never sampled and
    their last lies outside the grid; both are left out of the comparison.
    """
    import loss_landscapes
    from loss_landscapes.metrics import Metric

    evaluate = _scalar_fn(trained, loss)

    class PinnLoss(Metric):
        def __call__(self, model_wrapper: object) -> float:
            with torch.no_grad():
                return evaluate(model_wrapper.get_modules()[0])

    def model_at(vector: Tensor) -> nn.Module:
        model = copy.deepcopy(trained.model)
        torch.nn.utils.vector_to_parameters(vector, model.parameters())
        return model

    corner = directions.flatten(trained.params) - (r // 2) * (steps[0] + steps[1])
    ends = [model_at(corner), model_at(corner + r * steps[0]), model_at(corner + r * steps[1])]
    start = time.perf_counter()
    walked = loss_landscapes.planar_interpolation(*ends, PinnLoss(), steps=r, deepcopy_model=True)
    seconds = time.perf_counter() - start
    values = np.full((r, r), np.nan)
    values[1::2] = walked[1::2]
    values[::2, 1:] = walked[::2, :-1]
    return seconds, values


def _row_count(data: pinn.PinnData) -> int:
    """Initial, boundary and collocation rows: those the network evaluates."""
    return sum(len(x) for x in (data.x_initial, data.x_left, data.x_right, data.x_collocation))


def _linear_shapes(model: nn.Module) -> list[tuple[int, int]]:
    """(out, in) features of each linear layer, input first."""
    return [(m.out_features, m.in_features) for m in model.modules() if isinstance(m, nn.Linear)]


def minimum_flops(trained: pinn.Trained, data: pinn.PinnData) -> int:
    """Floating-point operations of the matrix products in one exact evaluation of the loss.

    Forward: every initial, boundary and collocation row through every linear layer.
    Residual ``u_t + beta u_x`` (one directional derivative, the cheapest exact way): the
    first layer's tangent ``W_1 (beta, 1)`` is the same for every row, so only the layers
    after it multiply, once per collocation row.
    """
    macs = [n_out * n_in for n_out, n_in in _linear_shapes(trained.model)]
    return 2 * (_row_count(data) * sum(macs) + len(data.x_collocation) * sum(macs[1:]))


def _best_seconds(fn: Callable[[], object], repeats: int = 10) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def roofline(trained: pinn.Trained, peers: list[float], chunk: int) -> None:
    """Print the most evaluations/s the matrix products (and tanh) allow on this machine."""
    data = pinn.convection_data(1.0, int(trained.metadata["CollocationPoints"]), 0)
    flops = minimum_flops(trained, data)
    rows = _row_count(data)
    print(
        f"\nRoofline: one exact evaluation needs {flops / 1e6:.1f} MFLOP of matrix products; "
        f"10x Landscaper (the rows above) is {10 * min(peers):.0f} to {10 * max(peers):.0f} "
        "evaluations/s.\n"
    )
    print("| float32 work (best of 10) | rate | most evaluations/s from it alone |")
    print("| --- | ---: | ---: |")
    *hidden, _ = (n_out for n_out, _ in _linear_shapes(trained.model))
    width = hidden[-1]
    for a_shape, b_shape in (
        ((2048, 2048), (2048, 2048)),
        ((chunk, rows + len(data.x_collocation), width), (chunk, width, width)),
    ):
        a, b = torch.randn(a_shape), torch.randn(b_shape)
        seconds = _best_seconds(functools.partial(torch.matmul, a, b))
        gflops = 2 * a.numel() * b_shape[-1] / seconds / 1e9
        print(
            f"| matrix product {a_shape} @ {b_shape} | {gflops:.0f} GFLOP/s | "
            f"{gflops * 1e9 / flops:.0f} |"
        )
    n_tanh = rows * sum(hidden)
    x = torch.randn(chunk, n_tanh)
    per_tanh = _best_seconds(functools.partial(torch.tanh, x)) / x.numel()
    print(
        f"| torch.tanh, {n_tanh} per evaluation | {per_tanh * 1e9:.2f} ns each | "
        f"{1 / (per_tanh * n_tanh):.0f} |"
    )


def _agreement(values: np.ndarray, lltk: np.ndarray) -> tuple[int, float, float]:
    """(points compared, largest relative difference from lltk's loss there, largest
    absolute difference over lltk's loss range)."""
    both = np.isfinite(values) & np.isfinite(lltk)
    diff = np.abs(values[both] - lltk[both])
    span = np.nanmax(lltk) - np.nanmin(lltk)
    return int(both.sum()), float(np.max(diff / np.abs(lltk[both]))), float(diff.max() / span)


def main() -> None:
    """Print the side-by-side table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=41, help="odd points per axis")
    parser.add_argument("--cube", type=int, default=0, help="resolution of a 3-D lltk run")
    parser.add_argument("--chunk-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5, help="timings of each method")
    parser.add_argument(
        "--n-f", type=int, default=1000, help="PINN collocation points (default 1000, the paper's)"
    )
    args = parser.parse_args()
    if args.resolution % 2 == 0:
        parser.error("--resolution must be odd (Landscaper's grid is centred on the model)")
    torch.set_num_threads(args.threads)
    r = args.resolution
    trained = pinn.train_pinn(beta=1.0, seed=0, n_f=args.n_f, progress=False)
    dirs = directions.random_directions(trained.model, 3, seed=0)
    steps = landscaper_steps(trained.params, dirs, r, 1.0)
    centre = (
        _scalar_fn(trained, "same")(trained.model),
        _scalar_fn(trained, "paper")(trained.model),
    )
    _, reference = _ours(trained, steps, r, 2, args.chunk_size)
    methods: list[tuple[str, Callable[[], Measured]]] = [
        (
            f"lltk (vmap, chunk {args.chunk_size})",
            lambda: _ours(trained, steps, r, 2, args.chunk_size),
        )
    ]
    missing = []
    for name, module in (
        ("Landscaper 1.3.1", "landscaper"),
        ("loss-landscapes 3.0.6", "loss_landscapes"),
    ):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{name} (not installed: {module})")
            continue
        for loss in ("same", "paper"):
            label = "lltk's loss closure" if loss == "same" else "paper-style autograd loss"
            if module == "landscaper":
                run = functools.partial(_landscaper, trained, dirs, reference, r, loss)
            else:
                run = functools.partial(_loss_landscapes, trained, steps, r, loss)
            methods.append((f"{name}, {label}", run))
    load_before = os.getloadavg()
    seconds: dict[str, list[float]] = {name: [] for name, _ in methods}
    values: dict[str, np.ndarray] = {}
    for _ in range(args.repeats):
        for name, run in methods:
            secs, values[name] = run()
            seconds[name].append(secs)
    load_after = os.getloadavg()
    points = r * r
    print(
        f"\n{r}x{r} landscape of the beta=1 PINN, {args.n_f} collocation points "
        f"({points} loss evaluations, {args.threads} threads, torch {torch.__version__}, "
        f"{args.repeats} timings each, methods in turn); loss at the centre: "
        f"closure {centre[0]:.9g}, paper-style {centre[1]:.9g}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after\n"
    )
    print(
        "| method | median s | min-max s | evaluations/s (median) | lltk's speed-up "
        "| points compared | max relative difference from lltk | max difference / loss range |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    ours = float(np.median(seconds[methods[0][0]]))
    for name, _ in methods:
        med = float(np.median(seconds[name]))
        compared, worst, of_range = _agreement(values[name], reference)
        print(
            f"| {name} | {med:.2f} | {min(seconds[name]):.2f}-{max(seconds[name]):.2f} "
            f"| {points / med:.0f} | {med / ours:.1f}x | {compared} | {worst:.1e} "
            f"| {of_range:.1e} |"
        )
    for name in missing:
        print(f"| {name} | | | | | | | |")
    # Rounding control: the same grid written as alpha in [-c, c] times the steps themselves.
    control = landscape.sample_landscape(
        trained.loss_fn, trained.params, steps[:2], r, float(r // 2), progress=False
    ).loss
    _, worst, of_range = _agreement(control, reference)
    print(
        f"\nRounding control: lltk on the same grid written as alpha in [-{r // 2}, {r // 2}] "
        f"times the steps differs from the row above by up to {worst:.1e} relative "
        f"({of_range:.1e} of the loss range)."
    )
    rates = [
        points / float(np.median(seconds[n])) for n, _ in methods if n.startswith("Landscaper")
    ]
    roofline(trained, rates or [float("nan")], args.chunk_size)
    if args.cube:
        cube_steps = landscaper_steps(trained.params, dirs, args.cube, 1.0)
        secs, _ = _ours(trained, cube_steps, args.cube, 3, args.chunk_size)
        print(
            f"\nlltk {args.cube}^3 landscape ({args.cube**3} evaluations): {secs:.1f} s "
            f"({args.cube**3 / secs:.0f} evaluations/s)"
        )


if __name__ == "__main__":
    main()
