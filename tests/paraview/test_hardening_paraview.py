"""Issue 15 in ParaView: VTK's own writers in every mode read by lltk (item 18), and the
filters' error paths (items 9, 10, 13, 14) under the same rules as ``lltk topology``.

One pvpython run writes the files and applies the filters; the tests read its output.
"""

from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import pytest
from conftest import REPO

from lltk import topology, vtkxml
from lltk.cli import main

pytestmark = [pytest.mark.paraview, pytest.mark.slow]

MODES = [
    (mode, enc, comp, header)
    for mode, enc in (("appended", "raw"), ("appended", "base64"), ("binary", "base64"))
    for comp in ("none", "zlib", "lz4", "lzma")
    for header in (32, 64)
] + [("ascii", "base64", "none", 64)]

DRIVER = r"""
import json, sys
import numpy as np
from paraview import simple, servermanager as sm
from vtkmodules.util import numpy_support
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkIOXML import vtkXMLImageDataWriter

cfg = json.load(open(sys.argv[1]))
img = vtkImageData()
img.SetDimensions(*cfg["dims"])
img.SetOrigin(-1, -1, 0)
img.SetSpacing(0.1, 0.125, 1)
loss = numpy_support.numpy_to_vtk(np.load(cfg["values"]), deep=1)
loss.SetName("Loss")
img.GetPointData().AddArray(loss)
for path, (mode, enc, comp, header) in cfg["modes"]:
    w = vtkXMLImageDataWriter()
    w.SetInputData(img)
    w.SetFileName(path)
    getattr(w, "SetDataModeTo" + mode.capitalize())()
    w.SetEncodeAppendedData(enc == "base64")
    getattr(w, "SetHeaderTypeToUInt%d" % header)()
    getattr(w, "SetCompressorTypeTo" + {"none": "None", "zlib": "ZLib", "lz4": "LZ4",
                                          "lzma": "LZMA"}[comp])()
    w.SetBlockSize(1000)  # several blocks and a partial last one
    assert w.Write() == 1, path
w = vtkXMLImageDataWriter()  # VTK's defaults: appended, base64-encoded, zlib
w.SetInputData(img)
w.SetFileName(cfg["default"])
assert w.Write() == 1
out = {}
for case in cfg["cases"]:
    reader = simple.OpenDataFile(case["path"])
    f = getattr(simple, case["filter"])(reader)
    for key, value in case.get("props", {}).items():
        setattr(f, key, value)
    print("CASE " + case["name"], file=sys.stderr, flush=True)
    f.UpdatePipeline()
    obj = sm.Fetch(f, idx=0)
    arr = obj.GetPointData().GetArray("VertexId") if obj is not None else None
    out[case["name"]] = {
        "points": int(obj.GetNumberOfPoints()) if obj is not None else -1,
        "VertexId": [] if arr is None else numpy_support.vtk_to_numpy(arr).tolist(),
    }
    simple.Delete(f)
    simple.Delete(reader)
json.dump(out, open(cfg["out"], "w"))
print("DONE", flush=True)
"""


