"""``lltk train MODEL``: train a model (or confirm the cached one) and print its metrics."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk train``."""
    from lltk.commands.sample import add_model_arguments

    p = subparsers.add_parser(
        "train",
        help="train a model into the checkpoint cache and print its metrics",
        description="Train MODEL with the given hyper-parameters (or load it from $LLTK_CACHE, "
        "default ~/.cache/lltk) and print its train/test metrics.",
    )
    add_model_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train or load, then print the metrics."""
    from lltk.commands.sample import train_from_args

    trained = train_from_args(args)
    figures = ", ".join(
        f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}" for k, v in trained.metadata.items()
    )
    print(f"lltk train: {figures}")
    return 0
