"""Issue 15: every bad input a clear one-line error, nothing lost, no code run from files.

One test (or a few) per defect the issue lists, numbered as there; each failed before
its fix.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
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


# ======================================================================== issue 25
# The second bad-input trial's families; each test reproduces an example that failed.

_IMAGE = (
    '<?xml version="1.0"?><VTKFile type="ImageData" version="1.0" byte_order="LittleEndian"'
    ' header_type="UInt64"{comp}><ImageData WholeExtent="{ext}" Origin="{origin}"'
    ' Spacing="{spacing}"{extra}><Piece Extent="{ext}"><PointData>{arrays}</PointData>'
    "</Piece></ImageData></VTKFile>"
)


def image_xml(arrays: str = "", ext: str = "0 3 0 2 0 0", comp: str = "", **attrs) -> str:
    """A hand-written .vti: ``arrays`` the PointData's DataArray elements."""
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items() if k not in ("origin", "spacing"))
    return _IMAGE.format(
        comp=comp,
        ext=ext,
        origin=attrs.get("origin", "0 0 0"),
        spacing=attrs.get("spacing", "1 1 1"),
        extra=extra,
        arrays=arrays,
    )


def ascii_array(values: str, vtype: str = "Float64", name: str = "Loss") -> str:
    return f'<DataArray type="{vtype}" Name="{name}" format="ascii">{values}</DataArray>'


TWELVE = " ".join(str(v) for v in np.random.default_rng(5).random(12))


# 1 ---------------------------------------------------------- code from data files


def _cifar_folder(folder: Path, planted: object) -> Path:
    import pickle

    folder.mkdir(parents=True)
    batch = {b"data": np.zeros((2, 3072), np.uint8), b"labels": [0, 1], b"x": planted}
    for name in (*[f"data_batch_{i}" for i in range(1, 6)], "test_batch"):
        (folder / name).write_bytes(pickle.dumps(batch))
    return folder


def test_cifar_batch_with_planted_reduce_is_refused(tmp_path, capsys):
    """A CIFAR-10 batch whose pickle would touch a marker file is refused by the audited
    loader before anything in it runs, in the library and through ``lltk train``."""
    from lltk.sampling.data import load_cifar10

    marker = tmp_path / "pwned"
    folder = _cifar_folder(tmp_path / "cifar", _Planted(marker))
    with pytest.raises(ValueError, match=r"refuses the global pathlib\.Path\.touch|not loaded"):
        load_cifar10(folder)
    assert not marker.exists()
    argv = ["train", "resnet20", "--data", str(folder), "--epochs", "0", "--quiet"]
    assert main(argv) == 2
    err = one_error_line(capsys, "train")
    assert "data_batch_1" in err and "not a CIFAR-10 python batch" in err
    assert not marker.exists()
    clean = _cifar_folder(tmp_path / "clean", [1, 2])
    assert load_cifar10(clean).x_train.shape == (10, 3, 32, 32)


#: What may unpickle, and the one module allowed to do it.
_PICKLE_CALLS = ("pickle.load", "pickle.Unpickler", "torch.load(", "allow_pickle=True",
                 "shelve.", "marshal.load", "joblib.load", "dill.")  # fmt: skip


