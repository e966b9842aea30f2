"""The Landscape Distances ParaView filter (several inputs -> a distance table), in one
pvpython run: its table equals lltk compare's matrices; mismatched inputs are an error
in the output window, not a crash."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import REPO, run_driver

from lltk import vtkxml
from lltk.topology import grid_domain
from lltk.topology.distance import distance_matrices, landscape_diagram

pytestmark = [pytest.mark.paraview, pytest.mark.slow]

DRIVER = r"""
import json, sys
from paraview import simple
from vtkmodules.util.numpy_support import vtk_to_numpy
simple.LoadPlugin(sys.argv[1] + "/plugins/lltk_landscape_distances.py", ns=globals())
cfg = json.load(open(sys.argv[2]))
out = {}
for name, files in cfg["cases"].items():
    readers = [simple.XMLImageDataReader(FileName=[f]) for f in files]
    # the last one through a filter: its name still comes from the file at the top
    readers[-1] = simple.Calculator(Input=readers[-1], ResultArrayName="Loss", Function="Loss")
    f = LandscapeDistances(Input=readers)
    f.Pairs, f.Metric, f.NormalizeLosses = 1, 2, 1
    f.UpdatePipeline()
    t = simple.servermanager.Fetch(f)
    out[name] = {
        t.GetColumn(i).GetName(): vtk_to_numpy(t.GetColumn(i)).tolist()
        for i in range(1, t.GetNumberOfColumns())
    }
    if t.GetNumberOfRows():
        out[name]["Landscape"] = [t.GetColumn(0).GetValue(i) for i in range(t.GetNumberOfRows())]
    fd = t.GetFieldData()
    keys = ("Pairs", "Metric", "Losses") if fd.GetAbstractArray("Losses") else ()
    out[name]["fields"] = [fd.GetAbstractArray(k).GetValue(0) for k in keys]
json.dump(out, open(cfg["out"], "w"))
"""


def test_distance_table_equals_compare(pvpython, tmp_path) -> None:
    rng = np.random.default_rng(5)
    files, values = [], []
    for i in range(3):
        v = rng.random(144) * (i + 1)
        values.append(v)
        files.append(
            str(vtkxml.write(tmp_path / f"l{i}.vti", vtkxml.image_data({"Loss": v}, (12, 12))))
        )
    cube = vtkxml.write(
        tmp_path / "cube.vti", vtkxml.image_data({"Loss": rng.random(64)}, (4, 4, 4))
    )
    cfg = {
        "cases": {"good": files, "mixed": [files[0], str(cube)]},
        "out": str(tmp_path / "o.json"),
    }
    run = run_driver(
        pvpython, DRIVER, cfg, tmp_path, {"PYTHONPATH": str(REPO / "plugins" / "startup")}
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads((tmp_path / "o.json").read_text())
    made = [landscape_diagram(v, grid_domain((12, 12)), True) for v in values]
    expected = distance_matrices([m[0] for m in made], [m[1] for m in made])["all", "wasserstein2"]
    # rows and columns named by the landscapes' files, not "input 0", "input 1"...
    assert out["good"]["Landscape"] == ["l0", "l1", "l2"]
    got = np.column_stack([out["good"][f"l{i}"] for i in range(3)])
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert out["good"]["fields"] == ["all", "wasserstein2", "normalized"]
    assert len(out["good"]["MDS1"]) == 3
    assert out["mixed"] == {"fields": []}  # no table ...
    assert (
        "input 1 is a 3-D grid with array 'Loss', input 0 a 2-D grid" in run.stderr
    )  # ... an error
    assert "Traceback" not in run.stderr


def test_labels_fall_back_and_stay_unique() -> None:
    from lltk.paraview.landscape_distances import landscape_labels

    assert landscape_labels(["a", None, "b"]) == ["a", "input 1", "b"]
    assert landscape_labels(["a", "a", "b"]) == ["a (0)", "a (1)", "b"]


def test_columns_are_headed_by_what_differs_in_the_names() -> None:
    """The matrix's columns carried the whole file names (``pinn_convection_beta50.0_seed0``)
    and a matrix of a few landscapes overflowed the spreadsheet."""
    from lltk.paraview.landscape_distances import column_labels

    study = [f"pinn_convection_beta{b}_seed{s}" for b in ("1.0", "50.0") for s in (0, 123)]
    assert column_labels(study) == [
        "beta1.0_seed0",
        "beta1.0_seed123",
        "beta50.0_seed0",
        "beta50.0_seed123",
    ]
    assert column_labels(["a_x", "b_x"]) == ["a", "b"]
    assert column_labels(["run_a", "run"]) == ["run_a", "run"]  # one would be empty
    assert column_labels(["input 0", "input 1"]) == ["input 0", "input 1"]
