"""The PINN study's distance-to-beta-1 column and figure, on landscapes written here."""

from __future__ import annotations

import numpy as np
import pytest

from lltk import vtkxml
from lltk.study.distances import add_distance_column, distance_figure
from lltk.study.pinn import stem
from lltk.topology import grid_domain
from lltk.topology.distance import diagram_distance, diagram_points, landscape_diagram


def test_distance_column_and_figure(tmp_path) -> None:
    rng = np.random.default_rng(4)
    values = {}
    for beta in (1.0, 2.0, 5.0):
        for seed in (0, 1):
            v = rng.random(100) * beta
            values[beta, seed] = v
            path = tmp_path / "landscapes" / f"{stem(beta, seed)}_random.vti"
            path.parent.mkdir(exist_ok=True)
            vtkxml.write(path, vtkxml.image_data({"Loss": v}, (10, 10)))
    rows = [{"beta": b, "seed": s} for b, s in values]
    rows.append({"beta": 2.0, "seed": 7})  # no beta = 1 landscape for seed 7
    column = add_distance_column(rows, tmp_path, stem, metric="bottleneck", pairs="all")
    assert column == "random_bottleneck_to_beta1"
    domain = grid_domain((10, 10))

    def points(v):
        diagram, span = landscape_diagram(v, domain, True)
        return diagram_points(diagram, (0, 1, 2, -1), span)

    for row in rows[:-1]:
        ref = points(values[1.0, row["seed"]])
        expected = diagram_distance(points(values[row["beta"], row["seed"]]), ref, np.inf)
        assert row[column] == pytest.approx(expected, abs=1e-15)
        assert (row[column] < 1e-12) == (row["beta"] == 1.0)
    assert np.isnan(rows[-1][column])
    png = distance_figure(rows, column, tmp_path / "d.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
