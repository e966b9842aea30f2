"""Subcommands of ``lltk``.

Each module here defines ``register(subparsers)``, which adds one subcommand whose
``func`` takes the parsed arguments and returns an exit status. A command turns its
options into one typed config (a dataclass of the library, checked when built) and calls
one library function: :func:`config_option` declares an
option for a field of the config (its default and type from the field), ``config=`` in
the parser's defaults names the dataclass, :func:`config_from_args` builds it, and
``tests/cli/test_configs.py`` checks that options and fields match one to one. Modules import
heavy packages (torch, paraview) inside ``func`` only, so that ``lltk topology`` needs
neither.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any


def path_argument(text: str) -> Path:
    """An argparse ``type`` for paths: an empty one (an unset shell variable, say) is
    refused rather than taken as the working folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path")
    return Path(text)


#: argparse types of the fields' annotations (without ``| None``).
_TYPES = {"int": int, "float": float, "str": str, "Path": path_argument}


def config_option(
    parser: argparse.ArgumentParser, config: type, flag: str, help: str, **more: Any
) -> argparse.Action:
    """Declare ``flag`` for the field of the dataclass ``config`` of the same name
    (``--max-iter``: ``max_iter``; a positional ``model``; ``dest=`` names another). Its
    default is the field's (required if it has none), its type the field's annotation: a
    ``Path`` through :func:`path_argument`, a ``bool`` a switch to the other value;
    ``more`` (argparse's keywords) overrides either."""
    dest = more.pop("dest", flag.lstrip("-").replace("-", "_"))
    field = {f.name: f for f in dataclasses.fields(config)}[dest]
    kind = str(field.type).replace(" | None", "")
    if kind == "bool":
        more.setdefault("action", "store_false" if field.default else "store_true")
    elif "action" not in more and "type" not in more:
        more["type"] = _TYPES[kind]
    if field.default is not dataclasses.MISSING:
        more.setdefault("default", field.default)
    if not flag.startswith("-"):
        return parser.add_argument(flag, help=help, **more)
    if field.default is dataclasses.MISSING:
        more.setdefault("required", True)
    return parser.add_argument(flag, dest=dest, help=help, **more)


def config_from_args(args: argparse.Namespace) -> Any:
    """The config the parser's ``config`` default names, built from the options of the
    same names, its other fields left at their defaults (its checks run now)."""
    given = vars(args)
    fields = dataclasses.fields(args.config)
    return args.config(**{f.name: given[f.name] for f in fields if f.init and f.name in given})
