"""The lltk filters' pages behind the Properties panel's ``?`` button in ParaView 5.11.

ParaView's ``?`` (``pqHelpReaction::showProxyHelp``) opens
``qthelp://<namespace>/<namespace's base name>/<group>.<proxy>.html`` from the documentation
registered with the GUI's help engine, and only two things register any there: the
application's own compiled-in ``.qch`` (``pqApplicationCore::helpEngine``) and compiled
plugins, whose ``vtkPVPlugin::GetBinaryResources`` ``pqPluginDocumentationBehavior``
hands to the engine. A Python plugin (``vtkPVPythonAlgorithmPlugin``) has no binary
resources, so ``?`` on an lltk filter showed ParaView's own start page.

:func:`build` therefore writes a page per filter from the plugins' own proxy XML (what
the panel's tooltips show), packs them into a Qt help file with Qt's ``qhelpgenerator``
and compiles a documentation-only plugin around it (one C++ file against Debian's
``paraview-dev``, a second or two). ``make setup`` builds it; ``lltk paraview`` loads it
(:func:`plugin_dir`, rebuilt when the plugins changed).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

#: The help namespace; ParaView looks for the pages under its base name ("lltk").
NAMESPACE = "lltk.paraview"
FOLDER = NAMESPACE.split(".")[0]
PLUGIN_NAME = "LLTKDocumentation"
PARAVIEW_INCLUDE = Path("/usr/include/paraview-5.11")
QHELPGENERATOR = ("qhelpgenerator", "/usr/lib/qt5/bin/qhelpgenerator")

_PLUGIN_CXX = """\
#define PARAVIEW_BUILDING_PLUGIN
#include "vtkPVPlugin.h"

static const char* const QCH_BASE64 = "@QCH@";

class @NAME@ : public vtkPVPlugin
{
public:
  const char* GetPluginName() override { return "@NAME@"; }
  const char* GetPluginVersionString() override { return "@STAMP@"; }
  bool GetRequiredOnServer() override { return false; }
  bool GetRequiredOnClient() override { return true; }
  const char* GetRequiredPlugins() override { return ""; }
  const char* GetDescription() override { return "Help pages of lltk's ParaView filters"; }
  const char* GetEULA() override { return nullptr; }
  void GetBinaryResources(std::vector<std::string>& resources) override
  {
    resources.push_back(QCH_BASE64);
  }
};

PV_PLUGIN_EXPORT(@NAME@, @NAME@)
"""

_PROPERTY_TAGS = ("IntVectorProperty", "DoubleVectorProperty", "StringVectorProperty")


def plugin_files(plugins_dir: Path) -> list[Path]:
    """The Python plugin modules in ``plugins_dir``."""
    return sorted(plugins_dir.glob("lltk_*.py"))


def proxies(plugins_dir: Path) -> list[ET.Element]:
    """The ``filters`` proxies the plugins in ``plugins_dir`` declare, as ParaView reads
    them (``paraview.detail.pythonalgorithm``)."""
    import lltk.paraview_compat  # noqa: F401 (ParaView's plugin loader on Python 3.11)

    # after lltk.paraview_compat, which gives Python 3.11 what this module imports
    get_plugin_xmls = importlib.import_module("paraview.detail.pythonalgorithm").get_plugin_xmls

    found = []
    for path in plugin_files(plugins_dir):
        spec = importlib.util.spec_from_file_location(f"_lltk_doc_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for xml in get_plugin_xmls(module):
            found += ET.fromstring(xml).findall("./ProxyGroup[@name='filters']/SourceProxy")
    return found


def _text(element: ET.Element | None) -> str:
    """The element's documentation, whitespace folded."""
    doc = None if element is None else element.find("Documentation")
    return " ".join((doc.text or "").split()) if doc is not None else ""


def _choices(prop: ET.Element) -> str:
    entries = prop.findall("./EnumerationDomain/Entry")
    if entries:
        return "; ".join(f"{e.get('value')}: {e.get('text')}" for e in entries)
    return ""


def page(proxy: ET.Element) -> str:
    """The HTML help page of one filter proxy: what it computes, its input, properties
    (in the panel's order, with their defaults) and output ports."""
    label = html.escape(proxy.get("label", proxy.get("name")))
    rows = []
    for prop in proxy:
        if prop.tag not in _PROPERTY_TAGS:
            continue
        name = html.escape(prop.get("label") or prop.get("name"))
        default = prop.get("default_values", "")
        if prop.get("number_of_elements") == "5":  # an array choice: the array's name
            default = default.split(";")[-1]
        if prop.get("information_only") == "1":
            default = "(read only)"
        choices = _choices(prop)
        doc = html.escape(_text(prop)) + (f"<br/><i>{html.escape(choices)}</i>" if choices else "")
        rows.append(
            f"<tr><td><b>{name}</b><br/><code>{html.escape(prop.get('name'))}</code></td>"
            f"<td>{doc}</td><td>{html.escape(default)}</td></tr>"
        )
    ports = "".join(
        f"<li>{port.get('index')}: {html.escape(port.get('name'))}</li>"
        for port in proxy.findall("OutputPort")
    )
    return (
        f"<html><head><title>{label}</title></head><body>"
        f"<h2>{label}</h2><p>{html.escape(_text(proxy))}</p>"
        f"<h3>Input</h3><p>{html.escape(_text(proxy.find('InputProperty')))}</p>"
        "<h3>Properties</h3><table border='1' cellpadding='4' cellspacing='0'>"
        "<tr><th>Property</th><th>Description</th><th>Default</th></tr>"
        f"{''.join(rows)}</table>"
        f"<h3>Output ports</h3><ul>{ports}</ul>"
        "<p>The engine that ran (TTK or lltk) is the field-data array <code>lltkBackend</code>"
        " of the output: <i>Information</i> panel, <i>Data Arrays</i>.</p>"
        f"<p><small>lltk, loss-landscape topology kit: {html.escape(proxy.get('name'))}"
        "</small></p></body></html>"
    )


