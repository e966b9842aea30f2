"""``lltk study``: the cached pipeline on tiny configurations.

Numbers are checked against things the study does not compute itself: the loss closure
evaluated directly at grid points, gudhi's 0-dimensional persistence of the same grid,
scipy's Spearman correlation; caching by file times and FieldData.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lltk import vtkxml
from lltk.study.pinn import PinnConfig, failure_claim, pinn_claims, run_pinn_study
from lltk.study.tables import paired_claim, spearman_claim

gudhi = pytest.importorskip("gudhi")

TINY = dict(
    betas=(1.0, 2.0),
    seeds=(0,),
    n_f=64,
    max_iter=3,
    resolution=9,
    distance=0.5,
    hessian_steps=3,
    profile_betas=(2.0,),
    profile_resolution=5,
    render=False,
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A private checkpoint cache (``$LLTK_CACHE``) for this module; one torch thread, as
    ``lltk study`` runs by default."""
    import torch

    folder = tmp_path_factory.mktemp("cache")
    old = os.environ.get("LLTK_CACHE")
    os.environ["LLTK_CACHE"] = str(folder)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield folder
    torch.set_num_threads(threads)
    if old is None:
        del os.environ["LLTK_CACHE"]
    else:
        os.environ["LLTK_CACHE"] = old


@pytest.fixture(scope="module")
def tiny(cache, tmp_path_factory):
    """The tiny PINN study, run once: (output folder, study)."""
    out = tmp_path_factory.mktemp("pinn")
    return out, run_pinn_study(PinnConfig(**TINY, out=out), log=lambda _: None)


def _trained(beta: float):
    from lltk.sampling.models import train_model

    return train_model(
        "pinn", progress=False, beta=beta, seed=0, n_f=TINY["n_f"], max_iter=TINY["max_iter"]
    )


def test_tables_figures_and_rows(tiny) -> None:
    out, study = tiny
    assert [r["beta"] for r in study.rows] == [1.0, 2.0]
    with open(out / "pinn_results.csv") as f:
        table = list(csv.DictReader(f))
    assert [float(r["beta"]) for r in table] == [1.0, 2.0]
    for row, line in zip(study.rows, table, strict=True):
        assert float(line["TestRelError"]) == row["TestRelError"]
        assert float(line["hessian_saddles"]) == row["hessian_saddles"]
    md = (out / "pinn_results.md").read_text()
    assert "| beta | seed |" in md and "## Claims" in md
    for key in ("metrics_figure", "profile_beta2"):
        assert study.files[key].stat().st_size > 1000
    saddles = float(table[1]["hessian3d_saddles"])
    assert saddles.is_integer() and saddles == study.rows[1]["hessian3d_saddles"]
    assert saddles <= float(table[1]["hessian3d_saddles_deg"])  # type 1 among all saddles
    landscapes = sorted(p.name for p in (out / "landscapes").glob("*.vti"))
    assert len(landscapes) == 2 * (2 * 2 + 1)  # 2-D x 2 kinds and a 3-D, each + solution


