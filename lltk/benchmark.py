"""lltk's benchmarks, as ``lltk bench`` runs them, on one checked :class:`BenchConfig`.

``topology``: our join tree + diagram against numpy.argsort, gudhi and, where ``make ttk``
installed it, TTK itself (its FTM join tree + persistence diagram, timed in a child
process by :mod:`lltk._benchmark_ttk`); and the persistence diagram of every dimension on
4-D to 6-D grids against gudhi, with our peak memory. ``sampling`` and ``hessian``: the
landscape sampler against a plain forward pass, the batched Hessian engine against
PyHessian (:mod:`lltk.sampling.benchmark`). :func:`run` prints each record as it comes,
a JSON line or a row of text; :func:`grid_record` and :func:`nd_record` return one
topology record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from lltk.sampling.config import check_model_name
from lltk.topology.domain import axis_edges

#: n-D grid cases (the full diagram only): name -> (points per axis, axes).
ND_CASES = {"kuhn21^4": (21, 4), "kuhn41^4": (41, 4), "kuhn11^5": (11, 5), "kuhn7^6": (7, 6)}
CASES = ("grid41x41", "grid41x41x41", "axis41^4", "knn16_200k_4d", *ND_CASES)
#: gudhi is given n-D complexes up to this many simplices (21^4 has 25 M; 11^5 has 116 M,
#: several GiB in a SimplexTree, beyond a shared 24 GB machine)
GUDHI_MAX_SIMPLICES = 30_000_000


#: What ``lltk bench`` times.
BENCHMARKS = ("topology", "sampling", "hessian")
#: ``sampling`` and ``hessian`` without ``model``, ``threads``.
DEFAULT_MODELS = ("resnet20", "resnet20-noskip", "pinn")
DEFAULT_THREADS = (1, 2)


@dataclass(kw_only=True)
class BenchConfig:
    """What ``lltk bench`` runs, checked when built (options named by their flags).

    ``what``: one of :data:`BENCHMARKS`; ``json``: print JSON lines, not a table.
    topology: ``cases`` (of :data:`CASES`), the best of ``repeat`` runs, gudhi and TTK
    each skipped past ``gudhi_timeout`` seconds (or not run: ``gudhi``, ``ttk`` False),
    the field's ``seed``. sampling and hessian: ``model`` (built-in names or
    ``python:MODULE:FUNCTION``; None: :data:`DEFAULT_MODELS`) on each of ``threads``
    (None: :data:`DEFAULT_THREADS`); sampling a grid of ``resolution`` points per axis,
    the Hessian of ``images`` ResNet images over ``iterations`` iterations of each
    stage; ``chunk_size`` None: weight points per chunk 32, the Hessian engine's images
    per chunk.

    >>> BenchConfig(what="sampling", model=("pinn",)).threads
    (1, 2)
    """

    what: str
    json: bool = False
    cases: tuple[str, ...] = CASES
    repeat: int = 3
    gudhi_timeout: float = 300.0
    gudhi: bool = True
    ttk: bool = True
    seed: int = 0
    model: tuple[str, ...] | None = None
    threads: tuple[int, ...] | None = None
    resolution: int = 4
    images: int = 1024
    iterations: int = 3
    chunk_size: int | None = None

    def __post_init__(self) -> None:
        _check_choices("what", (self.what,), BENCHMARKS)
        self.cases = tuple(self.cases)
        _check_choices("--cases", self.cases, CASES)
        if self.what == "topology":
            for flag in ("model", "threads", "chunk_size"):
                if getattr(self, flag) is not None:
                    raise ValueError(
                        f"--{flag.replace('_', '-')} applies to sampling and hessian only"
                    )
        else:
            self.model = tuple(self.model or DEFAULT_MODELS)
            self.threads = tuple(self.threads or DEFAULT_THREADS)
            for name in self.model:
                try:
                    check_model_name(name)
                except ValueError as exc:
                    raise ValueError(f"--model: {exc}") from None
        for flag, value, least in (
            ("--repeat", self.repeat, 1),
            ("--threads", min(self.threads or [1]), 1),
            ("--resolution", self.resolution, 2),
            ("--images", self.images, 1),
            ("--iterations", self.iterations, 1),
            ("--chunk-size", self.chunk_size or 1, 1),
        ):
            if value < least:
                raise ValueError(f"{flag} must be >= {least}, not {value}")
        if not self.gudhi_timeout > 0:
            raise ValueError(f"--gudhi-timeout must be > 0, not {self.gudhi_timeout}")


def _check_choices(flag: str, given: tuple[str, ...], choices: tuple[str, ...]) -> None:
    """A ValueError worded as argparse's where one of ``given`` is not a choice."""
    for value in given:
        if value not in choices:
            listed = ", ".join(repr(c) for c in choices)
            raise ValueError(f"argument {flag}: invalid choice: {value!r} (choose from {listed})")


