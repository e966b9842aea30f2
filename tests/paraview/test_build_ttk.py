"""scripts/build-ttk.sh (`make ttk`): its failure paths and its no-op rerun, without a build.

Each bad source stops the script in seconds with one line naming what is missing, and
leaves nothing under the prefix; a prefix stamped with the archive's sha256 is left as
is. The real build (15-35 minutes) is not run here.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from conftest import skip_without_ttk

from lltk import ttk

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build-ttk.sh"
VENDORED = REPO.parent / "shared" / "vendor" / "ttk-1.2.0-src.tar.gz"


def _run(tmp: Path, source: str, prefix: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        LLTK_TTK_SOURCE=source,
        LLTK_TTK_PREFIX=str(prefix or tmp / "prefix" / "ttk"),
        LLTK_TTK_BUILD=str(tmp / "build"),
        LLTK_SETUP_STEPS="build",  # never apt-get from a test
    )
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )


def _tarball(path: Path, folder: str) -> Path:
    """A small .tar.gz holding ``<top>/<folder>/README``."""
    with tarfile.open(path, "w:gz") as tar:
        data = b"not TTK\n"
        info = tarfile.TarInfo(f"top/{folder}/README")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def _failed(proc: subprocess.CompletedProcess, words: str, tmp: Path) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("lltk ttk: ") and words in line, proc.stderr
    assert not (tmp / "prefix" / "ttk").exists()


def test_missing_local_archive(tmp_path):
    missing = tmp_path / "nowhere" / "ttk-1.2.0.tar.gz"
    _failed(_run(tmp_path, str(missing)), f"{missing} does not exist", tmp_path)


def test_file_that_is_not_an_archive(tmp_path):
    bad = tmp_path / "ttk.tar.gz"
    bad.write_text("<html>404</html>\n")
    _failed(_run(tmp_path, str(bad)), "is not a readable .tar.gz", tmp_path)


def test_archive_that_is_not_ttk(tmp_path):
    other = _tarball(tmp_path / "other.tar.gz", "src")
    _failed(_run(tmp_path, str(other)), "does not hold TTK 1.2.0's source", tmp_path)


def test_unreachable_url(tmp_path):
    if shutil.which("curl") is None:
        pytest.skip("curl not found (make ttk installs it)")
    url = "http://127.0.0.1:9/ttk-1.2.0.tar.gz"  # the discard port: refused at once
    _failed(_run(tmp_path, url), f"cannot download TTK's source from {url}", tmp_path)
    assert not list((tmp_path / "build").glob("ttk-source*"))  # no partial download kept


def test_unwritable_prefix(tmp_path):
    fake = _tarball(tmp_path / "ttk.tar.gz", "core/vtk/ttkFTMTree")
    (tmp_path / "afile").write_text("")
    proc = _run(tmp_path, str(fake), prefix=tmp_path / "afile" / "ttk")
    _failed(proc, f"cannot write {tmp_path / 'afile'}", tmp_path)


def test_installed_prefix_is_left_as_is(tmp_path):
    archive = _tarball(tmp_path / "ttk.tar.gz", "core/vtk/ttkFTMTree")
    prefix = tmp_path / "prefix" / "ttk"
    prefix.mkdir(parents=True)
    sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    (prefix / ".lltk-ttk").write_text(f"{sha} {archive}\n")
    proc = _run(tmp_path, str(archive), prefix=prefix)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"lltk ttk: TTK already installed in {prefix}"
    assert sorted(p.name for p in prefix.iterdir()) == [".lltk-ttk"]


def test_rerun_after_the_real_build_is_a_no_op(tmp_path):
    """Where `make ttk` installed TTK from the default source, running it again does
    nothing (no apt, no cmake) and says so."""
    prefix = ttk.default_prefix()
    if not (prefix / ".lltk-ttk").is_file():
        skip_without_ttk(f"TTK is not installed in {prefix} (make ttk)")
    if not VENDORED.is_file():
        pytest.skip(f"the default source {VENDORED} is absent (it would be downloaded)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLTK_TTK_")}
    env.update(LLTK_SETUP_STEPS="build", LLTK_TTK_BUILD=str(tmp_path / "build"))
    proc = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"lltk ttk: TTK already installed in {prefix}"
