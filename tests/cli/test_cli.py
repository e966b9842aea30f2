"""The ``lltk`` command line as a user meets it: help, ParaView launchers, the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lltk import vtkxml
from lltk.cli import build_parser

LLTK = [sys.executable, "-m", "lltk.cli"]


def test_every_subcommand_has_help():
    names = set(build_parser()._subparsers._group_actions[0].choices)
    assert {"demo", "sample", "topology", "render", "paraview", "pvpython"} <= names
    for name in sorted(names):
        out = subprocess.run([*LLTK, name, "--help"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, (name, out.stderr)
        assert "usage: lltk" in out.stdout


@pytest.mark.paraview
def test_pvpython_launcher_loads_the_plugins(tmp_path):
    landscape = vtkxml.write(
        tmp_path / "bowl.vti",
        vtkxml.image_data(
            {"Loss": np.add.outer(np.arange(5.0) ** 2, np.arange(6.0) ** 2).ravel()}, dims=(6, 5)
        ),
    )
    script = tmp_path / "s.py"
    script.write_text(
        "from paraview.simple import *\n"
        "from paraview import servermanager as sm\n"
        f"m = sm.Fetch(LandscapeMetrics(OpenDataFile({str(landscape)!r})))\n"
        "print('minima', m.GetColumnByName('MinimaCount').GetValue(0))\n"
    )
    env = dict(os.environ)
    cmd = [*LLTK, "pvpython", str(script)]
    if not env.get("DISPLAY"):
        cmd = ["xvfb-run", "-a", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
    assert "minima 1" in out.stdout, out.stdout + out.stderr


def test_paraview_gui_without_display_is_a_clear_error(monkeypatch):
    from lltk.cli import main

    monkeypatch.delenv("DISPLAY", raising=False)
    assert main(["paraview"]) == 2


@pytest.mark.slow
@pytest.mark.paraview
def test_demo_end_to_end(tmp_path):
    """`lltk demo` trains, samples, computes topology and leaves three non-blank PNGs."""
    env = dict(
        os.environ, LLTK_CACHE=os.environ.get("LLTK_CACHE", str(Path.home() / ".cache/lltk"))
    )
    out = subprocess.run(
        [*LLTK, "demo", "--resolution", "21", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    pngs = [Path(line) for line in out.stdout.splitlines() if line.endswith(".png")]
    assert [p.stem for p in pngs] == ["landscape", "merge_tree", "persistence_diagram"]
    reader_script = (
        "import sys\nfrom vtkmodules.vtkIOImage import vtkPNGReader\n"
        "from vtkmodules.util.numpy_support import vtk_to_numpy\n"
        "for p in sys.argv[1:]:\n"
        "    r = vtkPNGReader(); r.SetFileName(p); r.Update()\n"
        "    a = vtk_to_numpy(r.GetOutput().GetPointData().GetScalars())\n"
        "    print(p, a.shape[0], float(a[:, :3].std()))\n"
    )
    stats = subprocess.run(
        ["/usr/bin/python3", "-c", reader_script, *map(str, pngs)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert stats.returncode == 0, stats.stderr[-3000:]
    lines = stats.stdout.splitlines()
    assert len(lines) == len(pngs), stats.stdout
    for line in lines:
        _, pixels, spread = line.split()
        assert int(pixels) > 100_000 and float(spread) > 10, line
    assert (tmp_path / "pinn_beta1_seed0_MergeTree.csv").is_file()


@pytest.mark.parametrize(
    ("given", "passed"),
    [
        (["--script=x.py"], ["--script=x.py"]),
        (["--state=s.pvsm", "--version"], ["--state=s.pvsm", "--version"]),
        (["--", "--script=x.py"], ["--script=x.py"]),
        (["run.vti", "--script=x.py"], ["run.vti", "--script=x.py"]),
    ],
)
def test_paraview_launcher_hands_options_to_paraview(tmp_path, given, passed):
    """`lltk paraview --script=x.py` reached ParaView as "unrecognized arguments" before;
    a stand-in `paraview` on PATH records what it gets and where it finds the macros."""
    fake = tmp_path / "paraview"
    fake.write_text(
        '#!/bin/sh\nfor a in "$@"; do echo "arg $a"; done\n'
        'echo "plugins $PV_PLUGIN_PATH"\necho "macros $PV_MACRO_PATH"\n'
    )
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}{os.pathsep}{os.environ['PATH']}", DISPLAY=":0")
    out = subprocess.run(
        [*LLTK, "paraview", *given], capture_output=True, text=True, timeout=60, env=env
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [ln[4:] for ln in lines if ln.startswith("arg ")] == passed
    repo = Path(__file__).resolve().parents[2]
    plugin_path = next(ln[len("plugins ") :] for ln in lines if ln.startswith("plugins "))
    assert plugin_path.split(os.pathsep)[0] == str(repo / "plugins")  # TTK's may follow
    assert f"macros {repo / 'plugins' / 'macros'}" in lines
