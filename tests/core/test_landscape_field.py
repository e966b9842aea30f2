"""One array rule and one validity policy (:mod:`lltk.topology.field`) from every entry
point: the core, the file front end (``lltk topology``, ``lltk compare``, the study, the
renderer) and the VTK-object front end of the ParaView filters, read by VTK's reader."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from conftest import REPO

from lltk import vtkxml
from lltk.cli import main
from lltk.errors import UserError
from lltk.landscape import read_landscape
from lltk.render import inspect_landscape
from lltk.study.steps import topology_step
from lltk.topology import grid_domain, join_tree, persistence_pairs
from lltk.topology.field import FieldError, choose_point_array, landscape_field

DIMS = (5, 4)
N = DIMS[0] * DIMS[1]

#: name -> (point arrays as {name: components}, cell arrays, requested, chosen or error)
CASES = {
    "loss_first": ({"Valid": 1, "Loss": 1}, (), None, "Loss"),
    "only_scalar": ({"Gradient": 3, "Accuracy": 1}, (), None, "Accuracy"),
    "two_scalars": ({"A": 1, "B": 1}, (), None, "(found: A, B)"),
    "named": ({"A": 1, "B": 1}, (), "B", "B"),
    "vector": ({"G": 3}, (), "G", "'G' has 3 components"),
    "missing": ({"Loss": 1}, (), "X", "no point array 'X'"),
    "cell_loss": ({"Other": 1}, ("Loss",), None, "'Loss' is cell data"),
}


def _arrays(components: dict[str, int], seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: rng.random(N) if k == 1 else rng.random((N, k)) for name, k in components.items()}


@pytest.mark.parametrize("case", CASES)
def test_array_rule_in_the_core(case: str) -> None:
    components, cells, requested, expected = CASES[case]
    if expected in components:
        assert choose_point_array(components, requested, cells) == expected
    else:
        with pytest.raises(FieldError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            choose_point_array(components, requested, cells)


def _write_cases(folder) -> dict[str, str]:
    paths = {}
    for case, (components, cells, _, _) in CASES.items():
        ds = vtkxml.image_data(_arrays(components), DIMS)
        ds.cell_data = {name: np.arange(12.0) for name in cells}
        paths[case] = str(vtkxml.write(folder / f"{case}.vti", ds))
    return paths


@pytest.mark.parametrize("case", CASES)
def test_array_rule_of_the_file_front_end_and_the_cli(tmp_path, capsys, case: str) -> None:
    components, _, requested, expected = CASES[case]
    path = _write_cases(tmp_path)[case]
    args = ["topology", path, "--out", str(tmp_path / "out")]
    args += ["--array", requested] if requested else []
    if expected in components:
        field = read_landscape(path, requested)
        assert field.name == expected
        assert np.array_equal(field.values, vtkxml.read(path).point_data[expected])
        assert main(args) == 0
    else:
        with pytest.raises(UserError, match=f"{case}.vti"):
            read_landscape(path, requested)
        assert main(args) == 2
        assert expected in capsys.readouterr().err


def test_invalid_values_one_policy(tmp_path) -> None:
    """NaN and ±inf are invalid, ordered after every valid value by vertex id: the
    plateau stand-in gives the join tree the core builds with them as +inf."""
    rng = np.random.default_rng(3)
    loss = rng.random(N)
    loss[[2, 7, 11]] = [np.nan, np.inf, -np.inf]
    path = vtkxml.write(tmp_path / "holes.vti", vtkxml.image_data({"Loss": loss}, DIMS))
    field = read_landscape(path)
    assert field.invalid_count == 3 and not field.valid[[2, 7, 11]].any()
    plateau = field.plateau_values()
    assert (
        np.isfinite(plateau).all()
        and (plateau[[2, 7, 11]] > np.nanmax(loss[np.isfinite(loss)])).all()
    )
    domain = grid_domain(DIMS)
    with pytest.warns(RuntimeWarning, match="treated as"):
        as_inf = join_tree(field.values, domain)
    stand_in = join_tree(plateau, domain)
    assert np.array_equal(as_inf.node_vertex, stand_in.node_vertex)
    assert np.array_equal(as_inf.segmentation, stand_in.segmentation)
    assert inspect_landscape(path) == ("surface", 3)
    with pytest.warns(RuntimeWarning, match="treated as"):
        metrics = topology_step(path, tmp_path / "metrics.json")
    assert metrics["InvalidCount"] == 3
    with pytest.warns(RuntimeWarning):
        expected = persistence_pairs(field.values, domain)
    assert metrics["MinimaCount"] == np.count_nonzero(expected.pair_type == 0) + 1
    with pytest.raises(FieldError, match="every value of 'Loss' is NaN or infinite"):
        landscape_field("Loss", np.full(N, np.nan), domain)
    with pytest.raises(FieldError, match="two or more"):
        landscape_field("Loss", np.ones(1), grid_domain((1,)))


DRIVER = r"""
import json, sys, warnings
from vtkmodules.vtkIOXML import vtkXMLImageDataReader
from lltk.paraview import vtkdata

cfg = json.load(open(sys.argv[2]))
out = {}
for case, (path, requested) in cfg["cases"].items():
    r = vtkXMLImageDataReader()
    r.SetFileName(path)
    r.Update()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            field = vtkdata.scalar_input(r.GetOutput(), requested)
            out[case] = {"name": field.name, "values": field.values.tolist(),
                         "invalid": field.invalid.tolist()}
        except vtkdata.InputError as exc:
            out[case] = {"error": str(exc)}
    out[case]["warnings"] = [str(w.message) for w in caught]
json.dump(out, open(cfg["out"], "w"))
"""


@pytest.mark.paraview
@pytest.mark.slow
def test_array_rule_and_policy_of_the_vtk_front_end(tmp_path, pvpython) -> None:
    """VTK's own reader, then ``vtkdata.scalar_input``: the same choice, the same words
    and the same plateau as the file front end."""
    from conftest import run_driver

    paths = _write_cases(tmp_path)
    loss = np.random.default_rng(4).random(N)
    loss[[0, 5]] = [np.nan, -np.inf]
    paths["holes"] = str(
        vtkxml.write(tmp_path / "holes.vti", vtkxml.image_data({"Loss": loss}, DIMS))
    )
    requested = {case: c[2] for case, c in CASES.items()} | {"holes": None}
    cfg = {"cases": {c: [paths[c], requested[c]] for c in paths}, "out": str(tmp_path / "o.json")}
    env = {"PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    run = run_driver(pvpython, DRIVER, cfg, tmp_path, env)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads((tmp_path / "o.json").read_text())
    for case, (components, _, req, expected) in CASES.items():
        if expected in components:
            assert out[case]["name"] == expected == read_landscape(paths[case], req).name
        else:
            assert expected in out[case]["error"], out[case]
    holes = read_landscape(paths["holes"])
    assert out["holes"]["invalid"] == (~holes.valid).tolist()
    assert np.array_equal(out["holes"]["values"], holes.plateau_values())
    assert "2 of 20 values of 'Loss' are NaN or infinite" in out["holes"]["warnings"][0]