def test_every_pickle_goes_through_safeload():
    """Checkpoints, batches, caches, trajectories, the authors' networks: one audited
    loader (``lltk.sampling.safeload``); ``np.load`` always with ``allow_pickle=False``."""
    import re

    offenders = []
    for folder in ("lltk", "sampling", "plugins"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name == "safeload.py":
                continue
            text = path.read_text()
            offenders += [f"{path}: {c}" for c in _PICKLE_CALLS if c in text]
            for call in re.findall(r"np\.load\([^)]*\)", text):
                if "allow_pickle=False" not in call:
                    offenders.append(f"{path}: {call}")
    assert not offenders, offenders


def test_numba_cache_in_shared_temp_only_when_private(tmp_path, monkeypatch):
    """Another user's ``$TMPDIR/lltk-numba-<uid>`` (or one anyone can write, or a link) is
    never numba's cache: its pickled index files would be loaded."""
    import stat

    import numba

    from lltk.topology import _jit

    monkeypatch.setattr(numba.config, "CACHE_DIR", "")
    monkeypatch.setattr(_jit, "_writable", lambda folder: False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / f"lltk-numba-{os.getuid()}"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    _jit.ensure_cache_dir()
    chosen = Path(numba.config.CACHE_DIR)
    assert chosen != shared and chosen.parent == tmp_path
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o700
    shared.rmdir()
    shared.symlink_to(chosen)
    assert not _jit.private_folder(shared)
    shared.unlink()
    monkeypatch.setattr(numba.config, "CACHE_DIR", "")
    _jit.ensure_cache_dir()
    assert Path(numba.config.CACHE_DIR) == shared
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700 and shared.stat().st_uid == os.getuid()


def test_unwritable_numba_cache_dir_is_a_warning(grid, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env["NUMBA_CACHE_DIR"] = "/proc/lltk-numba"
    proc = subprocess.run(
        [sys.executable, "-m", "lltk.cli", "topology", str(grid), "--out", str(tmp_path / "t")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "NUMBA_CACHE_DIR=/proc/lltk-numba" in proc.stderr


# 2 ---------------------------------------------------------- memory before checks

_BOMB_RUNNER = r"""
import resource, sys, json
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
import contextlib, io
from lltk.cli import main
err = io.StringIO()
with contextlib.redirect_stderr(err):
    rc = main(json.loads(sys.argv[2]))
print(json.dumps({"rc": rc, "err": err.getvalue()}))
"""

LIMIT = 3 * 2**30


def _zlib_array(payload_bytes: int, declared: int | None = None) -> str:
    """A zlib-compressed Float64 ``Loss`` of ``payload_bytes`` zeros, one block,
    declaring ``declared`` bytes (default: the truth)."""
    comp = zlib.compress(bytes(payload_bytes), 9)
    size = payload_bytes if declared is None else declared
    head = np.array([1, size, size, len(comp)], "<u8").tobytes()
    text = base64.b64encode(head + comp).decode()
    return f'<DataArray type="Float64" Name="Loss" format="binary">{text}</DataArray>'


def _bombs(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    zlib_attr = ' compressor="vtkZLibDataCompressor"'
    files = {
        "extent, no data": image_xml(ext="0 46339 0 46339 0 0"),
        "extent, one value": image_xml(ascii_array("1"), ext="0 46339 0 46339 0 0"),
        "zlib 1 MiB -> 1 GiB": image_xml(_zlib_array(2**30), comp=zlib_attr),
        "zlib 1 GiB, extent says so": image_xml(
            _zlib_array(2**30), ext=f"0 {2**14 - 1} 0 {2**13 - 1} 0 0", comp=zlib_attr
        ),
        "header lies": image_xml(_zlib_array(96, declared=2**40), comp=zlib_attr),
    }
    paths = {}
    for i, (name, text) in enumerate(files.items()):
        paths[name] = folder / f"bomb{i}.vti"
        paths[name].write_text(text)
    big = folder / "big.vti"  # a sparse 1 GiB file: read whole before, now sniffed
    with big.open("wb") as f:
        f.write(b'<?xml version="1.0"?><VTKFile type="ImageData">')
        f.truncate(2**30)
    paths["1 GiB file"] = big
    junk = folder / "junk.vti"
    with junk.open("wb") as f:
        f.truncate(2**30)
    paths["1 GiB of zeros"] = junk
    return paths


def test_memory_bombs_are_refused_under_a_memory_limit(tmp_path):
    """Under ``ulimit -v`` 3 GiB: declared sizes are compared with the file's size and the
    memory available before anything is allocated; nothing is killed, each is one line."""
    # one thread each: thread pools reserve address space per core, which counts in RLIMIT_AS
    threads = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
    env = {**os.environ, **dict.fromkeys(threads, "1")}
    for name, path in _bombs(tmp_path / "bombs").items():
        argv = json.dumps(["topology", str(path), "--out", str(tmp_path / "out")])
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", _BOMB_RUNNER, str(LIMIT), argv],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert proc.returncode == 0, (name, proc.stderr[-2000:])
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        err = result["err"].strip()
        assert result["rc"] == 2 and len(err.splitlines()) == 1, (name, err)
        assert err.startswith("lltk topology: error:") and str(path) in err, (name, err)
        assert time.perf_counter() - start < 120, name  # refused at once, not after inflating
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_inflate_never_exceeds_the_declared_size():
    from lltk.vtkxml import VTKFileError, _inflate

    comp = zlib.compress(bytes(10**6))
    with pytest.raises(VTKFileError, match="declared 1000 bytes"):
        _inflate(comp, 1000, "vtkZLibDataCompressor")
    assert _inflate(comp, 10**6, "vtkZLibDataCompressor") == bytes(10**6)


def test_chunk_size_beyond_the_grid_allocates_the_grid_only():
    from lltk.sampling.landscape import chunk_points

    assert chunk_points(9, 10**9, np.array([0, 1, 2])).tolist() == list(range(9))
    assert chunk_points(10, 4, np.array([1, 2])).tolist() == [4, 5, 6, 7, 8, 9]


def test_huge_chunk_size_samples_nine_points(tmp_path, capsys):
    out = tmp_path / "o" / "p.vti"
    argv = ["sample", "pinn", "--resolution", "3", "--chunk-size", "1000000000"]
    assert main([*argv, "--out", str(out), *FAST]) == 0
    assert vtkxml.read(out).point_data["Loss"].size == 9


# 3 ---------------------------------------------------------- ParaView crashes


@pytest.mark.parametrize("scale", [1e300, 1e39])
def test_render_refuses_losses_beyond_what_paraview_draws(tmp_path, capsys, scale):
    """pvpython aborted in vtkLookupTable on losses near the float limits: refused before
    ParaView sees them (float32 geometry), in one line."""
    values = np.linspace(0, 1, 35) * scale
    path = vtkxml.write(tmp_path / "big.vti", vtkxml.image_data({"Loss": values}, (7, 5)))
    assert main(["render", str(path), "--out", str(tmp_path / "png")]) == 2
    assert "beyond what ParaView draws" in one_error_line(capsys, "render")


def test_pvpython_failure_is_one_line():
    from lltk.render.runner import failure_line

    backtrace = "\n".join(
        [
            "Loguru caught a signal: SIGABRT",
            *[f"{i} 0x7f... vtkLookupTable::Map" for i in range(13)],
        ]
    )
    line = failure_line(134, backtrace)
    assert "\n" not in line and "|" not in line and "abort" in line


def test_render_refuses_a_side_file_that_is_not_vtk(grid, tmp_path, capsys):
    side = grid.with_name("grid_solution.vti")
    side.symlink_to("/etc/hostname")
    assert main(["render", str(grid), "--out", str(tmp_path / "png")]) == 2
    err = one_error_line(capsys, "render")
    assert "grid_solution.vti" in err and "not a VTK XML file" in err


# 4 ---------------------------------------------------------- files lost outside --out


def test_every_path_option_refuses_an_empty_path():
    """One output-path check for every command: no option takes a path as a plain
    ``Path`` (which turns '' into the working folder)."""
    from lltk.cli import build_parser
    from lltk.commands import path_argument

    parser = build_parser()
    seen = 0

    def walk(p):
        nonlocal seen
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)
            elif action.dest in ("out", "trajectory", "inputs", "folder", "landscapes", "input"):
                assert action.type is path_argument, (p.prog, action.dest)
                seen += 1
            assert action.type is not Path, (p.prog, action.dest)

    walk(parser)
    assert seen >= 10


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "{g}", "{g}", "--out", ""],
        ["study", "reference", "{d}", "--out", ""],
        ["train", "pinn", "--save-every", "1", "--trajectory", ""],
        ["render", "{g}", "--out", " "],
    ],
)
def test_empty_out_writes_nothing_in_the_working_folder(grid, tmp_path, monkeypatch, argv):
    work = tmp_path / "work"
    work.mkdir()
    (work / "distances.csv").write_text("mine")
    (work / "reference_results.md").write_text("mine")
    (work / "step-00000000.pt").write_text("mine")
    monkeypatch.chdir(work)
    args = [a.replace("{g}", str(grid)).replace("{d}", str(grid.parent)) for a in argv]
    assert main(args) == 2
    assert sorted(p.name for p in work.iterdir()) == [
        "distances.csv",
        "reference_results.md",
        "step-00000000.pt",
    ]
    assert all(p.read_text() == "mine" for p in work.iterdir())


def test_trajectory_never_deletes_the_users_checkpoints(tmp_path, capsys):
    traj = tmp_path / "traj"
    traj.mkdir()
    (traj / "step-00000005.pt").write_text("the user's")
    for extra in (["--beta", "nan"], [], ["--device", "meta"]):
        argv = ["train", "pinn", "--save-every", "1", "--trajectory", str(traj), *FAST, *extra]
        assert main(argv) == 2
        one_error_line(capsys, "train")
    assert (traj / "step-00000005.pt").read_text() == "the user's"
    assert not (tmp_path / "cache").exists()
    model = f"python:{REPO / 'tests' / 'sampling' / 'user_model.py'}:make"
    fresh = tmp_path / "fresh"
    assert main(["train", model, "--save-every", "1", "--trajectory", str(fresh)]) == 2
    assert "python:" in one_error_line(capsys, "train") and not fresh.exists()


def test_failed_training_removes_only_its_own_checkpoints(tmp_path, monkeypatch):
    from lltk.sampling.trajectory import Recorder

    rec = Recorder(tmp_path / "t", 1, "tiny")
    assert not (tmp_path / "t").exists()  # nothing touched before the first step
    model = __import__("torch").nn.Linear(2, 1)
    rec(0, model)
    (tmp_path / "t" / "notes.txt").write_text("mine")
    rec.discard()
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["notes.txt"]


# 5 ---------------------------------------------------------- silent wrong results


def _topology(tmp_path, text: str, capsys, name: str = "l.vti") -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text)
    rc = main(["topology", str(path), "--out", str(tmp_path / "t")])
    return rc, capsys.readouterr().err


def test_two_arrays_named_loss_are_refused(tmp_path, capsys):
    arrays = ascii_array(TWELVE) + ascii_array(" ".join(["0.5"] * 12))
    rc, err = _topology(tmp_path, image_xml(arrays), capsys)
    assert rc == 2 and "two or more point arrays are named 'Loss'" in err


def test_uint64_beyond_2_53_is_refused(tmp_path, capsys):
    big = " ".join(str(2**60 + i) for i in range(12))
    rc, err = _topology(tmp_path, image_xml(ascii_array(big, "UInt64")), capsys)
    assert rc == 2 and "2^53" in err
    small = " ".join(str(i * 7 % 12) for i in range(12))
    assert _topology(tmp_path, image_xml(ascii_array(small, "UInt64")), capsys)[0] == 0


@pytest.mark.parametrize(
    ("vtype", "values", "message"),
    [
        ("Int8", "300 " + "1 " * 11, "beyond Int8's range"),
        ("Int32", "1.7 " + "1 " * 11, "'1.7', not a Int32"),
        ("UInt8", "-1 " + "1 " * 11, "beyond UInt8's range"),
        ("Float32", "1e300 " + "1 " * 11, "beyond Float32's range"),
    ],
)
def test_ascii_values_are_never_wrapped_or_truncated(tmp_path, capsys, vtype, values, message):
    rc, err = _topology(tmp_path, image_xml(ascii_array(values, vtype)), capsys)
    assert rc == 2 and message in err and "l.vti" in err and "PointData" in err


def _mesh(tmp_path: Path, section: str) -> Path:
    """A 6x6 triangulated square as PolyData: one triangle strip per row, or triangles."""
    rng = np.random.default_rng(9)
    nx = 6
    pts = np.array([(i, j, 0.0) for j in range(nx) for i in range(nx)])
    loss = rng.random(len(pts))
    conn, offs = [], []
    for j in range(nx - 1):
        strip = [v for i in range(nx) for v in (j * nx + i, (j + 1) * nx + i)]
        if section == "Strips":
            conn += strip
            offs.append(len(conn))
        else:
            for k in range(len(strip) - 2):
                conn += strip[k : k + 3]
                offs.append(len(conn))

    def arr(name, values, vtype):
        text = " ".join(str(v) for v in np.ravel(values))
        comps = ' NumberOfComponents="3"' if name == "Points" else ""
        return f'<DataArray type="{vtype}" Name="{name}"{comps} format="ascii">{text}</DataArray>'

    xml = (
        '<?xml version="1.0"?><VTKFile type="PolyData" version="1.0" byte_order="LittleEndian">'
        f'<PolyData><Piece NumberOfPoints="{len(pts)}" NumberOf{section}="{len(offs)}">'
        f"<PointData>{arr('Loss', loss, 'Float64')}</PointData>"
        f"<Points>{arr('Points', pts, 'Float64')}</Points>"
        f"<{section}>{arr('connectivity', conn, 'Int64')}{arr('offsets', offs, 'Int64')}"
        f"</{section}></Piece></PolyData></VTKFile>"
    )
    path = tmp_path / f"{section}.vtp"
    path.write_text(xml)
    return path


def test_triangle_strips_are_read_as_their_triangles(tmp_path):
    """A .vtp of triangle strips had its cells ignored (every vertex a minimum)."""
    strips = vtkxml.cell_edges(vtkxml.read(_mesh(tmp_path, "Strips")))
    polys = vtkxml.cell_edges(vtkxml.read(_mesh(tmp_path, "Polys")))
    np.testing.assert_array_equal(strips, polys)
    for section in ("Strips", "Polys"):
        assert main(["topology", str(tmp_path / f"{section}.vtp"), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "Strips_MergeTree.csv").read_text() == (
        tmp_path / "Polys_MergeTree.csv"
    ).read_text()


def test_direction_matrix_is_reported_as_ignored(tmp_path, capsys):
    text = image_xml(ascii_array(TWELVE), Direction="0 -1 0 1 0 0 0 0 1")
    rc, err = _topology(tmp_path, text, capsys)
    assert rc == 0 and "Direction matrix" in err and "TTK 1.2" in err
    assert len(err.strip().splitlines()) == 1


def test_nan_with_huge_losses_keeps_every_coordinate_finite():
    from lltk.topology.field import landscape_field

    values = np.random.default_rng(1).random(35)
    values[3], values[7] = 1e308, np.nan
    field = landscape_field("Loss", values, topology.grid_domain((7, 5)))
    plateau = field.plateau_values()
    assert np.isfinite(plateau).all() and plateau[7] > 1e308
    d = topology.persistence_pairs(plateau, field.domain)
    assert np.isfinite(d.birth).all() and np.isfinite(d.death).all()
    values[3] = np.finfo(float).max
    with pytest.raises(ValueError, match="largest number"):
        landscape_field("Loss", values, topology.grid_domain((7, 5)))


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"origin": "nan 0 0"}, "Origin"),
        ({"origin": "0 0"}, "Origin"),
        ({"spacing": "inf 1 1"}, "Spacing"),
        ({"spacing": "1"}, "Spacing"),
        ({"Direction": "1 0 0"}, "Direction"),
    ],
)
def test_bad_image_geometry_is_one_line(tmp_path, capsys, attrs, message):
    rc, err = _topology(tmp_path, image_xml(ascii_array(TWELVE), **attrs), capsys)
    assert rc == 2 and message in err and "Traceback" not in err and "l.vti" in err


