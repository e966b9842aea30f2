"""``lltk serve``'s run: a checked :class:`ServeConfig`, then :func:`serve` reads the
folder once (:mod:`lltk.web.catalog`) and serves the page (:mod:`lltk.web.app`) until
Ctrl-C. trame is imported only when serving."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lltk.errors import UserError


def check_port(host: str, port: int) -> None:
    """A :class:`UserError` unless ``host:port`` can be listened on now."""
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


@dataclass(kw_only=True)
class ServeConfig:
    """The ``folder`` to show (any folder of .vti/.vtu landscapes, or a study's output),
    its point array ``array``, and where to listen (``host``: this machine only by
    default, ``0.0.0.0`` for all; ``port``). Checked when built: the folder exists and
    the port can be listened on."""

    folder: Path
    port: int = 8080
    host: str = "127.0.0.1"
    array: str = "Loss"

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        if not self.folder.is_dir():
            raise UserError(f"no such folder: {self.folder}")
        check_port(self.host, self.port)


def serve(config: ServeConfig, log: Callable[[str], None] = print) -> None:
    """Read every landscape of ``config.folder``, say where the page is, serve until
    Ctrl-C."""
    from lltk.web.app import build_server
    from lltk.web.catalog import load_catalog

    catalog = load_catalog(config.folder, config.array)
    server = build_server(catalog)
    host, port = config.host, config.port
    everywhere = host in ("0.0.0.0", "::")
    url_host = "127.0.0.1" if everywhere else f"[{host}]" if ":" in host else host
    log(
        f"lltk serve: {len(catalog.entries)} landscape(s) in {config.folder}; open "
        f"http://{url_host}:{port}/"
        + (" (listening on every interface)" if everywhere else "")
        + " (Ctrl-C stops)"
    )
    sys.stdout.flush()
    argv, sys.argv = sys.argv, sys.argv[:1]  # trame reads its own options from sys.argv
    try:
        server.start(
            port=port,
            host=host,
            open_browser=False,
            show_connection_info=False,
            disable_logging=True,
            timeout=0,
        )
    finally:
        sys.argv = argv
