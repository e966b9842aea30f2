"""The ``lltk`` command line: one subcommand per module in :mod:`lltk.commands`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from lltk import __version__, commands


class UserError(Exception):
    """A problem with the user's input: printed as one clear line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand that ``lltk.commands`` holds."""
    parser = argparse.ArgumentParser(
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
    """Entry point of ``lltk``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (UserError, FileNotFoundError, ValueError) as exc:
        print(f"lltk {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"lltk {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