def test_grid_domain_refuses_a_nan_origin():
    with pytest.raises(ValueError, match="origin"):
        topology.grid_domain((3, 3), origin=(np.nan, 0.0), spacing=(1.0, 1.0))


def test_pca_of_identical_or_nan_checkpoints_is_refused():
    from lltk.sampling.trajectory import pca_directions

    centre = np.arange(5.0)
    with pytest.raises(ValueError, match="does not move"):
        pca_directions(np.tile(centre, (4, 1)), centre, 2)
    line = centre + np.outer(np.arange(4.0), np.ones(5))
    with pytest.raises(ValueError, match="fewer than 2 directions"):
        pca_directions(line, centre, 2)


def test_pca_over_nan_weights_names_the_checkpoint(tmp_path):
    import torch

    from lltk.sampling.trajectory import Recorder, load_trajectory

    model = torch.nn.Linear(2, 1)
    rec = Recorder(tmp_path / "t", 1, "tiny")
    for step in range(3):
        rec(step, model)
    with torch.no_grad():
        model.weight[0, 0] = float("nan")
    rec(3, model)
    like = {k: v.detach() for k, v in model.named_parameters()}
    with pytest.raises(ValueError, match=r"step-00000003\.pt: .*NaN"):
        load_trajectory(tmp_path / "t", like)