def field(points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The benchmark field f(x) = sum x_i^2 + 0.3 sin(5 x0) cos(4 x1) + 0.05 N(0, 1)."""
    x = points
    return (
        (x**2).sum(axis=1)
        + 0.3 * np.sin(5 * x[:, 0]) * np.cos(4 * x[:, 1])
        + 0.05 * rng.standard_normal(len(x))
    )


def _lattice(n: int, d: int) -> np.ndarray:
    """Points of an n^d lattice over [-1, 1]^d, x fastest (VTK order)."""
    axis = np.linspace(-1.0, 1.0, n)
    mesh = np.meshgrid(*[axis] * d, indexing="ij")
    return np.column_stack([m.ravel() for m in mesh[::-1]])


def build_case(name: str, seed: int):
    """(values, domain, simplices for gudhi) of a benchmark case."""
    from lltk.topology import graph_domain, grid_domain

    rng = np.random.default_rng(seed)
    if name.startswith("grid"):
        d = name.count("x") + 1
        points = _lattice(41, d)
        domain = grid_domain((41,) * d)
        simplices = [domain.simplices(k) for k in range(d + 1)]
        return field(points, rng), domain, simplices
    if name == "axis41^4":
        points = _lattice(41, 4)
        edges = axis_edges(4, 41)
        domain = graph_domain(len(points), edges)
    else:
        from scipy.spatial import cKDTree

        points = rng.uniform(-1.0, 1.0, size=(200_000, 4))
        _, nbr = cKDTree(points).query(points, k=17)
        edges = np.column_stack([np.repeat(np.arange(len(points)), 16), nbr[:, 1:].ravel()])
        domain = graph_domain(len(points), edges)
    values = field(points, rng)
    return values, domain, [np.arange(len(points))[:, None], domain.edges()]


def _grid_simplex_count(n: int, d: int) -> int:
    """Simplices of every dimension in the Kuhn triangulation of an n^d grid."""
    from lltk.topology.domain import _chains

    total = n**d
    for k in range(1, d + 1):
        for chain in _chains(d, k):
            total += (n - 1) ** bin(chain[-1]).count("1") * n ** (d - bin(chain[-1]).count("1"))
    return total


def _ours_child(values: np.ndarray, dims: tuple[int, ...], repeat: int, conn) -> None:
    """Time our diagram (best of ``repeat``) and the resident memory its first run added
    (peak minus before, the peak reset just before; Linux)."""
    from lltk.topology import grid_domain, persistence_pairs

    persistence_pairs(np.arange(3.0 ** len(dims)), grid_domain((3,) * len(dims)))  # compile

    def status(key: str) -> int:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
        return 0

    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
    before = status("VmRSS")
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        diagram = persistence_pairs(values, grid_domain(dims))
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if len(times) == 1:
            peak = status("VmHWM") - before
    counts = np.bincount(diagram.dimension[diagram.pair_type != -1], minlength=len(dims))
    conn.send((min(times), min(cpu), peak, counts.tolist()))


def _in_child(target, args: tuple, timeout: float, start: str = "fork"):
    """``target(*args, conn)`` in a child process (``start``: forked, or spawned where
    the child runs threaded numba kernels, which a fork after OpenMP started breaks):
    what it sends, None past ``timeout``."""
    import multiprocessing as mp

    ctx = mp.get_context(start)
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(*args, send))
    proc.start()
    send.close()  # a child that dies closes the pipe: EOF, no wait for the timeout
    try:
        result = recv.recv() if recv.poll(timeout) else None
    except EOFError:
        result = None
    if proc.is_alive():
        proc.kill()
    proc.join()
    return result


def nd_record(name: str, config: BenchConfig) -> dict:
    """One n-D record: our full diagram (best of ``repeat``, in a child process, with
    the memory it added) and gudhi's persistence of the same complex where it fits.
    """
    from lltk.topology import grid_domain

    n, d = ND_CASES[name]
    values = field(_lattice(n, d), np.random.default_rng(config.seed))
    simplices = _grid_simplex_count(n, d)
    load = os.getloadavg()[0]  # the machine is shared: wall seconds depend on it
    ours = _in_child(_ours_child, (values, (n,) * d, config.repeat), 3600, "spawn")
    gudhi = None
    if config.gudhi and simplices <= GUDHI_MAX_SIMPLICES:
        domain = grid_domain((n,) * d)
        blocks = [domain.simplices(k) for k in range(d + 1)]
        gudhi = time_gudhi(blocks, values, config.gudhi_timeout, cpu=True)
        del blocks
    seconds, cpu, peak, counts = ours if ours is not None else (None, None, None, [])
    gudhi_s, gudhi_cpu = gudhi if gudhi is not None else (None, None)

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or not b else round(a / b, 1)

    return {
        "case": name,
        "vertices": n**d,
        "simplices": simplices,
        "seconds": None if seconds is None else round(seconds, 3),
        "cpu_seconds": None if cpu is None else round(cpu, 3),
        "peak_mib": None if peak is None else round(peak / 2**20, 1),
        "load_average": round(load, 1),
        "gudhi_seconds": None if gudhi_s is None else round(gudhi_s, 2),
        "gudhi_cpu_seconds": None if gudhi_cpu is None else round(gudhi_cpu, 2),
        "gudhi_over_ours": ratio(gudhi_s, seconds),
        "gudhi_over_ours_cpu": ratio(gudhi_cpu, cpu),
        "pairs_by_dimension": counts,
    }


def _gudhi_child(simplices, values, conn) -> None:
    import gudhi

    rank = np.empty(values.size, np.int64)
    rank[np.argsort(values, kind="stable")] = np.arange(values.size)
    t0, c0 = time.perf_counter(), time.process_time()
    st = gudhi.SimplexTree()
    for block in simplices:
        st.insert_batch(block.T.astype(np.int64), rank[block].max(axis=1).astype(float))
    st.make_filtration_non_decreasing()
    st.compute_persistence(homology_coeff_field=2, min_persistence=0)
    conn.send((time.perf_counter() - t0, time.process_time() - c0))


def time_gudhi(simplices, values, timeout: float, cpu: bool = False):
    """gudhi's lower-star persistence time (build + persistence), None past ``timeout``;
    with ``cpu``, (wall, CPU) seconds."""
    try:
        import gudhi  # noqa: F401
    except ImportError:
        return None
    times = _in_child(_gudhi_child, (simplices, values), timeout)
    return times if cpu or times is None else times[0]


def time_ttk(values: np.ndarray, domain, repeat: int, timeout: float) -> float | None:
    """TTK's join tree + persistence diagram time (best of ``repeat``) in a child process
    that loads TTK; None where TTK is not installed, refused the case or took too long."""
    from lltk import ttk

    env = dict(os.environ)
    if ttk.add_to_env(env) is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        case = os.path.join(tmp, "case.npz")
        if domain.dims is not None:
            np.savez(case, values=values, dims=np.asarray(domain.dims))
        else:
            np.savez(case, values=values, edges=domain.edges())
        cmd = [sys.executable, "-m", "lltk._benchmark_ttk", case, str(repeat)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1]).get("seconds") if lines else None


def grid_record(name: str, config: BenchConfig) -> dict:
    """One record of a 2-D/3-D grid or a graph case: ours, argsort, gudhi, TTK."""
    from lltk.topology import join_tree_and_diagram

    t0 = time.perf_counter()
    values, domain, simplices = build_case(name, config.seed)
    build = time.perf_counter() - t0
    ours, sort = [], []
    for _ in range(config.repeat):
        t0 = time.perf_counter()
        tree, diagram = join_tree_and_diagram(values, domain)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        np.argsort(values)
        sort.append(time.perf_counter() - t0)
    timeout = config.gudhi_timeout
    gudhi_s = time_gudhi(simplices, values, timeout) if config.gudhi else None
    ttk_s = time_ttk(values, domain, config.repeat, timeout) if config.ttk else None
    return {
        "case": name,
        "vertices": int(domain.n_vertices),
        "edges": int(domain.indices.size // 2),
        "seconds": round(min(ours), 4),
        "argsort_seconds": round(min(sort), 4),
        "gudhi_seconds": None if gudhi_s is None else round(gudhi_s, 4),
        "ttk_seconds": None if ttk_s is None else round(ttk_s, 4),
        "ratio_to_argsort": round(min(ours) / min(sort), 2),
        "minima": int((tree.node_type == 0).sum()),
        "pairs": len(diagram),
        "build_seconds": round(build, 3),
    }


def run(config: BenchConfig) -> None:
    """Run the benchmark ``config.what`` names; print each record as it comes."""
    if config.what == "topology":
        run_topology(config)
    else:
        run_models(config)


def run_models(config: BenchConfig) -> None:
    """``sampling`` / ``hessian``: a record per model and thread count."""
    import torch

    from lltk.sampling import benchmark

    previous = torch.get_num_threads()
    try:
        for name in config.model:
            if config.what == "sampling":
                trained = benchmark.load_model(name)
            else:
                trained = benchmark.load_model(name, hessian_samples=config.images)
            for t in config.threads:
                if config.what == "sampling":
                    rec = benchmark.sampling_record(
                        trained, name, t, config.resolution, chunk_size=config.chunk_size or 32
                    )
                else:
                    rec = benchmark.hessian_record(
                        trained, name, t, config.iterations, chunk_size=config.chunk_size
                    )
                print(json.dumps(rec) if config.json else describe(rec), flush=True)
    finally:
        torch.set_num_threads(previous)


def describe(rec: dict) -> str:
    """One sampling or hessian record as a line of text."""
    if "lltk_evals_per_s" in rec:
        return (
            f"{rec['model']}, {rec['threads']} thread(s): roofline "
            f"{rec['roofline_evals_per_s']} evaluations/s, lltk {rec['lltk_evals_per_s']} "
            f"({rec['lltk_over_roofline']:.0%}; per CPU-second "
            f"{rec['lltk_over_roofline_cpu']:.0%}; {rec['evaluation']}), load "
            f"{rec['load_average'][0]}-{rec['load_average'][1]}"
        )
    return (
        f"{rec['model']}, {rec['images']} images, {rec['threads']} thread(s): lltk "
        f"{rec['lltk_s_per_iter']} s/iteration, PyHessian {rec['pyhessian_s_per_iter']} "
        f"s/iteration; top eigenvalue {rec['lltk_top_eigenvalue']:.6g} vs "
        f"{rec['pyhessian_top_eigenvalue']:.6g}; authors' budget extrapolated: lltk "
        f"{rec['lltk_budget_s_extrapolated'] / 60:.1f} min, PyHessian "
        f"{rec['pyhessian_budget_s_extrapolated'] / 60:.1f} min; load "
        f"{rec['load_average'][0]}-{rec['load_average'][1]}"
    )


def run_topology(config: BenchConfig) -> None:
    """``topology``: run the cases, print JSON lines or a table."""
    from lltk.topology import grid_domain, join_tree_and_diagram

    # compile the numba kernels outside the timings
    join_tree_and_diagram(np.arange(9.0)[::-1], grid_domain((3, 3)))
    from lltk import ttk

    cols = ("case", "vertices", "edges", "seconds", "argsort_seconds", "gudhi_seconds")
    if config.ttk and ttk.find() is not None:
        cols += ("ttk_seconds",)
    if not config.json:
        print(" ".join(f"{c:>16}" for c in (*cols, "ratio_to_argsort")))
    for name in (c for c in config.cases if c not in ND_CASES):
        rec = grid_record(name, config)
        if config.json:
            print(json.dumps(rec), flush=True)
        else:
            print(" ".join(f"{rec[c]!s:>16}" for c in (*cols, "ratio_to_argsort")), flush=True)
    nd_cols = ("case", "vertices", "simplices", "seconds", "cpu_seconds", "peak_mib")
    nd_cols += ("load_average",)
    nd_cols += ("gudhi_seconds", "gudhi_cpu_seconds", "gudhi_over_ours", "gudhi_over_ours_cpu")
    nd_cols += ("pairs_by_dimension",)
    nd = [c for c in config.cases if c in ND_CASES]
    if nd and not config.json:
        print("\nfull diagram, every dimension, n-D grids (ours in a child process):")
        print(" ".join(f"{c:>16}" for c in nd_cols))
    for name in nd:
        rec = nd_record(name, config)
        if config.json:
            print(json.dumps(rec), flush=True)
        else:
            print(" ".join(f"{rec[c]!s:>16}" for c in nd_cols), flush=True)
