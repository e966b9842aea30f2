"""The ``lltk`` command line: one subcommand per module in :mod:`lltk.commands`."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings

from lltk import __version__, commands
from lltk.errors import UserError

__all__ = ["UserError", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (``lltk sample: error: ...``), status 2."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand that ``lltk.commands`` holds."""
    parser = _Parser(
        prog="lltk",
        description="Loss-landscape topology kit: sample, export, compute topology, render.",
    )
    parser.add_argument("--version", action="version", version=f"lltk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"lltk.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``lltk``; returns the exit status.

    Bad input (and an unreadable or unwritable path) is one line on stderr and status 2;
    Ctrl-C at any moment, even while the subcommands are imported, is one line and 130.
    A warning (lltk's, numpy's, scipy's) is one line, ``lltk CMD: warning: ...``.
    """
    command = "lltk"

    def one_line(message, category, filename, lineno, file=None, line=None) -> None:
        text = " ".join(str(message).split())
        print(f"{command}: warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():  # restored on return (main runs in tests, too)
        warnings.showwarning = one_line  # numpy's, scipy's and lltk's: one line each
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning):
            warnings.simplefilter("ignore", category)  # the libraries' news, not the user's
        try:
            parser = build_parser()
            try:
                args = parser.parse_args(argv)
            except SystemExit as exc:  # --help, --version, or a usage error already printed
                return int(exc.code or 0)
            if not getattr(args, "func", None):
                parser.print_help()
                return 2
            command = f"lltk {args.command}"
            return int(args.func(args) or 0)
        except (UserError, OSError, ValueError) as exc:
            message = " ".join(str(exc).split())
            print(f"{command}: error: {message}", file=sys.stderr)
            return 2
        except MemoryError:  # a last resort: sizes are checked before allocating
            print(f"{command}: error: out of memory (the input is too large)", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"{command}: interrupted", file=sys.stderr)
            return 130


def run() -> None:
    """The console entry (``lltk``, ``python -m lltk``): exit with :func:`main`'s status.

    A process that joined several ranks (:mod:`lltk.sampling.distributed`) leaves without
    the interpreter's teardown: torch.distributed's gloo threads could abort it there
    (SIGABRT) after its run and its one line had ended; every file is closed by then."""
    status = main()
    distributed = sys.modules.get("lltk.sampling.distributed")
    if distributed is not None and distributed.JOINED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    run()
