"""The ParaView plugins, run in pvpython on TTK's reference landscapes and on sampled-like
.vti / .vtu landscapes; outputs compared with TTK's CSVs, scipy, gudhi and the engine.

Every pvpython start costs seconds, so one session-scoped run executes all filters on
all inputs (the driver below) and saves their outputs; the tests read them. A second run
puts a fake ``topologytoolkit`` module (TTK's Python module) on the path to prove that
the filters then drive "TTK" and convert its outputs to the same arrays.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, TTK_REFERENCE, reference_cases
from scipy import ndimage

from lltk import topology, vtkxml
from lltk.topology.metrics import landscape_metrics

pytestmark = [pytest.mark.paraview, pytest.mark.slow]

ALL = [
    "LossMergeTree",
    "LossPersistenceDiagram",
    "LossCriticalPoints",
    "LossPersistenceSimplification",
    "TopologicalLandscapeProfile",
    "LandscapeMetrics",
]
TTK_BACKED = ALL[:4]
#: Reference cases every filter runs on (one with saddle-maximum pairs, one with
#: degenerate saddles, PINNs, ResNets); all 53 get the merge tree and the diagram.
FULL_CASES = [
    "pinn_convection_beta1.0_seed0",
    "pinn_convection_beta50.0_seed123",
    "vit_corrupted_seed0_d3.0",
    "resnet20_noresidual_seed0_d0.05_hessian",
    "resnet20_residual_seed123_d1.0",
]
SIMPLIFY_THRESHOLD = 0.01  # relative: 1 % of the loss range
#: The filters with a planar drawing: against TTK's layout with their loss axis linear (a
#: wide landscape's is log by default; tests/paraview/test_log_scale_loss.py checks that).
TTK_LAYOUT = {
    name: {"LogScaleLoss": "Off"}
    for name in ("LossMergeTree", "LossPersistenceDiagram", "TopologicalLandscapeProfile")
}

PVPYTHON_DIR = Path(__file__).with_name("pvpython")
#: The pvpython driver: every output port of the configured filters, per case.
DRIVER = PVPYTHON_DIR / "plugin_driver.py"
#: A stand-in for TTK's Python module (put first on pvpython's path).
FAKE_TTK = PVPYTHON_DIR / "fake_ttk"


def _filters(names: list[str], extra: dict | None = None) -> list:
    props = {
        "LossPersistenceSimplification": {"PersistenceThreshold": SIMPLIFY_THRESHOLD},
    }
    out = [[n, n, {**props.get(n, {}), **(extra or {}).get(n, {})}, None] for n in names]
    if "LossPersistenceSimplification" in names:
        out.append(
            [
                "SimplifiedDiagram",
                "LossPersistenceDiagram",
                (extra or {}).get("LossPersistenceDiagram", {}),
                "LossPersistenceSimplification",
            ]
        )
    return out


def _small_field(nx: int, ny: int, seed: int) -> np.ndarray:
    """f = x^2 + y^2 + 0.3 sin(5x) cos(4y) + noise, quantised to force ties."""
    rng = np.random.default_rng(seed)
    x, y = np.meshgrid(np.linspace(-1, 1, nx), np.linspace(-1, 1, ny))
    v = x**2 + y**2 + 0.3 * np.sin(5 * x) * np.cos(4 * y) + 0.05 * rng.normal(size=x.shape)
    return np.round(v.ravel(), 2)


def _write_inputs(tmp: Path) -> dict[str, Path]:
    """A .vti grid, a .vtu k-NN-like graph of 4-D samples and the bad inputs."""
    paths = {}
    v = _small_field(23, 19, 0)
    field = {
        "Model": "pinn",
        "Directions": "hessian",
        "HessianTopEigenvalues": np.array([41.5, 7.25]),
        "HessianTrace": np.array([103.0]),
        "TestRelError": np.array([0.0125]),
    }
    paths["grid"] = vtkxml.write(
        tmp / "grid.vti",
        vtkxml.image_data(
            {"Loss": v, "Valid": np.ones(v.size, np.uint8)}, (23, 19), field_data=field
        ),
    )
    rng = np.random.default_rng(1)
    cube = np.round(rng.uniform(0, 3, size=8 * 7 * 6), 1)
    paths["cube"] = vtkxml.write(
        tmp / "cube.vti",
        vtkxml.image_data({"Loss": cube}, (8, 7, 6), origin=(-1, -1, -1), spacing=(0.25, 0.3, 0.4)),
    )
    coords = rng.uniform(-1, 1, size=(300, 4))
    d2 = ((coords[:, None, :] - coords[None, :, :]) ** 2).sum(-1)
    nbr = np.argsort(d2, axis=1)[:, 1:7]
    edges = np.unique(
        np.sort(np.column_stack([np.repeat(np.arange(300), 6), nbr.ravel()]), 1), axis=0
    )
    loss = np.round((coords**2).sum(1) + 0.4 * np.sin(4 * coords[:, 0]), 2)
    graph = vtkxml.Dataset(
        kind="UnstructuredGrid",
        point_data={"Loss": loss, "Coordinates": coords},
        field_data={"GraphKind": "knn", "Dimension": np.array([4.0])},
        points=np.ascontiguousarray(coords[:, :3]),
        connectivity=edges.ravel(),
        offsets=np.arange(2, 2 * len(edges) + 1, 2),
        cell_types=np.full(len(edges), vtkxml.VTK_LINE, np.uint8),
    )
    paths["graph"] = vtkxml.write(tmp / "graph.vtu", graph)
    bad = v.copy()
    bad[[5, 77]] = np.nan
    paths["nan"] = vtkxml.write(tmp / "nan.vti", vtkxml.image_data({"Loss": bad}, (23, 19)))
    paths["vector"] = vtkxml.write(
        tmp / "vector.vti",
        vtkxml.image_data({"Grad": np.zeros((v.size, 3))}, (23, 19)),
    )
    empty = vtkxml.Dataset(
        kind="UnstructuredGrid",
        point_data={"Loss": np.zeros(0)},
        points=np.zeros((0, 3)),
        connectivity=np.zeros(0, np.int64),
        offsets=np.zeros(0, np.int64),
        cell_types=np.zeros(0, np.uint8),
    )
    paths["empty"] = vtkxml.write(tmp / "empty.vtu", empty)
    return paths


def _run(pvpython, tmp: Path, cases: list[dict], fake_ttk: bool) -> tuple[dict, str, dict]:
    for case in cases:
        case["out"] = str(tmp / f"{case['name']}.npz")
    cfg = tmp / "cfg.json"
    cfg.write_text(json.dumps({"cases": cases, "summary": str(tmp / "summary.json")}))
    env = dict(os.environ)
    path = [str(REPO / "plugins" / "startup"), str(REPO)]
    if fake_ttk:
        path.insert(0, str(FAKE_TTK))
    env["PYTHONPATH"] = os.pathsep.join(path)
    env["PV_PLUGIN_PATH"] = str(REPO / "plugins")
    proc = subprocess.run(
        [*pvpython, str(DRIVER), str(cfg)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=tmp,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "DONE" in proc.stdout, log[-4000:]
    outputs = {}
    for case in cases:
        with np.load(case["out"]) as z:
            outputs.update({k: z[k] for k in z.files})
    return outputs, log, json.loads((tmp / "summary.json").read_text())


class Results:
    """Outputs of one pvpython run: arrays by 'case/filter|port|kind|name'."""

    def __init__(self, arrays: dict, log: str, summary: dict):
        self.arrays, self.log, self.summary = arrays, log, summary

    def get(self, case: str, label: str, port: int, kind: str, name: str = "") -> np.ndarray:
        key = f"{case}/{label}|{port}|{kind}" + (f"|{name}" if name else "")
        assert key in self.arrays, f"{key} missing; have {sorted(self.arrays)[:20]}..."
        return self.arrays[key]

    def table(self, case: str) -> dict:
        prefix = f"{case}/LandscapeMetrics|0|table|"
        out = {k[len(prefix) :]: v for k, v in self.arrays.items() if k.startswith(prefix)}
        out.update({k[len(prefix) :]: v for k, v in self.summary.items() if k.startswith(prefix)})
        return out


@pytest.fixture(scope="session")
def inputs(tmp_path_factory) -> dict[str, Path]:
    return _write_inputs(tmp_path_factory.mktemp("landscapes"))


def _cases(inputs: dict[str, Path]) -> list[dict]:
    cases = [
        {
            "name": "grid",
            "path": str(inputs["grid"]),
            "filters": [
                *_filters(ALL),
                ["SplitTree", "LossMergeTree", {"TreeType": "Split Tree"}, None],
                ["Forced", "LossCriticalPoints", {"Backend": "lltk"}, None],
            ],
        },
        {"name": "graph", "path": str(inputs["graph"]), "filters": _filters(ALL)},
        {"name": "cube", "path": str(inputs["cube"]), "filters": _filters(ALL)},
        {
            "name": "graph_polydata",
            "path": str(inputs["graph"]),
            "polydata": True,
            "filters": _filters(["LossMergeTree", "LossPersistenceDiagram"]),
        },
    ]
    for stem in reference_cases():
        names = ALL if stem in FULL_CASES else ["LossMergeTree", "LossPersistenceDiagram"]
        cases.append(
            {
                "name": stem,
                "path": str(TTK_REFERENCE / f"{stem}.vti"),
                "filters": _filters(names, TTK_LAYOUT),
            }
        )
    return cases


@pytest.fixture(scope="session")
def results(pvpython, inputs, tmp_path_factory) -> Results:
    tmp = tmp_path_factory.mktemp("pv_lltk")
    return Results(*_run(pvpython, tmp, _cases(inputs), fake_ttk=False))


@pytest.fixture(scope="session")
def fake_ttk_results(pvpython, inputs, tmp_path_factory) -> Results:
    tmp = tmp_path_factory.mktemp("pv_fake_ttk")
    cases = [c for c in _cases(inputs) if c["name"] in ("grid", "graph", FULL_CASES[2])]
    return Results(*_run(pvpython, tmp, cases, fake_ttk=True))


def _csv(path: Path) -> dict[str, np.ndarray]:
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    return {h: np.array([float(r[i]) for r in rows[1:]]) for i, h in enumerate(rows[0])}


def _reference(stem: str, kind: str) -> dict[str, np.ndarray]:
    return _csv(TTK_REFERENCE / f"{stem}_{kind}.csv")


def _ref_or_skip(ttk_reference) -> list[str]:
    return reference_cases()


# ----------------------------------------------------------------- TTK reference cases


def test_merge_tree_nodes_equal_ttk(results, ttk_reference):
    """Skeleton Nodes: every node's id, value, vertex, type, region size and span."""
    for stem in _ref_or_skip(ttk_reference):
        ref = _reference(stem, "MergeTree")
        for col in ("NodeId", "VertexId", "CriticalType", "RegionSize", "RegionSpan"):
            got = results.get(stem, "LossMergeTree", 0, "point", col)
            if col == "RegionSpan":  # TTK truncates the node's span to an integer
                got = np.trunc(got)
            np.testing.assert_array_equal(got, ref[col], err_msg=f"{stem} {col}")
        np.testing.assert_allclose(
            results.get(stem, "LossMergeTree", 0, "point", "Scalar"), ref["Scalar"], rtol=1e-7
        )
        pts = results.get(stem, "LossMergeTree", 0, "points")
        np.testing.assert_array_equal(pts, np.column_stack([ref[f"Points:{i}"] for i in range(3)]))


