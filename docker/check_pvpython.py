"""Run by the image's pvpython (docker/verify-rootfs.sh): ParaView, lltk and every plugin load.

Usage: pvpython docker/check_pvpython.py REPO [--ttk]

With ``--ttk`` (run through ``lltk pvpython``, which loads TTK): TTK's own filters are
there too, and lltk's four TTK-capable filters run TTK (``lltkBackend = ttk``) on a
small wavelet field.
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
    if not hasattr(simple, path.stem.split("_", 1)[-1].title().replace("_", "")):
        simple.LoadPlugin(str(path), ns=globals())
print(
    f"pvpython ok: ParaView {simple.GetParaViewVersion()}, "
    f"{compat.VTKPythonAlgorithmBase.__name__} importable, "
    f"plugins loaded: {[p.stem for p in plugins] or 'none yet'}"
)

if "--ttk" in sys.argv[2:]:
    from paraview import servermanager

    from lltk.paraview import backend

    proxies = {task: backend.ttk_proxy(simple, task) is not None for task in backend.TTK_PROXIES}
    print(f"TTK's filters in ParaView: {proxies}")
    wavelet = simple.Wavelet(WholeExtent=[-6, 6, -6, 6, 0, 0])
    used = {}
    for name in (
        "LossMergeTree",
        "LossPersistenceDiagram",
        "LossCriticalPoints",
        "LossPersistenceSimplification",
    ):
        f = getattr(simple, name)(wavelet, ScalarArray=["POINTS", "RTData"])
        f.UpdatePipeline()
        f.UpdatePropertyInformation()
        tag = servermanager.Fetch(f).GetFieldData().GetAbstractArray("lltkBackend")
        used[name] = (f.GetPropertyValue("BackendUsed"), tag.GetValue(0) if tag else None)
    print(f"lltk's filters ran (BackendUsed, lltkBackend): {used}")
    if not all(proxies.values()) or any(u != ("ttk", "ttk") for u in used.values()):
        sys.exit("TTK check failed")
