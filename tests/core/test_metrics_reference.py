"""Both definitions of the study's metrics against TTK's own outputs (../shared/ttk-reference).

The numbers are counted straight from TTK's CSVs: saddles from the join tree's
``CriticalType`` column (1: saddle, 4: degenerate saddle), persistence from the diagram's
death rows (``Points:1 - Points:0``, every pair TTK wrote, the global one included).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from conftest import reference_cases

from lltk import vtkxml
from lltk.topology import grid_domain, persistence_pairs
from lltk.topology.diagram import PersistenceDiagram
from lltk.topology.metrics import landscape_metrics

CASES = reference_cases()


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _ttk_numbers(ref: Path, stem: str) -> dict[str, float]:
    types = np.array([int(r["CriticalType"]) for r in _rows(ref / f"{stem}_MergeTree.csv")])
    rows = _rows(ref / f"{stem}_PersistenceDiagram.csv")
    births, deaths = rows[0::2], rows[1::2]
    pers = np.array([float(d["Points:1"]) - float(d["Points:0"]) for d in deaths])
    pair_types = [
        (b["CriticalType"], d["CriticalType"]) for b, d in zip(births, deaths, strict=True)
    ]
    min_saddle = np.array([t == ("0", "1") for t in pair_types])
    ms = pers[min_saddle]
    return {
        "MinimaCount": float(np.count_nonzero(types == 0)),
        "Type1SaddleCount": float(np.count_nonzero(types == 1)),
        "SaddleCount": float(np.count_nonzero((types == 1) | (types == 4))),
        "AllPairsCount": float(len(pers)),
        "AllPairsAveragePersistence": float(pers.mean()),
        "AllPairsMaxPersistence": float(pers.max()),
        "AveragePersistence": float(ms.mean()) if ms.size else 0.0,
    }


@pytest.mark.parametrize("stem", CASES or ["none"])
def test_metric_definitions_match_ttk_csvs(ttk_reference: Path, stem: str) -> None:
    ds = vtkxml.read(ttk_reference / f"{stem}.vti")
    domain = grid_domain(ds.dimensions, ds.origin, ds.spacing)
    ours = landscape_metrics(persistence_pairs(ds.point_data["Loss"], domain))
    ttk = _ttk_numbers(ttk_reference, stem)
    for key, value in ttk.items():
        assert ours[key] == pytest.approx(value, rel=1e-6, abs=1e-7), key


def test_degenerate_saddles_make_the_definitions_differ(ttk_reference: Path) -> None:
    """The reference set holds landscapes with degenerate saddles (type 4): there the two
    saddle counts differ, so the test above tells them apart."""
    counts = [_ttk_numbers(ttk_reference, s) for s in CASES]
    assert any(c["SaddleCount"] > c["Type1SaddleCount"] for c in counts)
    assert any(c["AllPairsAveragePersistence"] != c["AveragePersistence"] for c in counts)


def test_diverged_global_pair_dies_at_the_largest_finite_value() -> None:
    """A global pair dying at +inf (NaN losses) counts up to the largest finite value;
    pairs born at +inf are left out of every statistic."""
    inf = np.inf
    diagram = PersistenceDiagram(
        birth_vertex=np.array([0, 1, 5]),
        death_vertex=np.array([4, 2, 6]),
        birth_type=np.array([0, 0, 0]),
        death_type=np.array([3, 1, 1]),
        birth=np.array([1.0, 2.0, inf]),
        death=np.array([inf, 7.0, inf]),
        persistence=np.array([inf, 5.0, 0.0]),
        pair_type=np.array([-1, 0, 0]),
    )
    m = landscape_metrics(diagram)
    assert m["AllPairsCount"] == 2
    assert m["AllPairsAveragePersistence"] == pytest.approx((6.0 + 5.0) / 2)
    assert m["AveragePersistence"] == 5.0 and m["Type1SaddleCount"] == 1
