"""CUDA check and timings of the PINN sampler (run on a machine with a GPU).

Trains the beta = 1 PINN on the GPU, samples the 41^2 landscape for several chunk sizes
and the 41^3 landscape, checks a 9 x 9 landscape against the same model evaluated on the
CPU, and runs the Hessian figures on the GPU::

    PYTHONPATH=. python3 benchmarks/sampling_gpu.py
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lltk.sampling import directions, hessian, landscape, pinn


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    _sync()
    start = time.perf_counter()
    out = fn()
    _sync()
    return out, time.perf_counter() - start


def main() -> None:
    """Print the checks and timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="cpu for a dry run")
    parser.add_argument("--resolution", type=int, default=41)
    args = parser.parse_args()
    dev = torch.device(args.device)
    r = args.resolution
    name = torch.cuda.get_device_name(0) if dev.type == "cuda" else "CPU"
    print(f"torch {torch.__version__}, {name}")
    trained, secs = _timed(
        lambda: pinn.train_pinn(beta=1.0, seed=0, use_cache=False, progress=False, device=dev)
    )
    print(f"train on {dev}: {secs:.1f} s; metrics {trained.metadata}")
    dirs = directions.random_directions(trained.model, 3, seed=0)
    params = trained.params

    def sample(r: int, n: int, chunk: int) -> landscape.LandscapeResult:
        return landscape.sample_landscape(
            trained.loss_fn, params, dirs[:n], r, 1.0, chunk_size=chunk, progress=False
        )

    sample(r, 2, 1024)
    for chunk in (128, 512, 1024, 1681):
        _, secs = _timed(lambda chunk=chunk: sample(r, 2, chunk))
        print(f"{r}^2, chunk {chunk}: {secs:.3f} s ({r**2 / secs:.0f} evaluations/s)")
    for chunk in (2048, 8192):
        _, secs = _timed(lambda chunk=chunk: sample(r, 3, chunk))
        print(f"{r}^3, chunk {chunk}: {secs:.2f} s ({r**3 / secs:.0f} evaluations/s)")

    gpu = sample(9, 2, 81).loss
    cpu_model = trained.model.to("cpu")
    cpu_loss = pinn.pinn_loss(cpu_model, pinn.convection_data(1.0, 1000, 0))
    cpu_params = {k: v.detach() for k, v in cpu_model.named_parameters()}
    cpu = landscape.sample_landscape(
        cpu_loss, cpu_params, dirs[:2].cpu(), 9, 1.0, progress=False
    ).loss
    print(
        f"9x9 {dev} vs CPU: max relative difference {np.max(np.abs(gpu - cpu) / np.abs(cpu)):.2e}"
    )

    figs_cpu = hessian.hessian_figures(cpu_model, cpu_loss, top_k=2, max_iter=50, trace_iter=50)
    trained.model.to(dev)
    figs, secs = _timed(
        lambda: hessian.hessian_figures(
            trained.model, trained.loss_fn, top_k=2, max_iter=50, trace_iter=50
        )
    )
    print(
        f"Hessian on {dev} {secs:.1f} s: top {figs.eigenvalues}, trace {figs.trace:.4g}; "
        f"on CPU: top {figs_cpu.eigenvalues}, trace {figs_cpu.trace:.4g}"
    )


if __name__ == "__main__":
    main()
