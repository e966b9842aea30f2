"""Loss Persistence Diagram: the persistence pairs in TTK's diagram layout.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

from vtkmodules.vtkCommonDataModel import VTK_LINE, vtkDataSet

from lltk.paraview import backend
from lltk.paraview.vtkdata import (
    FilterResult,
    check_threshold,
    log_loss_drawing,
    scalar_input,
    set_field_data,
    tag_backend,
    ttk_order,
    unstructured_grid_of,
)
from lltk.topology.diagram import persistence_diagram_geometry, persistence_pairs, select_pairs
from lltk.topology.domain import Domain


def compute(
    dataset: vtkDataSet,
    array: str | None,
    pair_types: tuple[int, ...],
    threshold: float,
    mode: int,
    loss_scale: str = "automatic",
) -> FilterResult:
    """The persistence diagram in TTK's layout, restricted to ``pair_types`` (PairType
    codes) with persistence >= ``threshold``; both axes drawn as ``loss_scale`` says
    (:func:`lltk.topology.logscale.uses_log`; field data ``LossScale``). Field data
    ``Homology`` says which dimensions the diagram holds: every one of a grid (an n-D
    grid .vtu's with GridShape too), dimension 0 only of a graph."""
    check_threshold(threshold)
    field = scalar_input(dataset, array)
    which = backend.choose("persistence_diagram", mode, field.vtu_grid)
    if which == "ttk":
        pd = backend.ttk_persistence_diagram(field.source, field.name)
    else:
        pd = persistence_pairs(field.values, field.domain, ttk_order(dataset, field.name))
    rows = select_pairs(pd, pair_types, threshold)
    drawing, axis = log_loss_drawing(
        persistence_diagram_geometry(pd, field.points, rows),
        field.values,
        loss_scale,
        (0, 1),
        None,
    )
    out = unstructured_grid_of(drawing, VTK_LINE)
    set_field_data(out, {"LossScale": axis, "Homology": homology_note(field.domain)})
    tag_backend(out, which)
    return FilterResult([out], which)


def homology_note(domain: Domain) -> str:
    """Which homology dimensions a diagram on ``domain`` holds, in words."""
    if domain.is_grid and len(domain.dims) > 1:
        return f"dimensions 0 to {len(domain.dims) - 1} (a grid of {len(domain.dims)} axes)"
    if domain.is_grid:
        return "dimension 0 (a 1-D grid)"
    return (
        "dimension 0 only: the input is a graph (a .vtu without FieldData GridShape), "
        "whose pairs are minimum-saddle pairs"
    )
