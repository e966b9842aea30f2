"""Evaluations per second of ``lltk sample`` on 1 and several ranks (torchrun, gloo).

Runs ``lltk sample pinn --beta 1 --seed 0 --resolution R`` (the convection PINN, trained
once into the cache first) as one process with all threads, as one process with one
thread, and under ``torchrun --nproc_per_node N`` (one thread per rank, torchrun's
default), ``--repeats`` times each with the configurations taking turns, and prints the
median evaluations/s lltk reports (sampling only: from the first chunk until rank 0 holds
every share), its spread, the median wall time of the whole command, the speed-up over one
process and the load average. Every run must write the losses of one process with one
thread bit for bit, and says whether the whole file is byte-identical too (torch's CPU
kernels may round differently with another thread count: the PINN's solution grid, a
25 600-row batch, does)::

    PYTHONPATH=. .venv/bin/python benchmarks/sampling_distributed.py --ranks 2
    python benchmarks/sampling_distributed.py --device cuda --ranks 1 2 4   # on a GPU node
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lltk import vtkxml
from lltk.sampling.distributed import local_torchrun


def _command(ranks: int, sample: list[str]) -> list[str]:
    if ranks == 1:
        return [sys.executable, "-m", "lltk", *sample]
    return [*local_torchrun(ranks), "-m", "lltk", *sample]


def _run(ranks: int, threads: int | None, sample: list[str]) -> tuple[float, float]:
    """(evaluations/s lltk reports, wall seconds of the command)."""
    env = {"GLOO_SOCKET_IFNAME": "lo", **os.environ}  # one machine: gloo on the loopback
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    start = time.perf_counter()
    done = subprocess.run(_command(ranks, sample), env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"lltk sample failed on {ranks} ranks:\n{done.stderr}")
    rate = re.search(r"\((\d+) evaluations/s\)", done.stdout)
    return float(rate.group(1)), wall


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", type=int, nargs="+", default=[2], help="rank counts beyond 1")
    parser.add_argument("--resolution", type=int, default=41)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu", help="cpu, or cuda (cuda:LOCAL_RANK per rank)")
    args = parser.parse_args()
    cpus = os.cpu_count() or 1
    configs: list[tuple[str, int, int | None]] = [
        (f"1 process, {cpus} threads", 1, None),
        ("1 process, 1 thread", 1, 1),
        *((f"torchrun, {n} ranks x 1 thread", n, None) for n in args.ranks),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pinn.vti"
        sample = [
            "sample",
            "pinn",
            "--beta",
            "1",
            "--seed",
            "0",
            "--resolution",
            str(args.resolution),
            "--device",
            args.device,
            "--quiet",
            "--out",
            str(out),
        ]
        _run(1, 1, sample)  # trains into the cache, warms the file cache
        first = out.read_bytes()
        loss = vtkxml.read(out).point_data["Loss"]
        same: dict[str, set[str]] = {name: set() for name, *_ in configs}
        load_before = os.getloadavg()
        rates: dict[str, list[float]] = {name: [] for name, *_ in configs}
        walls: dict[str, list[float]] = {name: [] for name, *_ in configs}
        for _ in range(args.repeats):
            for name, ranks, threads in configs:
                rate, wall = _run(ranks, threads, sample)
                if out.read_bytes() == first:
                    same[name].add("yes")
                elif np.array_equal(vtkxml.read(out).point_data["Loss"], loss):
                    same[name].add("Loss array only")
                else:
                    raise SystemExit(f"{name}: the losses differ from one process, one thread")
                rates[name].append(rate)
                walls[name].append(wall)
        load_after = os.getloadavg()
    points = args.resolution**2
    print(
        f"\n{args.resolution}x{args.resolution} landscape of the beta=1 PINN ({points} "
        f"evaluations, device {args.device}, {cpus} CPUs), {args.repeats} runs each in turn; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after\n"
    )
    print(
        "| configuration | evaluations/s (median) | min-max | speed-up | "
        "wall s of the command (median) | same bytes as 1 process, 1 thread |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    base = float(np.median(rates[configs[0][0]]))
    for name, *_ in configs:
        med = float(np.median(rates[name]))
        print(
            f"| {name} | {med:.0f} | {min(rates[name]):.0f}-{max(rates[name]):.0f} "
            f"| {med / base:.2f}x | {np.median(walls[name]):.1f} "
            f"| {', '.join(sorted(same[name]))} |"
        )


if __name__ == "__main__":
    main()
