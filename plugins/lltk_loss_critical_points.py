"""ParaView plugin: Loss Critical Points (TTK's ScalarFieldCriticalPoints).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lltk.paraview import algorithm, filters
from lltk.paraview_compat import smproperty, smproxy

paraview_plugin_name = "LossCriticalPoints"


@smproxy.filter(name="LossCriticalPoints", label="Loss Critical Points")
@smproperty.xml(algorithm.INPUT_XML)
@smproperty.xml(
    algorithm.proxy_xml(
        "Critical points of a loss landscape (minima, saddles, maxima) as vertices with "
        "CriticalType 0 minimum, 1 1-saddle, 2 2-saddle, 3 maximum, 4 degenerate.",
        ["Critical Points"],
    )
)
class LossCriticalPoints(algorithm.LossFilter):
    """Critical points of the scalar field, at their positions in the landscape."""

    label = "Loss Critical Points"
    output_types = ("vtkPolyData",)

    @smproperty.xml(algorithm.SCALAR_ARRAY_XML)
    def SetInputArrayToProcess(self, idx, port, connection, field, name):
        return super().SetInputArrayToProcess(idx, port, connection, field, name)

    @smproperty.xml(algorithm.BACKEND_XML)
    def SetBackend(self, mode: int) -> None:
        super().SetBackend(mode)

    @smproperty.xml(algorithm.BACKEND_USED_XML)
    def GetBackendUsed(self) -> str:
        return super().GetBackendUsed()

    def compute(self, dataset) -> list:
        self.backend_used, out = filters.critical_points(
            dataset, self.array_name(), self.backend_mode
        )
        return [out]
