"""lltk's persistence diagram beside TTK 1.2.0's ``ttkPersistenceDiagram``, same run.

    python benchmarks/diagram_vs_ttk.py [--cases 41x41 41x41x41 ...] [--repeat 3]

Each case is the benchmark field of ``lltk bench topology`` (sum x_i^2 + 0.3 sin 5x0
cos 4x1 + 0.05 N(0,1) on [-1,1]^d, seed 0) on a regular grid. Every measurement runs
in its own child process, ours and TTK's one after the other: best-of-N wall-clock
seconds of the full diagram from the values (lltk: ``persistence_pairs`` on the grid's
domain, built once; TTK: the filter's ``Update`` on one ``vtkImageData``, whose
triangulation TTK builds on the first run and keeps), and the peak resident memory
that the first run added (domain or triangulation included), per vertex
(peak resident size after minus resident size before, the peak reset just before
with /proc/self/clear_refs; numba kernels compiled beforehand). TTK runs with its
default threads and with one (on a loaded machine its OpenMP threads can cost more
than they give). Both children also write their pairs;
the table says whether they agree row for row (birth and death vertex, critical types)
or only up to the order of pairs born at one vertex. TTK is found as lltk
finds it (:mod:`lltk.ttk`: ``LLTK_TTK_PREFIX`` or where ``make ttk`` installs it);
without it only lltk's columns are filled.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lltk import ttk

CASES = ("41x41", "41x41x41", "81x81x81", "101x101x101")


def benchmark_field(dims: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """The benchmark field on a grid (x fastest), flattened."""
    rng = np.random.default_rng(seed)
    axes = [np.linspace(-1.0, 1.0, n) for n in dims]
    g = np.meshgrid(*axes[::-1], indexing="ij")[::-1]
    noise = 0.05 * rng.standard_normal(g[0].shape)
    return (sum(x**2 for x in g) + 0.3 * np.sin(5 * g[0]) * np.cos(4 * g[1]) + noise).ravel()


def _status(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> int:
    """Reset the peak resident size to the current one (Linux); the current size."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return _status("VmRSS")


def _peak() -> int:
    return _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child_ours(dims: tuple[int, ...], repeat: int, out: str) -> dict:
    """Time lltk's diagram in this process (the grid's domain built once, as TTK keeps
    its triangulation of a data set between runs)."""
    from lltk.topology import grid_domain, persistence_pairs

    persistence_pairs(np.arange(27.0), grid_domain((3, 3, 3)))  # compile outside
    persistence_pairs(np.arange(9.0), grid_domain((3, 3)))
    values = benchmark_field(dims)
    base = _reset_peak()
    domain = grid_domain(dims)
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        diagram = persistence_pairs(values, domain)
        best = min(best, time.perf_counter() - t0)
    peak = _peak()
    rows = (diagram.birth_vertex, diagram.death_vertex, diagram.birth_type, diagram.death_type)
    np.savez(out, rows=np.column_stack(rows))
    return {"seconds": best, "bytes_per_vertex": (peak - base) / values.size}


def child_ttk(dims: tuple[int, ...], repeat: int, out: str) -> dict:
    """Time TTK's ttkPersistenceDiagram in this process (TTK on the path)."""
    import topologytoolkit
    from vtkmodules.util import numpy_support
    from vtkmodules.vtkCommonDataModel import vtkImageData

    values = benchmark_field(dims)
    image = vtkImageData()
    image.SetDimensions(*dims, *([1] * (3 - len(dims))))
    array = numpy_support.numpy_to_vtk(values, deep=1)
    array.SetName("Loss")
    image.GetPointData().AddArray(array)
    base = _reset_peak()
    best = np.inf
    for _ in range(repeat):
        flt = topologytoolkit.ttkPersistenceDiagram()
        flt.SetInputDataObject(image)
        flt.SetInputArrayToProcess(0, 0, 0, 0, "Loss")
        t0 = time.perf_counter()
        flt.Update()
        best = min(best, time.perf_counter() - t0)
    peak = _peak()
    dgm = flt.GetOutput()
    vertex = numpy_support.vtk_to_numpy(dgm.GetPointData().GetArray("ttkVertexScalarField"))
    ctype = numpy_support.vtk_to_numpy(dgm.GetPointData().GetArray("CriticalType"))
    ident = numpy_support.vtk_to_numpy(dgm.GetCellData().GetArray("PairIdentifier"))
    cells = numpy_support.vtk_to_numpy(dgm.GetCells().GetConnectivityArray()).reshape(-1, 2)
    cells = cells[ident >= 0]  # the diagonal is a cell of identifier -1
    b, d = cells[:, 0], cells[:, 1]
    np.savez(out, rows=np.column_stack([vertex[b], vertex[d], ctype[b], ctype[d]]))
    return {"seconds": best, "bytes_per_vertex": (peak - base) / values.size}


def run_child(
    which: str, dims: tuple[int, ...], repeat: int, out: str, threads: int | None = None
) -> dict | None:
    """One measurement in a fresh process (``threads``: OMP_NUM_THREADS); None if it
    failed."""
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    if which == "ttk" and ttk.add_to_env(env) is None:
        return None
    case = "x".join(map(str, dims))
    cmd = [sys.executable, __file__, "--child", which, case, str(repeat), out]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        print(f"{which} {case} failed: {proc.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return json.loads(lines[-1])


def same_rows(a: str, b: str) -> str:
    """``identical`` if two saved diagrams have the same rows (birth and death vertex,
    critical types) in the same order; ``same pairs`` if only ties of birth vertex
    are ordered differently; else ``DIFFERENT``."""
    with np.load(a) as x, np.load(b) as y:
        ra, rb = x["rows"], y["rows"]
    if np.array_equal(ra, rb):
        return "identical"
    same = sorted(map(tuple, ra.tolist())) == sorted(map(tuple, rb.tolist()))
    return "same pairs" if same and np.array_equal(ra[:, 0], rb[:, 0]) else "DIFFERENT"


def main(argv: list[str] | None = None) -> int:
    """Print the side-by-side table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", nargs="+", default=list(CASES))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        which, case, repeat, out = args.child
        dims = tuple(int(n) for n in case.split("x"))
        fn = child_ours if which == "ours" else child_ttk
        print(json.dumps(fn(dims, int(repeat), out)), flush=True)
        return 0
    head = (
        "case",
        "vertices",
        "lltk_s",
        "ttk_s",
        "ttk_1thread_s",
        "lltk_B/vertex",
        "ttk_B/vertex",
        "same",
    )
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + " |")
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases:
            dims = tuple(int(n) for n in case.split("x"))
            ours = run_child("ours", dims, args.repeat, f"{tmp}/ours.npz")
            ttk = run_child("ttk", dims, args.repeat, f"{tmp}/ttk.npz")
            ttk1 = run_child("ttk", dims, args.repeat, f"{tmp}/ttk1.npz", threads=1)
            same = "-" if not (ours and ttk) else same_rows(f"{tmp}/ours.npz", f"{tmp}/ttk.npz")

            def cell(r: dict | None, key: str, fmt: str) -> str:
                return "-" if r is None else format(r[key], fmt)

            row = (
                case,
                str(int(np.prod(dims))),
                cell(ours, "seconds", ".4g"),
                cell(ttk, "seconds", ".4g"),
                cell(ttk1, "seconds", ".4g"),
                cell(ours, "bytes_per_vertex", ".0f"),
                cell(ttk, "bytes_per_vertex", ".0f"),
                str(same),
            )
            print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
