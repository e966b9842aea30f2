"""``lltk study pinn --connect``: the seeds' barrier matrices, checked against the loss
closure evaluated directly along the straight line (no sampler), and cached per pair."""

from __future__ import annotations

import csv

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lltk.study.pinn import PinnConfig, run_pinn_study  # noqa: E402

TINY = dict(
    betas=(1.0, 3.0),
    seeds=(0, 1, 2),
    n_f=32,
    max_iter=5,
    resolution=5,
    hessian_steps=2,
    profile_betas=(),
    render=False,
    connect=True,
    connect_points=9,
)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))


def test_barrier_matrix_per_beta(tmp_path) -> None:
    from lltk.sampling.models import train_model

    out = tmp_path / "pinn"
    study = run_pinn_study(PinnConfig(**TINY, out=out), log=lambda _: None)
    with open(out / "pinn_barriers.csv") as f:
        table = list(csv.DictReader(f))
    assert [(float(r["group"]), int(r["seed_a"]), int(r["seed_b"])) for r in table] == [
        (beta, a, b) for beta in (1.0, 3.0) for a, b in ((0, 1), (0, 2), (1, 2))
    ]
    row = table[4]  # beta 3, seeds 0 and 2: the loss along A + t (B - A), one point at a time
    nets = [
        train_model("pinn", progress=False, beta=3.0, seed=s, n_f=32, max_iter=5) for s in (0, 2)
    ]
    a, b = (n.params for n in nets)
    with torch.no_grad():
        loss = [
            float(nets[0].loss_fn({k: a[k] + t * (b[k] - a[k]) for k in a}))
            for t in np.linspace(0, 1, 9)
        ]
    assert float(row["barrier"]) == pytest.approx(max(loss) - (loss[0] + loss[-1]) / 2, rel=1e-4)
    assert int(row["connected"]) == int(float(row["barrier"]) <= (loss[0] + loss[-1]) / 2)
    assert study.files["barrier_figure"].stat().st_size > 1000
    md = (out / "pinn_barriers.md").read_text()
    assert "| beta | mean barrier |" in md and md.count("| seed | 0 | 1 | 2 |") == 2
    claims = [c.claim for c in study.claims]
    assert "loss barrier between seeds grows with beta" in claims
    again = run_pinn_study(PinnConfig(**TINY, out=out), log=lambda _: None)
    assert not [p for p in again.recomputed if "/connect/" in p]
