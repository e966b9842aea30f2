"""``lltk study pinn|resnet``: reproduce the study's sweeps, tables, claims and figures."""

from __future__ import annotations

import argparse
from functools import partial

from lltk import study
from lltk.commands import config_from_args, config_option, path_argument
from lltk.sampling.protocols import STUDY_DEFAULT
from lltk.study import PinnConfig, ReferenceConfig, ResnetConfig


def number_list(text: str) -> tuple[float, ...]:
    """``"1..10"``, ``"1,2,5"`` or ``"3"`` as a tuple of numbers."""
    try:
        if ".." in text:
            lo, hi = (float(t) for t in text.split(".."))
            if hi < lo or hi - lo > 1000:
                raise ValueError
            return tuple(float(v) for v in range(int(lo), int(hi) + 1))
        return tuple(float(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a range A..B or a comma-separated list, not {text!r}"
        ) from None


def int_list(text: str) -> tuple[int, ...]:
    """A comma-separated list of integers."""
    try:
        return tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, not {text!r}"
        ) from None


def collocation_seed(text: str) -> int | None:
    """An integer seed, or ``train`` (None: each model's training seed)."""
    if text == "train":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer seed or 'train', not {text!r}"
        ) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk study``: per study an option per field of its config
    (:class:`lltk.study.PinnConfig`, :class:`~lltk.study.ResnetConfig`,
    :class:`~lltk.study.ReferenceConfig`)."""
    p = subparsers.add_parser(
        "study",
        help="reproduce the study: the PINN beta sweep or ResNet-20 with/without skips",
        description="Train, sample, compute topology and write the study's table (CSV and "
        "Markdown), claims and figures into --out. Every step is cached: a rerun only "
        "recomputes what changed.",
    )
    sub = p.add_subparsers(dest="study", required=True, metavar="pinn|resnet|reference")
    pp = sub.add_parser("pinn", help="the convection PINN over beta")
    option = partial(config_option, pp, PinnConfig)
    option("--betas", "default 1..10", type=number_list)
    option("--seeds", "default 0,1,2", type=int_list)
    option(
        "--n-f",
        "collocation points (default: the protocol's; 100 under authors and loss-lens, "
        "1000 under lltk)",
    )
    option(
        "--collocation-seed",
        "seed of the collocation draw: an integer (default %(default)s, the authors', "
        "for every training seed) or 'train' (each training seed, as before)",
        type=collocation_seed,
    )
    option("--max-iter", "L-BFGS iterations (default %(default)s)")
    option(
        "--profile-betas",
        "betas with a 3-D Hessian landscape and its profile (default 1,7,10; '' none)",
        type=number_list,
    )
    option("--profile-resolution", "points per axis of the 3-D landscapes (default %(default)s)")
    option(
        "--hessian-dim",
        "add an n-D landscape along the top-n Hessian eigenvectors per network, with its "
        "pairs of every dimension (n = 2 to 6; default %(default)s: none)",
    )
    option(
        "--hessian-dim-resolution",
        "points per axis of the n-D Hessian landscapes (default %(default)s)",
    )
    option("--out", "default %(default)s")
    option(
        "--checkpoints",
        "study the trained PINNs in DIR (the authors' .pt files, lltk's checkpoints) "
        "instead of training; their betas and seeds replace --betas and --seeds. Without "
        "--protocol, twice: OUT/training (the training loss, authors' protocol) and "
        "OUT/published (the loss-lens protocol: the published landscapes' loss and grid)",
        type=path_argument,
        metavar="DIR",
    )
    _common(pp, PinnConfig, ("authors", "loss-lens", "lltk"))
    pr = sub.add_parser("resnet", help="ResNet-20 with and without residual connections")
    option = partial(config_option, pr, ResnetConfig)
    option("--seeds", "default 0,123,123456,2023", type=int_list)
    option("--data", "CIFAR-10 python batches (default: digits; required with --checkpoints)")
    option(
        "--checkpoints",
        "study the trained ResNet-20s in DIR (the authors' .pkl state dicts, lltk's "
        "checkpoints; *no_skip* names without skips) instead of training; needs --data",
        type=path_argument,
        metavar="DIR",
    )
    option("--epochs", "default %(default)s")
    option("--loss-samples", "training images in the landscape's loss (default %(default)s)")
    option(
        "--hessian-samples",
        "training images in the Hessian's loss (default %(default)s, the authors')",
    )
    option(
        "--shortcut",
        "shortcut where the shape changes: B, 1x1 conv + BN (default, the authors'), "
        "or A, zero padding (former)",
        choices=("B", "A"),
    )
    option(
        "--directions",
        "random directions: 'authors' (default: layer-normalised Gaussian, the second "
        "orthogonalised, every parameter, alpha in +-D/2 times the weights' norm) or "
        "'filter' (former: filter-normalised, 1-D parameters fixed, alpha in +-D); "
        "default: the protocol's (authors; filter under lltk)",
        choices=("authors", "filter"),
    )
    option("--out", "default %(default)s")
    _common(pr, ResnetConfig, ("authors", "lltk"))
    pf = sub.add_parser(
        "reference",
        help="the study's metrics and claims on a folder of landscapes others computed",
        description="Every .vti landscape of DIR (a point array 'Loss', e.g. the authors' "
        "landscapes in ../shared/ttk-reference): minima, saddles and average persistence "
        "under both definitions, and the claims of both case studies that the folder "
        "allows (model, skips, seed, distance and beta from lltk's FieldData or the file "
        "names).",
    )
    option = partial(config_option, pf, ReferenceConfig)
    option("folder", "folder of .vti landscapes", metavar="DIR")
    option("--out", "default %(default)s")
    pp.set_defaults(config=PinnConfig)
    pr.set_defaults(config=ResnetConfig)
    pf.set_defaults(config=ReferenceConfig)
    p.set_defaults(func=run)


def _common(p: argparse.ArgumentParser, config: type, protocols: tuple[str, ...]) -> None:
    """The options both model studies have: protocol, grid, Hessian, threads, barriers."""
    option = partial(config_option, p, config)
    option(
        "--protocol",
        f"one name for every default (default {STUDY_DEFAULT}): authors = the study "
        "authors' (N_f 100 drawn with seed 0, 40^2 grids, distance 1); lltk = lltk sample's "
        "(N_f 1000, 41^2, filter-normalised directions)"
        + (
            "; loss-lens = the random-direction landscapes as the authors published theirs "
            "(their directions, 40^2 in [-10, 10], their landscape loss)"
            if "loss-lens" in protocols
            else ""
        )
        + "; recorded in <study>_run.json",
        choices=protocols,
    )
    option("--resolution", "points per axis (default: the protocol's; 40, 41 under lltk)")
    option(
        "--distance",
        "the span D: alpha in [-D, D] along filter-normalised directions, the authors' "
        "distance d along theirs (default: the protocol's, 1)",
    )
    option(
        "--hessian-steps",
        "PyHessian power-iteration, Hutchinson and Lanczos steps (default %(default)s)",
    )
    option(
        "--threads",
        "torch threads (default 1: the PINN's small tensors run fastest on one, and "
        "a busy machine does not stall; 0 = torch's default)",
    )
    option(
        "--connect",
        "also the loss barrier on the linear path between every two seeds' networks "
        "(lltk connect), a matrix per beta or variant: <study>_barriers.csv/.png/.md",
    )
    option("--no-render", "skip the ParaView figure", dest="render")
    option("--progress", "progress bars of every step")


def run(args: argparse.Namespace) -> int:
    """Build the chosen study's checked config, then :func:`lltk.study.run`."""
    study.run(config_from_args(args))
    return 0