def pages(plugins_dir: Path) -> dict[str, str]:
    """Each filter's page under the file name ParaView asks for (``filters.<name>.html``),
    and ``index.html`` listing them."""
    found = {f"filters.{p.get('name')}.html": page(p) for p in proxies(plugins_dir)}
    links = "".join(
        f"<li><a href='{name}'>{html.escape(name[len('filters.') : -len('.html')])}</a></li>"
        for name in sorted(found)
    )
    found["index.html"] = (
        "<html><head><title>lltk filters</title></head><body><h2>lltk's ParaView filters</h2>"
        f"<ul>{links}</ul></body></html>"
    )
    return found


def _qhp(names: list[str]) -> str:
    sections = "".join(
        f'<section title="{html.escape(n[:-5])}" ref="{n}"/>' for n in names if n != "index.html"
    )
    files = "".join(f"<file>{n}</file>" for n in names)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><QtHelpProject version="1.0">'
        f"<namespace>{NAMESPACE}</namespace><virtualFolder>{FOLDER}</virtualFolder>"
        '<filterSection><toc><section title="lltk filters" ref="index.html">'
        f"{sections}</section></toc><keywords/><files>{files}</files></filterSection>"
        "</QtHelpProject>"
    )


def stamp(plugins_dir: Path) -> str:
    """A digest of everything the pages are made from: the plugins, their shared XML and
    this module."""
    digest = hashlib.sha256()
    sources = [*plugin_files(plugins_dir), Path(__file__).with_name("algorithm.py"), Path(__file__)]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_dir() -> Path:
    """Where ``make setup`` and ``lltk paraview`` keep the built plugin."""
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "lltk" / "paraview-help"


def missing_tools() -> list[str]:
    """What building the plugin needs and this machine lacks."""
    missing = []
    if not any(shutil.which(tool) for tool in QHELPGENERATOR):
        missing.append("qhelpgenerator (Debian's qhelpgenerator-qt5)")
    if not shutil.which("c++"):
        missing.append("a C++ compiler (g++)")
    if not (PARAVIEW_INCLUDE / "vtkPVPlugin.h").is_file():
        missing.append("ParaView's headers (Debian's paraview-dev)")
    return missing


def library(out_dir: Path) -> Path:
    """The plugin library :func:`build` writes in ``out_dir``."""
    return out_dir / f"{PLUGIN_NAME}.so"


def build(plugins_dir: Path, out_dir: Path) -> Path:
    """Write the pages, the ``.qch`` and the plugin library into ``out_dir``; return the
    library. Raises ``RuntimeError`` (with what is missing) where it cannot be built."""
    if missing := missing_tools():
        raise RuntimeError("cannot build lltk's help plugin: no " + ", ".join(missing))
    out_dir.mkdir(parents=True, exist_ok=True)
    current = stamp(plugins_dir)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        work = Path(tmp)
        found = pages(plugins_dir)
        for name, text in found.items():
            (work / name).write_text(text, encoding="utf-8")
        (work / "lltk.qhp").write_text(_qhp(sorted(found)), encoding="utf-8")
        generator = next(t for t in map(shutil.which, QHELPGENERATOR) if t)
        subprocess.run(
            [generator, "lltk.qhp", "-o", "lltk.qch"], cwd=work, check=True, capture_output=True
        )
        qch = base64.b64encode((work / "lltk.qch").read_bytes()).decode()
        source = _PLUGIN_CXX.replace("@QCH@", qch).replace("@NAME@", PLUGIN_NAME)
        source = source.replace("@STAMP@", current)
        (work / "plugin.cxx").write_text(source)
        subprocess.run(
            [
                "c++", "-shared", "-fPIC", "-O0", "-DPARAVIEW_PLUGIN_BUILT_SHARED=1",
                f"-I{PARAVIEW_INCLUDE}", "plugin.cxx", "-o", "plugin.so",
                "-lvtkRemotingCore-pv5.11",
            ],
            cwd=work, check=True, capture_output=True,
        )  # fmt: skip
        for name in found:
            (work / name).replace(out_dir / name)
        (work / "lltk.qch").replace(out_dir / "lltk.qch")
        (work / "plugin.so").replace(library(out_dir))
    (out_dir / "stamp").write_text(current)
    return library(out_dir)


def plugin_dir(plugins_dir: Path, out_dir: Path | None = None) -> Path | None:
    """The folder of an up-to-date help plugin for ``plugins_dir`` (built now when missing
    or stale and the tools are there), or None."""
    out_dir = out_dir or default_dir()
    stamp_file = out_dir / "stamp"
    built = library(out_dir).is_file() and stamp_file.is_file()
    if built and stamp_file.read_text() == stamp(plugins_dir):
        return out_dir
    try:
        build(plugins_dir, out_dir)
    except (RuntimeError, OSError, ImportError, subprocess.CalledProcessError):
        return None
    return out_dir


if __name__ == "__main__":  # make setup: python -m lltk.paraview.documentation
    import sys

    from lltk.render import PLUGINS_DIR

    try:
        library_path = build(PLUGINS_DIR, default_dir())
        print(f"lltk setup: help pages for ParaView's ? button: {library_path}")
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"lltk setup: warning: {exc}; ? shows ParaView's own help", file=sys.stderr)
