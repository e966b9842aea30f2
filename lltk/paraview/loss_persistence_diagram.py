"""Loss Persistence Diagram: the persistence pairs in TTK's diagram layout.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

from vtkmodules.vtkCommonDataModel import VTK_LINE, vtkDataSet

from lltk import topology
from lltk.paraview import backend
from lltk.paraview.vtkdata import (
    FilterResult,
    check_threshold,
    scalar_input,
    tag_backend,
    ttk_order,
    unstructured_grid_of,
)
from lltk.topology import geometry


def compute(
    dataset: vtkDataSet, array: str | None, pair_types: tuple[int, ...], threshold: float, mode: int
) -> FilterResult:
    """The persistence diagram in TTK's layout, restricted to ``pair_types`` (PairType
    codes) with persistence >= ``threshold``."""
    check_threshold(threshold)
    field = scalar_input(dataset, array)
    which = backend.choose("persistence_diagram", mode)
    if which == "ttk":
        pd = backend.ttk_persistence_diagram(field.source, field.name)
    else:
        pd = topology.persistence_pairs(field.values, field.domain, ttk_order(dataset, field.name))
    rows = geometry.select_pairs(pd, pair_types, threshold)
    out = unstructured_grid_of(
        geometry.persistence_diagram_geometry(pd, field.points, rows), VTK_LINE
    )
    tag_backend(out, which)
    return FilterResult([out], which)