def test_persistence_diagram_equals_ttk(results, ttk_reference):
    """Row for row TTK's diagram: vertex ids, critical types, coordinates, (birth, death)."""
    for stem in _ref_or_skip(ttk_reference):
        ref = _reference(stem, "PersistenceDiagram")
        get = partial(results.get, stem, "LossPersistenceDiagram", 0)
        np.testing.assert_array_equal(
            get("point", "ttkVertexScalarField"), ref["ttkVertexScalarField"]
        )
        np.testing.assert_array_equal(get("point", "CriticalType"), ref["CriticalType"])
        np.testing.assert_array_equal(
            get("point", "Coordinates"),
            np.column_stack([ref[f"Coordinates:{i}"] for i in range(3)]),
        )
        np.testing.assert_allclose(
            get("points"), np.column_stack([ref[f"Points:{i}"] for i in range(3)]), rtol=1e-7
        )
        cells = get("cells")
        k = len(ref["CriticalType"]) // 2
        assert cells.shape == (k + 1, 2)  # one line per pair + the diagonal
        np.testing.assert_array_equal(get("cell", "PairIdentifier"), np.append(np.arange(k), -1))
        values = vtkxml.read(TTK_REFERENCE / f"{stem}.vti").point_data["Loss"]
        vert = ref["ttkVertexScalarField"].astype(int)
        np.testing.assert_array_equal(
            get("cell", "Persistence")[:k], values[vert[1::2]] - values[vert[0::2]]
        )
        global_pair = (ref["CriticalType"][0::2] == 0) & (ref["CriticalType"][1::2] == 3)
        assert (get("cell", "IsFinite")[:k] == ~global_pair).all()


