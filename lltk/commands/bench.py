"""``lltk bench topology|sampling|hessian``: the options of :class:`lltk.benchmark.BenchConfig`,
then :func:`lltk.benchmark.run`."""

from __future__ import annotations

import argparse
from functools import partial

from lltk import benchmark
from lltk.benchmark import BENCHMARKS, CASES, BenchConfig
from lltk.commands import config_from_args, config_option
from lltk.sampling.models import MODELS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``bench`` subcommand: an option per field of :class:`~lltk.benchmark.BenchConfig`."""
    p = subparsers.add_parser(
        "bench",
        help="benchmarks (topology vs argsort, gudhi, TTK; sampling vs a plain forward pass; "
        "hessian vs PyHessian)",
        description=(
            "topology: time the topology core on the seeded field f(x) = sum x_i^2 + "
            "0.3 sin(5 x0) cos(4 x1) + 0.05 N(0,1) over [-1,1]^n, beside numpy.argsort "
            "of the same values, gudhi's lower-star persistence of the same complex and, "
            "where make ttk installed TTK, TTK's FTM join tree + persistence diagram. "
            "sampling: lltk's landscape sampler against a plain loss evaluation at the "
            "trained weights (the roofline), in turns. hessian: lltk's batched Hessian "
            "engine against PyHessian on the same probes, seconds per iteration."
        ),
    )
    option = partial(config_option, p, BenchConfig)
    option("what", "which benchmark", choices=BENCHMARKS)
    option("--json", "one JSON record per line")
    option("--cases", None, nargs="+", choices=CASES, type=str)
    option("--repeat", "best of N for ours and argsort")
    option("--gudhi-timeout", "seconds before gudhi (and TTK) is skipped")
    option("--no-gudhi", "skip gudhi", dest="gudhi")
    option("--no-ttk", "skip TTK (timed only where make ttk installed it)", dest="ttk")
    option("--seed", None)
    models = ", ".join(m for m in MODELS if m != "resnet20-noskip")
    option(
        "--model",
        f"sampling/hessian: {models}, resnet20-noskip or python:MODULE:FUNCTION "
        "(default: resnet20 resnet20-noskip pinn)",
        nargs="+",
        metavar="M",
        type=str,
    )
    option("--threads", "sampling/hessian (default 1 2)", type=int, nargs="+")
    option("--resolution", "sampling: points per axis of the grid (4)")
    option("--images", "hessian: ResNet images (default 1024)")
    option(
        "--iterations",
        "hessian: iterations of each stage, timed and extrapolated to 100 (default 3)",
    )
    option(
        "--chunk-size",
        "sampling: weight points per chunk (32); hessian: images per chunk (128)",
    )
    p.set_defaults(func=run, config=BenchConfig)


def run(args: argparse.Namespace) -> int:
    """Build the checked :class:`~lltk.benchmark.BenchConfig`, then :func:`lltk.benchmark.run`."""
    benchmark.run(config_from_args(args))
    return 0
