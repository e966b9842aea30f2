"""The views of one landscape, computed by lltk's core for ``lltk serve``.

:func:`landscape_views` simplifies the field (:func:`lltk.topology.simplify`, the core of
the Loss Persistence Simplification filter) and then computes what the ParaView filters
draw: critical points, join tree and its planar drawing, persistence diagram, the
topological landscape profile (:mod:`lltk.topology.tree`, :mod:`lltk.topology.profile`).
The surface and the marks on it are flat arrays in vtk.js's layout (points ``x y z ...``,
cells ``k i1 .. ik ...``), the 2-D views SVG strings (:mod:`lltk.web.svg`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lltk.topology.field import LandscapeField
from lltk.web import svg
from lltk.web.scale import AUTO_LOG_DECADES, LossScale, decades

#: Critical types (TTK's codes) drawn on the surface, by mark: minima, saddles, maxima.
MARK_TYPES = {"minima": (0,), "saddles": (1, 2, 4), "maxima": (3,)}
#: Height of the warped surface over the width of its base ([-1, 1] x [-1, 1]).
WARP_HEIGHT = 0.8


@dataclass
class Analysis:
    """One landscape at one simplification threshold: values, tree, diagram, critical points."""

    values: np.ndarray
    tree: object
    diagram: object
    critical: tuple[np.ndarray, np.ndarray]


def analyse(landscape: LandscapeField, threshold: float) -> Analysis:
    """Simplify by ``threshold`` (a fraction of the loss range, as the filter's default)
    and compute the join tree, the persistence diagram and the critical points, in the
    simplified field's vertex order (TTK's ``<name>_Order``: a flattened basin holds no
    minimum), as the filters downstream of Loss Persistence Simplification do."""
    from lltk import topology

    values, order = landscape.plateau_values(), None
    domain = landscape.domain
    if threshold > 0:
        values, order = topology.simplify_with_order(values, domain, threshold)
    return Analysis(
        values=values,
        tree=topology.join_tree(values, domain, order),
        diagram=topology.persistence_pairs(values, domain, order),
        critical=topology.critical_points(values, domain, order),
    )


def base_positions(landscape: LandscapeField) -> np.ndarray:
    """Vertex x, y (z for a 3-D grid) scaled into [-1, 1] (aspect kept)."""
    pts = np.asarray(landscape.points, float)[:, :3].copy()
    pts -= (pts.max(axis=0) + pts.min(axis=0)) / 2
    extent = float(np.abs(pts).max())
    return pts / extent if extent > 0 else pts


def surface_positions(landscape: LandscapeField, scalars: np.ndarray) -> np.ndarray:
    """Vertex positions: a 2-D landscape warped by ``scalars`` to :data:`WARP_HEIGHT`;
    others (3-D grids, graphs) at their own coordinates."""
    pts = base_positions(landscape)
    dims = landscape.domain.dims
    if (dims is not None and len(dims) == 2) or (dims is None and not np.ptp(pts[:, 2])):
        span = float(np.ptp(scalars))
        pts[:, 2] = (scalars - scalars.min()) / span * WARP_HEIGHT if span > 0 else 0.0
    return pts


def cell_array(cells: np.ndarray) -> list[int]:
    """(m, k) cells as vtk.js's flat cell array ``k i1 .. ik`` per cell."""
    cells = np.asarray(cells, np.int64)
    if cells.size == 0:
        return []
    return np.column_stack([np.full(len(cells), cells.shape[1]), cells]).ravel().tolist()


def mesh(landscape: LandscapeField, positions: np.ndarray) -> dict[str, list]:
    """The surface (triangles of a 2-D grid); a 3-D grid's vertices; a graph's vertices
    and edges."""
    domain = landscape.domain
    triangles = domain.dims is not None and len(domain.dims) == 2
    return {
        "points": positions.astype(np.float32).ravel().tolist(),
        "polys": cell_array(domain.simplices(2)) if triangles else [],
        "lines": cell_array(domain.edges()) if domain.dims is None else [],
        "verts": [] if triangles else cell_array(np.arange(domain.n_vertices)[:, None]),
    }


def spheres(positions: np.ndarray, scale: float = 1.0) -> dict[str, list]:
    """Spheres around ``positions`` (:func:`lltk.topology.critical.critical_point_spheres`)."""
    from lltk.topology.critical import critical_point_spheres

    geometry = critical_point_spheres(positions, {}, 2.0 * scale)
    return {
        "points": geometry.points.astype(np.float32).ravel().tolist(),
        "polys": cell_array(geometry.cells),
    }


