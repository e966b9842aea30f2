"""``lltk topology``: TTK's join/split tree and persistence diagram as CSV, without TTK."""

from __future__ import annotations

import argparse
from functools import partial

from lltk.commands import config_from_args, config_option
from lltk.topology_csv import TopologyConfig, write_topology_csv


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``topology`` subcommand."""
    p = subparsers.add_parser(
        "topology",
        help="merge tree and persistence diagram of a .vti/.vtu/.vtp field, as TTK's CSVs",
        description=(
            "Compute the join (or split) tree and the persistence diagram of a point "
            "array, TTK-identically, and write DIR/<stem>_MergeTree.csv and "
            "DIR/<stem>_PersistenceDiagram.csv in the layout of TTK's CSV export. "
            "ImageData uses TTK's implicit triangulation; an n-D grid landscape (a .vtu "
            "with FieldData GridShape, up to 6 axes) the same triangulation in n "
            "dimensions, with pairs of every dimension (a Dimension column in the "
            "diagram CSV); other UnstructuredGrid/PolyData use the edges of their cells "
            "as a graph (dimension 0 only)."
        ),
    )
    option = partial(config_option, p, TopologyConfig)
    option("input", "a .vti, .vtu or .vtp file")
    option("--array", "point array (default: Loss, else the only one-component array)")
    option("--tree", None, choices=("join", "split"))
    option(
        "--simplify",
        "first remove minimum-saddle pairs of persistence below T (fraction of range)",
        metavar="T",
    )
    option("--absolute", "T is an absolute persistence")
    option("--out", "output folder")
    p.set_defaults(func=run, config=TopologyConfig)


def run(args: argparse.Namespace) -> int:
    """Build the checked :class:`~lltk.topology_csv.TopologyConfig`, write the two CSVs."""
    write_topology_csv(config_from_args(args))
    return 0