def test_planar_tree_branches_equal_ttk(results, ttk_reference):
    """Planar layout: TTK's branches (which nodes share a branch), their persistence and
    the nodes' heights; and the layout is planar (no two segments cross)."""
    for stem in _ref_or_skip(ttk_reference):
        ref = _reference(stem, "MergeTreePlanar")
        get = partial(results.get, stem, "LossMergeTree", 3)
        # TTK leaves out the extra branches that die at a degenerate saddle (its
        # isMultiPersPairNode rows, BranchNodeID -1); so do we in this comparison
        multi = set(ref["TrueNodeId"][ref["BranchNodeID"] < 0].astype(int))
        ours: dict[int, set] = {}
        for b, n in zip(get("point", "BranchNodeID"), get("point", "NodeId"), strict=True):
            ours.setdefault(int(b), set()).add(int(n))
        theirs: dict[int, set] = {}
        for b, n in zip(ref["BranchNodeID"], ref["TrueNodeId"], strict=True):
            if b >= 0:
                theirs.setdefault(int(b), set()).add(int(n))
        ours_kept = sorted(sorted(nodes) for nodes in ours.values() if not nodes & multi)
        assert ours_kept == sorted(map(sorted, theirs.values())), stem
        assert len(ours) == len(theirs) + len(multi)
        tol = 2e-6 * np.abs(ref["Scalar"]).max()  # TTK's CSV: 8 significant digits
        ref_pers = dict(zip(ref["TrueNodeId"].astype(int), ref["Persistence"], strict=True))
        kept = {b for b, nodes in ours.items() if not nodes & multi}
        for n, p, dummy, b in zip(
            get("point", "NodeId"),
            get("point", "Persistence"),
            get("point", "isDummyNode"),
            get("point", "BranchNodeID"),
            strict=True,
        ):
            if not dummy and int(b) in kept:
                assert p == pytest.approx(ref_pers[int(n)], abs=tol), (stem, n)
        ref_y = dict(zip(ref["TrueNodeId"].astype(int), ref["Scalar"], strict=True))
        for n, y in zip(get("point", "NodeId"), get("points")[:, 1], strict=True):
            assert y == pytest.approx(ref_y[int(n)], rel=1e-7)
        _assert_planar(get("points")[:, :2], get("cells"))