def _values(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(n)


@pytest.fixture(scope="module")
def run(pvpython, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hardening_pv")
    dims = (21, 17, 1)
    values = _values(21 * 17, 0)
    np.save(tmp / "values.npy", values)
    one = vtkxml.write(tmp / "one.vti", vtkxml.image_data({"Loss": np.array([1.0])}, (1, 1)))
    cell = vtkxml.image_data({}, (5, 4))
    cell.cell_data = {"Loss": _values(12, 1)}
    cell_path = vtkxml.write(tmp / "cell.vti", cell)
    grid = vtkxml.write(tmp / "grid.vti", vtkxml.image_data({"Loss": _values(20, 2)}, (5, 4)))
    neg = _values(15 * 15, 3)
    neg[[20, 100]] = -np.inf
    neg_path = vtkxml.write(tmp / "neginf.vti", vtkxml.image_data({"Loss": neg}, (15, 15)))
    cases = [
        {"name": "one_tree", "path": str(one), "filter": "LossMergeTree"},
        {"name": "one_profile", "path": str(one), "filter": "TopologicalLandscapeProfile"},
        {"name": "cell_default", "path": str(cell_path), "filter": "LossMergeTree"},
        {
            "name": "cell_chosen",
            "path": str(cell_path),
            "filter": "LossPersistenceDiagram",
            "props": {"ScalarArray": ["CELLS", "Loss"]},
        },
        {
            "name": "nan_threshold",
            "path": str(grid),
            "filter": "LossPersistenceDiagram",
            "props": {"PersistenceThreshold": float("nan")},
        },
        {"name": "neginf", "path": str(neg_path), "filter": "LossMergeTree"},
    ]
    modes = [[str(tmp / ("-".join(map(str, m)) + ".vti")), m] for m in MODES]
    cfg = {
        "dims": dims,
        "values": str(tmp / "values.npy"),
        "modes": modes,
        "default": str(tmp / "default.vti"),
        "cases": cases,
        "out": str(tmp / "out.json"),
    }
    (tmp / "cfg.json").write_text(json.dumps(cfg))
    (tmp / "driver.py").write_text(DRIVER)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "plugins" / "startup"), str(REPO)])
    env["PV_PLUGIN_PATH"] = str(REPO / "plugins")
    proc = subprocess.run(
        [*pvpython, str(tmp / "driver.py"), str(tmp / "cfg.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one stream: the messages follow their CASE line
        text=True,
        env=env,
        timeout=600,
        cwd=tmp,
    )
    log = proc.stdout
    assert proc.returncode == 0 and "DONE" in log, log[-4000:]
    return {
        "tmp": tmp,
        "log": log,
        "out": json.loads((tmp / "out.json").read_text()),
        "values": values,
        "dims": dims,
        "modes": modes,
        "neg": neg,
        "one": one,
        "cell": cell_path,
    }


def _case_log(log: str, name: str) -> str:
    return log.split(f"CASE {name}\n", 1)[1].split("CASE ", 1)[0]


def test_every_vtk_writer_mode_gives_the_same_topology(run):
    """Item 18: appended raw/base64, inline base64, ascii; none/zlib/LZ4/LZMA; 32/64-bit
    headers: each file VTK wrote reads back to the same losses, tree and diagram."""
    values, dims = run["values"], run["dims"]
    dom = topology.grid_domain(dims[:2])
    tree, diagram = topology.join_tree(values, dom), topology.persistence_pairs(values, dom)
    assert len(run["modes"]) == 25
    for path, mode in run["modes"]:
        ds = vtkxml.read(path)
        assert ds.dimensions == dims, mode
        np.testing.assert_array_equal(ds.point_data["Loss"], values, err_msg=str(mode))
        got = topology.join_tree(ds.point_data["Loss"], topology.grid_domain(dims[:2]))
        np.testing.assert_array_equal(got.node_vertex, tree.node_vertex)
        d = topology.persistence_pairs(ds.point_data["Loss"], dom)
        np.testing.assert_array_equal(d.birth_vertex, diagram.birth_vertex)
        np.testing.assert_array_equal(d.death_vertex, diagram.death_vertex)


def test_vtk_default_writer_file_through_the_cli(run, tmp_path, capsys):
    """vtkXMLImageDataWriter with its defaults (appended base64 data, zlib): the file
    the issue found refused."""
    path = run["tmp"] / "default.vti"
    assert b'encoding="base64"' in path.read_bytes()
    assert main(["topology", str(path), "--out", str(tmp_path)]) == 0
    assert "nodes" in capsys.readouterr().out
    np.testing.assert_array_equal(vtkxml.read(path).point_data["Loss"], run["values"])


def test_cell_data_loss_is_refused_by_filters_and_cli(run, tmp_path, capsys):
    """Item 9: one rule. ParaView would interpolate cell data to points silently."""
    for name in ("cell_default", "cell_chosen"):
        assert "'Loss' is cell data" in _case_log(run["log"], name), name
        assert run["out"][name]["points"] == 0
    assert main(["topology", str(run["cell"]), "--out", str(tmp_path)]) == 2
    assert "'Loss' is cell data" in capsys.readouterr().err


def test_single_point_grid_is_a_clear_error(run, tmp_path, capsys):
    """Item 13: no internal IndexError; the CLI says the same."""
    for name in ("one_tree", "one_profile"):
        text = _case_log(run["log"], name)
        assert "a landscape needs two or more" in text and "internal error" not in text
    assert main(["topology", str(run["one"]), "--out", str(tmp_path)]) == 2
    assert "needs two or more" in capsys.readouterr().err


def test_nan_threshold_is_reported(run):
    """Item 14: not an empty output without a word."""
    assert "Persistence Threshold is NaN" in _case_log(run["log"], "nan_threshold")


def test_negative_infinity_same_tree_in_filters_and_cli(run, tmp_path, capsys):
    """Item 10: -inf is a diverged sample in both, each warns, and the trees agree."""
    text = _case_log(run["log"], "neginf")
    assert "NaN or infinite" in text
    assert main(["topology", str(run["tmp"] / "neginf.vti"), "--out", str(tmp_path)]) == 0
    assert "2 -inf value(s) treated as +inf" in capsys.readouterr().out
    rows = np.loadtxt(tmp_path / "neginf_MergeTree.csv", delimiter=",", skiprows=1)
    assert run["out"]["neginf"]["VertexId"] == rows[:, 2].astype(int).tolist()


# ======================================================================== issue 25

DRIVER_25 = r"""
import json, sys
import numpy as np
from paraview import simple, servermanager as sm
from vtkmodules.util import numpy_support
from vtkmodules.vtkCommonCore import vtkBitArray, vtkDoubleArray, vtkPoints, vtkStringArray
from vtkmodules.vtkCommonDataModel import (
    vtkCellArray, vtkImageData, vtkPolyData, vtkRectilinearGrid)
from vtkmodules.vtkIOXML import vtkXMLPolyDataWriter

cfg = json.load(open(sys.argv[1]))
rng = np.random.default_rng(0)


def loss(n, name="Loss"):
    arr = numpy_support.numpy_to_vtk(rng.random(n), deep=1)
    arr.SetName(name)
    return arr


def image(origin=(0, 0, 0)):
    img = vtkImageData()
    img.SetDimensions(5, 4, 1)
    img.SetOrigin(*origin)
    return img


bits = image()
b = vtkBitArray()
b.SetName("Loss")
for i in range(20):
    b.InsertNextValue(i % 2)
bits.GetPointData().AddArray(b)
text = image()
s = vtkStringArray()
s.SetName("Loss")
for i in range(20):
    s.InsertNextValue("a")
text.GetPointData().AddArray(s)
nan_origin = image((float("nan"), 0, 0))
nan_origin.GetPointData().AddArray(loss(20))
rect = vtkRectilinearGrid()
rect.SetDimensions(5, 4, 1)
for axis, n in ((rect.SetXCoordinates, 5), (rect.SetYCoordinates, 4), (rect.SetZCoordinates, 1)):
    c = vtkDoubleArray()
    for i in range(n):
        c.InsertNextValue(float(i))
    axis(c)
rect.GetPointData().AddArray(loss(20))
strips = vtkPolyData()
nx = 6
pts = vtkPoints()
for j in range(nx):
    for i in range(nx):
        pts.InsertNextPoint(i, j, 0)
strips.SetPoints(pts)
cells = vtkCellArray()
for j in range(nx - 1):
    cells.InsertNextCell(2 * nx)
    for i in range(nx):
        cells.InsertCellPoint(j * nx + i)
        cells.InsertCellPoint((j + 1) * nx + i)
strips.SetStrips(cells)
strips.GetPointData().AddArray(loss(nx * nx))
w = vtkXMLPolyDataWriter()
w.SetInputData(strips)
w.SetFileName(cfg["strips"])
w.SetDataModeToAscii()
assert w.Write() == 1
out = {}
for name, data in (("bits", bits), ("text", text), ("nan_origin", nan_origin),
                   ("rectilinear", rect), ("strips", strips)):
    src = simple.TrivialProducer()
    src.GetClientSideObject().SetOutput(data)
    f = simple.LossMergeTree(Input=src)
    print("CASE " + name, file=sys.stderr, flush=True)
    f.UpdatePipeline()
    obj = sm.Fetch(f, idx=0)
    arr = obj.GetPointData().GetArray("VertexId") if obj is not None else None
    out[name] = {
        "points": int(obj.GetNumberOfPoints()) if obj is not None else -1,
        "VertexId": [] if arr is None else numpy_support.vtk_to_numpy(arr).tolist(),
    }
    simple.Delete(f)
    simple.Delete(src)
json.dump(out, open(cfg["out"], "w"))
print("DONE", flush=True)
"""


@pytest.fixture(scope="module")
def run25(pvpython, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hardening_pv_25")
    cfg = {"strips": str(tmp / "strips.vtp"), "out": str(tmp / "out.json")}
    (tmp / "cfg.json").write_text(json.dumps(cfg))
    (tmp / "driver.py").write_text(DRIVER_25)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "plugins" / "startup"), str(REPO)])
    env["PV_PLUGIN_PATH"] = str(REPO / "plugins")
    proc = subprocess.run(
        [*pvpython, str(tmp / "driver.py"), str(tmp / "cfg.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        timeout=600,
        cwd=tmp,
    )
    assert proc.returncode == 0 and "DONE" in proc.stdout, proc.stdout[-4000:]
    return {"tmp": tmp, "log": proc.stdout, "out": json.loads((tmp / "out.json").read_text())}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("bits", "holds bits, not numbers"),
        ("text", "not numbers"),
        ("nan_origin", "not finite"),
        ("rectilinear", "vtkRectilinearGrid inputs are not supported"),
    ],
)
def test_filters_report_bad_inputs_in_one_message(run25, case, message):
    """A bit or string loss, a NaN origin, a rectilinear grid: the filter reports what is
    wrong (the CLI's words) rather than "internal error ... please report it"."""
    text = _case_log(run25["log"], case)
    assert message in text and "internal error" not in text, text
    assert run25["out"][case]["points"] == 0


def test_triangle_strips_give_the_same_tree_in_filters_and_cli(run25, tmp_path, capsys):
    """ParaView's filter refused strips and the CLI ignored them; both read them now."""
    path = run25["tmp"] / "strips.vtp"
    assert main(["topology", str(path), "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    rows = np.loadtxt(tmp_path / "strips_MergeTree.csv", delimiter=",", skiprows=1, ndmin=2)
    assert run25["out"]["strips"]["VertexId"] == rows[:, 2].astype(int).tolist()
    assert len(rows) < 36 // 2  # not every vertex a minimum