def read_density(landscape_path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The Hessian spectral density beside a landscape (``<stem>_hessian_density.csv``,
    as ``lltk.sampling.export.write_density`` writes it), if there is one."""
    path = landscape_path.with_name(landscape_path.stem + "_hessian_density.csv")
    if not path.is_file():
        return None
    try:
        with open(path, newline="") as f:
            rows = [(float(r["eigenvalue"]), float(r["density"])) for r in csv.DictReader(f)]
    except (OSError, KeyError, ValueError, TypeError):
        return None
    return (np.array([r[0] for r in rows]), np.array([r[1] for r in rows])) if rows else None


def pair_text(diagram, pair: int) -> str:
    """One line about the selected pair: its two vertices, losses and persistence."""
    names = {0: "minimum", 1: "1-saddle", 2: "2-saddle", 3: "maximum", 4: "degenerate saddle"}
    b, d = int(diagram.birth_vertex[pair]), int(diagram.death_vertex[pair])
    return (
        f"pair {pair}: {names.get(int(diagram.birth_type[pair]), 'vertex')} at vertex {b} "
        f"(loss {diagram.birth[pair]:.4g}) – {names.get(int(diagram.death_type[pair]), 'vertex')}"
        f" at vertex {d} (loss {diagram.death[pair]:.4g}), persistence "
        f"{diagram.persistence[pair]:.4g}"
    )


def scale_text(values: np.ndarray, log: bool) -> str:
    """What the page says about the loss scale: how it draws, and why it is the default."""
    span = decades(values)
    drawn = (
        "every loss axis (surface, merge tree, diagram, barcode, profile) is drawn at "
        "log10(loss − min + 10⁻³·range), ticks labelled in loss"
        if log
        else "every loss axis is linear"
    )
    here = f"{span:.1f} here" if span > 0 else "none here: losses reach 0"
    return (
        f"Log scale {'on' if log else 'off'}: {drawn}. A landscape opens with it on when "
        f"its losses span over {AUTO_LOG_DECADES:g} decades (log10 max/min; {here})."
    )


def landscape_views(
    landscape: LandscapeField,
    analysis: Analysis,
    log: bool,
    pair: int | None,
    density: tuple[np.ndarray, np.ndarray] | None,
) -> dict[str, object]:
    """Everything the page shows for one landscape, as state values (see module docstring)."""
    from lltk.topology.profile import landscape_profile, landscape_profile_polygons, profile_unit
    from lltk.topology.tree import branch_decomposition, planar_merge_tree

    scale = LossScale.of(analysis.values, log)  # one transform for every loss axis
    scalars = scale.drawn(analysis.values)
    positions = surface_positions(landscape, scalars)
    diagram, tree = analysis.diagram, analysis.tree
    if pair is not None and not 0 <= pair < len(diagram):
        pair = None
    ids, types = analysis.critical
    views: dict[str, object] = {
        # one key per array: the state sends only what changed (cells stay on one grid)
        **{f"surface_{k}": v for k, v in mesh(landscape, positions).items()},
        "surface_scalars": scalars.astype(np.float32).tolist(),
        "surface_range": [float(scalars.min()), float(scalars.max())],
    }
    for name, codes in MARK_TYPES.items():
        views[f"marks_{name}"] = spheres(positions[ids[np.isin(types, codes)]])
    marked = []
    if pair is not None:
        marked = [int(diagram.birth_vertex[pair]), int(diagram.death_vertex[pair])]
    views["marks_pair"] = spheres(positions[marked], 2.0)
    views["pair"] = -1 if pair is None else pair
    views["pair_text"] = pair_text(diagram, pair) if pair is not None else ""
    views["scale_text"] = scale_text(analysis.values, log)
    views["diagram_svg"] = svg.diagram(diagram.birth, diagram.death, diagram.pair_type, pair, scale)
    views["barcode_svg"] = svg.barcode(diagram.birth, diagram.death, diagram.pair_type, pair, scale)
    planar = planar_merge_tree(tree, branch_decomposition(tree))
    ringed = np.flatnonzero(np.isin(planar.point_data["VertexId"], marked))
    # x: the branch's column (the layout spaces columns by a loss unit; drawn as counts)
    tree_xy = np.column_stack(
        [np.unique(planar.points[:, 0], return_inverse=True)[1], planar.points[:, 1]]
    )
    views["tree_svg"] = svg.lines(tree_xy, planar.cells, ringed, "tree", ("branch", "loss"), scale)
    basins, _ = landscape_profile_polygons(
        landscape_profile(analysis.values, tree), analysis.values, tree
    )
    profile_xy = basins.points[:, :2] / [profile_unit(analysis.values), 1.0]  # x: vertices
    views["profile_svg"] = svg.polygons(
        profile_xy, basins.cells, basins.cell_data["MeanLoss"], "profile",
        ("vertices, basins nested", "loss"), scale,
    )  # fmt: skip
    views["density_svg"] = (
        svg.curve(*density, "density", ("eigenvalue", "density"))
        if density is not None
        else svg.message("no Hessian density beside this file", "density")
    )
    views["counts"] = (
        f"{int(np.count_nonzero(types == 0))} minima, "
        f"{int(np.count_nonzero(np.isin(types, (1, 2, 4))))} saddles, "
        f"{int(np.count_nonzero(types == 3))} maxima, {len(diagram)} persistence pairs"
    )
    return views