def _assert_planar(p: np.ndarray, seg: np.ndarray) -> None:
    """No vertical segment crosses a horizontal one except at their end points."""
    vert = seg[p[seg[:, 0], 0] == p[seg[:, 1], 0]]
    hori = seg[p[seg[:, 0], 1] == p[seg[:, 1], 1]]
    for h in hori:
        (x0, y), (x1, _) = p[h[0]], p[h[1]]
        lo, hi = min(x0, x1), max(x0, x1)
        for v in vert:
            x, ya, yb = p[v[0], 0], p[v[0], 1], p[v[1], 1]
            inside = lo < x < hi and min(ya, yb) < y < max(ya, yb)
            assert not inside, f"horizontal {h} crosses vertical {v}"


def _ttk_pairs(stem: str) -> np.ndarray:
    """TTK's minimum-saddle pairs: (birth vertex, death vertex, birth, death), the values
    read from the landscape at TTK's vertices (the CSV keeps 8 digits only)."""
    ref = _reference(stem, "PersistenceDiagram")
    values = vtkxml.read(TTK_REFERENCE / f"{stem}.vti").point_data["Loss"]
    b, d = slice(0, None, 2), slice(1, None, 2)
    ms = (ref["CriticalType"][b] == 0) & (ref["CriticalType"][d] != 3)
    vb = ref["ttkVertexScalarField"][b][ms].astype(int)
    vd = ref["ttkVertexScalarField"][d][ms].astype(int)
    return np.column_stack([vb, vd, values[vb], values[vd]])


def test_metrics_equal_ttk_numbers(results, ttk_reference):
    """The study's numbers from TTK's own diagram."""
    for stem in FULL_CASES:
        pairs = _ttk_pairs(stem)
        pers = pairs[:, 3] - pairs[:, 2]
        table = results.table(stem)
        assert table["MinimaCount"][0] == len(pairs) + 1
        assert table["SaddleCount"][0] == len(np.unique(pairs[:, 1]))
        assert table["TotalPersistence"][0] == pytest.approx(pers.sum(), rel=1e-6)
        assert table["AveragePersistence"][0] == pytest.approx(pers.mean(), rel=1e-6)
        assert table["MaxPersistence"][0] == pytest.approx(pers.max(), rel=1e-6)


def test_critical_points_minima_and_saddles_match_ttk_tree(results, ttk_reference):
    """Minima = TTK's leaf nodes; every join-tree saddle is a critical saddle."""
    for stem in FULL_CASES:
        ref = _reference(stem, "MergeTree")
        ids = results.get(stem, "LossCriticalPoints", 0, "point", "ttkVertexScalarField")
        types = results.get(stem, "LossCriticalPoints", 0, "point", "CriticalType")
        assert set(ids[types == 0]) == set(ref["VertexId"][ref["CriticalType"] == 0].astype(int))
        saddles = ref["VertexId"][np.isin(ref["CriticalType"], (1, 4))].astype(int)
        assert set(saddles) <= set(ids[np.isin(types, (1, 4))])
        values = vtkxml.read(TTK_REFERENCE / f"{stem}.vti").point_data["Loss"]
        np.testing.assert_array_equal(
            results.get(stem, "LossCriticalPoints", 0, "point", "Loss"), values[ids]
        )


