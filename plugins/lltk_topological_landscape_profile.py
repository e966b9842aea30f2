"""ParaView plugin: Topological Landscape Profile (Geniesse et al. 2024, after
Oesterling et al. 2013).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lltk.paraview import algorithm, filters
from lltk.paraview_compat import smproperty, smproxy

paraview_plugin_name = "TopologicalLandscapeProfile"


@smproxy.filter(name="TopologicalLandscapeProfile", label="Topological Landscape Profile")
@smproperty.xml(algorithm.INPUT_XML)
@smproperty.xml(
    algorithm.proxy_xml(
        "A 2-D profile of a landscape of any dimension: each basin of the join tree is a "
        "valley whose width is its region size and whose depth is its persistence, "
        "sub-basins nested inside; colour by MeanLoss. Port 1 marks minima and saddles.",
        ["Basins", "Critical Points"],
    )
)
class TopologicalLandscapeProfile(algorithm.LossFilter):
    """Basin quads (BasinId, MeanLoss, Persistence, RegionSize) and critical points."""

    label = "Topological Landscape Profile"
    output_types = ("vtkPolyData", "vtkPolyData")

    @smproperty.xml(algorithm.SCALAR_ARRAY_XML)
    def SetInputArrayToProcess(self, idx, port, connection, field, name):
        return super().SetInputArrayToProcess(idx, port, connection, field, name)

    def compute(self, dataset) -> list:
        self.backend_used = "lltk"
        return list(filters.landscape_profile(dataset, self.array_name()))
