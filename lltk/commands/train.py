"""``lltk train MODEL``: train a model (or confirm the cached one) and print its metrics."""

from __future__ import annotations

import argparse
from functools import partial

from lltk import sampling
from lltk.commands import config_from_args, config_option
from lltk.commands.sample import add_model_options
from lltk.sampling.config import TrainConfig


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk train``: an option per field of :class:`lltk.sampling.TrainConfig`."""
    p = subparsers.add_parser(
        "train",
        help="train a model into the checkpoint cache and print its metrics",
        description="Train MODEL with the given hyper-parameters (or load it from $LLTK_CACHE, "
        "default ~/.cache/lltk) and print its train/test metrics.",
    )
    add_model_options(p, TrainConfig)
    option = partial(config_option, p, TrainConfig)
    option(
        "--save-every",
        "keep the parameters every K steps (PINN: L-BFGS iterations, ResNet: epochs), "
        "and the first and last, in --trajectory DIR (trains even when cached)",
        metavar="K",
    )
    option("--trajectory", "see --save-every", metavar="DIR")
    p.set_defaults(func=run, config=TrainConfig)


def run(args: argparse.Namespace) -> int:
    """Build the checked :class:`~lltk.sampling.TrainConfig`, then :func:`lltk.sampling.train`."""
    sampling.train(config_from_args(args))
    return 0
