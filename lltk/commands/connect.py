"""``lltk connect A B [C] --out DIR``: loss barriers between trained networks, the plane
through three of them, and the merge-tree saddle that joins two basins."""

from __future__ import annotations

import argparse
from functools import partial

from lltk import sampling
from lltk.commands import config_from_args, config_option
from lltk.sampling.config import ConnectConfig


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk connect``: an option per field of :class:`lltk.sampling.ConnectConfig`."""
    p = subparsers.add_parser(
        "connect",
        help="loss barriers between trained networks, the plane through three, its saddle",
        description="The loss along the linear path from A to B (and a fitted quadratic "
        "Bezier curve), the barrier (max along the path minus the mean of the end losses), "
        "and, with C or the curve's control point, the plane through the three networks "
        "sampled as lltk sample samples, with the merge-tree saddle joining A's and B's "
        "basins. Networks: checkpoints lltk train wrote ($LLTK_CACHE/*.pt), any file "
        "lltk sample --checkpoint reads (the study authors' PINN .pt and ResNet .pkl "
        "files, a plain state_dict), or python:MODULE:FUNCTION; the loss is A's.",
    )
    option = partial(config_option, p, ConnectConfig)
    option("networks", "A B [C]", type=str, nargs="+", metavar="NETWORK")
    option("--out", "output folder", metavar="DIR")
    option("--points", "points along a path (default 41)")
    option(
        "--curve",
        "bezier: also fit a quadratic Bezier curve (Garipov et al. 2018)",
        choices=("linear", "bezier"),
    )
    option("--curve-steps", "Adam steps (default 200)")
    option("--curve-lr", "Adam learning rate (0.01)")
    option("--curve-samples", "points t drawn per step (default 4)")
    option("--seed", "seed of the curve's draws of t")
    option("--resolution", "plane points per axis (41)")
    option("--margin", "plane margin in units of |B - A| (0.25)")
    option("--data", "ResNet checkpoints: CIFAR-10 folder")
    option("--loss-samples", "ResNet: images in the loss")
    option("--chunk-size", "weight vectors per batch (32)")
    option("--device", "torch device (default cpu)")
    option("--quiet", "no progress bars", dest="progress")
    p.set_defaults(func=run, config=ConnectConfig)


def run(args: argparse.Namespace) -> int:
    """Build the checked :class:`~lltk.sampling.ConnectConfig`, then
    :func:`lltk.sampling.connect_networks`."""
    sampling.connect_networks(config_from_args(args))
    return 0
