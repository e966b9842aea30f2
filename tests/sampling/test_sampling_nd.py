"""A 4-D landscape along the top Hessian eigenvectors, end to end: sampled, written as an
n-D grid .vtu, read back as the grid, its diagram of every dimension equal to gudhi's."""

from __future__ import annotations

import csv
from collections import Counter

import numpy as np
import pytest
from conftest import gudhi_lower_star

pytest.importorskip("torch")
pytest.importorskip("gudhi")

from lltk import vtkxml
from lltk.cli import main
from lltk.landscape import read_landscape
from lltk.topology import persistence_pairs

FAST = ["--n-f", "100", "--max-iter", "20", "--quiet"]


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))


@pytest.mark.slow
def test_hessian_4d_landscape_has_pairs_of_every_dimension_like_gudhi(tmp_path, capsys):
    out = tmp_path / "h4.vtu"
    argv = ["sample", "pinn", "--dim", "4", "--directions", "hessian", "--resolution", "6"]
    argv += ["--distance", "0.5", "--hessian-iter", "20", "--out", str(out), *FAST]
    assert main(argv) == 0
    ds = vtkxml.read(out)
    fd = ds.field_data
    assert list(fd["GridShape"]) == [6, 6, 6, 6] and fd["GraphKind"] == "grid"
    top = fd["HessianTopEigenvalues"]
    assert len(top) == 4 and np.all(np.diff(top) <= 0)
    field = read_landscape(out)
    assert field.domain.dims == (6, 6, 6, 6)
    dgm = persistence_pairs(field.values, field.domain)
    finite = dgm.pair_type != -1
    rows = zip(dgm.dimension[finite], dgm.birth[finite], dgm.death[finite], strict=True)
    ours = Counter((int(k), float(b), float(d)) for k, b, d in rows if d > b)
    ref = Counter((k, float(b), float(d)) for k, b, d in gudhi_lower_star((6,) * 4, field.values))
    assert ours == ref and len(ours) > 0

    assert main(["topology", str(out), "--out", str(tmp_path / "t")]) == 0
    with open(tmp_path / "t" / "h4_PersistenceDiagram.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0])[-1] == "Dimension"
    dims = Counter(int(r["Dimension"]) for r in table[0::2])
    assert dims == Counter(dgm.dimension.tolist())
    assert "H0:" in capsys.readouterr().out