def test_critical_points_come_with_visible_spheres(results, ttk_reference):
    """Port 1: a closed sphere around each critical point of port 0, 1.5 % of the
    landscape's width in radius, carrying that point's arrays; port 0 alone drew specks of
    a few pixels in the GUI."""
    for stem in FULL_CASES:
        centres = results.get(stem, "LossCriticalPoints", 0, "points")
        balls = results.get(stem, "LossCriticalPoints", 1, "points").reshape(len(centres), -1, 3)
        grid = vtkxml.read(TTK_REFERENCE / f"{stem}.vti")
        width = max((n - 1) * h for n, h in zip(grid.dimensions, grid.spacing, strict=True))
        offsets = np.linalg.norm(balls - centres[:, None, :], axis=-1)
        np.testing.assert_allclose(offsets, 0.015 * width, rtol=1e-9)
        np.testing.assert_allclose(balls.mean(axis=1), centres, atol=1e-12 * width)
        for name in ("CriticalType", "ttkVertexScalarField", "Loss"):
            per_ball = results.get(stem, "LossCriticalPoints", 1, "point", name)
            np.testing.assert_array_equal(
                per_ball.reshape(len(centres), -1),
                np.repeat(
                    results.get(stem, "LossCriticalPoints", 0, "point", name)[:, None],
                    balls.shape[1],
                    axis=1,
                ),
            )
        triangles = results.get(stem, "LossCriticalPoints", 1, "cells").reshape(-1, 3)
        edges = np.sort(
            np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]]),
            axis=1,
        )
        _, uses = np.unique(edges, axis=0, return_counts=True)
        assert (uses == 2).all()  # closed surfaces: every edge between two triangles


def test_simplification_removes_exactly_ttk_pairs_below_threshold(results, ttk_reference):
    """Diagram of the simplified landscape (Loss Persistence Diagram chained after the
    simplification, in pvpython) = TTK's pairs with persistence >= threshold."""
    for stem in FULL_CASES:
        values = vtkxml.read(TTK_REFERENCE / f"{stem}.vti").point_data["Loss"]
        limit = SIMPLIFY_THRESHOLD * (values.max() - values.min())
        pairs = _ttk_pairs(stem)
        kept = pairs[pairs[:, 3] - pairs[:, 2] > limit]  # TTK removes those <= limit
        pt = results.get(stem, "SimplifiedDiagram", 0, "cell", "PairType")[:-1]
        pts = results.get(stem, "SimplifiedDiagram", 0, "points")
        got = np.column_stack([pts[0::2, 1], pts[1::2, 1]])[pt == 0]
        np.testing.assert_allclose(
            np.sort(got[:, 1] - got[:, 0]), np.sort(kept[:, 3] - kept[:, 2]), rtol=1e-6, atol=1e-9
        )
        original = results.get(stem, "LossPersistenceSimplification", 0, "point", "Loss_Original")
        np.testing.assert_array_equal(original, values)


def _sublevel_component(
    values: np.ndarray, dims: tuple[int, int], seed: int, below: int
) -> np.ndarray:
    """Vertices of the component of ``seed`` among those ranked before ``below`` (by
    (value, id)) on TTK's triangulated grid (6 neighbours), by scipy's labelling."""
    order = np.lexsort((np.arange(values.size), values))
    rank = np.empty(values.size, np.int64)
    rank[order] = np.arange(values.size)
    mask = (rank < rank[below]).reshape(dims[1], dims[0])
    structure = np.array([[0, 1, 1], [1, 1, 1], [1, 1, 0]])
    labels, _ = ndimage.label(mask, structure=structure)
    lab = labels.ravel()
    return np.flatnonzero(lab == lab[seed])


