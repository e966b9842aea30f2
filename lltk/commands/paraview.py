"""``lltk paraview`` / ``lltk pvpython``: ParaView with lltk's plugins loaded.

Both set ``PV_PLUGIN_PATH`` to ``plugins/`` (so the six filters load at start-up) and put
``plugins/startup`` on ``PYTHONPATH`` (Debian's ParaView 5.11 on Python 3.11 needs it to
load Python plugins at all), add TTK where ``make ttk`` installed it (and say so), then
replace themselves with the ParaView program.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from lltk.cli import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk paraview`` and ``lltk pvpython``."""
    for program, what in (("paraview", "the ParaView GUI"), ("pvpython", "pvpython")):
        p = subparsers.add_parser(
            program,
            help=f"start {what} with lltk's plugins loaded",
            description=f"Start {what} with lltk's ParaView plugins loaded; the remaining "
            f"arguments go to {program} unchanged.",
        )
        p.add_argument("args", nargs=argparse.REMAINDER, help=f"arguments for {program}")
        p.set_defaults(func=run, program=program)


def plugin_env() -> dict[str, str]:
    """The environment in which ParaView finds and can load lltk's plugins."""
    from lltk.render import PLUGINS_DIR, pvpython_env

    env = pvpython_env()
    paths = [str(PLUGINS_DIR), env.get("PV_PLUGIN_PATH", "")]
    env["PV_PLUGIN_PATH"] = os.pathsep.join(p for p in paths if p)
    return env


def say_ttk(who: str) -> None:
    """Tell the user (stderr) whether TTK's plugin is loaded, and from where."""
    from lltk import ttk

    install = ttk.find()
    if install is not None:
        print(f"{who}: {install.describe()}", file=sys.stderr)
    elif (note := ttk.missing_note()) is not None:
        print(f"{who}: warning: {note}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Replace this process with ParaView (never returns on success)."""
    exe = shutil.which(args.program)
    if exe is None:
        raise UserError(f"{args.program} not found: install Debian's paraview (make setup)")
    command = [exe, *args.args]
    if args.program == "paraview" and not os.environ.get("DISPLAY"):
        raise UserError("no $DISPLAY: the GUI needs a screen (use lltk render for batch images)")
    env = plugin_env()
    say_ttk(f"lltk {args.program}")
    sys.stderr.flush()
    os.execve(exe, command, env)
    return 0
