"""Issue 15: every bad input a clear one-line error, nothing lost, no code run from files.

One test (or a few) per defect the issue lists, numbered as there; each failed before
its fix.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from lltk import topology, vtkxml
from lltk.cli import main

FAST = ["--n-f", "50", "--max-iter", "0", "--quiet"]


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def grid(tmp_path) -> Path:
    """A small 2-D landscape as lltk writes it."""
    rng = np.random.default_rng(0)
    ds = vtkxml.image_data({"Loss": rng.random(35)}, (7, 5))
    return vtkxml.write(tmp_path / "in" / "grid.vti", ds)


def one_error_line(capsys, command: str) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"lltk {command}: error:"), err
    assert "\n" not in err and "Traceback" not in err and "|" not in err, err
    return err


# 1 ------------------------------------------------------------------------ stage


def test_stage_never_deletes_user_files(tmp_path):
    from lltk.render import stage

    folder = tmp_path / "data"
    folder.mkdir()
    own = folder / "landscape_beta5.vti"
    own.write_text("the user's own landscape")
    src = folder / "landscape.vti"
    src.write_text("<VTKFile/>")
    with pytest.raises(ValueError, match="stage"):
        stage(src, folder)
    assert own.read_text() == "the user's own landscape"
    assert src.read_text() == "<VTKFile/>"
    other = tmp_path / "elsewhere" / "l.vti"
    other.parent.mkdir()
    other.write_text("<VTKFile/>")
    with pytest.raises(ValueError, match=r"landscape\.vti"):
        stage(other, folder)  # folder/landscape.vti is a real file: not replaced
    assert src.read_text() == "<VTKFile/>"
    staged = tmp_path / "staged"
    stage(other, staged)
    stage(other, staged)  # restaging over its own links is fine
    assert (staged / "landscape.vti").resolve() == other
    assert own.read_text() == "the user's own landscape"


# 2, 12 ------------------------------------------------------------- checkpoints


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_planted_pickle_is_not_run(tmp_path):
    import torch

    from lltk.sampling.cache import load_checkpoint

    marker = tmp_path / "pwned"
    path = tmp_path / "cache" / "pinn-0.pt"
    path.parent.mkdir()
    torch.save({"model": _Planted(marker)}, path)
    with pytest.raises(ValueError, match="delete it to retrain"):
        load_checkpoint(path)
    assert not marker.exists()


def test_checkpoint_round_trip_loads_with_weights_only(tmp_path):
    import torch

    from lltk.sampling.cache import atomic_torch_save, load_checkpoint

    path = tmp_path / "c.pt"
    state = {"w": torch.arange(3.0)}
    atomic_torch_save({"model": state, "hyper": {"beta": 1.0, "hidden": [4], "loss": "x"}}, path)
    back = load_checkpoint(path)
    assert torch.equal(back["model"]["w"], state["w"]) and back["hyper"]["hidden"] == [4]


def test_wrong_structure_checkpoint_is_one_line(tmp_path, capsys):
    import torch

    out = tmp_path / "o" / "p.vti"
    argv = ["train", "pinn", *FAST]
    assert main(argv) == 0
    (ckpt,) = (tmp_path / "cache").glob("pinn-*.pt")
    capsys.readouterr()
    for bad in ({"model": {"nope": torch.zeros(2)}}, {"weights": 1}, [1, 2]):
        torch.save(bad, ckpt)
        assert main(["sample", "pinn", "--resolution", "3", "--out", str(out), *FAST]) == 2
        err = one_error_line(capsys, "sample")
        assert "delete it to retrain" in err and str(ckpt) in err
        assert not out.parent.exists() or not any(out.parent.iterdir())


# 3 ------------------------------------------------------------- output paths


def test_topology_out_is_a_file_or_unwritable(grid, tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep")
    for out in (afile, afile / "sub", Path("/proc/lltk-out")):
        assert main(["topology", str(grid), "--out", str(out)]) == 2
        assert "cannot write" in one_error_line(capsys, "topology")
    assert afile.read_text() == "keep"


def test_render_out_is_a_file(grid, tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep")
    assert main(["render", str(grid), "--out", str(afile)]) == 2
    assert "cannot write" in one_error_line(capsys, "render")
    assert afile.read_text() == "keep"


# 4 ------------------------------------------------------------- numba cache


def test_topology_runs_with_an_unwritable_home_and_package(grid, tmp_path):
    """numba's cache=True needs a writable cache: with neither HOME nor the package's
    __pycache__ writable (a root-owned install run by a user) lltk uses a temporary one."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "lltk", src / "lltk", ignore=shutil.ignore_patterns("__pycache__"))
    (src / "lltk" / "topology" / "__pycache__").write_text("not a folder")  # unwritable
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "PYTHONPATH"))}
    env.update(HOME="/proc/lltk-home", PYTHONDONTWRITEBYTECODE="1")
    out = tmp_path / "t"
    proc = subprocess.run(
        [sys.executable, "-m", "lltk.cli", "topology", str(grid), "--out", str(out)],
        env=env,
        cwd=src,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "grid_MergeTree.csv").is_file()


