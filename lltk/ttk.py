"""Where TTK is installed (``make ttk``) and the environment that loads it into ParaView.

``scripts/build-ttk.sh`` installs TTK 1.2.0 into a prefix P (``LLTK_TTK_PREFIX``, by
default ``~/.local/share/lltk/ttk-1.2.0``; lltk also looks in ``lltk/ttk-1.2.0`` under
``XDG_DATA_DIRS``, such as the image's ``/usr/local/share``): its ParaView plugin
``P/bin/plugins/TopologyToolKit/TopologyToolKit.so``, its Python module
``topologytoolkit`` under ``P/lib/python3*/``, its libraries in ``P/lib``. ParaView
finds the plugin through ``PV_PLUGIN_PATH``, Python the module through ``PYTHONPATH``,
and the module its libraries through ``LD_LIBRARY_PATH``, all set before ParaView
starts; lltk's filters then run TTK (see :mod:`lltk.paraview.backend`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PLUGIN = Path("bin/plugins/TopologyToolKit/TopologyToolKit.so")


def default_prefix() -> Path:
    """Where ``make ttk`` installs TTK unless ``LLTK_TTK_PREFIX`` says otherwise."""
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "lltk" / "ttk-1.2.0"


@dataclass(frozen=True)
class Install:
    """A TTK install: its prefix, plugin folder, Python module folder, library folder."""

    prefix: Path
    plugin_dir: Path
    python_dir: Path
    lib_dir: Path

    def describe(self) -> str:
        """One line for the user: which TTK is loaded and from where."""
        return (
            f"TTK loaded from {self.prefix}: lltk's merge tree, persistence diagram, "
            "critical points and simplification filters run TTK (Backend = lltk runs "
            "lltk's engine)"
        )


def prefix() -> Path:
    """The prefix ``make ttk`` installs into: ``LLTK_TTK_PREFIX`` when set, else the default."""
    chosen = os.environ.get("LLTK_TTK_PREFIX")
    return Path(chosen).expanduser() if chosen else default_prefix()


def candidates() -> list[Path]:
    """Where lltk looks for TTK, in order: ``LLTK_TTK_PREFIX`` alone when it is set, else
    the default prefix, then ``lltk/ttk-1.2.0`` under each of ``XDG_DATA_DIRS``."""
    if os.environ.get("LLTK_TTK_PREFIX"):
        return [prefix()]
    dirs = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    shared = [Path(d) / "lltk" / "ttk-1.2.0" for d in dirs.split(os.pathsep) if d]
    return [default_prefix(), *shared]


def find() -> Install | None:
    """The first complete TTK install among :func:`candidates`, or None."""
    for root in candidates():
        modules = sorted(root.glob("lib*/python3*/*-packages/topologytoolkit"))
        if (root / PLUGIN).is_file() and modules:
            return Install(
                prefix=root,
                plugin_dir=(root / PLUGIN).parent,
                python_dir=modules[0].parent,
                lib_dir=root / "lib",
            )
    return None


def _prepend(env: dict[str, str], name: str, value: Path) -> None:
    parts = [str(value)] + [p for p in env.get(name, "").split(os.pathsep) if p]
    env[name] = os.pathsep.join(dict.fromkeys(parts))


def add_to_env(env: dict[str, str]) -> Install | None:
    """Add TTK's plugin, Python module and libraries to ``env`` (in place) when TTK is
    installed; returns the install, or None (``env`` unchanged)."""
    install = find()
    if install is not None:
        _prepend(env, "PV_PLUGIN_PATH", install.plugin_dir)
        _prepend(env, "PYTHONPATH", install.python_dir)
        _prepend(env, "LD_LIBRARY_PATH", install.lib_dir)
    return install


def missing_note() -> str | None:
    """A warning when ``LLTK_TTK_PREFIX`` is set but holds no TTK; None otherwise."""
    chosen = os.environ.get("LLTK_TTK_PREFIX")
    if chosen and find() is None:
        return (
            f"LLTK_TTK_PREFIX={chosen} holds no TTK install ({PLUGIN} and the "
            "topologytoolkit module); running lltk's engine (make ttk installs TTK)"
        )
    return None