def test_landscape_values_are_the_loss_at_the_grid_points(tiny) -> None:
    """The stored Loss equals the closure evaluated directly at theta + a d1 + b d2."""
    import torch

    from lltk.sampling.directions import flatten, random_directions, unflatten

    out, _ = tiny
    trained = _trained(2.0)
    ds = vtkxml.read(out / "landscapes" / "pinn_beta2_seed0_random.vti")
    r, d = TINY["resolution"], TINY["distance"]
    loss = ds.point_data["Loss"].reshape(r, r)  # [y, x], x fastest
    dirs = random_directions(trained.model, 2, 0, "filter")
    theta = flatten(trained.params)
    axis = np.linspace(-d, d, r)
    for i, j in ((0, 0), (r // 2, r // 2), (r - 1, 2)):
        w = theta + float(axis[i]) * dirs[0] + float(axis[j]) * dirs[1]
        with torch.no_grad():
            direct = float(trained.loss_fn(unflatten(w, trained.params)))
        assert loss[j, i] == pytest.approx(direct, rel=1e-4)
    fd = ds.field_data
    assert fd["Directions"] == "random" and float(fd["Beta"][0]) == 2.0
    assert float(fd["HessianTrace"][0]) == pytest.approx(tiny[1].rows[1]["trace"])
    assert (out / "landscapes" / "pinn_beta2_seed0_random_solution.vti").is_file()
    assert (out / "landscapes" / "pinn_beta2_seed0_random_hessian_density.csv").is_file()


def _gudhi_zero_dim(path: Path) -> np.ndarray:
    """Finite 0-dimensional persistence of the lower-star filtration of the same grid."""
    from lltk.topology import grid_domain

    ds = vtkxml.read(path)
    values = np.asarray(ds.point_data["Loss"], np.float64)
    domain = grid_domain(ds.dimensions, ds.origin, ds.spacing)
    st = gudhi.SimplexTree()
    for v, value in enumerate(values):
        st.insert([v], filtration=value)
    for a, b in domain.edges():
        st.insert([int(a), int(b)], filtration=max(values[a], values[b]))
    st.compute_persistence(homology_coeff_field=2, persistence_dim_max=False)
    pairs = st.persistence_intervals_in_dimension(0)
    return np.array([q - p for p, q in pairs if np.isfinite(q) and q > p])


def test_topology_metrics_match_gudhi(tiny) -> None:
    out, _ = tiny
    paths = [p for p in (out / "landscapes").glob("*.vti") if "solution" not in p.name]
    assert len(paths) == 5
    for path in sorted(paths):
        metrics = json.loads((out / "metrics" / f"{path.stem}.json").read_text())["metrics"]
        pers = _gudhi_zero_dim(path)
        assert metrics["MinimaCount"] == pers.size + 1
        assert metrics["AveragePersistence"] == pytest.approx(pers.mean() if pers.size else 0.0)
        assert metrics["TotalPersistence"] == pytest.approx(pers.sum())


def test_rerun_recomputes_only_what_changed(tiny) -> None:
    out, _ = tiny
    files = sorted((out / "landscapes").glob("*.vti")) + sorted((out / "cache").glob("*.npz"))
    before = {p: p.stat().st_mtime_ns for p in files}
    again = run_pinn_study(PinnConfig(**TINY, out=out), log=lambda _: None)
    assert again.recomputed == []
    assert {p: p.stat().st_mtime_ns for p in files} == before
    # a landscape whose FieldData no longer matches (another beta) is sampled again
    victim = out / "landscapes" / "pinn_beta1_seed0_hessian.vti"
    ds = vtkxml.read(victim)
    ds.field_data["Beta"] = np.array([5.0])
    vtkxml.write(victim, ds)
    third = run_pinn_study(PinnConfig(**TINY, out=out), log=lambda _: None)
    assert third.recomputed == [str(victim)]
    assert float(vtkxml.read(victim).field_data["Beta"][0]) == 1.0
    assert [r["hessian_saddles"] for r in third.rows] == [r["hessian_saddles"] for r in again.rows]
    # another resolution: the 2-D landscapes change, the 3-D one and the Hessian do not
    config = PinnConfig(**{**TINY, "resolution": 7}, out=out)
    fourth = run_pinn_study(config, log=lambda _: None)
    assert sorted(Path(p).name for p in fourth.recomputed) == sorted(
        f"pinn_beta{b}_seed0_{k}.vti" for b in (1, 2) for k in ("random", "hessian")
    )
    for p in sorted((out / "cache").glob("*.npz")):
        assert p.stat().st_mtime_ns == before[p]
    assert vtkxml.read(victim).dimensions[:2] == (7, 7)


def test_sweep_figure_renders_once_per_change(tiny, tmp_path, monkeypatch) -> None:
    """Figure 2 goes to lltk.render.render with a landscape per beta; an unchanged sweep
    is not rendered again; the compact copy keeps the ``figure_betas`` columns. (pvpython
    itself is exercised by lltk.render's tests; here it is replaced by a recorder.)"""
    from PIL import Image

    import lltk.render
    from lltk.render import Rendered
    from lltk.study.pinn import render_sweep

    calls = []

    def fake_render(landscapes, out_dir, figure=None):
        calls.append([Path(p).name for p in landscapes])
        path = Path(out_dir) / "figure.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        panel = np.zeros((70, 50, 3), np.uint8)
        panel[..., 0] = 200  # column 0 red, column 1 blue
        img = np.concatenate([panel, np.roll(panel, 2, axis=2)], axis=1)
        Image.fromarray(img).save(path)
        return Rendered(figure=path)

    monkeypatch.setattr(lltk.render, "render", fake_render)
    out = tmp_path
    (out / "landscapes").mkdir()
    _, study = tiny
    for b in (1, 2):
        src = tiny[0] / "landscapes" / f"pinn_beta{b}_seed0_random.vti"
        (out / "landscapes" / src.name).write_bytes(src.read_bytes())
    config = PinnConfig(**{**TINY, "figure_betas": (2.0,)})
    figure = render_sweep(study, config, out, log=pytest.fail)
    assert calls == [["pinn_beta1_seed0_random.vti", "pinn_beta2_seed0_random.vti"]]
    with Image.open(out / "render" / "figure_small.png") as small:
        assert small.size == (1600, 2240)
        red, _, blue = small.convert("RGB").getpixel((800, 1000))
        assert blue > 150 and red < 50  # the beta-2 column only
    assert render_sweep(study, config, out, log=pytest.fail) == figure
    assert len(calls) == 1
    ds = vtkxml.read(out / "landscapes" / "pinn_beta2_seed0_random.vti")
    ds.field_data["Seed"] = np.array([9.0])
    vtkxml.write(out / "landscapes" / "pinn_beta2_seed0_random.vti", ds)
    render_sweep(study, config, out, log=pytest.fail)
    assert len(calls) == 2


def test_spearman_claim_agrees_with_scipy() -> None:
    from scipy.stats import spearmanr

    rng = np.random.default_rng(3)
    rows = [{"beta": b, "y": b + rng.normal(0, 2)} for b in range(1, 11)]
    claim = spearman_claim(rows, "beta", "y", "y")
    rho, p = spearmanr([r["beta"] for r in rows], [r["y"] for r in rows])
    assert f"rho = {rho:.2f}" in claim.evidence
    assert claim.reproduced == (rho > 0 and p < 0.05)
    falling = [{"beta": b, "y": -float(b)} for b in range(1, 11)]
    assert not spearman_claim(falling, "beta", "y", "y").reproduced
    assert spearman_claim([{**r, "y": 1.0} for r in rows], "beta", "y", "y").reproduced is False


def test_failure_claim() -> None:
    def rows(jump: int) -> list[dict]:
        return [{"beta": float(b), "TestRelError": 0.01 if b < jump else 0.9} for b in range(1, 11)]

    assert failure_claim(rows(7)).reproduced
    evidence = failure_claim(rows(7)).evidence
    assert "x90 from beta 6 to 7" in evidence and "rel. error > 0.1: 7" in evidence
    assert not failure_claim(rows(3)).reproduced
    assert "rel. error > 0.1: none" in failure_claim(rows(11)).evidence
    assert not failure_claim(rows(1)[:1]).reproduced
    full = [{**r, **dict.fromkeys(_METRIC_COLUMNS, r["beta"])} for r in rows(7)]
    assert all(c.reproduced for c in pinn_claims(full))


_METRIC_COLUMNS = (
    *(
        f"{kind}_{metric}"
        for kind in ("random", "hessian")
        for metric in ("saddles", "saddles_deg", "avg_persistence", "avg_persistence_ms")
    ),
    "TestAbsError",
    "top_eigenvalue",
    "trace",
)


def test_paired_claim_pairs_seeds() -> None:
    rows = [
        {"seed": s, "residual": res, "x": x}
        for s, (a, b) in enumerate([(1, 5), (2, 6), (3, 1)])
        for res, x in ((1.0, a), (0.0, b))
    ]
    more = paired_claim(rows, "x", "more x", "residual", 1.0, 0.0, True)
    assert more.reproduced and "2 of 3 pairs agree" in more.evidence
    assert not paired_claim(rows, "x", "lower x", "residual", 1.0, 0.0, False).reproduced
    # pairs are formed on every pair column: seed 0 at two distances is two pairs
    wide = [{**r, "d": d} for r in rows for d in (0.1, 1.0)]
    claim = paired_claim(wide, "x", "more x", "residual", 1.0, 0.0, True, pair=("seed", "d"))
    assert "4 of 6 pairs agree" in claim.evidence


def test_resnet_study_tiny(cache, tmp_path) -> None:
    pytest.importorskip("lltk.sampling.resnet")
    from lltk.study.resnet import ResnetConfig, run_resnet_study

    config = ResnetConfig(
        seeds=(0,),
        epochs=0,
        loss_samples=8,
        hessian_samples=8,
        resolution=5,
        hessian_steps=2,
        render=False,
        out=tmp_path,
    )
    study = run_resnet_study(config, log=lambda _: None)
    assert [r["model"] for r in study.rows] == ["resnet20", "resnet20-noskip"]
    assert all(0.0 <= r["TestAccuracy"] <= 1.0 for r in study.rows)
    for path in sorted((tmp_path / "landscapes").glob("*.vti")):
        assert "solution" not in path.name
        fd = vtkxml.read(path).field_data
        # the authors' span: alpha in [-d/2, d/2] along directions as long as the weights
        assert float(fd["Distance"][0]) == config.distance / 2
        assert fd["Normalization"] in ("layer-orthogonal", "weights-norm")
        metrics = json.loads((tmp_path / "metrics" / f"{path.stem}.json").read_text())
        assert metrics["metrics"]["MinimaCount"] == _gudhi_zero_dim(path).size + 1
    assert (tmp_path / "resnet_results.md").read_text().count("resnet20") >= 2
    assert study.files["figure"].stat().st_size > 1000
    # the same weights with a loss over fewer images: every landscape is sampled again
    fewer = run_resnet_study(
        ResnetConfig(**{**config.__dict__, "loss_samples": 4}), log=lambda _: None
    )
    assert len(fewer.recomputed) == 4
    assert run_resnet_study(config, log=lambda _: None).recomputed != []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--betas", "a..b"], "expected a range"),
        (["--betas", "-1"], "beta must be a non-negative number"),
        (["--seeds", "x"], "expected comma-separated integers"),
        (["--collocation-seed", "x"], "expected an integer seed or 'train'"),
        (["--resolution", "2"], "at least 3 points"),
        (["--out", "/proc/lltk-study"], "cannot write the study to /proc/lltk-study"),
    ],
)
def test_cli_bad_input_is_one_clear_line(args, message, tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "lltk.cli", "study", "pinn", "--out", str(tmp_path), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
