"""``lltk compare A.vti B.vti ...``: distances between the landscapes' persistence diagrams."""

from __future__ import annotations

import argparse
from functools import partial

from lltk.commands import config_from_args, config_option, path_argument
from lltk.comparison import CompareConfig, compare


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk compare``."""
    p = subparsers.add_parser(
        "compare",
        help="bottleneck and Wasserstein distances between landscapes' persistence diagrams",
        description="Compute every landscape's persistence diagram and the pairwise "
        "bottleneck and Wasserstein (p = 1, 2) distances between them (gudhi), over the "
        "minimum-saddle pairs and over all pairs. Writes DIR/distances.csv, "
        "DIR/distances.png (heat maps), DIR/mds.csv and DIR/mds.png (a 2-D classical MDS "
        "embedding of each distance matrix).",
    )
    option = partial(config_option, p, CompareConfig)
    option("inputs", "two or more .vti/.vtu landscapes", type=path_argument, nargs="+")
    option("--array", "point array (default: Loss, else the only one-component array)")
    option(
        "--normalize",
        "map each landscape's losses to [0, 1] (min to 0, max to 1) before comparing",
    )
    option("--out", "output folder")
    p.set_defaults(func=run, config=CompareConfig)


def run(args: argparse.Namespace) -> int:
    """Build the checked :class:`~lltk.comparison.CompareConfig`, compare, print the files."""
    for path in compare(config_from_args(args)):
        print(path)
    return 0
