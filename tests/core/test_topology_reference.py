"""The topology core against TTK's own outputs on 53 real loss landscapes."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from conftest import reference_cases

from lltk import vtkxml
from lltk.topology import (
    grid_domain,
    join_tree,
    persistence_pairs,
    write_merge_tree_csv,
    write_persistence_csv,
)

CASES = reference_cases()


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _load(ref: Path, stem: str):
    ds = vtkxml.read(ref / f"{stem}.vti")
    return ds, ds.point_data["Loss"], grid_domain(ds.dimensions, ds.origin, ds.spacing)


@pytest.mark.parametrize("stem", CASES or ["none"])
def test_join_tree_matches_ttk(ttk_reference: Path, stem: str) -> None:
    _, values, domain = _load(ttk_reference, stem)
    tree = join_tree(values, domain)
    rows = _rows(ttk_reference / f"{stem}_MergeTree.csv")
    ref = np.array(
        [
            [int(r[k]) for k in ("VertexId", "CriticalType", "RegionSize", "RegionSpan")]
            for r in rows
        ]
    )
    # TTK stores a node's RegionSpan truncated to an integer; lltk keeps the distance
    span = np.trunc(tree.region_span)
    ours = np.column_stack([tree.node_vertex, tree.node_type, tree.region_size, span])
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_allclose(tree.node_scalar, [float(r["Scalar"]) for r in rows], rtol=1e-7)
    # every vertex is a node or a regular vertex of exactly one arc
    assert tree.region_size[: tree.arc_up.size].sum() + tree.n_nodes == values.size


@pytest.mark.parametrize("stem", CASES or ["none"])
def test_persistence_diagram_matches_ttk(ttk_reference: Path, stem: str) -> None:
    _, values, domain = _load(ttk_reference, stem)
    diagram = persistence_pairs(values, domain)
    rows = _rows(ttk_reference / f"{stem}_PersistenceDiagram.csv")
    births, deaths = rows[0::2], rows[1::2]
    np.testing.assert_array_equal(
        diagram.birth_vertex, [int(r["ttkVertexScalarField"]) for r in births]
    )
    np.testing.assert_array_equal(
        diagram.death_vertex, [int(r["ttkVertexScalarField"]) for r in deaths]
    )
    np.testing.assert_array_equal(diagram.birth_type, [int(r["CriticalType"]) for r in births])
    np.testing.assert_array_equal(diagram.death_type, [int(r["CriticalType"]) for r in deaths])
    np.testing.assert_allclose(diagram.death, [float(r["Points:1"]) for r in deaths], rtol=1e-7)
    assert (diagram.persistence >= 0).all()


@pytest.mark.parametrize("stem", CASES or ["none"])
def test_csv_export_is_byte_identical(ttk_reference: Path, stem: str, tmp_path: Path) -> None:
    ds, values, domain = _load(ttk_reference, stem)
    coords = ds.point_coordinates()
    tree_csv = write_merge_tree_csv(tmp_path / "t.csv", join_tree(values, domain), coords)
    pd_csv = write_persistence_csv(tmp_path / "p.csv", persistence_pairs(values, domain), coords)
    assert tree_csv.read_text() == (ttk_reference / f"{stem}_MergeTree.csv").read_text()
    assert pd_csv.read_text() == (ttk_reference / f"{stem}_PersistenceDiagram.csv").read_text()
