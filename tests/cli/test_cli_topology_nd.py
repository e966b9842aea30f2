"""``lltk topology`` on n-D grid landscapes (.vtu with GridShape) and non-grid .vtu files."""

from __future__ import annotations

import csv
from collections import Counter

import numpy as np
import pytest

pytest.importorskip("torch")

from lltk import vtkxml
from lltk.cli import main
from lltk.landscape import read_landscape
from lltk.render import inspect_landscape
from lltk.render.staging import stage_slice
from lltk.sampling import export
from lltk.sampling.landscape import LandscapeResult
from lltk.topology import grid_domain, persistence_pairs


def _landscape(n: int, r: int, seed: int = 0) -> LandscapeResult:
    """A bumpy n-D field on an r^n grid (loss[i0, ..., i_{n-1}], the first axis first)."""
    alphas = np.linspace(-1.0, 1.0, r)
    grids = np.meshgrid(*[alphas] * n, indexing="ij")
    loss = sum(np.cos(3 * g + i) for i, g in enumerate(grids))
    loss = loss + 0.2 * np.random.default_rng(seed).standard_normal(loss.shape)
    return LandscapeResult(loss=loss, alphas=alphas, distance=1.0)


def _rows(path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_4d_grid_vtu_round_trip_and_diagram_csv(tmp_path, capsys) -> None:
    res = _landscape(4, 6)
    path = export.write_landscape(tmp_path / "l4.vtu", res, {"Model": "custom"})
    field = read_landscape(path)
    assert field.domain.dims == (6, 6, 6, 6)
    np.testing.assert_array_equal(field.values, res.flat_loss())
    # the file's points are the grid's in VTK order: the first axis fastest
    np.testing.assert_allclose(field.points[:7, 0], [*np.linspace(-1, 1, 6), -1.0])
    assert main(["topology", str(path), "--out", str(tmp_path / "t")]) == 0
    out = capsys.readouterr().out
    rows = _rows(tmp_path / "t" / "l4_PersistenceDiagram.csv")
    assert list(rows[0]) == [
        "ttkVertexScalarField",
        "CriticalType",
        "Coordinates:0",
        "Coordinates:1",
        "Coordinates:2",
        "Points:0",
        "Points:1",
        "Points:2",
        "Dimension",
    ]
    dgm = persistence_pairs(res.flat_loss(), grid_domain((6,) * 4))
    assert Counter(int(r["Dimension"]) for r in rows[0::2]) == Counter(dgm.dimension.tolist())
    assert [int(r["ttkVertexScalarField"]) for r in rows[0::2]] == dgm.birth_vertex.tolist()
    assert len(set(dgm.dimension.tolist())) >= 3  # a bumpy field has higher-dimensional holes
    counts = np.bincount(dgm.dimension)
    assert ", ".join(f"H{k}: {c}" for k, c in enumerate(counts)) in out
    assert (tmp_path / "t" / "l4_MergeTree.csv").is_file()
    # lltk render draws an n-D grid landscape's surface as its slice through the centre
    assert inspect_landscape(path) == ("ndgrid", 0)


def test_slice_through_the_centre_is_directions_1_and_2(tmp_path) -> None:
    res = _landscape(4, 5)
    res.loss[1, 3, 2, 2] = np.nan  # a diverged sample stays NaN (Valid 0) in the slice
    path = export.write_landscape(tmp_path / "l4.vtu", res, {"Model": "pinn", "Beta": 5.0})
    staged, what = stage_slice(path, tmp_path / "slice")
    ds = vtkxml.read(staged / "landscape.vti")
    assert ds.dimensions == (5, 5, 1)
    # res.loss is indexed [alpha_1, ..., alpha_4]; the image's x (fastest) is alpha_1
    np.testing.assert_array_equal(ds.point_data["Loss"], res.loss[:, :, 2, 2].ravel(order="F"))
    assert ds.point_data["Valid"].sum() == 24
    np.testing.assert_allclose(ds.origin[:2], [-1.0, -1.0])
    np.testing.assert_allclose(ds.spacing[:2], [0.5, 0.5])
    assert list(ds.field_data["SliceAt"]) == [0.0, 0.0, 0.0, 0.0]
    assert ds.field_data["Beta"][0] == 5.0  # the label (describe) reads the same FieldData
    assert what == "slice through the centre: directions 1 and 2 of 4 (3 at 0, 4 at 0)"


def test_2d_and_3d_grid_vtu_give_the_vti_diagram(tmp_path) -> None:
    for n in (2, 3):
        res = _landscape(n, 7, seed=n)
        vtu = read_landscape(export.write_landscape(tmp_path / f"a{n}.vtu", res, {}))
        vti = read_landscape(export.write_landscape(tmp_path / f"a{n}.vti", res, {}))
        a = persistence_pairs(vtu.values, vtu.domain)
        b = persistence_pairs(vti.values, vti.domain)
        np.testing.assert_array_equal(a.birth_vertex, b.birth_vertex)
        np.testing.assert_array_equal(a.death_vertex, b.death_vertex)
        np.testing.assert_array_equal(a.dimension, b.dimension)


def test_non_grid_vtu_is_dimension_zero_and_says_so(tmp_path, capsys) -> None:
    res = _landscape(4, 4)
    path = export.write_landscape(tmp_path / "k.vtu", res, {}, graph="knn")
    assert read_landscape(path).domain.dims is None
    assert main(["topology", str(path), "--out", str(tmp_path / "t")]) == 0
    assert "a graph, not a grid" in capsys.readouterr().out
    rows = _rows(tmp_path / "t" / "k_PersistenceDiagram.csv")
    assert {r["Dimension"] for r in rows} == {"0"}


def test_grid_too_large_is_refused_before_any_work(tmp_path, capsys, monkeypatch) -> None:
    path = export.write_landscape(tmp_path / "big.vtu", _landscape(4, 5), {})
    monkeypatch.setattr("lltk.topology._ndgrid.available_memory", lambda: 1000)
    assert main(["topology", str(path), "--out", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "5x5x5x5 grid needs about" in err[0] and "GiB" in err[0]
    assert not (tmp_path / "t").exists()


def test_nan_losses_follow_the_core_policy(tmp_path, capsys) -> None:
    res = _landscape(4, 5)
    res.loss[0, 1, 2, 3] = np.nan
    path = export.write_landscape(tmp_path / "n.vtu", res, {})
    assert main(["topology", str(path), "--out", str(tmp_path / "t")]) == 0
    assert "NaN" in capsys.readouterr().out  # the warning, and the NaN vertex ranked last
    values = res.flat_loss().copy()
    values[np.isnan(values)] = np.inf
    with pytest.warns(RuntimeWarning, match="NaN"):
        dgm = persistence_pairs(res.flat_loss(), grid_domain((5,) * 4))
    ref = persistence_pairs(values, grid_domain((5,) * 4))
    np.testing.assert_array_equal(dgm.birth_vertex, ref.birth_vertex)
    np.testing.assert_array_equal(dgm.death_vertex, ref.death_vertex)
