"""The ParaView filters on an n-D grid landscape (a .vtu with FieldData GridShape): the
full diagram of every dimension, the merge tree and the critical points of the grid's
Kuhn triangulation, as lltk's core computes them (which is exact against gudhi:
tests/core/test_topology_nd.py); a .vtu without GridShape stays a graph whose diagram
says it holds dimension 0 only.

One pvpython run with the stand-in TTK module on the path, so that it also shows the
filters keep lltk's engine for an n-D grid where TTK is loaded (TTK would read the .vtu
as the graph of its line cells).
"""

from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import pytest
from conftest import REPO
from test_plugins import _run

from lltk import topology, vtkxml
from lltk.render.synthetic import write_graph

pytestmark = [pytest.mark.paraview, pytest.mark.slow]

SHAPE = (5, 5, 5, 5)
FILTERS = [
    ["LossPersistenceDiagram", "LossPersistenceDiagram", {"LogScaleLoss": "Off"}, None],
    ["LossMergeTree", "LossMergeTree", {"LogScaleLoss": "Off"}, None],
    ["LossCriticalPoints", "LossCriticalPoints", {}, None],
]


def _bumpy(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """A field with holes in every dimension, quantised so that values tie (the
    (value, id) order decides)."""
    rng = np.random.default_rng(seed)
    grids = np.meshgrid(*[np.linspace(-1, 1, n) for n in shape], indexing="ij")
    loss = sum(np.cos(4 * g + i) for i, g in enumerate(grids)) + 0.3 * rng.normal(size=shape)
    return np.round(loss.ravel(order="F"), 1)  # VTK's order: the first axis fastest


@pytest.fixture(scope="module")
def nd_run(pvpython, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pv_nd")
    files = {}
    for name, grid in (("grid4", True), ("graph4", False)):
        ds = vtkxml.read(write_graph(tmp, stem=name, resolution=SHAPE[0]))
        ds.point_data["Loss"] = _bumpy(SHAPE, seed=4)
        if grid:
            ds.field_data["GridShape"] = np.array(SHAPE, np.float64)
        files[name] = vtkxml.write(tmp / f"{name}.vtu", ds)
    cases = [{"name": name, "path": str(path), "filters": FILTERS} for name, path in files.items()]
    forced = [["Forced", "LossPersistenceDiagram", {"Backend": "TTK"}, None]]
    cases.append({"name": "forced", "path": str(files["grid4"]), "filters": forced})
    return _run(pvpython, tmp, cases, fake_ttk=True), files


def _get(arrays: dict, case: str, label: str, port: int, kind: str, name: str = "") -> np.ndarray:
    key = f"{case}/{label}|{port}|{kind}" + (f"|{name}" if name else "")
    assert key in arrays, f"{key} missing"
    return arrays[key]


def test_nd_grid_filters_give_the_cores_full_diagram(nd_run):
    (arrays, _, summary), files = nd_run
    values = vtkxml.read(files["grid4"]).point_data["Loss"]
    domain = topology.grid_domain(SHAPE)
    dgm = topology.persistence_pairs(values, domain)
    assert set(dgm.dimension.tolist()) == {0, 1, 2, 3}  # the field has holes of each dimension
    get = lambda *a: _get(arrays, "grid4", *a)  # noqa: E731
    vertex = get("LossPersistenceDiagram", 0, "point", "ttkVertexScalarField")
    np.testing.assert_array_equal(vertex[0::2], dgm.birth_vertex)
    np.testing.assert_array_equal(vertex[1::2], dgm.death_vertex)
    np.testing.assert_array_equal(
        get("LossPersistenceDiagram", 0, "cell", "Dimension"), np.append(dgm.dimension, -1)
    )
    np.testing.assert_array_equal(
        get("LossPersistenceDiagram", 0, "cell", "PairType"), np.append(dgm.pair_type, -1)
    )
    assert summary["grid4/LossPersistenceDiagram|0|Homology"].startswith("dimensions 0 to 3")
    tree = topology.join_tree(values, domain)
    np.testing.assert_array_equal(
        get("LossMergeTree", 0, "point", "VertexId"), np.asarray(tree.node_vertex)
    )
    ids, types = topology.critical_points(values, domain)
    critical = get("LossCriticalPoints", 0, "point", "ttkVertexScalarField")
    np.testing.assert_array_equal(critical, ids)
    np.testing.assert_array_equal(get("LossCriticalPoints", 0, "point", "CriticalType"), types)
    # the stand-in TTK is loaded, yet an n-D grid is lltk's alone
    for label, *_ in FILTERS:
        assert summary[f"grid4/{label}|0|lltkBackend"] == "lltk", label


def test_graph_vtu_diagram_is_dimension_zero_and_says_so(nd_run):
    (arrays, _, summary), _ = nd_run
    dims = _get(arrays, "graph4", "LossPersistenceDiagram", 0, "cell", "Dimension")
    assert set(dims[:-1].tolist()) == {0}
    note = summary["graph4/LossPersistenceDiagram|0|Homology"]
    assert note.startswith("dimension 0 only") and "GridShape" in note


SHOW_DIAGRAM = """
import json, os, sys
from paraview import servermanager as sm
from paraview import simple as pv
pv.LoadPlugin(sys.argv[2])
diagram = pv.LossPersistenceDiagram(Input=pv.OpenDataFile(sys.argv[1]))
scalars = sm.Fetch(diagram).GetCellData().GetScalars()
lut = pv.GetColorTransferFunction("Dimension")
print("SHOWN " + json.dumps({"colour": scalars.GetName() if scalars else None,
    "categorical": lut.InterpretValuesAsCategories, "names": list(lut.Annotations)}), flush=True)
os._exit(0)  # pvpython under Xvfb can abort tearing down its GL context (pvrender.py)
"""


def test_diagram_shows_its_bars_in_named_dimension_colours(nd_run, pvpython, tmp_path):
    """Applied as in the GUI (no state, no macro): the bars are coloured by Dimension (the
    output's active cell scalars, which ParaView colours by) with ParaView's default map
    for that name, lltk's categorical H0, H1, ..."""
    _, files = nd_run
    script = tmp_path / "show.py"
    script.write_text(SHOW_DIAGRAM)
    plugin = REPO / "plugins" / "lltk_loss_persistence_diagram.py"
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "plugins" / "startup"), str(REPO)])
    )
    proc = subprocess.run(
        [*pvpython, str(script), str(files["grid4"]), str(plugin)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("SHOWN ")), None)
    assert line is not None, (proc.stdout + proc.stderr)[-3000:]
    shown = json.loads(line.removeprefix("SHOWN "))
    assert shown["colour"] == "Dimension"
    assert shown["categorical"] == 1
    assert shown["names"][:8] == ["0", "H0", "1", "H1", "2", "H2", "3", "H3"]


