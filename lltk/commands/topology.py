"""``lltk topology``: TTK's join/split tree and persistence diagram as CSV, without TTK."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``topology`` subcommand."""
    from lltk.cli import path_argument

    p = subparsers.add_parser(
        "topology",
        help="merge tree and persistence diagram of a .vti/.vtu/.vtp field, as TTK's CSVs",
        description=(
            "Compute the join (or split) tree and the persistence diagram of a point "
            "array, TTK-identically, and write DIR/<stem>_MergeTree.csv and "
            "DIR/<stem>_PersistenceDiagram.csv in the layout of TTK's CSV export. "
            "ImageData uses TTK's implicit triangulation; UnstructuredGrid/PolyData use "
            "the edges of their cells as a graph."
        ),
    )
    p.add_argument("input", type=path_argument, help="a .vti, .vtu or .vtp file")
    p.add_argument("--array", default=None, help="point array (default: Loss, or the only one)")
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


def pick_array(point_data: dict, name: str | None, cell_data: dict | None = None):
    """The scalar point array ``name`` (default ``Loss`` or the only array), checked; an
    array that is (also) cell data is refused, as the ParaView filters refuse it."""
    from lltk.errors import UserError
    from lltk.vtkxml import cell_data_error

    cell_data = cell_data or {}
    if name is None and "Loss" in cell_data:
        name = "Loss"

    if name is None:
        if "Loss" in point_data:
            name = "Loss"
        elif len(point_data) == 1:
            name = next(iter(point_data))
        else:
            raise UserError(
                f"choose a point array with --array (found: {', '.join(point_data) or 'none'})"
            )
    if name in cell_data:
        raise UserError(cell_data_error(name))
    if name not in point_data:
        raise UserError(f"no point array {name!r} (found: {', '.join(point_data) or 'none'})")
    values = point_data[name]
    if values.ndim != 1:
        raise UserError(f"point array {name!r} has {values.shape[1]} components, need 1")
    return name, values


def read_field(path: Path, array: str | None):
    """Read a .vti/.vtu/.vtp landscape: (dataset, array name, values, domain), or a
    :class:`lltk.cli.UserError` naming the file."""
    from lltk import vtkxml
    from lltk.errors import UserError
    from lltk.topology import graph_domain, grid_domain

    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        ds = vtkxml.read(path)
    except vtkxml.VTKFileError as exc:
        raise UserError(f"cannot read {path}: {exc}") from exc
    try:
        name, values = pick_array(ds.point_data, array, ds.cell_data)
    except UserError as exc:
        raise UserError(f"{path}: {exc}") from None
    if ds.kind == "ImageData":
        domain = grid_domain(ds.dimensions, ds.origin, ds.spacing)
    else:
        edges = vtkxml.cell_edges(ds) if ds.connectivity is not None else None
        if edges is None:
            raise UserError(f"{path} has no cells to define a graph")
        domain = graph_domain(ds.number_of_points, edges, ds.point_coordinates())
    if values.size < 2:
        raise UserError(f"{path} has {values.size} point(s): a landscape needs two or more")
    return ds, name, values, domain


def run(args: argparse.Namespace) -> int:
    """Read the input, compute, write the two CSVs."""
    import warnings

    from lltk.atomic import writable_folder
    from lltk.topology import (
        join_tree,
        persistence_pairs,
        simplify_with_order,
        split_tree,
        write_merge_tree_csv,
        write_persistence_csv,
    )

    ds, _, values, domain = read_field(args.input, args.array)
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
    coords = ds.point_coordinates()
    stem = args.input.stem
    t = write_merge_tree_csv(args.out / f"{stem}_MergeTree.csv", tree, coords)
    d = write_persistence_csv(args.out / f"{stem}_PersistenceDiagram.csv", diagram, coords)
    print(f"{t} ({tree.n_nodes} nodes)")
    print(f"{d} ({len(diagram)} pairs)")
    return 0
