"""``lltk render LANDSCAPE... --out DIR``: PNGs of lltk's ParaView states, and a sweep figure."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``render`` subcommand."""
    from lltk.commands import path_argument
    from lltk.render import VIEW_STATES

    parser = subparsers.add_parser(
        "render",
        help="render landscapes to PNG through ParaView (pvpython, Xvfb when headless)",
        description=(
            "Render each landscape's views (landscape surface, merge tree, persistence "
            "diagram, landscape profile, Hessian density, PINN solution) to "
            "DIR/<stem>/<view>.png through the ParaView states in pvstates/. With several "
            "landscapes, also DIR/figure.png: a column per landscape, a row per view."
        ),
    )
    parser.add_argument(
        "landscapes",
        type=path_argument,
        nargs="+",
        metavar="LANDSCAPE",
        help="a sampled landscape (.vti or .vtu)",
    )
    parser.add_argument(
        "--out", type=path_argument, required=True, metavar="DIR", help="output folder"
    )
    parser.add_argument(
        "--state",
        action="append",
        choices=sorted(VIEW_STATES),
        metavar="NAME",
        help=f"render only this view (repeatable; one of {', '.join(VIEW_STATES)}); "
        "default: every view whose state and data exist",
    )
    parser.add_argument(
        "--figure",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="tile the panels into DIR/figure.png (default: when several landscapes)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render and print the PNGs written."""
    from lltk.commands.paraview import say_ttk
    from lltk.errors import UserError
    from lltk.render import RenderError, render

    try:
        rendered = render(args.landscapes, args.out, views=args.state, figure=args.figure)
    except RenderError as exc:
        raise UserError(str(exc)) from exc
    say_ttk("lltk render")  # after the inputs were accepted: an error stays one line
    for landscape, pngs in rendered.views.items():
        print(f"{landscape}:")
        for view, png in pngs.items():
            print(f"  {view:20s} {png}")
    if rendered.figure is not None:
        print(f"figure: {rendered.figure}")
    return 0
