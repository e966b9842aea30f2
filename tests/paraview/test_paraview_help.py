"""The Properties panel's ``?`` on an lltk filter: ParaView 5.11 opens
``qthelp://<namespace>/<namespace's base name>/filters.<proxy>.html`` from a compiled
plugin's Qt help file (pqHelpReaction::showProxyHelp); lltk.paraview.documentation builds
that plugin. Checked here against Qt's own help database (the .qch is SQLite, written by
Qt's qhelpgenerator) and ParaView's plugin loader; scripts/gui-check.sh clicks ``?``."""

from __future__ import annotations

import sqlite3
import subprocess
import xml.etree.ElementTree as ET

import pytest

from lltk.paraview import documentation
from lltk.render import PLUGINS_DIR

pytestmark = pytest.mark.paraview


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple:
    if missing := documentation.missing_tools():
        pytest.skip("cannot build the help plugin: no " + ", ".join(missing))
    out = tmp_path_factory.mktemp("help")
    return documentation.build(PLUGINS_DIR, out), out


def test_every_filter_has_the_page_paraview_asks_for(built):
    _, out = built
    proxies = {p.get("name") for p in documentation.proxies(PLUGINS_DIR)}
    assert len(proxies) == len(documentation.plugin_files(PLUGINS_DIR)) == 7
    db = sqlite3.connect(out / "lltk.qch")
    (namespace,) = db.execute("SELECT Name FROM NamespaceTable").fetchone()
    (folder,) = db.execute("SELECT Name FROM FolderTable").fetchone()
    files = {name for (name,) in db.execute("SELECT Name FROM FileNameTable")}
    # QFileInfo(namespace).baseName(): up to the first dot
    assert folder == namespace.split(".")[0]
    assert {f"filters.{name}.html" for name in proxies} <= files


def test_a_page_documents_the_filters_properties(built):
    _, out = built
    page = ET.fromstring((out / "filters.LossPersistenceDiagram.html").read_text())
    text = " ".join("".join(page.itertext()).split())
    assert "Loss Persistence Diagram" in text
    for label in ("Scalar Array", "Persistence Threshold", "Saddle-Saddle Pairs", "Backend"):
        assert label in text
    assert "lltkBackend" in text


def test_paraview_loads_the_help_plugin(built, pvpython):
    library, _ = built
    script = (
        "from paraview.simple import LoadPlugin\n"
        "from paraview.modules.vtkRemotingCore import vtkPVPluginTracker\n"
        f"LoadPlugin({str(library)!r}, remote=False, ns=globals())\n"
        "t = vtkPVPluginTracker.GetInstance()\n"
        "print('LOADED', [t.GetPluginName(i) for i in range(t.GetNumberOfPlugins())"
        " if t.GetPluginLoaded(i)])\n"
    )
    proc = subprocess.run([*pvpython, "-c", script], capture_output=True, text=True, timeout=300)
    assert documentation.PLUGIN_NAME in proc.stdout, (proc.stdout + proc.stderr)[-2000:]


def test_the_plugin_is_rebuilt_when_the_plugins_change(built, tmp_path):
    library, out = built
    assert documentation.plugin_dir(PLUGINS_DIR, out) == out
    before = library.stat().st_mtime_ns
    (out / "stamp").write_text("an older plugin set")
    assert documentation.plugin_dir(PLUGINS_DIR, out) == out
    assert library.stat().st_mtime_ns != before
    assert (out / "stamp").read_text() == documentation.stamp(PLUGINS_DIR)