@pytest.mark.parametrize("distance", ["1e308", "1.5e308"])
def test_distance_whose_grid_overflows_is_refused(tmp_path, capsys, distance):
    out = tmp_path / "p.vti"
    assert main(["sample", "pinn", f"--distance={distance}", "--out", str(out), *FAST]) == 2
    assert "distance" in one_error_line(capsys, "sample") and not out.exists()


_USER = """
import os, sys
import torch

def _base():
    torch.manual_seed(0)
    return torch.nn.Linear(2, 1), [(torch.randn(8, 2), torch.randn(8, 1))], torch.nn.MSELoss()

def leave():
    sys.exit(0)

def boom():
    raise KeyError("boom")

def wander():
    os.chdir(os.environ["LLTK_TEST_ELSEWHERE"])
    return _base()

def nan_loss():
    model, batches, _ = _base()
    return model, batches, lambda out, y: (out - y).sum() * float("nan")
"""


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("leave", "leave() called sys.exit(0)"),
        ("boom", "boom() raised KeyError"),
        ("broken", "SyntaxError"),
    ],
)
def test_python_model_misbehaving_is_one_line(tmp_path, capsys, function, message):
    (tmp_path / "um.py").write_text(_USER)
    (tmp_path / "broken.py").write_text("def f(:\n")
    spec = f"python:{tmp_path / ('broken.py' if function == 'broken' else 'um.py')}:{function}"
    out = tmp_path / "o" / "x.vti"
    assert main(["sample", spec, "--resolution", "3", "--out", str(out), "--quiet"]) == 2
    err = one_error_line(capsys, "sample")
    assert message in err and not out.exists()


