"""``lltk topology``: TTK's join/split tree and persistence diagram as CSV, without TTK."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``topology`` subcommand."""
    from lltk.commands import path_argument

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
    p.add_argument("input", type=path_argument, help="a .vti, .vtu or .vtp file")
    p.add_argument(
        "--array",
        default=None,
        help="point array (default: Loss, else the only one-component array)",
    )
    p.add_argument("--tree", choices=("join", "split"), default="join")
    p.add_argument(
        "--simplify",
        type=float,
        default=None,
        metavar="T",
        help="first remove minimum-saddle pairs of persistence below T (fraction of range)",
    )
    p.add_argument("--absolute", action="store_true", help="T is an absolute persistence")
    p.add_argument("--out", type=path_argument, required=True, help="output folder")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the input, compute, write the two CSVs."""
    import warnings

    import numpy as np

    from lltk.atomic import output_set, writable_folder
    from lltk.landscape import read_landscape
    from lltk.topology import (
        join_tree,
        persistence_pairs,
        simplify_with_order,
        split_tree,
        write_merge_tree_csv,
        write_persistence_csv,
    )

    field = read_landscape(args.input, args.array)
    values, domain = field.values, field.domain
    writable_folder(args.out, f"to {args.out}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        order = None  # the simplified field's order: TTK's local order in flat basins
        if args.simplify is not None:
            values, order = simplify_with_order(
                values, domain, args.simplify, absolute=args.absolute
            )
        tree = (split_tree if args.tree == "split" else join_tree)(values, domain, order)
        diagram = persistence_pairs(values, domain, order)
    for w in {str(w.message) for w in caught}:
        print(f"lltk topology: warning: {w}")
    coords = field.points
    stem = args.input.stem
    nd = not domain.is_grid or len(domain.dims) > 3  # TTK's own layout up to 3-D
    t, d = args.out / f"{stem}_MergeTree.csv", args.out / f"{stem}_PersistenceDiagram.csv"
    with output_set([t, d]):  # both or neither
        write_merge_tree_csv(t, tree, coords)
        write_persistence_csv(d, diagram, coords, dimension=nd)
    print(f"{t} ({tree.n_nodes} nodes)")
    counts = np.bincount(diagram.dimension, minlength=1)
    per_dim = ", ".join(f"H{k}: {c}" for k, c in enumerate(counts))
    print(f"{d} ({len(diagram)} pairs; {per_dim})")
    if not domain.is_grid:
        print(
            f"lltk topology: {args.input.name} is a graph, not a grid (no GridShape): "
            "dimension 0 pairs only"
        )
    return 0
