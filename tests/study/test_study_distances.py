"""The PINN study's distance-to-beta-1 column and figures, on landscapes and rows written
here (and over another system's coefficient, nu)."""

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


def test_distance_and_metrics_figures_over_another_coefficient(tmp_path, monkeypatch) -> None:
    """A diffusion study's rows (column ``nu``, 1e-5 ... 6): the distance column named by
    nu from ``stem``'s diffusion names, and a metrics figure whose nu axis is logarithmic
    with a labelled tick at every nu."""
    import matplotlib.figure

    from lltk.study.figures import PINN_PANELS, pinn_metrics_figure

    rng = np.random.default_rng(5)
    nus = (1e-5, 1e-3, 1.0, 6.0)
    for nu in nus:
        path = tmp_path / "landscapes" / f"{stem(nu, 0, 'nu', 'diffusion')}_random.vti"
        path.parent.mkdir(exist_ok=True)
        vtkxml.write(path, vtkxml.image_data({"Loss": rng.random(100) * (1 + nu)}, (10, 10)))
    assert path.name == "pinn_diffusion_nu6_seed0_random.vti"
    columns = [c for _, series, _ in PINN_PANELS for c, _ in series]
    rows = [{"nu": nu, "seed": 0, **{c: float(rng.random() + 0.1) for c in columns}} for nu in nus]
    naming = lambda value, seed: stem(value, seed, "nu", "diffusion")  # noqa: E731
    column = add_distance_column(rows, tmp_path, naming, reference=1e-3, key="nu")
    assert column == "random_wasserstein2_to_nu0.001" and rows[1][column] == 0.0
    saved = []
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", lambda fig, *a, **k: saved.append(fig))
    pinn_metrics_figure(rows, tmp_path / "m.png", "nu", "diffusion")
    (figure,) = saved
    for ax in figure.axes:
        assert ax.get_xscale() == "log" and ax.get_xlabel() == "nu"
        assert [t.get_text() for t in ax.get_xticklabels()] == ["1e-05", "0.001", "1", "6"]
    assert figure._suptitle.get_text().startswith("Diffusion PINN")