def test_python_model_with_nan_loss_is_recorded_as_invalid(tmp_path, capsys):
    """Every loss NaN: the landscape is written, all invalid, with one warning line (a
    diverging network is a result to record, as a diverging perturbation is)."""
    (tmp_path / "um.py").write_text(_USER)
    out = tmp_path / "o" / "x.vti"
    spec = f"python:{tmp_path / 'um.py'}:nan_loss"
    assert main(["sample", spec, "--resolution", "3", "--out", str(out), "--quiet"]) == 0
    assert "every loss evaluation gave NaN" in capsys.readouterr().err
    assert not vtkxml.read(out).point_data["Valid"].any()


def test_python_model_changing_folder_does_not_move_the_output(tmp_path, monkeypatch, capsys):
    (tmp_path / "um.py").write_text(_USER)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("LLTK_TEST_ELSEWHERE", str(elsewhere))
    monkeypatch.chdir(tmp_path)
    argv = ["sample", f"python:{tmp_path / 'um.py'}:wander", "--resolution", "3", "--quiet"]
    assert main([*argv, "--out", "x.vti"]) == 0
    assert (tmp_path / "x.vti").is_file() and not any(elsewhere.iterdir())
    assert Path.cwd() == tmp_path


def test_python_os_system_is_one_line(tmp_path, capsys):
    argv = ["sample", "python:os:system", "--out", str(tmp_path / "x.vti")]
    assert main(argv) == 2
    assert "system() raised TypeError" in one_error_line(capsys, "sample")


