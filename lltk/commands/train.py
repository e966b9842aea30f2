"""``lltk train MODEL``: train a model (or confirm the cached one) and print its metrics."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk train``."""
    from lltk.commands import path_argument
    from lltk.commands.sample import add_model_arguments

    p = subparsers.add_parser(
        "train",
        help="train a model into the checkpoint cache and print its metrics",
        description="Train MODEL with the given hyper-parameters (or load it from $LLTK_CACHE, "
        "default ~/.cache/lltk) and print its train/test metrics.",
    )
    add_model_arguments(p)
    p.add_argument(
        "--save-every",
        type=int,
        default=None,
        metavar="K",
        help="keep the parameters every K steps (PINN: L-BFGS iterations, ResNet: epochs), "
        "and the first and last, in --trajectory DIR (trains even when cached)",
    )
    p.add_argument(
        "--trajectory", type=path_argument, default=None, metavar="DIR", help="see --save-every"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train or load, then print the metrics."""
    from lltk.commands.sample import check_model_arguments, train_from_args
    from lltk.errors import UserError

    check_model_arguments(args)
    extra = {}
    if (args.save_every is None) != (args.trajectory is None):
        raise UserError("--save-every K and --trajectory DIR go together")
    recorder = None
    if args.save_every is not None:
        if args.model.startswith("python:"):
            raise UserError(
                "--save-every applies to pinn and the resnets (lltk does not train a python: model)"
            )
        from lltk.sampling.trajectory import Recorder

        extra["recorder"] = recorder = Recorder(args.trajectory, args.save_every, args.model)
    try:
        trained = train_from_args(args, **extra)
    except BaseException:
        if recorder is not None:
            recorder.discard()
        raise
    figures = ", ".join(
        f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}" for k, v in trained.metadata.items()
    )
    print(f"lltk train: {figures}")
    if trained.checkpoint is not None:
        print(f"lltk train: checkpoint {trained.checkpoint} (lltk connect takes it)")
    return 0
