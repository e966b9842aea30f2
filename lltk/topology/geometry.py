"""The shape of what a filter draws: points, cells of one kind and their named arrays
(TTK's array names), which :mod:`lltk.paraview.vtkdata` turns into VTK objects.

Each filter's drawing lives beside its computation, as in TTK's ``core/base/<name>``:
the merge tree's nodes, arcs and planar tree in :mod:`lltk.topology.tree`, the diagram
in :mod:`lltk.topology.diagram`, the profile's polygons in :mod:`lltk.topology.profile`,
the critical points' spheres in :mod:`lltk.topology.critical`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Geometry:
    """Points (k, 3), cells (m, c) of one kind, and their named arrays."""

    points: np.ndarray
    cells: np.ndarray
    point_data: dict[str, np.ndarray] = field(default_factory=dict)
    cell_data: dict[str, np.ndarray] = field(default_factory=dict)
