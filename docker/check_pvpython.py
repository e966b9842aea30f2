"""Run by the image's pvpython (docker/verify-rootfs.sh): ParaView, lltk and every plugin load.

Usage: pvpython docker/check_pvpython.py REPO
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

repo = Path(sys.argv[1])
sys.path.insert(0, str(repo))
compat = importlib.import_module("lltk.paraview_compat")  # first: restores getargspec
simple = importlib.import_module("paraview.simple")

plugins = sorted((repo / "plugins").glob("*.py"))
for path in plugins:
    simple.LoadPlugin(str(path), ns=globals())
print(
    f"pvpython ok: ParaView {simple.GetParaViewVersion()}, "
    f"{compat.VTKPythonAlgorithmBase.__name__} importable, "
    f"plugins loaded: {[p.stem for p in plugins] or 'none yet'}"
)