@pytest.mark.parametrize("device", ["meta", "cuda:7", "tpu"])
def test_device_checked_before_work(tmp_path, capsys, device):
    out = tmp_path / "x.vti"
    assert main(["sample", "pinn", "--device", device, "--out", str(out), *FAST]) == 2
    assert "--device" in one_error_line(capsys, "sample")
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    ("variable", "value", "argv"),
    [
        ("LLTK_CACHE", "", ["train", "pinn", *FAST]),
        ("LLTK_CACHE", " ", ["train", "pinn", *FAST]),
    ],
)
def test_environment_errors_name_the_variable(capsys, monkeypatch, variable, value, argv):
    monkeypatch.setenv(variable, value)
    assert main(argv) == 2
    assert variable in one_error_line(capsys, argv[0])


@pytest.mark.parametrize("value", ["1e300", "abc", "-5", "nan", "inf"])
def test_env_seconds_names_the_variable(monkeypatch, value):
    from lltk.environment import env_seconds

    monkeypatch.setenv("LLTK_DIST_TIMEOUT", value)
    with pytest.raises(ValueError, match=f"LLTK_DIST_TIMEOUT={value!r}"):
        env_seconds("LLTK_DIST_TIMEOUT", 10.0, most=86400.0)


def test_study_tables_escape_pipes_and_claims_keep_their_order():
    from lltk.study.tables import markdown_table, paired_claim

    table = markdown_table([{"name": "a|b", "n": 1}], ["name", "n"], ["landscape", "n"])
    assert table.splitlines()[2] == "| a\\|b | 1 |"
    rows = [{"beta": 1.0, "seed": 0, "s": 35.0}, {"beta": 50.0, "seed": 0, "s": 7.0}]
    claim = paired_claim(rows, "s", "grows (1 vs 50)", "beta", 1.0, 50.0, more=True)
    assert claim.evidence.startswith("mean 35 at beta 1 vs 7 at 50")


