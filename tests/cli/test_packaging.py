"""lltk installed with ``pip install .`` into a fresh environment, the source tree removed,
still finds its ParaView plugins and states and renders (issue 19)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import tomllib

REPO = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_for_install():
    """pyproject.toml lists the packages by hand (plugins/ and pvstates/ are mapped into
    lltk); a new subpackage missing from that list would be left out of every install."""
    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    mapped = {"plugins": "lltk.plugins", "pvstates": "lltk.pvstates", "sampling": "lltk.sampling"}
    found = set()
    for p in REPO.rglob("__init__.py"):
        parts = p.parent.relative_to(REPO).parts
        if parts and parts[0] in ("lltk", *mapped):
            top = mapped.get(parts[0], parts[0])
            found.add(".".join((top, *parts[1:])))
    assert found <= listed, f"add {sorted(found - listed)} to pyproject.toml"
    assert {"lltk.plugins", "lltk.pvstates", "lltk.sampling"} <= listed
    assert "sampling" not in listed, "sampling/ installs as lltk.sampling only"


def test_resources_resolve_in_the_checkout():
    from lltk.resources import share_dir

    assert share_dir("plugins") == REPO / "plugins"
    assert share_dir("pvstates") == REPO / "pvstates"
    assert share_dir("no-such-folder") == REPO / "lltk" / "no-such-folder"


@pytest.mark.slow
@pytest.mark.paraview
def test_installed_package_renders_without_its_source_tree(tmp_path, pvpython):
    """pip install a copy of the checkout into a venv (system site packages, no deps, so
    no torch), delete the copy, then ``lltk render`` must write its PNGs (about 30 s)."""
    src = tmp_path / "src"
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    pip = [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python")]
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-build-isolation", str(src)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    shutil.rmtree(src)
    python = env_dir / "bin" / "python"
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.util, lltk.resources as r, lltk.sampling; "
            "print(r.share_dir('pvstates')); print(importlib.util.find_spec('torch'))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    probe = probe.stdout.split()
    assert probe[0].startswith(str(env_dir)), probe
    assert probe[1] == "None", "torch leaked into the test environment"
    from lltk.render.synthetic import write_landscape

    landscape = write_landscape(tmp_path / "data", stem="bowl", side_files=False)
    proc = subprocess.run(
        [
            str(env_dir / "bin" / "lltk"),
            "render",
            str(landscape),
            "--out",
            str(tmp_path / "figs"),
            "--state",
            "landscape",
            "--state",
            "merge_tree",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    pngs = sorted(p.name for p in (tmp_path / "figs" / "bowl").glob("*.png"))
    assert {"landscape.png", "merge_tree.png"} <= set(pngs), (pngs, proc.stdout, proc.stderr)


def test_command_line_and_renderer_need_no_torch(tmp_path):
    """With torch made unimportable, the CLI builds and ``lltk topology`` runs; importing
    the renderer loads no ``sampling`` (sampling imports lltk, not the reverse)."""
    from lltk.render.synthetic import write_landscape

    landscape = write_landscape(tmp_path, stem="bowl", resolution=9, side_files=False)
    script = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "import lltk.render, lltk.render.synthetic\n"
        "assert 'sampling' not in sys.modules, 'lltk.render imported sampling'\n"
        "from lltk.cli import main\n"
        f"sys.exit(main(['topology', {str(landscape)!r}, '--out', {str(tmp_path / 'out')!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "bowl_MergeTree.csv").is_file()


def test_setup_installs_what_the_gui_check_and_the_help_plugin_need():
    """scripts/gui-check.sh stopped at "xdotool not found" after `make setup`, and the
    help plugin needs ParaView's headers, Qt's qhelpgenerator and a compiler."""
    setup = (REPO / "scripts/setup.sh").read_text()
    packages = setup.split("APT_PACKAGES=(")[1].split(")")[0].split()
    gui_check = (REPO / "scripts/gui-check.sh").read_text()
    tools = gui_check.split("for tool in ")[1].split(";")[0].split()
    # each tool the check looks for, and the Debian package that brings it
    assert set(tools) <= {"Xvfb", "xdotool", "xwd", "convert", "compare", "paraview"}, tools
    for package in (
        "xvfb",
        "xdotool",
        "x11-apps",
        "imagemagick",
        "paraview",
        "paraview-dev",
        "qhelpgenerator-qt5",
        "g++",
    ):
        assert package in packages, package
