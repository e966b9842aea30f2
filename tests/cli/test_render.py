"""Renders every state under Xvfb on a small landscape and a TTK reference case.

One pvpython run renders everything (each start costs seconds); the checks then read the
PNGs (not blank: enough non-white pixels with real contrast) and the renderer's sidecar
(as many critical-point or merge-tree-node glyphs as our engine finds).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import TTK_REFERENCE

from lltk import topology, vtkxml
from lltk.render import FIGURE_ROWS, available_views, render, stage
from lltk.render.synthetic import write_graph, write_landscape, write_trajectory, write_volume

REFERENCE_CASE = "pinn_convection_beta1.0_seed0"


def _pixels(path) -> np.ndarray:
    """The PNG's RGB pixels, read by the system python's PIL (comes with ParaView)."""
    code = (
        "import sys, numpy as np; from PIL import Image; "
        "a = np.asarray(Image.open(sys.argv[1]).convert('RGB')); "
        "np.save(sys.argv[2], a)"
    )
    out = path.with_suffix(".npy")
    subprocess.run(["/usr/bin/python3", "-c", code, str(path), str(out)], check=True)
    return np.load(out)


def _engine_count(path) -> int:
    """How many marks lltk's engine gives the landscape at ``path``: its critical points
    on a grid; on a graph (where nearly every sample is a link saddle) its join tree's
    nodes."""
    ds = vtkxml.read(path)
    loss = np.asarray(ds.point_data["Loss"])
    if ds.kind == "ImageData":
        domain = topology.grid_domain(tuple(d for d in ds.dimensions if d > 1))
        ids, _ = topology.critical_points(loss, domain)
        return len(ids)
    domain = topology.graph_domain(loss.size, vtkxml.cell_edges(ds))
    return topology.join_tree(loss, domain).n_nodes


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, pvpython):
    """One pvpython run: every view of a small synthetic PINN landscape, of a TTK reference
    case, of a 3-D grid and of a 4-D graph (.vtu); module-scoped, so the reference folder is
    checked here."""
    if not (TTK_REFERENCE / f"{REFERENCE_CASE}.vti").is_file():
        pytest.skip(f"TTK reference outputs not found at {TTK_REFERENCE}")
    tmp = tmp_path_factory.mktemp("render")
    small = write_landscape(tmp / "data", stem="small", resolution=21)
    ref = tmp / "ref" / f"{REFERENCE_CASE}.vti"
    ref.parent.mkdir()
    ref.symlink_to(TTK_REFERENCE / f"{REFERENCE_CASE}.vti")
    volume = write_volume(tmp / "data", resolution=9)
    graph = write_graph(tmp / "data", resolution=5)
    return render([small, ref, volume, graph], tmp / "out"), small


@pytest.mark.slow
@pytest.mark.paraview
def test_every_state_renders_not_blank(rendered):
    result, small = rendered
    # lltk connect's views need its side files (tests/sampling/test_connect.py renders them)
    views = set(available_views()) - {"connect", "path_loss"}
    assert {"landscape", "hessian_density", "solution_pred", "layout"} <= views
    assert set(result.views[small]) == views
    # Each kind of landscape is drawn by its own landscape state.
    drawn_by = [[s for s in r["states"] if s.startswith("landscape")] for r in result.records]
    assert drawn_by == [["landscape"], ["landscape"], ["landscape_volume"], ["landscape_points"]]
    # The others have no side files: no Hessian, no solution, no full layout.
    for other in list(result.views)[1:]:
        assert set(result.views[other]) == views - {
            "hessian_density",
            "solution_pred",
            "solution_exact",
            "layout",
        }
    for pngs in result.views.values():
        for view, png in pngs.items():
            px = _pixels(png).astype(float)
            inked = (px < 200).any(axis=2).mean()
            assert inked > 0.01, f"{png}: only {inked:.1%} of the pixels drawn"
            assert px.std() > 20, f"{png}: no contrast (std {px.std():.1f})"
            # Data is drawn in colour (titles, axes are grey): look left of the legends.
            plot = px[:, : int(0.8 * px.shape[1])]
            coloured = int((plot.max(axis=2) - plot.min(axis=2) > 60).sum())
            assert coloured > 50, f"{png}: no data drawn ({coloured} coloured pixels)"
            if view != "layout":
                assert px.shape[:2] == (700, 900)


@pytest.mark.slow
@pytest.mark.paraview
def test_figure_has_a_column_per_landscape_and_a_row_per_view(rendered):
    result, small = rendered
    px = _pixels(result.figure)
    rows = [r for r in FIGURE_ROWS if r in result.views[small]]
    assert px.shape[:2] == (700 * len(rows), 900 * len(result.views))
    # The reference case has no Hessian density: its cell in that row stays white.
    r = rows.index("hessian_density")
    assert (px[700 * r : 700 * (r + 1), 900:1800] == 255).all()
    assert (px[700 * r : 700 * (r + 1), :900] < 200).any(axis=2).mean() > 0.02


@pytest.mark.slow
@pytest.mark.paraview
def test_landscape_glyphs_are_the_engines_critical_points(rendered):
    result = rendered[0]
    for path, record in zip(result.views, result.records, strict=True):
        drawn = record["critical_points"]
        assert drawn is not None, f"{path}: no critical points drawn"
        assert drawn["glyphs"] == _engine_count(path) == sum(drawn["types"].values())


def test_stage_links_side_files_under_the_state_names(tmp_path):
    src = write_landscape(tmp_path / "src", stem="pinn_b3", resolution=9, beta=3.0)
    data = stage(src, tmp_path / "data")
    names = sorted(p.name for p in data.iterdir())
    assert names == [
        "landscape.pvd",
        "landscape.vti",
        "landscape_hessian_density.csv",
        "landscape_solution.vti",
    ]
    assert (data / "landscape.vti").resolve() == src.resolve()
    assert 'file="landscape.vti"' in (data / "landscape.pvd").read_text()
    graph = write_graph(tmp_path / "src", resolution=3)
    names = sorted(p.name for p in stage(graph, tmp_path / "data").iterdir())
    assert names == ["landscape.pvd", "landscape.vtu"]
    assert 'file="landscape.vtu"' in (data / "landscape.pvd").read_text()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.vti", "no landscape"),
        (lambda d: (d / "x.vtk").write_text("nope") and d / "x.vtk", ".vti"),
        (
            lambda d: vtkxml.write(d / "noloss.vti", vtkxml.image_data({"L": np.ones(9)}, (3, 3))),
            "no point array 'Loss'",
        ),
        (
            lambda d: vtkxml.write(
                d / "nan.vti", vtkxml.image_data({"Loss": np.full(9, np.nan)}, (3, 3))
            ),
            "every value of 'Loss' is NaN or infinite",
        ),
        (
            lambda d: vtkxml.write(d / "line.vti", vtkxml.image_data({"Loss": np.ones(5)}, (5,))),
            "2 or 3 axes",
        ),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, make, message):
    path = make(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "lltk.cli", "render", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr


@pytest.mark.slow
@pytest.mark.paraview
def test_nan_losses_still_get_their_topology_views(tmp_path, pvpython):
    """A diverged sample (NaN) leaves a hole in the landscape; the merge tree and the
    persistence diagram are still drawn (the filters take it as a plateau, with a warning)."""
    path = write_landscape(tmp_path, stem="diverged", resolution=9, side_files=False)
    ds = vtkxml.read(path)
    ds.point_data["Loss"] = np.where(np.arange(81) == 40, np.nan, ds.point_data["Loss"])
    vtkxml.write(path, ds)
    views = ["landscape", "merge_tree", "persistence_diagram"]
    result = render([path], tmp_path / "out", views=views)
    assert sorted(result.views[path.absolute()]) == sorted(views)
    for png in result.views[path.absolute()].values():
        px = _pixels(png).astype(float)[:, :720]
        assert int((px.max(axis=2) - px.min(axis=2) > 60).sum()) > 50, png


@pytest.mark.slow
@pytest.mark.paraview
def test_training_path_is_drawn_on_the_landscape_and_from_above(tmp_path, pvpython):
    """A landscape with a ``_trajectory.vtp`` beside it renders through the trajectory
    state: the landscape view and a ``trajectory`` view, whose dark path is on the map."""
    path = write_trajectory(write_landscape(tmp_path, stem="walk", resolution=15, side_files=False))
    result = render([path], tmp_path / "out", views=["landscape"])
    assert result.records[0]["states"] == ["landscape_trajectory"]
    pngs = result.views[path.absolute()]
    assert sorted(pngs) == ["landscape", "trajectory"]
    px = _pixels(pngs["trajectory"]).astype(float)
    inner = px[200:520, 250:650]  # inside the map: no text there, and viridis has no black
    dark = int((inner.max(axis=2) < 60).sum())  # the path's tube
    assert dark > 200, dark


@pytest.mark.slow
@pytest.mark.paraview
def test_nd_grid_draws_its_centre_slice_and_every_dimension(tmp_path, pvpython):
    """A 4-D grid landscape (.vtu with GridShape): the surface is its slice along
    directions 1 and 2 through the centre (its glyphs are that slice's critical points),
    and the diagram's bars carry each homology dimension's colour."""
    from lltk.paraview.colours import DIMENSION_COLOURS

    shape = (5, 5, 5, 5)
    ds = vtkxml.read(write_graph(tmp_path / "data", stem="grid4", resolution=5))
    grids = np.meshgrid(*[np.linspace(-1, 1, 5)] * 4, indexing="ij")
    noise = np.random.default_rng(4).normal(size=shape)
    loss = 5 + sum(np.cos(4 * g + i) for i, g in enumerate(grids)) + 0.3 * noise
    ds.point_data["Loss"] = loss.ravel(order="F")  # VTK's order: direction 1 fastest
    ds.field_data["GridShape"] = np.array(shape, np.float64)
    path = vtkxml.write(tmp_path / "data" / "grid4.vtu", ds)
    views = ["landscape", "persistence_diagram"]
    result = render([path], tmp_path / "out", views=views)
    record = result.records[0]
    assert record["states"] == ["landscape", "persistence_diagram"]
    centre = loss[:, :, 2, 2].ravel(order="F")
    ids, _ = topology.critical_points(centre, topology.grid_domain((5, 5)))
    assert record["critical_points"]["glyphs"] == len(ids)
    dims = topology.persistence_pairs(ds.point_data["Loss"], topology.grid_domain(shape)).dimension
    assert set(dims.tolist()) == {0, 1, 2, 3}
    px = _pixels(result.views[path.absolute()]["persistence_diagram"]).astype(int)
    plot = px[:, : int(0.75 * px.shape[1])]  # left of the legends
    for k in range(4):
        colour = np.round(255 * np.array(DIMENSION_COLOURS[k])).astype(int)
        near = (np.abs(plot - colour).max(axis=2) < 30).sum()
        assert near > 20, f"no H{k} bar drawn ({near} pixels of its colour)"
