"""Log Scale Loss on the planar drawings (merge tree, persistence diagram, profile): a
landscape whose loss spans decades is drawn on a log loss axis by default, the data arrays
untouched; a narrow one stays linear; Off gives TTK's own layout (compared with TTK's
reference outputs in test_plugins.py)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TTK_REFERENCE
from test_plugins import Results, _csv, _run

from lltk import vtkxml
from lltk.render.synthetic import write_landscape
from lltk.topology import logscale

pytestmark = [pytest.mark.paraview, pytest.mark.slow]

WIDE = "pinn_convection_beta50.0_seed0"
#: filter -> (its planar output ports, the loss axes, the width axis)
DRAWINGS = {
    "LossMergeTree": ((3,), (1,), 0),
    "LossPersistenceDiagram": ((0,), (0, 1), None),
    "TopologicalLandscapeProfile": ((0, 1), (1,), 0),
}


def _filters() -> list:
    out = []
    for name in DRAWINGS:
        out.append([f"{name}@auto", name, {}, None])
        out.append([f"{name}@off", name, {"LogScaleLoss": "Off"}, None])
        out.append([f"{name}@on", name, {"LogScaleLoss": "On"}, None])
    return out


@pytest.fixture(scope="module")
def drawn(pvpython, tmp_path_factory) -> tuple[Results, dict[str, np.ndarray]]:
    tmp = tmp_path_factory.mktemp("log_scale")
    paths = {
        "narrow": write_landscape(tmp / "narrow", stem="pinn_narrow", side_files=False),
        "wide": write_landscape(tmp / "wide", stem="pinn_wide", decades=7.0, side_files=False),
    }
    if (TTK_REFERENCE / f"{WIDE}.vti").is_file():
        paths[WIDE] = TTK_REFERENCE / f"{WIDE}.vti"
    cases = [{"name": n, "path": str(p), "filters": _filters()} for n, p in paths.items()]
    losses = {n: vtkxml.read(p).point_data["Loss"] for n, p in paths.items()}
    return Results(*_run(pvpython, tmp, cases, fake_ttk=False)), losses


def _arrays(results: Results, case: str, label: str, port: int) -> dict[str, np.ndarray]:
    prefix = f"{case}/{label}|{port}|"
    return {
        k[len(prefix) :]: v
        for k, v in results.arrays.items()
        if k.startswith(prefix) and k[len(prefix) :] != "points"
    }


@pytest.mark.parametrize("name", list(DRAWINGS))
def test_wide_landscape_drawn_on_log_loss_axis(drawn, name) -> None:
    results, losses = drawn
    ports, loss_axes, width_axis = DRAWINGS[name]
    for case in [c for c in losses if c != "narrow"]:
        assert logscale.decades(losses[case]) > 5, case
        scale = logscale.LogLoss(losses[case])
        for port in ports:
            linear = results.get(case, f"{name}@off", port, "points")
            log = results.get(case, f"{name}@auto", port, "points")
            expected = linear.copy()
            expected[:, list(loss_axes)] = np.log10(linear[:, list(loss_axes)])
            if width_axis is not None:
                expected[:, width_axis] *= (np.log10(scale.hi) - np.log10(scale.lo)) / (
                    scale.hi - scale.lo
                )
            np.testing.assert_allclose(log, expected, rtol=1e-12, err_msg=f"{case} {name} {port}")
            # every data array as on the linear drawing: only coordinates moved
            ours, theirs = (_arrays(results, case, f"{name}@{m}", port) for m in ("auto", "off"))
            # the losses' log10 twins besides, which the filters colour by (a linear map
            # of seven decades left all but the top in its first colour)
            # keys are "point|NAME" or "cell|NAME"
            twins = {
                k.replace("|", "|Log10"): k
                for k in theirs
                if k.split("|")[-1] in ("Scalar", "MeanLoss")
            }
            differences = {
                k.replace("|", "|Log10"): k for k in theirs if k.split("|")[-1] == "Persistence"
            }
            assert ours.keys() == theirs.keys() | twins.keys() | differences.keys()
            if port == ports[0]:
                assert twins or differences, f"{case} {name}: no loss array to colour by"
            for key, value in ours.items():
                expected = theirs.get(key)
                if key in twins:
                    expected = scale(theirs[twins[key]])
                elif key in differences:
                    persistence = theirs[differences[key]]
                    floor = persistence[persistence > 0].min()
                    expected = np.log10(np.maximum(persistence, floor))
                np.testing.assert_allclose(
                    value, expected, rtol=1e-12, err_msg=f"{case} {name} {key}"
                )
            assert results.summary[f"{case}/{name}@auto|{port}|LossScale"] == "log"
            assert results.summary[f"{case}/{name}@off|{port}|LossScale"] == "linear"


@pytest.mark.parametrize("name", list(DRAWINGS))
def test_narrow_landscape_stays_linear_unless_asked(drawn, name) -> None:
    results, losses = drawn
    assert logscale.decades(losses["narrow"]) < logscale.AUTO_LOG_DECADES
    for port in DRAWINGS[name][0]:
        auto = results.get("narrow", f"{name}@auto", port, "points")
        np.testing.assert_array_equal(auto, results.get("narrow", f"{name}@off", port, "points"))
        assert results.summary[f"narrow/{name}@auto|{port}|LossScale"] == "linear"
        assert results.summary[f"narrow/{name}@on|{port}|LossScale"] == "log"
        on = results.get("narrow", f"{name}@on", port, "points")
        assert np.isfinite(on).all()


def test_log_diagram_is_ttks_diagram_in_log10(drawn) -> None:
    """The β = 50 diagram on its log axes: TTK's own points (its reference output), log10."""
    results, losses = drawn
    if WIDE not in losses:
        pytest.skip(f"{WIDE}.vti not found in {TTK_REFERENCE} (../shared/ttk-reference)")
    ref = _csv(TTK_REFERENCE / f"{WIDE}_PersistenceDiagram.csv")
    ttk = np.column_stack([ref[f"Points:{i}"] for i in range(2)])
    got = results.get(WIDE, "LossPersistenceDiagram@auto", 0, "points")[:, :2]
    np.testing.assert_allclose(got, np.log10(ttk), rtol=1e-7)  # float32 points
    # seven decades over the diagram's height, not one tall line and a smear
    assert np.ptp(got[:, 1]) > 5
