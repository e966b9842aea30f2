"""lltk.ttk: where lltk finds TTK, and the environment `lltk paraview`, `lltk pvpython` and
`lltk render` give ParaView so that TTK loads (checked on a stand-in install's layout;
tests/paraview/test_ttk_parity.py runs the real one)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lltk import ttk
from lltk.commands.paraview import plugin_env, say_ttk
from lltk.render import pvpython_env


def _install(prefix: Path) -> Path:
    """TTK's install layout (make ttk): the plugin, the Python module, the libraries."""
    (prefix / ttk.PLUGIN).parent.mkdir(parents=True)
    (prefix / ttk.PLUGIN).write_bytes(b"")
    (prefix / "lib" / "python3" / "dist-packages" / "topologytoolkit").mkdir(parents=True)
    return prefix


@pytest.fixture
def clean(monkeypatch, tmp_path):
    """No TTK anywhere: a fresh home, no prefix set, no shared data folders."""
    monkeypatch.delenv("LLTK_TTK_PREFIX", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home-data"))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "shared"))
    return tmp_path


def test_nothing_installed(clean):
    assert ttk.find() is None
    env = dict(os.environ)
    assert ttk.add_to_env(env) is None and env == dict(os.environ)
    assert ttk.missing_note() is None


def test_default_prefix_is_found_and_put_on_the_paths(clean, capsys):
    prefix = _install(clean / "home-data" / "lltk" / "ttk-1.2.0")
    found = ttk.find()
    assert found is not None and found.prefix == prefix
    for env in (plugin_env(), pvpython_env()):
        assert str(prefix / "bin/plugins/TopologyToolKit") in env["PV_PLUGIN_PATH"].split(":")
        assert str(prefix / "lib/python3/dist-packages") in env["PYTHONPATH"].split(":")
        assert env["LD_LIBRARY_PATH"].split(":")[0] == str(prefix / "lib")
    say_ttk("lltk pvpython")
    assert capsys.readouterr().err == f"lltk pvpython: {found.describe()}\n"


def test_shared_install_and_explicit_prefix(clean, monkeypatch, capsys):
    shared = _install(clean / "shared" / "lltk" / "ttk-1.2.0")
    assert ttk.find().prefix == shared  # e.g. the image's /usr/local/share
    monkeypatch.setenv("LLTK_TTK_PREFIX", str(clean / "elsewhere"))
    assert ttk.find() is None  # an explicit prefix is the only place looked at
    say_ttk("lltk render")
    err = capsys.readouterr().err
    assert err.startswith(f"lltk render: warning: LLTK_TTK_PREFIX={clean / 'elsewhere'} holds no")
    explicit = _install(clean / "elsewhere")
    assert ttk.find().prefix == explicit


def test_incomplete_install_is_ignored(clean):
    prefix = clean / "home-data" / "lltk" / "ttk-1.2.0"
    (prefix / ttk.PLUGIN).parent.mkdir(parents=True)
    (prefix / ttk.PLUGIN).write_bytes(b"")  # the plugin without the Python module
    assert ttk.find() is None


def test_ttk_names_of_1_2_0_and_later(monkeypatch):
    """The merge tree is ttkFTMTree / TTKMergeandContourTreeFTM in TTK 1.2.0 and
    ttkMergeTree / TTKMergeTree after it: the backend finds either."""
    import sys
    import types

    from lltk.paraview import backend

    for cls, proxy in (
        ("ttkFTMTree", "TTKMergeandContourTreeFTM"),
        ("ttkMergeTree", "TTKMergeTree"),
    ):
        module = types.ModuleType("topologytoolkit")
        setattr(module, cls, object)
        monkeypatch.setitem(sys.modules, "topologytoolkit", module)
        assert backend.ttk_class("merge_tree") is object
        assert backend.ttk_class("persistence_diagram") is None
        assert backend.choose("merge_tree", backend.AUTO) == "ttk"
        simple = types.SimpleNamespace(**{proxy: len})
        assert backend.ttk_proxy(simple, "merge_tree") is len
        assert backend.ttk_proxy(simple, "simplification") is None
