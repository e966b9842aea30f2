"""lltk compare: diagram distances against hand-built answers, an exact assignment solver,
gudhi's own persistence and distances, and the CLI's outputs and errors."""

from __future__ import annotations

import csv
import itertools

import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform

from lltk import vtkxml
from lltk.cli import main
from lltk.topology import grid_domain, persistence_pairs
from lltk.topology.diagram import PersistenceDiagram
from lltk.topology.distance import (
    METRICS,
    PAIR_SETS,
    classical_mds,
    diagram_distance,
    diagram_points,
    distance_matrices,
    landscape_diagram,
    wasserstein_distance,
)

gudhi = pytest.importorskip("gudhi")


def _diagram(pairs: list[tuple[float, float, int]]) -> PersistenceDiagram:
    """A diagram of (birth, death, PairType) rows (vertex ids and types unused here)."""
    b, d, t = (np.array(c, dtype=float) for c in zip(*pairs, strict=True))
    ids = np.arange(len(pairs))
    return PersistenceDiagram(ids, ids, ids, ids, b, d, d - b, t.astype(np.int64))


def test_hand_built_distances() -> None:
    a = _diagram([(0.0, 1.0, 0), (0.2, 0.3, 2)])
    b = _diagram([(0.0, 1.1, 0), (0.5, 0.6, 0), (0.0, 2.0, -1)])
    ms_a, ms_b = (diagram_points(d, PAIR_SETS["min-saddle"]) for d in (a, b))
    # (0,1) <-> (0,1.1) costs 0.1; (0.5,0.6) goes to the diagonal for 0.05
    assert diagram_distance(ms_a, ms_b, np.inf) == pytest.approx(0.1)
    assert diagram_distance(ms_a, ms_b, 1.0) == pytest.approx(0.15)
    assert diagram_distance(ms_a, ms_b, 2.0) == pytest.approx(np.hypot(0.1, 0.05))
    all_a, all_b = (diagram_points(d, PAIR_SETS["all"]) for d in (a, b))
    # per type: min-saddle as above, saddle-max 0.05 (a's alone), global 1.0 (b's alone)
    assert diagram_distance(all_a, all_b, np.inf) == pytest.approx(1.0)
    assert diagram_distance(all_a, all_b, 1.0) == pytest.approx(0.15 + 0.05 + 1.0)
    w2 = np.sqrt(0.1**2 + 0.05**2 + 0.05**2 + 1.0)
    assert diagram_distance(all_a, all_b, 2.0) == pytest.approx(w2)
    # normalising with span (0, 2) halves every coordinate, so every distance
    half = diagram_points(b, PAIR_SETS["min-saddle"], span=(0.0, 2.0))
    assert diagram_distance(ms_a, half, np.inf) == pytest.approx(0.45)


def _hera(x: np.ndarray, y: np.ndarray, p: float, ground: float = np.inf) -> float:
    """gudhi's (hera's) Wasserstein distance, L-inf ground metric, relative error 1e-8."""
    from gudhi.hera import wasserstein_distance as hera

    return hera(x, y, order=p, internal_p=ground, delta=1e-8)


