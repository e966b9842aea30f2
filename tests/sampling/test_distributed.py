"""``lltk sample`` over several ranks (gloo on 127.0.0.1) and with a user's own model.

The reference is a single-process run of the same command: two ranks must write the same
bytes, also after one rank was killed midway and the job run again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from lltk import vtkxml
from lltk.sampling.distributed import (
    Launch,
    RankError,
    free_port,
    launch_from_environment,
    local_torchrun,
)
from lltk.sampling.landscape import chunk_points, chunk_share

HERE = Path(__file__).resolve().parent
MODEL = f"python:{HERE / 'user_model.py'}:make"
GRID = ["--resolution", "9", "--chunk-size", "4", "--quiet"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env.update(GLOO_SOCKET_IFNAME="lo", OMP_NUM_THREADS="1", **extra)
    return env


def _lltk_sample(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "lltk", "sample", MODEL, *GRID, *extra, "--out", str(out)]


def _start_ranks(out: Path, per_rank=None, **extra: str) -> list[subprocess.Popen]:
    """Two ranks started by hand, as srun would (RANK, WORLD_SIZE, MASTER_ADDR/PORT);
    ``per_rank(rank)`` gives a rank's own extra (environment, arguments)."""
    port = str(free_port())
    procs = []
    for rank in range(2):
        env = _env(
            RANK=str(rank),
            WORLD_SIZE="2",
            LOCAL_RANK=str(rank),
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=port,
            **extra,
        )
        own_env, own_args = per_rank(rank) if per_rank else ({}, [])
        env.update(own_env)
        procs.append(
            subprocess.Popen(
                _lltk_sample(out, *own_args),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    return procs


def _finish(procs: list[subprocess.Popen]) -> list[tuple[int, str]]:
    return [(p.wait(timeout=120), p.communicate()[1]) for p in procs]


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> bytes:
    """The landscape a single-process run writes."""
    out = tmp_path_factory.mktemp("single") / "u.vti"
    done = subprocess.run(_lltk_sample(out), env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def test_torchrun_two_ranks_write_the_single_process_bytes(tmp_path, single):
    out = tmp_path / "u.vti"
    cmd = [*local_torchrun(2), *_lltk_sample(out)[1:]]
    done = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "on 2 ranks" in done.stdout
    assert out.read_bytes() == single
    assert sorted(p.name for p in tmp_path.iterdir()) == ["u.vti"], "state files left behind"


def test_killed_rank_stops_the_other_and_the_rerun_resumes(tmp_path, single):
    out = tmp_path / "u.vti"
    state1 = tmp_path / ".u.vti.rank1-of-2.lltk-state.npz"
    # 21 chunks of 4 points, 0.1 s each: rank 1 is killed once its first chunks are saved.
    procs = _start_ranks(out, LLTK_TEST_SLEEP="0.1", LLTK_STATE_SAVE_SECONDS="0")
    deadline = time.monotonic() + 120
    while not state1.is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    procs[1].send_signal(signal.SIGKILL)
    (code0, err0), (code1, _) = _finish(procs)
    assert code1 == -signal.SIGKILL
    assert code0 == 2
    message = err0.strip().splitlines()
    assert len(message) == 1 and "lost contact with the other ranks" in message[0], err0
    assert "run the same command again to resume" in message[0]
    assert not out.exists()
    with np.load(state1) as z:
        killed_done = int(z["done"].sum())
    share = len(chunk_share(21, 1, 2))
    assert 0 < killed_done < share, "rank 1 was not killed midway: not a test of resuming"

    # Rerun: both resume (rank 0 has all its chunks, rank 1 some) and write the same bytes.
    results = _finish(_start_ranks(out))
    assert [code for code, _ in results] == [0, 0], results
    assert out.read_bytes() == single
    assert not state1.exists()


@pytest.mark.parametrize(
    ("per_rank", "what"),
    [
        (lambda rank: ({}, ["--distance", f"{rank + 1}"]), "the arguments"),
        (lambda rank: ({"LLTK_TEST_DATA_SEED": f"{rank + 1}"}, []), "the losses of the first grid"),
    ],
    ids=["arguments", "data"],
)
def test_ranks_that_disagree_stop_before_sampling(tmp_path, per_rank, what):
    out = tmp_path / "u.vti"
    procs = _start_ranks(out, per_rank=per_rank)
    results = _finish(procs)
    for code, err in results:
        assert code == 2, err
        assert f"ranks disagree on {what}" in err, err
        assert len(err.strip().splitlines()) == 1, err
    assert list(tmp_path.iterdir()) == []


def test_launch_from_torchrun_and_srun_variables():
    assert launch_from_environment({}) == Launch()
    torchrun = {"RANK": "3", "WORLD_SIZE": "4", "LOCAL_RANK": "1", "MASTER_ADDR": "n1"}
    assert launch_from_environment(torchrun) == Launch(3, 4, 1)
    srun = {"SLURM_PROCID": "5", "SLURM_STEP_NUM_TASKS": "8", "SLURM_LOCALID": "1"}
    assert launch_from_environment({**srun, "MASTER_ADDR": "n1"}) == Launch(5, 8, 1)
    # A batch script (no srun step) is one process, whatever the allocation's task count.
    assert launch_from_environment({"SLURM_PROCID": "0", "SLURM_NTASKS": "8"}) == Launch()
    with pytest.raises(RankError, match="MASTER_ADDR"):
        launch_from_environment(srun)
    with pytest.raises(RankError, match="no rank 4 among 4"):
        launch_from_environment({**torchrun, "RANK": "4"})


@pytest.mark.parametrize(("total", "chunk", "parts"), [(81, 4, 2), (81, 4, 3), (10, 32, 4)])
def test_chunk_shares_cover_the_grid_once(total, chunk, parts):
    n_chunks = -(-total // chunk)
    points = [chunk_points(total, chunk, chunk_share(n_chunks, k, parts)) for k in range(parts)]
    np.testing.assert_array_equal(np.sort(np.concatenate(points)), np.arange(total))


def test_user_model_matches_its_own_loss(tmp_path):
    import torch

    from lltk.cli import main

    sys.path.insert(0, str(HERE))
    try:
        import user_model
    finally:
        sys.path.remove(str(HERE))
    model, batches, loss = user_model.make()
    out = tmp_path / "u.vtu"
    assert main(_lltk_sample(out, "--dim", "1")[3:]) == 0
    ds = vtkxml.read(out)
    assert ds.field_data["Model"] == MODEL
    # The centre of the 1-D line (alpha = 0) is the model as make() returned it.
    with torch.no_grad():
        centre = sum(float(loss(model(x), y)) for x, y in batches) / len(batches)
    assert ds.point_data["Loss"][4] == pytest.approx(centre, rel=1e-6)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("python:nowhere_module_xyz:make", "no module 'nowhere_module_xyz'"),
        (f"python:{HERE / 'user_model.py'}:missing", "has no function missing()"),
        (f"python:{HERE / 'user_model.py'}:not_a_triple", "must return (model, batches, loss)"),
    ],
)
def test_bad_user_model_is_one_clear_line(tmp_path, capsys, model, message):
    from lltk.cli import main

    out = tmp_path / "u.vti"
    assert main(["sample", model, *GRID, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_malformed_user_model_is_a_usage_error(capsys):
    from lltk.cli import main

    assert main(["sample", "python:only_a_module", "--out", "x.vti"]) == 2
    assert "is not python:MODULE:FUNCTION" in capsys.readouterr().err


def test_sigterm_becomes_an_orderly_stop():
    from lltk.sampling.distributed import Ranks

    ranks = Ranks(Launch())
    with pytest.raises(RankError, match="stopped by signal 15"), ranks.stop_on_sigterm():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
