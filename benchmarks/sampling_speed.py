"""Loss evaluations per second on the 41 x 41 landscape of the beta = 1 convection PINN.

lltk's batched sampler against Landscaper 1.3.1 (``compute_loss_landscape``) and
loss-landscapes 3.0.6 (``random_plane``), in one process, on the same trained model, the
same data and the same loss code (``sampling.pinn.convection_loss``), two threads each;
then the wall time of lltk's 41^3 landscape. Each library builds its grid from the two
directions in its own way (Landscaper and loss-landscapes rescale them), so the loss
values differ but every method evaluates the same number of weight vectors of the same
model. Each peer runs twice: with lltk's own loss closure (the same code, so the
difference is batching alone) and with the paper-style loss (residual by reverse-mode
input gradients, as Krishnapriyan et al.'s code and a peer's user would write it). The
peers need numpy 2-era packages; run them from a separate venv::

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
import functools
import io
import time
from collections.abc import Callable

import torch
from torch import nn

from sampling import directions, landscape, pinn


def _ours(trained: pinn.Trained, dirs: torch.Tensor, r: int, n: int, chunk: int) -> float:
    start = time.perf_counter()
    landscape.sample_landscape(
        trained.loss_fn, trained.params, dirs[:n], r, 1.0, chunk_size=chunk, progress=False
    )
    return time.perf_counter() - start


def paper_loss(model: torch.nn.Module, data: pinn.ConvectionData) -> float:
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


def _landscaper(trained: pinn.Trained, dirs: torch.Tensor, r: int, loss: str) -> float:
    from landscaper.compute import compute_loss_landscape

    named = trained.params
    per_param = [list(directions.unflatten(row, named).values()) for row in dirs[:2]]
    evaluate = _scalar_fn(trained, loss)

    def scalar_fn(model: torch.nn.Module, _data: object) -> float:
        return evaluate(model)

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        compute_loss_landscape(
            trained.model, None, per_param, scalar_fn, steps=r, distance=1.0, dim=2, device="cpu"
        )
    return time.perf_counter() - start


def _loss_landscapes(trained: pinn.Trained, r: int, loss: str) -> float:
    import loss_landscapes
    from loss_landscapes.metrics import Metric

    evaluate = _scalar_fn(trained, loss)

    class PinnLoss(Metric):
        def __call__(self, model_wrapper: object) -> float:
            with torch.no_grad():
                return evaluate(model_wrapper.get_modules()[0])

    start = time.perf_counter()
    loss_landscapes.random_plane(
        trained.model,
        PinnLoss(),
        distance=1.0,
        steps=r,
        normalization="filter",
        deepcopy_model=True,
    )
    return time.perf_counter() - start


def _row_count(data: pinn.ConvectionData) -> int:
    """Initial, boundary and collocation rows: those the network evaluates."""
    return sum(len(x) for x in (data.x_initial, data.x_left, data.x_right, data.x_collocation))


def _linear_shapes(model: nn.Module) -> list[tuple[int, int]]:
    """(out, in) features of each linear layer, input first."""
    return [(m.out_features, m.in_features) for m in model.modules() if isinstance(m, nn.Linear)]


def minimum_flops(trained: pinn.Trained, data: pinn.ConvectionData) -> int:
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


def main() -> None:
    """Print the side-by-side table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=41)
    parser.add_argument("--cube", type=int, default=41, help="resolution of the 3-D run (0: skip)")
    parser.add_argument("--chunk-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--n-f", type=int, default=1000, help="PINN collocation points (default 1000, the paper's)"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    r = args.resolution
    trained = pinn.train_pinn(beta=1.0, seed=0, n_f=args.n_f, progress=False)
    dirs = directions.random_directions(trained.model, 3, seed=0)
    centre = (
        _scalar_fn(trained, "same")(trained.model),
        _scalar_fn(trained, "paper")(trained.model),
    )
    rows = [(f"lltk (vmap, chunk {args.chunk_size})", _ours(trained, dirs, r, 2, args.chunk_size))]
    for loss in ("same", "paper"):
        label = "lltk's loss closure" if loss == "same" else "paper-style autograd loss"
        for name, run in (
            ("Landscaper 1.3.1", _landscaper),
            ("loss-landscapes 3.0.6", _loss_landscapes),
        ):
            args_ = (trained, dirs, r, loss) if run is _landscaper else (trained, r, loss)
            try:
                rows.append((f"{name}, {label}", run(*args_)))
            except ImportError as exc:
                rows.append((f"{name} (not installed: {exc.name})", float("nan")))
                break
    points = r * r
    print(
        f"\n{r}x{r} landscape of the beta=1 PINN, {args.n_f} collocation points "
        f"({points} loss evaluations, "
        f"{args.threads} threads, torch {torch.__version__}); loss at the centre: "
        f"closure {centre[0]:.9g}, paper-style {centre[1]:.9g}\n"
    )
    print("| method | seconds | evaluations/s | lltk's speed-up |")
    print("| --- | ---: | ---: | ---: |")
    for name, secs in rows:
        print(f"| {name} | {secs:.2f} | {points / secs:.0f} | {secs / rows[0][1]:.1f}x |")
    roofline(
        trained,
        [points / secs for name, secs in rows if name.startswith("Landscaper")] or [float("nan")],
        args.chunk_size,
    )
    if args.cube:
        secs = _ours(trained, dirs, args.cube, 3, args.chunk_size)
        print(
            f"\nlltk {args.cube}^3 landscape ({args.cube**3} evaluations): {secs:.1f} s "
            f"({args.cube**3 / secs:.0f} evaluations/s)"
        )


if __name__ == "__main__":
    main()