@pytest.mark.parametrize("seed", range(6))
def test_wasserstein_equals_gudhi(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, y = (np.sort(rng.random((rng.integers(1, 30), 2)), axis=1) for _ in range(2))
    dx, dy = (_diagram([(b, d, 0) for b, d in pts]) for pts in (x, y))
    px, py = diagram_points(dx, (0,)), diagram_points(dy, (0,))
    for p in (1.0, 2.0):
        assert diagram_distance(px, py, p) == pytest.approx(_hera(x, y, p), rel=1e-7)
        for q in (1.0, 2.0):  # other ground metrics (TTK's is L1)
            assert wasserstein_distance(x, y, p, ground=q) == pytest.approx(
                _hera(x, y, p, q), rel=1e-7
            )
    assert diagram_distance(px, py, np.inf) == gudhi.bottleneck_distance(x, y)
    assert wasserstein_distance(x, np.zeros((0, 2)), 1.0) == pytest.approx(
        np.sum(x[:, 1] - x[:, 0]) / 2
    )


def _gudhi_h0(values: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
    """Finite H0 (birth, death) values of the lower-star filtration, by gudhi itself."""
    domain = grid_domain(dims)
    rank = np.empty(values.size, np.int64)
    rank[np.lexsort((np.arange(values.size), values))] = np.arange(values.size)
    st = gudhi.SimplexTree()
    for k in (1, 2):
        cells = domain.simplices(k)
        st.insert_batch(cells.T.astype(np.int64), rank[cells].max(axis=1).astype(float))
    st.insert_batch(np.arange(values.size)[None, :], rank.astype(float))
    st.persistence(homology_coeff_field=2)
    order = np.argsort(rank)
    pairs = st.persistence_intervals_in_dimension(0)
    pairs = pairs[np.isfinite(pairs[:, 1])].astype(np.int64)
    out = values[order[pairs]]
    return out[out[:, 1] > out[:, 0]]


def test_matrix_matches_gudhi_on_gudhis_own_diagrams() -> None:
    rng = np.random.default_rng(7)
    dims = (9, 7)
    fields = [rng.normal(size=dims[::-1]).ravel() * (1 + i) + i for i in range(4)]
    domain = grid_domain(dims)
    for normalize in (False, True):
        made = [landscape_diagram(v, domain, normalize) for v in fields]
        matrices = distance_matrices([m[0] for m in made], [m[1] for m in made])
        reference = []
        for v in fields:
            h0 = _gudhi_h0(v, dims)
            if normalize:
                h0 = (h0 - v.min()) / (v.max() - v.min())
            reference.append(h0)
        for i, j in itertools.combinations(range(len(fields)), 2):
            x, y = reference[i], reference[j]
            got = matrices["min-saddle", "bottleneck"][i, j]
            assert got == pytest.approx(gudhi.bottleneck_distance(x, y), abs=1e-12)
            for p, name in ((1.0, "wasserstein1"), (2.0, "wasserstein2")):
                assert matrices["min-saddle", name][j, i] == pytest.approx(_hera(x, y, p), rel=1e-7)
    for key, d in matrices.items():
        assert np.allclose(d, d.T) and not d.diagonal().any(), key
        assert set(key[1:]) <= set(METRICS)


def test_normalised_distances_ignore_scale_and_shift() -> None:
    rng = np.random.default_rng(3)
    dims = (8, 8)
    domain = grid_domain(dims)
    v, w = rng.random(64), rng.random(64)
    pair = [landscape_diagram(x, domain, True) for x in (v, 5 * v + 2)]
    same = distance_matrices([p[0] for p in pair], [p[1] for p in pair])
    assert max(d[0, 1] for d in same.values()) < 1e-9
    raw = [landscape_diagram(x, domain, False) for x in (v, w, 3 * v, 3 * w)]
    m = distance_matrices([r[0] for r in raw], [r[1] for r in raw])
    for d in m.values():  # raw distances scale with the losses
        assert d[2, 3] == pytest.approx(3 * d[0, 1], rel=1e-6)
    assert len(persistence_pairs(v, domain)) > 1


def test_classical_mds_recovers_euclidean_points() -> None:
    rng = np.random.default_rng(0)
    points = rng.normal(size=(7, 2))
    xy = classical_mds(squareform(pdist(points)))
    assert np.allclose(squareform(pdist(xy)), squareform(pdist(points)))


def _write(path, values: np.ndarray, dims: tuple[int, ...], name: str = "Loss"):
    vtkxml.write(path, vtkxml.image_data({name: values}, dims))
    return path


def test_cli_writes_tables_and_figures(tmp_path) -> None:
    rng = np.random.default_rng(1)
    files = [_write(tmp_path / f"l{i}.vti", rng.random(100), (10, 10)) for i in range(3)]
    out = tmp_path / "cmp"
    assert main(["compare", *map(str, files), "--normalize", "--out", str(out)]) == 0
    with open(out / "distances.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(PAIR_SETS) * len(METRICS) * 9
    assert {r["Losses"] for r in rows} == {"normalized"}
    domain = grid_domain((10, 10))
    made = [landscape_diagram(vtkxml.read(p).point_data["Loss"], domain, True) for p in files]
    m = distance_matrices([x[0] for x in made], [x[1] for x in made])
    row = next(
        r
        for r in rows
        if (r["Pairs"], r["Metric"], r["A"], r["B"]) == ("all", "wasserstein2", "l0", "l2")
    )
    assert float(row["Distance"]) == m["all", "wasserstein2"][0, 2]
    with open(out / "mds.csv") as f:
        assert len(list(csv.DictReader(f))) == len(PAIR_SETS) * len(METRICS) * 3
    for png in ("distances.png", "mds.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_bad_inputs_name_the_file(tmp_path, capsys) -> None:
    rng = np.random.default_rng(2)
    flat = _write(tmp_path / "flat.vti", rng.random(100), (10, 10))
    cube = _write(tmp_path / "cube.vti", rng.random(125), (5, 5, 5))
    other = _write(tmp_path / "other.vti", rng.random(100), (10, 10), name="Accuracy")
    out = str(tmp_path / "cmp")
    cases = [
        ([flat, cube], "cube.vti is a 3-D grid landscape"),
        ([flat, other], "other.vti: no point array 'Loss'"),
        ([flat], "at least two landscapes"),
        ([flat, tmp_path / "missing.vti"], "missing.vti"),
    ]
    for inputs, expected in cases:
        args = ["compare", *map(str, inputs), "--out", out]
        if "other" in str(inputs[-1]):
            args += ["--array", "Loss"]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err and err.count("\n") == 1, err