# 5 ------------------------------------------------------------- cache folder


def test_unwritable_cache_refuses_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LLTK_CACHE", "/proc/lltk-cache")
    out = tmp_path / "p.vti"
    start = time.perf_counter()
    assert main(["sample", "pinn", "--out", str(out), "--n-f", "50", "--quiet"]) == 2
    err = one_error_line(capsys, "sample")
    assert "LLTK_CACHE" in err and "--no-cache" in err
    assert time.perf_counter() - start < 30 and not out.exists()


def test_cache_failing_after_training_keeps_the_model(tmp_path, capsys, monkeypatch):
    import lltk.sampling.cache

    def refuse(obj, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(lltk.sampling.cache, "atomic_torch_save", refuse)
    out = tmp_path / "p.vti"
    assert main(["sample", "pinn", "--resolution", "3", "--out", str(out), *FAST]) == 0
    assert out.is_file()
    assert "could not cache" in capsys.readouterr().err


# 6 ------------------------------------------------------------- size


@pytest.mark.parametrize(
    "extra", [["--resolution", "46000"], ["--dim", "31", "--resolution", "2", "--out", "x.vtu"]]
)
def test_oversized_grid_is_refused_before_allocating(tmp_path, capsys, extra):
    out = tmp_path / "x.vti"
    start = time.perf_counter()
    assert main(["sample", "pinn", "--out", str(out), *FAST, *extra]) == 2
    err = one_error_line(capsys, "sample")
    assert "evaluations" in err and "GiB" in err
    assert time.perf_counter() - start < 20
    assert not (tmp_path / "cache").exists()


def test_size_estimate_and_override():
    from lltk.sampling.budget import check_size

    check_size(2, 41, ".vti")
    with pytest.raises(ValueError, match="GiB"):
        check_size(2, 46000, ".vti")
    with pytest.raises(ValueError, match="--allow-large"):
        check_size(3, 1000, ".vti", memory=10**15)
    check_size(3, 1000, ".vti", memory=10**15, allow_large=True)
    with pytest.raises(ValueError, match="memory"):
        check_size(2, 46000, ".vti", allow_large=True)


# 7 ------------------------------------------------------------- beta


@pytest.mark.parametrize("beta", ["nan", "inf", "-inf"])
def test_non_finite_beta(tmp_path, capsys, beta):
    assert main(["sample", "pinn", f"--beta={beta}", "--out", str(tmp_path / "x.vti"), *FAST]) == 2
    assert "--beta" in one_error_line(capsys, "sample")


# 8 ------------------------------------------------------------- CSV temporaries


def test_topology_csv_uses_unique_temporaries(grid, tmp_path):
    out = tmp_path / "t"
    theirs = out / "grid_MergeTree.csv.tmp"
    theirs.mkdir(parents=True)  # someone else's name: a fixed temporary collides with it
    (theirs / "keep").write_text("keep")
    assert main(["topology", str(grid), "--out", str(out)]) == 0
    assert (theirs / "keep").read_text() == "keep"
    assert (out / "grid_MergeTree.csv").read_text().startswith('"NodeId"')


# 10 ------------------------------------------------------------- -inf


def test_negative_infinity_is_a_diverged_sample_with_a_warning():
    rng = np.random.default_rng(3)
    v = rng.random(15 * 15)
    v[[20, 100]] = -np.inf
    dom = topology.grid_domain((15, 15))
    with pytest.warns(RuntimeWarning, match="-inf"):
        tree = topology.join_tree(v, dom)
    with pytest.warns(RuntimeWarning):
        ref = topology.join_tree(np.where(np.isinf(v), np.nan, v), dom)
    np.testing.assert_array_equal(tree.node_vertex, ref.node_vertex)
    with pytest.warns(RuntimeWarning, match="-inf"):
        d = topology.persistence_pairs(v, dom)
    assert np.isfinite(d.birth).all()


# 11 ------------------------------------------------------------- corrupt zlib


def test_corrupt_zlib_block_is_a_file_error(tmp_path):
    payload = np.arange(12.0).tobytes()
    comp = zlib.compress(payload)
    bad = bytearray(comp)
    bad[len(bad) // 2] ^= 0xFF
    header = np.array([1, len(payload), len(payload), len(bad)], "<u8").tobytes()
    text = base64.b64encode(header + bytes(bad)).decode()
    xml = (
        '<?xml version="1.0"?><VTKFile type="ImageData" version="1.0" byte_order='
        '"LittleEndian" header_type="UInt64" compressor="vtkZLibDataCompressor">'
        '<ImageData WholeExtent="0 3 0 2 0 0" Origin="0 0 0" Spacing="1 1 1">'
        '<Piece Extent="0 3 0 2 0 0"><PointData><DataArray type="Float64" Name="Loss" '
        f'format="binary">{text}</DataArray></PointData></Piece></ImageData></VTKFile>'
    )
    path = tmp_path / "bad.vti"
    path.write_text(xml)
    with pytest.raises(vtkxml.VTKFileError, match="corrupt"):
        vtkxml.read(path)
    for junk in ("@@@@", base64.b64encode(header[:10]).decode()):
        path.write_text(xml.replace(text, junk))
        with pytest.raises(vtkxml.VTKFileError):
            vtkxml.read(path)


# 15, 17 ------------------------------------------------------------- options


def test_usage_errors_are_one_line(capsys):
    assert main(["sample", "pinn", "--beta", "-inf", "--out", "x.vti"]) == 2
    assert "expected one argument" in one_error_line(capsys, "sample")
    assert main(["topology"]) == 2
    one_error_line(capsys, "topology")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--graph", "knn", "--k", "0", "--out", "{d}/x.vtu"], "--k"),
        (["--graph", "knn", "--k", "100", "--out", "{d}/x.vtu"], "--k"),
        (["--k", "3", "--out", "{d}/x.vtu"], "--graph knn"),
        (["--graph", "knn", "--out", "{d}/x.vti"], "--graph"),
        (["--chunk-size", "0", "--out", "{d}/x.vti"], "--chunk-size"),
        (["--top-k", "3", "--out", "{d}/x.vti"], "--top-k"),
        (["--hessian-iter", "5", "--out", "{d}/x.vti"], "--hessian-iter"),
    ],
)
def test_options_checked_before_work(tmp_path, capsys, extra, message):
    d = tmp_path / "o"
    argv = [a.replace("{d}", str(d)) for a in extra]
    assert main(["sample", "pinn", "--resolution", "3", *FAST, *argv]) == 2
    assert message in one_error_line(capsys, "sample")
    assert not d.exists() or not any(d.iterdir())
    assert not (tmp_path / "cache").exists()


# 16 ------------------------------------------------------------- Ctrl-C


@pytest.mark.parametrize("module", ["torch._functorch", "lltk.study.pinn"])
def test_early_ctrl_c_is_one_line(grid, tmp_path, module):
    """SIGINT once lltk's own code runs (Python's start-up is not ours): while the
    subcommands are imported (before main's handler existed) or just after."""
    argv = ["topology", str(grid), "--out", str(tmp_path / "t")]
    proc = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "lltk.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stderr:
        if line.rstrip().endswith(f" {module}"):
            break
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=120)
    err = "".join(ln for ln in rest.splitlines(True) if not ln.startswith("import time:"))
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if proc.returncode != 0:
        assert proc.returncode == 130 and err.strip().endswith(": interrupted"), err
        assert len(err.strip().splitlines()) == 1, err
