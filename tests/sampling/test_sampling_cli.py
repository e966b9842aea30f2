"""``lltk sample`` end to end: files per the conventions, bad input, kill and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("torch")

from lltk import vtkxml
from lltk.cli import main

FAST = ["--n-f", "100", "--max-iter", "20", "--quiet"]


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))


def test_sample_pinn_writes_landscape_and_solution(tmp_path, capsys):
    out = tmp_path / "p.vti"
    assert (
        main(["sample", "pinn", "--beta", "2", "--resolution", "9", "--out", str(out), *FAST]) == 0
    )
    ds = vtkxml.read(out)
    assert ds.dimensions == (9, 9, 1)
    fd = ds.field_data
    assert fd["Model"] == "pinn" and fd["Directions"] == "random"
    assert fd["Normalization"] == "filter" and fd["Beta"][0] == 2.0
    for key in ("TrainLoss", "TestAbsError", "TestRelError", "TestLinfError", "Seed", "Width"):
        assert np.isfinite(fd[key]).all(), key
    centre = ds.point_data["Loss"][40]
    assert centre == pytest.approx(fd["TrainLoss"][0], rel=1e-5)
    sol = vtkxml.read(tmp_path / "p_solution.vti")
    assert sol.dimensions == (256, 100, 1)
    x = sol.point_coordinates()
    np.testing.assert_allclose(
        sol.point_data["u_exact"], np.sin(x[:, 0] - 2.0 * x[:, 1]), atol=1e-12
    )
    assert "0 invalid" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "p.vti", "p_solution.vti"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--resolution", "1"], "resolution"),
        (["--dim", "0"], "dimension"),
        (["--dim", "4"], "at most 3"),
        (["--distance", "0"], "distance"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, capsys, extra, message):
    out = tmp_path / "x.vti"
    assert main(["sample", "pinn", "--out", str(out), *FAST, *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("lltk sample: error:") and message in err and "\n" not in err
    assert not out.exists() and not (tmp_path / "cache").exists()


def test_unwritable_output(capsys):
    assert main(["sample", "pinn", "--out", "/proc/lltk/x.vti", *FAST]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.slow
def test_killed_run_resumes_to_identical_files(tmp_path):
    env = {**os.environ, "LLTK_CACHE": str(tmp_path / "cache"), "LLTK_STATE_SAVE_SECONDS": "0"}
    args = ["pinn", "--resolution", "15", "--chunk-size", "4", *FAST]

    def cmd(out):
        return [sys.executable, "-m", "lltk.cli", "sample", *args, "--out", str(out)]

    ref = tmp_path / "ref" / "l.vti"
    subprocess.run(cmd(ref), env=env, check=True, capture_output=True)
    out = tmp_path / "run" / "l.vti"
    state = out.with_name(".l.vti.lltk-state.npz")
    proc = subprocess.Popen(cmd(out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not state.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert state.exists(), "the run ended before it saved any state"
    with np.load(state) as z:
        assert 0 < z["done"].sum() < len(z["done"])
    assert not out.exists()
    subprocess.run(cmd(out), env=env, check=True, capture_output=True)
    assert out.read_bytes() == ref.read_bytes()
    assert (
        out.with_name("l_solution.vti").read_bytes() == ref.with_name("l_solution.vti").read_bytes()
    )
    assert not state.exists()


@pytest.mark.slow
def test_hessian_directions_and_figures(tmp_path):
    out = tmp_path / "h.vti"
    argv = ["sample", "pinn", "--directions", "hessian", "--resolution", "5", "--distance", "0.01"]
    assert main([*argv, "--hessian-iter", "30", "--out", str(out), *FAST]) == 0
    ds = vtkxml.read(out)
    fd = ds.field_data
    assert fd["Directions"] == "hessian" and fd["Normalization"] == "none"
    top = fd["HessianTopEigenvalues"]
    assert len(top) == 2 and top[0] >= top[1] and np.isfinite(fd["HessianTrace"][0])
    assert 0 < fd["HessianTraceStdErr"][0] < np.inf
    # The landscape's curvature along each unit eigenvector is its eigenvalue.
    loss = ds.point_data["Loss"].reshape(5, 5)  # [second axis, first axis]
    h = 0.01 / 2
    curv_first = (loss[2, 3] + loss[2, 1] - 2 * loss[2, 2]) / h**2
    curv_second = (loss[3, 2] + loss[1, 2] - 2 * loss[2, 2]) / h**2
    assert curv_first == pytest.approx(top[0], rel=0.05)
    assert curv_second == pytest.approx(top[1], rel=0.05)
    table = np.loadtxt(tmp_path / "h_hessian_density.csv", delimiter=",", skiprows=1)
    assert (tmp_path / "h_hessian_density.csv").read_text().startswith("eigenvalue,density\n")
    assert np.trapz(table[:, 1], table[:, 0]) == pytest.approx(1.0, rel=1e-2)
    assert table[0, 0] <= top[1] and table[-1, 0] >= top[0]


def test_python_call_writes_what_the_command_writes(tmp_path, capsys):
    """``lltk.sampling.run`` on a config is ``lltk sample`` on the same options: the same
    losses and FieldData, the same report."""
    from lltk import sampling

    by_command = tmp_path / "cli.vti"
    argv = ["sample", "pinn", "--beta", "2", "--resolution", "5", "--hessian", *FAST]
    assert main([*argv, "--top-k", "2", "--hessian-iter", "3", "--out", str(by_command)]) == 0
    printed = capsys.readouterr().out
    config = sampling.SampleConfig(
        model="pinn",
        beta=2.0,
        resolution=5,
        hessian=True,
        top_k=2,
        hessian_iter=3,
        n_f=100,
        max_iter=20,
        progress=False,
        out=tmp_path / "py.vti",
    )
    lines = []
    result = sampling.run(config, log=lines.append)
    cli, py = vtkxml.read(by_command), vtkxml.read(config.out)
    np.testing.assert_array_equal(cli.point_data["Loss"], py.point_data["Loss"])
    np.testing.assert_array_equal(result.flat_loss(), py.point_data["Loss"])
    assert cli.field_data.keys() == py.field_data.keys()
    for key, value in cli.field_data.items():
        assert np.array_equal(np.asarray(value), np.asarray(py.field_data[key])), key
    assert lines[0].split(" (")[0] == f"lltk sample: wrote {config.out}"
    assert printed.split(" (")[0] == f"lltk sample: wrote {by_command}"
    assert (tmp_path / "py_hessian_density.csv").read_text() == (
        tmp_path / "cli_hessian_density.csv"
    ).read_text()