def test_profile_basins_are_sublevel_components(results, ttk_reference):
    """Each basin of the profile: width = size of its sublevel-set component just below
    its saddle (scipy), depth = TTK's pair persistence, colour = mean loss there."""
    for stem in FULL_CASES[:3]:
        values = vtkxml.read(TTK_REFERENCE / f"{stem}.vti").point_data["Loss"]
        get = partial(results.get, stem, "TopologicalLandscapeProfile")
        basin = get(0, "cell", "BasinId")
        quads = get(0, "points").reshape(-1, 4, 3)
        marks_basin = get(1, "point", "BasinId")
        marks_vertex = get(1, "point", "VertexId")
        marks_type = get(1, "point", "CriticalType")
        minima = {
            int(b): int(v)
            for b, v, t in zip(marks_basin, marks_vertex, marks_type, strict=True)
            if t == 0
        }
        saddles = {
            int(b): int(v)
            for b, v, t in zip(marks_basin, marks_vertex, marks_type, strict=True)
            if t != 0
        }
        pairs = {int(p[0]): p for p in _ttk_pairs(stem)}
        assert set(saddles) | {0} == set(minima)
        unit = (values.max() - values.min()) / values.size  # the x scale of one column
        for b, vmin in minima.items():
            lo, hi = quads[basin == b][:, :, 0].min(), quads[basin == b][:, :, 0].max()
            lo, hi = round(lo / unit), round(hi / unit)
            depth = get(0, "cell", "Persistence")[basin == b][0]
            if b == 0:
                assert hi - lo == values.size
                assert depth == pytest.approx(values.max() - values.min(), rel=1e-9)
                continue
            comp = _sublevel_component(values, (40, 40), vmin, saddles[b])
            assert hi - lo == comp.size, (stem, b)
            assert depth == pytest.approx(pairs[vmin][3] - pairs[vmin][2], rel=1e-6, abs=1e-9)
            mean = get(0, "cell", "MeanLoss")[basin == b][0]
            assert mean == pytest.approx(values[comp].mean(), rel=1e-9)


# --------------------------------------------------------------- sampled landscapes


def _graph_engine(path: Path):
    ds = vtkxml.read(path)
    dom = topology.graph_domain(ds.number_of_points, vtkxml.cell_edges(ds), points=ds.points)
    return ds.point_data["Loss"], dom


def test_graph_diagram_equals_gudhi(results, inputs):
    """.vtu k-NN graph: the diagram's minimum-saddle pairs are gudhi's 0-dim pairs of the
    lower-star filtration (vertex rank by (value, id))."""
    gudhi = pytest.importorskip("gudhi")
    values, dom = _graph_engine(inputs["graph"])
    rank = np.empty(values.size, np.int64)
    order = np.lexsort((np.arange(values.size), values))
    rank[order] = np.arange(values.size)
    st = gudhi.SimplexTree()
    for v in range(values.size):
        st.insert([v], filtration=float(rank[v]))
    for a, b in dom.edges():
        st.insert([int(a), int(b)], filtration=float(max(rank[a], rank[b])))
    st.persistence()
    expected = sorted(
        (order[int(b)], order[int(d)])
        for b, d in st.persistence_intervals_in_dimension(0)
        if np.isfinite(d) and d > b
    )
    vert = results.get("graph", "LossPersistenceDiagram", 0, "point", "ttkVertexScalarField")
    pt = results.get("graph", "LossPersistenceDiagram", 0, "cell", "PairType")[:-1]
    got = sorted(zip(vert[0::2][pt == 0].tolist(), vert[1::2][pt == 0].tolist(), strict=True))
    assert got == [tuple(map(int, e)) for e in expected]
    assert results.summary["graph/LossPersistenceDiagram|0|lltkBackend"] == "lltk"


def test_graph_and_grid_trees_equal_engine(results, inputs):
    """.vti and .vtu: nodes and arcs are the engine's join (and split) tree; the
    segmentation has one id per vertex; coordinates are the sample positions. The graph
    given as poly data (lines) gives the same outputs."""
    ds = vtkxml.read(inputs["grid"])
    v = ds.point_data["Loss"]
    dom = topology.grid_domain(ds.dimensions)
    for label, tree in (
        ("LossMergeTree", topology.join_tree(v, dom)),
        ("SplitTree", topology.split_tree(v, dom)),
    ):
        np.testing.assert_array_equal(
            results.get("grid", label, 0, "point", "VertexId"), tree.node_vertex
        )
        np.testing.assert_array_equal(
            results.get("grid", label, 1, "cell", "upNodeId"), tree.arc_up
        )
        np.testing.assert_array_equal(
            results.get("grid", label, 2, "point", "SegmentationId"), tree.segmentation
        )
    gv, gdom = _graph_engine(inputs["graph"])
    tree = topology.join_tree(gv, gdom)
    np.testing.assert_array_equal(
        results.get("graph", "LossMergeTree", 0, "point", "VertexId"), tree.node_vertex
    )
    pts = results.get("graph", "LossMergeTree", 0, "points")
    np.testing.assert_allclose(pts, vtkxml.read(inputs["graph"]).points[tree.node_vertex])
    for key in [
        k
        for k in results.arrays
        if k.startswith(("graph/LossMergeTree", "graph/LossPersistenceDiagram"))
    ]:
        same = key.replace("graph/", "graph_polydata/", 1)
        if "|2|" not in key:  # the segmentation is the (poly data) input itself
            np.testing.assert_array_equal(results.arrays[same], results.arrays[key], err_msg=key)


