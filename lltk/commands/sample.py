"""``lltk sample MODEL``: train (or reuse) a model, sample its loss landscape, write VTK."""

from __future__ import annotations

import argparse
from functools import partial

from lltk import sampling
from lltk.commands import config_from_args, config_option
from lltk.sampling.budget import EVALUATION_LIMIT
from lltk.sampling.config import ModelConfig, SampleConfig
from lltk.sampling.models import MODELS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk sample``: an option per field of :class:`lltk.sampling.SampleConfig`."""
    p = subparsers.add_parser(
        "sample",
        help="sample a model's loss landscape and write it as .vti/.vtu",
        description="Train (or reuse the cached) MODEL, then evaluate its loss on an n-D grid "
        "of perturbed weights and write the landscape as VTK (see docs for the file layout).",
    )
    add_model_options(p, SampleConfig)
    option = partial(config_option, p, SampleConfig)
    option("--dim", "number of directions n (default 2)")
    option(
        "--resolution",
        "points per axis (default: the protocol's; 41 under lltk, 40 under authors and loss-lens)",
    )
    option(
        "--distance",
        "alpha in [-D, D], or [-D/2, D/2] along the authors' directions (default: the "
        "protocol's; 1, or 10 under loss-lens)",
    )
    option("--directions", None, choices=("random", "hessian", "pca"))
    option(
        "--trajectory",
        "--directions pca: the checkpoints of lltk train --save-every (their top PCA "
        "directions; the path is written to <out stem>_trajectory.vtp)",
        metavar="DIR",
    )
    option(
        "--normalization",
        "random directions: filter, layer or none (Li et al.; 1-D parameters fixed), or "
        "authors (the study authors' layer-normalised orthogonal pair spanning D times the "
        "weights' norm); default: the protocol's (filter; authors for a ResNet under authors)",
        choices=("filter", "layer", "none", "authors"),
    )
    option(
        "--graph",
        ".vtu only: the line cells (default grid)",
        choices=("grid", "knn", "delaunay", "gabriel"),
    )
    option("--hessian", "compute the Hessian figures (implied by --directions hessian)")
    option("--top-k", "Hessian eigenpairs (default max(2, n))")
    option(
        "--hessian-iter",
        "power-iteration, Hutchinson and Lanczos steps (PyHessian's default 100)",
    )
    option("--k", "neighbours for --graph knn (default 4n)")
    option("--chunk-size", "weight vectors per batch (default 32 on the CPU, 2048 on a GPU)")
    option(
        "--allow-large",
        f"sample grids of more than {EVALUATION_LIMIT:,} points (memory is still checked)",
    )
    option("--out", "output .vti (n <= 3) or .vtu")
    p.set_defaults(func=run, config=SampleConfig)


def add_model_options(p: argparse.ArgumentParser, config: type[ModelConfig]) -> None:
    """The model and training options shared by ``lltk sample`` and ``lltk train``: the
    fields of :class:`lltk.sampling.config.ModelConfig`."""
    option = partial(config_option, p, config)
    option(
        "model",
        f"{', '.join(MODELS)}, or python:MODULE:FUNCTION for your own model "
        "(FUNCTION() returns (model, batches, loss); see the README)",
        metavar="MODEL",
    )
    option(
        "--protocol",
        "one name for every default (default %(default)s): lltk = N_f 1000, a 41^2 grid, "
        "alpha in [-1, 1] along filter-normalised directions; authors = the study authors' "
        "training protocol (N_f 100, 40^2, distance 1; their own directions for a ResNet); "
        "loss-lens = how the published PINN landscapes were made (40^2, alpha in [-10, 10] "
        "along their uniform filter-normalised pair, their landscape loss); the run records "
        "it in FieldData 'Protocol'",
        choices=("lltk", "authors", "loss-lens"),
    )
    option(
        "--checkpoint",
        "load the network from FILE instead of training: lltk's checkpoint, a state_dict, "
        "or the study authors' file (a PINN .pt brings its own beta and training points; "
        "a ResNet .pkl needs --data CIFAR_DIR); read safely, nothing in it is run",
        metavar="FILE",
    )
    option("--beta", "PINN convection speed (default 1)")
    option(
        "--seed",
        "seed of training and directions (default 0; with --checkpoint, the file's "
        "training seed where it records one, as the authors draw their directions)",
    )
    option(
        "--n-f",
        "PINN collocation points (default: the protocol's; 1000 under lltk, 100 otherwise)",
    )
    option("--max-iter", "PINN L-BFGS iterations (default 1000)")
    option("--data", "ResNet: CIFAR-10 batches folder (default digits)")
    option("--epochs", "ResNet SGD epochs (default 10)")
    option("--no-batch-norm", "ResNet without batch norm", dest="batch_norm")
    option("--train-subset", "ResNet: first N training images")
    option(
        "--loss-samples", "ResNet: training images the landscape loss averages over (default 256)"
    )
    option("--no-cache", "retrain; do not read or write the cache", dest="use_cache")
    option("--device", "torch device: cpu (default), cuda, cuda:1, ...")
    option("--quiet", "no progress bars", dest="progress")


def run(args: argparse.Namespace) -> int:
    """Build the checked :class:`~lltk.sampling.SampleConfig`, then :func:`lltk.sampling.run`."""
    sampling.run(config_from_args(args))
    return 0
