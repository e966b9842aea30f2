"""The sampler and the Hessian at the hardware's limit, side by side in one run.

For each model (ResNet-20 with and without skips on 64 digits, the beta = 1 PINN, and the
small ViT of ``tests/sampling/vit_model.py`` through ``python:MODULE:FUNCTION``) and each
thread count: (a) a plain loss evaluation at the trained weights in eval mode, the
roofline, against (b) lltk's landscape sampler, in turns (``lltk bench sampling``); then
(c) lltk's batched Hessian engine against PyHessian 0.1 on the same probes, seconds per
Hessian-vector product, with the authors' budget (1,024 images, top-2 eigenpairs x 100
power iterations, 100 Hutchinson probes, 100 Lanczos steps) extrapolated from them
(``lltk bench hessian``). Prints the machine, its load before and after, and markdown
tables for ``docs/benchmarks.md``::

    .venv/bin/python benchmarks/sampling_hardware.py
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
from pathlib import Path

import torch

from lltk.sampling import benchmark

VIT = f"python:{Path(__file__).resolve().parents[1] / 'tests' / 'sampling' / 'vit_model.py'}:make"


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--resolution", type=int, default=4, help="sampling grid per axis")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--images", type=int, default=1024, help="ResNet Hessian images")
    parser.add_argument("--iterations", type=int, default=2, help="Hessian iterations timed")
    parser.add_argument(
        "--hessian-models", nargs="+", default=["resnet20", "resnet20-noskip", "pinn"]
    )
    parser.add_argument("--hessian-threads", type=int, nargs="+", default=[2])
    parser.add_argument(
        "--parts", nargs="+", choices=("sampling", "hessian"), default=["sampling", "hessian"]
    )
    args = parser.parse_args()
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print(
        f"torch {torch.__version__}; CPU: {_cpu()}, {os.cpu_count()} cores; GPU: {gpu}\n"
        f"before: {_uptime()}\n"
    )
    if "sampling" in args.parts:
        sampling_table(args)
    if "hessian" in args.parts:
        hessian_table(args)
    print(f"\nafter: {_uptime()}")


def sampling_table(args: argparse.Namespace) -> None:
    """(a) against (b) for every model and thread count."""
    print(
        "| model | threads | (a) roofline evals/s | (b) lltk evals/s | (b)/(a) "
        "| (a) per CPU-s | (b) per CPU-s | (b)/(a) per CPU-s | lltk evaluates by | load |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for name in ("resnet20", "resnet20-noskip", "pinn", VIT):
        trained = benchmark.load_model(name)
        label = "ViT (python:tests/sampling/vit_model.py:make)" if name == VIT else name
        for threads in args.threads:
            r = benchmark.sampling_record(trained, name, threads, args.resolution, args.repeats)
            print(
                f"| {label} | {threads} | {r['roofline_evals_per_s']} | {r['lltk_evals_per_s']} "
                f"| {r['lltk_over_roofline']:.0%} | {r['roofline_evals_per_cpu_s']} "
                f"| {r['lltk_evals_per_cpu_s']} | {r['lltk_over_roofline_cpu']:.0%} "
                f"| {r['evaluation']} | {r['load_average'][0]}-{r['load_average'][1]} |",
                flush=True,
            )
    print(f"\nafter sampling: {_uptime()}\n")


def hessian_table(args: argparse.Namespace) -> None:
    """lltk's batched Hessian engine against PyHessian for every Hessian model."""
    print(
        "| model | images | threads | iterations timed | lltk s/iter (eig, trace, density) "
        "| PyHessian s/iter (eig, trace, density) | lltk top eigenvalue "
        "| PyHessian top eigenvalue | budget, lltk (extrapolated) "
        "| budget, PyHessian (extrapolated) | load |"
    )
    print("| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | --- |")
    for name in args.hessian_models:
        trained = benchmark.load_model(name, hessian_samples=args.images)
        for threads in args.hessian_threads:
            r = benchmark.hessian_record(trained, name, threads, args.iterations)
            stages = {
                key: ", ".join(
                    str(r[f"{key}_{s}_s_per_iter"]) for s in ("eigenvalues", "trace", "density")
                )
                for key in ("lltk", "pyhessian")
            }
            print(
                f"| {name} | {r['images'] or '-'} | {threads} | {r['iterations']} "
                f"| {r['lltk_s_per_iter']} ({stages['lltk']}) "
                f"| {r['pyhessian_s_per_iter']} ({stages['pyhessian']}) "
                f"| {r['lltk_top_eigenvalue']:.7g} | {r['pyhessian_top_eigenvalue']:.7g} "
                f"| {r['lltk_budget_s_extrapolated'] / 60:.1f} min "
                f"| {r['pyhessian_budget_s_extrapolated'] / 60:.1f} min "
                f"| {r['load_average'][0]}-{r['load_average'][1]} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