def test_3d_grid_outputs_equal_engine(results, inputs):
    """3-D .vti with origin and spacing: diagram rows (saddle-saddle pairs included),
    tree nodes and critical points are the engine's, placed at the samples' positions."""
    ds = vtkxml.read(inputs["cube"])
    v = ds.point_data["Loss"]
    dom = topology.grid_domain(ds.dimensions)
    ijk = np.indices(ds.dimensions[::-1]).reshape(3, -1)[::-1].T
    pos = np.asarray(ds.origin) + ijk * np.asarray(ds.spacing)
    d = topology.persistence_pairs(v, dom)
    get = partial(results.get, "cube", "LossPersistenceDiagram", 0)
    vert = get("point", "ttkVertexScalarField")
    np.testing.assert_array_equal(vert[0::2], d.birth_vertex)
    np.testing.assert_array_equal(vert[1::2], d.death_vertex)
    np.testing.assert_array_equal(get("cell", "PairType")[:-1], d.pair_type)
    assert (d.pair_type == 1).any()
    np.testing.assert_allclose(get("point", "Coordinates"), pos[vert])
    tree = topology.join_tree(v, dom)
    np.testing.assert_array_equal(
        results.get("cube", "LossMergeTree", 0, "point", "VertexId"), tree.node_vertex
    )
    np.testing.assert_allclose(
        results.get("cube", "LossMergeTree", 0, "points"), pos[tree.node_vertex]
    )
    ids, types = topology.critical_points(v, dom)
    np.testing.assert_array_equal(
        results.get("cube", "LossCriticalPoints", 0, "point", "ttkVertexScalarField"), ids
    )
    np.testing.assert_array_equal(
        results.get("cube", "LossCriticalPoints", 0, "point", "CriticalType"), types
    )


def test_profile_and_metrics_on_sampled_landscapes(results, inputs):
    """Profile columns cover every vertex once; metrics carry the sampler's FieldData."""
    for case in ("grid", "graph", "cube"):
        path = inputs[case]
        n = vtkxml.read(path).number_of_points
        basin = results.get(case, "TopologicalLandscapeProfile", 0, "cell", "BasinId")
        quads = results.get(case, "TopologicalLandscapeProfile", 0, "points").reshape(-1, 4, 3)
        values = vtkxml.read(path).point_data["Loss"]
        top = quads[basin == 0][:, :, 0] / ((values.max() - values.min()) / n)
        assert top.min() == 0 and top.max() == pytest.approx(n)
        d = topology.persistence_pairs(*_graph_engine(path)) if case == "graph" else None
        if d is not None:
            assert results.table(case)["MinimaCount"][0] == np.count_nonzero(d.birth_type == 0)
    table = results.table("grid")
    assert table["Model"] == "pinn" and table["Directions"] == "hessian"
    assert results.table("graph")["GraphKind"] == "knn"


def test_metrics_carry_numeric_field_data(results):
    """The Hessian figures the sampler stores in FieldData reach the metrics table."""
    table = results.table("grid")
    assert table["HessianTopEigenvalues_0"][0] == 41.5
    assert table["HessianTopEigenvalues_1"][0] == 7.25
    assert table["TestRelError"][0] == 0.0125


# ------------------------------------------------------------------------ backends


def test_backend_is_lltk_without_ttk(results):
    """Without TTK's module the engine runs, and both the information property and the
    field data say so."""
    for label in TTK_BACKED:
        assert results.summary[f"grid/{label}|BackendUsed"].strip("'\"") == "lltk"
        assert results.summary[f"grid/{label}|0|lltkBackend"] == "lltk"


def test_fake_ttk_is_driven_and_converted(results, fake_ttk_results):
    """With TTK's module present the four filters run it (lltkBackend = ttk) and give
    exactly the arrays of the lltk engine; Backend = lltk still forces lltk. A real
    landscape joins the generated ones where the TTK reference cases are present."""
    real = [stem for stem in reference_cases() if stem == FULL_CASES[2]]
    for case in ("grid", "graph", *real):
        for label in TTK_BACKED:
            assert fake_ttk_results.summary[f"{case}/{label}|0|lltkBackend"] == "ttk", (case, label)
            assert fake_ttk_results.summary[f"{case}/{label}|BackendUsed"].strip("'\"") == "ttk"
        prefix = f"{case}/"
        keys = [k for k in results.arrays if k.startswith(prefix) and "Forced" not in k]
        assert keys
        for key in keys:
            np.testing.assert_array_equal(
                fake_ttk_results.arrays[key], results.arrays[key], err_msg=key
            )
    assert fake_ttk_results.summary["grid/Forced|0|lltkBackend"] == "lltk"