def _reference_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "ref"
    rng = np.random.default_rng(4)
    for seed in (0, 1):
        for skips in ("residual", "noresidual"):
            fd = {"Model": "", "Seed": np.zeros(0)}  # empty FieldData values
            ds = vtkxml.image_data({"Loss": rng.random(49)}, (7, 7), field_data=fd)
            vtkxml.write(folder / f"resnet20_{skips}_seed{seed}_d1.0.vti", ds)
    return folder


def test_study_reference_with_empty_field_data_and_a_damaged_cache(tmp_path, capsys):
    from lltk.study.steps import METRICS_VERSION, file_digest

    folder, out = _reference_folder(tmp_path), tmp_path / "out"
    assert main(["study", "reference", str(folder), "--out", str(out)]) == 0
    first = (out / "reference_results.csv").read_text()
    for path in (out / "metrics").glob("*.json"):
        path.write_text('{"landscape_digest": "x", "metrics": [1, 2')
    one = next((out / "metrics").glob("*.json"))  # the right key, damaged content
    key = f"{file_digest(folder / (one.stem + '.vti'))}-{METRICS_VERSION}"
    one.write_text(json.dumps({"landscape_digest": key, "metrics": {"MinimaCount": "?"}}))
    capsys.readouterr()
    assert main(["study", "reference", str(folder), "--out", str(out)]) == 0
    assert (out / "reference_results.csv").read_text() == first


def test_study_reference_checks_every_file_before_writing(tmp_path, capsys):
    folder = _reference_folder(tmp_path)
    bad = np.random.default_rng(0).random(49)
    bad[[0, 1]] = [1e308, -1e308]
    vtkxml.write(folder / "zz_bad.vti", vtkxml.image_data({"Loss": bad}, (7, 7)))
    out = tmp_path / "out"
    assert main(["study", "reference", str(folder), "--out", str(out)]) == 2
    assert "zz_bad.vti" in one_error_line(capsys, "study")
    assert not out.exists()


# 6 ---------------------------------------------------------- tracebacks


def test_string_point_array_is_one_line(tmp_path, capsys):
    codes = " ".join(str(b) for b in b"a\0" * 12)
    arrays = f'<DataArray type="String" Name="Loss" format="ascii">{codes}</DataArray>'
    rc, err = _topology(tmp_path, image_xml(arrays), capsys)
    assert rc == 2 and "not numbers" in err and "Traceback" not in err


def test_compare_on_huge_losses_is_one_line(tmp_path, capsys):
    values = np.random.default_rng(2).random(35)
    values[[3, 9]] = [1e308, -1e308]
    a = vtkxml.write(tmp_path / "a.vti", vtkxml.image_data({"Loss": values}, (7, 5)))
    b = vtkxml.write(tmp_path / "b.vti", vtkxml.image_data({"Loss": values[::-1]}, (7, 5)))
    assert main(["compare", str(a), str(b), "--out", str(tmp_path / "c")]) == 2
    err = one_error_line(capsys, "compare")
    assert "a.vti" in err and "warning" not in err and not (tmp_path / "c").exists()


def test_compare_near_the_float_limit_gives_finite_distances(tmp_path, capsys):
    rng = np.random.default_rng(2)
    a = vtkxml.write(
        tmp_path / "a.vti", vtkxml.image_data({"Loss": rng.random(35) * 1e300}, (7, 5))
    )
    b = vtkxml.write(
        tmp_path / "b.vti", vtkxml.image_data({"Loss": rng.random(35) * 1e300}, (7, 5))
    )
    assert main(["compare", str(a), str(b), "--out", str(tmp_path / "c")]) == 0
    assert "warning" not in capsys.readouterr().err
    rows = (tmp_path / "c" / "distances.csv").read_text().splitlines()[1:]
    distances = [float(r.split(",")[-1]) for r in rows]
    assert all(np.isfinite(distances)) and max(distances) > 1e290


