"""``lltk serve DIR``: the landscapes of a folder or a study in a web browser (trame)."""

from __future__ import annotations

import argparse
from functools import partial

from lltk.commands import config_from_args, config_option
from lltk.web.server import ServeConfig, serve


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk serve``: an option per field of :class:`lltk.web.server.ServeConfig`."""
    p = subparsers.add_parser(
        "serve",
        help="show a folder of landscapes or a study's output as linked views in a browser",
        description="Serve DIR (any folder of .vti/.vtu landscapes, or the output of "
        "`lltk study pinn|resnet`) as one web page: a sortable table of the landscapes "
        "and their metrics, the MDS of their persistence-diagram distances, and for the "
        "selected landscape its surface with critical points, merge tree, persistence "
        "diagram, barcode, landscape profile and Hessian density, with a live "
        "persistence-simplification slider. Reads DIR only; never writes into it.",
    )
    option = partial(config_option, p, ServeConfig)
    option("folder", "folder to serve", metavar="DIR")
    option("--port", "TCP port (default %(default)s)")
    option(
        "--host",
        "address to listen on (default %(default)s: this machine only; 0.0.0.0 for all)",
    )
    option("--array", "point array to read (default %(default)s)")
    p.set_defaults(func=run, config=ServeConfig)


def run(args: argparse.Namespace) -> int:
    """Build the checked :class:`~lltk.web.server.ServeConfig`, then serve until Ctrl-C."""
    serve(config_from_args(args))
    return 0