def test_ttk_forced_on_an_nd_grid_is_one_clear_line(nd_run):
    """Backend = TTK on an n-D grid: the output window says why (TTK would read the .vtu
    as a graph), and the filter gives no diagram rather than a wrong one."""
    (arrays, log, _), _ = nd_run
    assert "which TTK reads as a graph: set Backend to Automatic or lltk" in log
    assert "Traceback" not in log and "internal error" not in log
    assert not any(key.startswith("forced/Forced|0|cell") for key in arrays)


STUDY_LAYOUT = """
import json, os, sys
from pathlib import Path
from paraview import simple as pv
from lltk.render import states
states.load_plugins(Path(sys.argv[2]))
states.study_layout(pv.OpenDataFile(sys.argv[1]), "label")
info = pv.FindSource("landscape.pvd").GetDataInformation()
print("LAYOUT " + json.dumps({"title": pv.FindSource("landscape title").Text,
    "type": info.GetDataSetTypeAsString(), "extent": list(info.GetExtent())}), flush=True)
os._exit(0)  # pvpython under Xvfb can abort tearing down its GL context (pvrender.py)
"""


def test_macro_shows_an_nd_grid_as_its_centre_slice(nd_run, pvpython, tmp_path):
    """The Loss Landscape Views macro (states.study_layout) on a 4-D grid draws the
    surface of its 2-D slice through the centre, as lltk render does."""
    _, files = nd_run
    script = tmp_path / "layout.py"
    script.write_text(STUDY_LAYOUT)
    path = os.pathsep.join([str(REPO / "plugins" / "startup"), str(REPO)])
    proc = subprocess.run(
        [*pvpython, str(script), str(files["grid4"]), str(REPO / "plugins")],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=path),
        timeout=300,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("LAYOUT ")), None)
    assert line is not None, (proc.stdout + proc.stderr)[-3000:]
    shown = json.loads(line.removeprefix("LAYOUT "))
    assert shown["title"].splitlines()[0] == "Loss landscape: centre slice, directions 1 and 2"
    assert shown["type"] == "vtkImageData"
    assert shown["extent"] == [0, SHAPE[0] - 1, 0, SHAPE[1] - 1, 0, 0]