# ---------------------------------------------------------------------- bad inputs


def test_bad_inputs_report_and_do_not_crash(pvpython, inputs, tmp_path):
    """Missing array, vector array, empty data, TTK forced without TTK: one clear
    message each through ParaView's error output, the filter fails, pvpython goes on."""
    cases = [
        {
            "name": "missing",
            "path": str(inputs["grid"]),
            "filters": [["A", "LossMergeTree", {"ScalarArray": ["POINTS", "Nope"]}, None]],
        },
        {
            "name": "vector",
            "path": str(inputs["vector"]),
            "filters": [["A", "LossPersistenceDiagram", {"ScalarArray": ["POINTS", "Grad"]}, None]],
        },
        {
            "name": "empty",
            "path": str(inputs["empty"]),
            "filters": [["A", "LossCriticalPoints", {}, None]],
        },
        {
            "name": "ttk_forced",
            "path": str(inputs["grid"]),
            "filters": [["A", "LossPersistenceDiagram", {"Backend": "TTK"}, None]],
        },
    ]
    _, log, _ = _run(pvpython, tmp_path, cases, fake_ttk=False)
    assert "no point array 'Nope' (found: Loss" in log
    assert "'Grad' has 3 components" in log
    assert "the input is empty" in log
    assert "TTK's ttkPersistenceDiagram is not available" in log
    assert "internal error" not in log and "Traceback" not in log


def test_nan_losses_are_a_plateau_with_a_warning(pvpython, inputs, tmp_path):
    """Diverged samples (NaN): every filter completes and says so in the output window;
    trees and diagram are the engine's with NaN as +inf (the CLI's rule) at finite
    coordinates, critical points too except at the NaN samples; the metrics are the
    engine's; simplification keeps the NaN."""
    cases = [{"name": "nan", "path": str(inputs["nan"]), "filters": _filters(ALL)}]
    results = Results(*_run(pvpython, tmp_path, cases, fake_ttk=False))
    labels = ["Loss Merge Tree", "Loss Persistence Diagram", "Loss Critical Points"]
    labels += ["Loss Persistence Simplification", "Topological Landscape Profile"]
    for label in [*labels, "Landscape Metrics"]:
        assert f"{label}: 2 of 437 values of 'Loss' are NaN or infinite" in results.log
    assert "internal error" not in results.log and "Traceback" not in results.log
    ds = vtkxml.read(inputs["nan"])
    v = ds.point_data["Loss"]
    dom = topology.grid_domain(ds.dimensions)
    with pytest.warns(RuntimeWarning, match="NaN"):
        tree = topology.join_tree(v, dom)
    with pytest.warns(RuntimeWarning, match="NaN"):
        d = topology.persistence_pairs(v, dom)
    with pytest.warns(RuntimeWarning, match="NaN"):
        ids, types = topology.critical_points(v, dom)
    finite = np.isfinite(v[ids])
    assert not finite.all()  # the engine finds some at the diverged samples; left out
    ids, types = ids[finite], types[finite]
    assert np.isin([5, 77], tree.node_vertex).any()  # the plateau shows in the tree
    np.testing.assert_array_equal(
        results.get("nan", "LossMergeTree", 0, "point", "VertexId"), tree.node_vertex
    )
    np.testing.assert_array_equal(
        results.get("nan", "LossMergeTree", 1, "cell", "upNodeId"), tree.arc_up
    )
    vert = results.get("nan", "LossPersistenceDiagram", 0, "point", "ttkVertexScalarField")
    np.testing.assert_array_equal(vert[0::2], d.birth_vertex)
    np.testing.assert_array_equal(vert[1::2], d.death_vertex)
    np.testing.assert_array_equal(
        results.get("nan", "LossCriticalPoints", 0, "point", "ttkVertexScalarField"), ids
    )
    np.testing.assert_array_equal(
        results.get("nan", "LossCriticalPoints", 0, "point", "CriticalType"), types
    )
    for key, value in results.arrays.items():
        if key.endswith("|points") and "LossPersistenceSimplification" not in key:
            assert np.isfinite(value).all(), key
    table = results.table("nan")
    for name, value in landscape_metrics(d).items():
        assert float(table[name][0]) == pytest.approx(value), name
    assert int(table["InvalidVertices"][0]) == 2
    assert float(table["MaxLoss"][0]) == np.nanmax(v)
    simplified = results.get("nan", "LossPersistenceSimplification", 0, "point", "Loss")
    assert np.isnan(simplified[[5, 77]]).all() and np.isfinite(np.delete(simplified, [5, 77])).all()
