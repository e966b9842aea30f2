"""``lltk compare A.vti B.vti ...``: distances between the landscapes' persistence diagrams."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk compare``."""
    from lltk.commands import path_argument

    p = subparsers.add_parser(
        "compare",
        help="bottleneck and Wasserstein distances between landscapes' persistence diagrams",
        description="Compute every landscape's persistence diagram and the pairwise "
        "bottleneck and Wasserstein (p = 1, 2) distances between them (gudhi), over the "
        "minimum-saddle pairs and over all pairs. Writes DIR/distances.csv, "
        "DIR/distances.png (heat maps), DIR/mds.csv and DIR/mds.png (a 2-D classical MDS "
        "embedding of each distance matrix).",
    )
    p.add_argument("inputs", type=path_argument, nargs="+", help="two or more .vti/.vtu landscapes")
    p.add_argument(
        "--array",
        default=None,
        help="point array (default: Loss, else the only one-component array)",
    )
    p.add_argument(
        "--normalize",
        action="store_true",
        help="map each landscape's losses to [0, 1] (min to 0, max to 1) before comparing",
    )
    p.add_argument("--out", type=path_argument, required=True, help="output folder")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, check, compute, write."""
    import warnings

    import numpy as np

    from lltk.atomic import writable_folder
    from lltk.comparison import write_comparison
    from lltk.errors import UserError
    from lltk.landscape import read_landscape
    from lltk.topology.distance import distance_matrices, domain_kind, landscape_diagram

    if len(args.inputs) < 2:
        raise UserError("give at least two landscapes to compare")
    diagrams, spans, first = [], [], None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for path in args.inputs:
            field = read_landscape(path, args.array)
            kind = (field.name, domain_kind(field.domain))
            if first is None:
                first = (path, *kind)
            elif kind[0] != first[1]:
                raise UserError(
                    f"{path}: its array is {kind[0]!r}, {first[0]}'s {first[1]!r}: choose one "
                    "array for all with --array"
                )
            elif kind[1] != first[2]:
                raise UserError(
                    f"{path} is a {kind[1]} landscape, {first[0]} a {first[2]}: compare "
                    "landscapes of one dimension and kind"
                )
            diagram, span = landscape_diagram(field.values, field.domain, args.normalize)
            diagrams.append(diagram)
            spans.append(span)
    for message in sorted({str(w.message) for w in caught}):
        print(f"lltk compare: warning: {message}")
    labels = [p.stem for p in args.inputs]
    if len(set(labels)) < len(labels):  # the same name in several folders
        labels = [str(p) for p in args.inputs]
    writable_folder(args.out, f"to {args.out}")  # once every input was read and checked
    matrices = distance_matrices(diagrams, spans)
    if not all(np.isfinite(m).all() for m in matrices.values()):
        raise UserError(
            "a distance between these diagrams overflows float64: rescale the losses, or "
            "compare with --normalize"
        )
    losses = "normalized" if args.normalize else "raw"
    for path in write_comparison(args.out, labels, matrices, losses, array=first[1]):
        print(path)
    return 0