# 7 ---------------------------------------------------------- promises about errors


def test_file_errors_name_the_file_and_the_field(tmp_path, capsys):
    text = image_xml('<DataArray type="Float64" Name="Loss" format="binary">@@@@</DataArray>')
    rc, err = _topology(tmp_path, text, capsys)
    assert rc == 2 and "l.vti" in err and "PointData" in err


def test_failed_topology_leaves_no_half_written_pair(grid, tmp_path, capsys):
    out = tmp_path / "t"
    (out / "grid_PersistenceDiagram.csv").mkdir(parents=True)
    assert main(["topology", str(grid), "--out", str(out)]) == 2
    one_error_line(capsys, "topology")
    assert not (out / "grid_MergeTree.csv").exists()


def test_output_set_restores_what_it_replaced(tmp_path):
    from lltk.atomic import atomic_write, output_set

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("old a")
    with pytest.raises(RuntimeError), output_set([a, b]):
        with atomic_write(a, "w") as f:
            f.write("new a")
        with atomic_write(b, "w") as f:
            f.write("new b")
        raise RuntimeError("the third file failed")
    assert a.read_text() == "old a" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
    with output_set([a, b]):
        b.write_text("new b")
    assert b.read_text() == "new b" and sorted(p.name for p in tmp_path.iterdir()) == [
        "a.csv",
        "b.csv",
    ]


def test_render_checks_every_landscape_before_creating_out(tmp_path, capsys):
    values = np.linspace(0, 1, 35) * 1e300
    path = vtkxml.write(tmp_path / "big.vti", vtkxml.image_data({"Loss": values}, (7, 5)))
    assert main(["render", str(path), "--out", str(tmp_path / "png")]) == 2
    one_error_line(capsys, "render")
    assert not (tmp_path / "png").exists()


@pytest.mark.parametrize(
    ("connectivity", "offsets", "types", "message"),
    [
        ([0, 1, 1, 99], [2, 4], [3, 3], "names point 99"),
        ([0, -1, 1, 2], [2, 4], [3, 3], "names point -1"),
        ([0, 1, 1, 2], [5, 1], [3, 3], "offsets"),
        ([0, 1, 1, 2], [2, 10**12], [3, 3], "offsets"),
        ([0, 1, 1, 2], [2, 4], [3, 42], "cell type 42"),
        ([0, 1, 1, 2], [2, 4], [3], "1 cell types for 2 cells"),
        ([0, 1, 2], [3], [10], "type 10 has 3 points"),
    ],
)
def test_inconsistent_cells_are_one_line(tmp_path, capsys, connectivity, offsets, types, message):
    """Cells that name missing points, offsets that do not rise, a type per cell missing,
    a tetrahedron of three points: IndexError tracebacks before."""
    ds = vtkxml.Dataset(
        kind="UnstructuredGrid",
        point_data={"Loss": np.arange(6.0)},
        points=np.random.default_rng(0).random((6, 3)),
        connectivity=np.array(connectivity),
        offsets=np.array(offsets),
        cell_types=np.array(types, np.uint8),
    )
    path = vtkxml.write(tmp_path / "cells.vtu", ds)
    assert main(["topology", str(path), "--out", str(tmp_path / "t")]) == 2
    err = one_error_line(capsys, "topology")
    assert message in err and "cells.vtu" in err


def test_sample_checks_its_side_files_before_work(tmp_path, capsys):
    """A folder named like a side file would stop the writes half-way (a .vti without its
    _solution.vti): refused before training."""
    out = tmp_path / "o" / "p.vti"
    (tmp_path / "o" / "p_solution.vti").mkdir(parents=True)
    assert main(["sample", "pinn", "--resolution", "3", "--out", str(out), *FAST]) == 2
    assert "p_solution.vti" in one_error_line(capsys, "sample")
    assert not out.exists() and not (tmp_path / "cache").exists()
