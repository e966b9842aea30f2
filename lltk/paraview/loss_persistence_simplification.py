"""Loss Persistence Simplification: the landscape, its shallow basins removed.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonDataModel import vtkDataSet

from lltk.paraview import backend
from lltk.paraview.vtkdata import (
    FilterResult,
    add_arrays,
    check_threshold,
    scalar_input,
    tag_backend,
    ttk_order,
)
from lltk.topology.simplify import simplify_with_order, threshold_value


def compute(
    dataset: vtkDataSet, array: str | None, threshold: float, absolute: bool, mode: int
) -> FilterResult:
    """The input with its scalar field simplified (minimum-saddle pairs of persistence
    up to the threshold removed, their basins flattened to their saddles) and TTK's
    order array ``<name>_Order`` (the simplified field's vertex order, which TTK's and
    lltk's filters downstream use); the original values are kept as ``<name>_Original``,
    and NaN or infinite (diverged) values stay as they were."""
    check_threshold(threshold)
    field = scalar_input(dataset, array)
    if field.invalid.any() and not absolute:  # TTK's range would take in the stand-ins
        finite = field.original[~field.invalid]
        threshold, absolute = threshold_value(finite, threshold, absolute), True
    which = backend.choose("simplification", mode, field.vtu_grid)
    if which == "ttk":
        values, order = backend.ttk_simplify(field.source, field.name, threshold, absolute)
    else:
        values, order = simplify_with_order(
            field.values, field.domain, threshold, absolute, ttk_order(dataset, field.name)
        )
    out = dataset.NewInstance()
    out.ShallowCopy(dataset)
    pd = out.GetPointData()
    pd.RemoveArray(field.name)
    values = np.where(field.invalid, field.original, np.asarray(values, np.float64))
    add_arrays(
        pd,
        {
            field.name: values,
            # TTK 1.2.0's identifier type (32-bit ids), which its filters require
            f"{field.name}_Order": np.asarray(order, np.int32),
            f"{field.name}_Original": field.original,
        },
    )
    pd.SetActiveScalars(field.name)
    tag_backend(out, which)
    return FilterResult([out], which)
