"""``lltk serve DIR``: the landscapes of a folder or a study in a web browser (trame)."""

from __future__ import annotations

import argparse
from pathlib import Path

from lltk.commands import path_argument


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk serve``."""
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
    p.add_argument("folder", type=path_argument, metavar="DIR", help="folder to serve")
    p.add_argument("--port", type=int, default=8080, help="TCP port (default %(default)s)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default %(default)s: this machine only; 0.0.0.0 for all)",
    )
    p.add_argument("--array", default="Loss", help="point array to read (default %(default)s)")
    p.set_defaults(func=run)


def check_port(host: str, port: int) -> None:
    """A :class:`UserError` unless ``host:port`` can be listened on now."""
    import socket

    from lltk.errors import UserError

    if not 0 <= port <= 65535:
        raise UserError(f"--port must be 0 to 65535, not {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UserError(f"cannot listen on {host!r}: {exc.strerror}") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    """Check the folder and the port, read every landscape, serve until Ctrl-C."""
    import sys

    from lltk.errors import UserError

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UserError(f"no such folder: {folder}")
    check_port(args.host, args.port)
    from lltk.web.app import build_server
    from lltk.web.catalog import load_catalog

    catalog = load_catalog(folder, args.array)
    server = build_server(catalog)
    everywhere = args.host in ("0.0.0.0", "::")
    url_host = "127.0.0.1" if everywhere else f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"lltk serve: {len(catalog.entries)} landscape(s) in {folder}; open "
        f"http://{url_host}:{args.port}/"
        + (" (listening on every interface)" if everywhere else "")
        + " (Ctrl-C stops)",
        flush=True,
    )
    argv, sys.argv = sys.argv, sys.argv[:1]  # trame reads its own options from sys.argv
    try:
        server.start(
            port=args.port,
            host=args.host,
            open_browser=False,
            show_connection_info=False,
            disable_logging=True,
            timeout=0,
        )
    finally:
        sys.argv = argv
    return 0
