"""Loss Critical Points: minima, saddles and maxima at their positions.

The adapter between the plugin proxy and the core: VTK input -> numpy -> VTK outputs.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkCommonDataModel import vtkDataSet

from lltk.paraview import backend
from lltk.paraview.vtkdata import FilterResult, polydata, scalar_input, tag_backend, ttk_order
from lltk.topology.critical import critical_point_spheres, critical_points


def compute(dataset: vtkDataSet, array: str | None, mode: int) -> FilterResult:
    """The critical points as vertices at their positions, with ``CriticalType``,
    ``ttkVertexScalarField`` (vertex id) and the scalar value under its own name (port 0,
    as TTK gives them), and a sphere around each with the same arrays (port 1); none at
    a NaN or infinite (diverged) sample, where only the plateau's tie-breaking puts them."""
    field = scalar_input(dataset, array)
    which = backend.choose("critical_points", mode, field.vtu_grid)
    if which == "ttk":
        ids, types = backend.ttk_critical_points(field.source, field.name)
    else:
        ids, types = critical_points(field.values, field.domain, ttk_order(dataset, field.name))
    ids = np.asarray(ids, np.int64)
    keep = ~field.invalid[ids]  # a diverged sample is no critical point of the landscape
    ids, types = ids[keep], np.asarray(types)[keep]
    arrays = {
        "CriticalType": np.asarray(types, np.int64),
        "ttkVertexScalarField": ids,
        field.name: field.values[ids],
    }
    out = polydata(field.points[ids], verts=np.arange(ids.size), point_data=arrays)
    extent = float(np.ptp(field.points, axis=0).max()) if len(field.points) else 0.0
    balls = critical_point_spheres(field.points[ids], arrays, extent)
    spheres = polydata(balls.points, polys=balls.cells, point_data=balls.point_data)
    for data in (out, spheres):
        tag_backend(data, which)
    return FilterResult([out, spheres], which)
