"""``lltk paraview`` / ``lltk pvpython``: ParaView with lltk's plugins and macros loaded.

Both set ``PV_PLUGIN_PATH`` to ``plugins/`` (so the seven filters load at start-up) and
the help plugin's folder (:mod:`lltk.paraview.documentation`, built when missing or stale),
``PV_MACRO_PATH`` to ``plugins/macros`` (the GUI's *Macros* menu then offers *Loss
Landscape Views*) and put ``plugins/startup`` on ``PYTHONPATH`` (Debian's ParaView 5.11 on
Python 3.11 needs it to load Python plugins at all), add TTK where ``make ttk`` installed
it (and say so), then replace themselves with the ParaView program. Every argument after
the command goes to ParaView unchanged, options included (``lltk paraview --script=x.py``,
``--state=s.pvsm``, ``--version``); a first ``--`` is dropped, as argparse does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from lltk.errors import UserError

#: The prefix of lltk's own options here: none is recognised, so ``--script=...`` and
#: friends reach ParaView (argparse's REMAINDER refuses a first argument that looks like
#: an option).
_NO_OPTIONS = "\x01"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk paraview`` and ``lltk pvpython``."""
    for program, what in (("paraview", "the ParaView GUI"), ("pvpython", "pvpython")):
        p = subparsers.add_parser(
            program,
            help=f"start {what} with lltk's plugins loaded",
            description=f"Start {what} with lltk's ParaView plugins (and the Loss Landscape "
            f"Views macro) loaded. Every argument goes to {program} unchanged, options "
            f"included; `lltk {program} -- --help` shows {program}'s own help.",
            prefix_chars=_NO_OPTIONS,
            add_help=False,
        )
        p.add_argument("args", nargs="*", help=f"arguments for {program}")
        p.set_defaults(func=run, program=program, parser=p)


def plugin_env() -> dict[str, str]:
    """The environment in which ParaView finds and can load lltk's plugins and macros."""
    from lltk.paraview import documentation
    from lltk.render import MACROS_DIR, PLUGINS_DIR, pvpython_env

    env = pvpython_env()
    plugin_dirs = [PLUGINS_DIR, documentation.plugin_dir(PLUGINS_DIR)]
    for name, folders in (("PV_PLUGIN_PATH", plugin_dirs), ("PV_MACRO_PATH", [MACROS_DIR])):
        paths = [*(str(f) for f in folders if f is not None), env.get(name, "")]
        env[name] = os.pathsep.join(p for p in paths if p)
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
    if args.args in (["-h"], ["--help"]):
        args.parser.print_help()
        return 0
    exe = shutil.which(args.program)
    if exe is None:
        raise UserError(f"{args.program} not found: install Debian's paraview (make setup)")
    if args.program == "paraview" and not os.environ.get("DISPLAY"):
        raise UserError("no $DISPLAY: the GUI needs a screen (use lltk render for batch images)")
    env = plugin_env()
    say_ttk(f"lltk {args.program}")
    sys.stderr.flush()
    os.execve(exe, [exe, *args.args], env)
    return 0
