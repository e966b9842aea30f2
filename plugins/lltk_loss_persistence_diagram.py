"""ParaView plugin: Loss Persistence Diagram (TTK's diagram layout).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lltk.paraview import algorithm, filters
from lltk.paraview_compat import smproperty, smproxy

paraview_plugin_name = "LossPersistenceDiagram"

_PAIR_TYPES = {
    "MinimumSaddle": 0,
    "SaddleSaddle": 1,
    "SaddleMaximum": 2,
    "GlobalMinimumMaximum": -1,
}


def _bool_xml(name: str, label: str, doc: str) -> str:
    return f"""
    <IntVectorProperty name="{name}" label="{label}" command="Set{name}"
        number_of_elements="1" default_values="1">
      <BooleanDomain name="bool"/>
      <Documentation>{doc}</Documentation>
    </IntVectorProperty>"""


@smproxy.filter(name="LossPersistenceDiagram", label="Loss Persistence Diagram")
@smproperty.xml(algorithm.INPUT_XML)
@smproperty.xml(
    algorithm.proxy_xml(
        "Persistence diagram of a loss landscape: a point per pair at (birth, death).",
        ["Persistence Diagram"],
    )
)
class LossPersistenceDiagram(algorithm.LossFilter):
    """Persistence diagram in TTK's layout (two points per pair, diagonal cell)."""

    label = "Loss Persistence Diagram"
    output_types = ("vtkUnstructuredGrid",)

    def __init__(self) -> None:
        super().__init__()
        self.pair_types = dict.fromkeys(_PAIR_TYPES, True)
        self.threshold = 0.0

    def _set_pair(self, key: str, on: int) -> None:
        if bool(on) != self.pair_types[key]:
            self.pair_types[key] = bool(on)
            self.Modified()

    @smproperty.xml(algorithm.SCALAR_ARRAY_XML)
    def SetInputArrayToProcess(self, idx, port, connection, field, name):
        return super().SetInputArrayToProcess(idx, port, connection, field, name)

    @smproperty.xml(
        _bool_xml(
            "MinimumSaddle",
            "Minimum-Saddle Pairs",
            "Show the pairs of a local minimum (a basin) and the saddle where it merges "
            "into an older basin (PairType 0).",
        )
    )
    def SetMinimumSaddle(self, on: int) -> None:
        self._set_pair("MinimumSaddle", on)

    @smproperty.xml(
        _bool_xml(
            "SaddleSaddle",
            "Saddle-Saddle Pairs",
            "Show saddle-saddle pairs (PairType 1; 3-D grids only).",
        )
    )
    def SetSaddleSaddle(self, on: int) -> None:
        self._set_pair("SaddleSaddle", on)

    @smproperty.xml(
        _bool_xml(
            "SaddleMaximum",
            "Saddle-Maximum Pairs",
            "Show the pairs of a saddle and a local maximum (PairType 2; grids only).",
        )
    )
    def SetSaddleMaximum(self, on: int) -> None:
        self._set_pair("SaddleMaximum", on)

    @smproperty.xml(
        _bool_xml(
            "GlobalMinimumMaximum",
            "Global Minimum-Maximum Pair",
            "Show the pair of the global minimum and the global maximum (PairType -1, IsFinite 0).",
        )
    )
    def SetGlobalMinimumMaximum(self, on: int) -> None:
        self._set_pair("GlobalMinimumMaximum", on)

    @smproperty.xml(
        """
        <DoubleVectorProperty name="PersistenceThreshold" label="Persistence Threshold"
            command="SetPersistenceThreshold" number_of_elements="1" default_values="0">
          <Documentation>Only pairs whose persistence (death - birth, in loss units) is
          at least this value are shown; 0 shows them all.</Documentation>
        </DoubleVectorProperty>"""
    )
    def SetPersistenceThreshold(self, value: float) -> None:
        if float(value) != self.threshold:
            self.threshold = float(value)
            self.Modified()

    @smproperty.xml(algorithm.BACKEND_XML)
    def SetBackend(self, mode: int) -> None:
        super().SetBackend(mode)

    @smproperty.xml(algorithm.BACKEND_USED_XML)
    def GetBackendUsed(self) -> str:
        return super().GetBackendUsed()

    def compute(self, dataset) -> list:
        kinds = tuple(code for key, code in _PAIR_TYPES.items() if self.pair_types[key])
        self.backend_used, out = filters.diagram(
            dataset, self.array_name(), kinds, self.threshold, self.backend_mode
        )
        return [out]
