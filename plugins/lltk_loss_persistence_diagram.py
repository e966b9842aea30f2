"""ParaView plugin: Loss Persistence Diagram (TTK's diagram layout).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

# The folder holding the lltk package: the checkout, or site-packages when installed.
sys.path.insert(
    0, str(next(p for p in Path(__file__).resolve().parents if (p / "lltk/__init__.py").is_file()))
)

from lltk.paraview import algorithm, loss_persistence_diagram
from lltk.paraview.plotviews import PlanarView  # noqa: F401 (declares the 2-D views)
from lltk.paraview.vtkdata import FilterResult
from lltk.paraview_compat import smhint, smproperty, smproxy

paraview_plugin_name = "LossPersistenceDiagram"

_PAIR_TYPES = {
    "MinimumSaddle": 0,
    "SaddleSaddle": 1,
    "SaddleMaximum": 2,
    "GlobalMinimumMaximum": -1,
}


def _bool_xml(name: str, label: str, doc: str, advanced: bool = False) -> str:
    visibility = ' panel_visibility="advanced"' if advanced else ""
    return f"""
    <IntVectorProperty name="{name}" label="{label}" command="Set{name}"
        number_of_elements="1" default_values="1"{visibility}>
      <BooleanDomain name="bool"/>
      <Documentation>{doc}</Documentation>
    </IntVectorProperty>"""


THRESHOLD_XML = """
<DoubleVectorProperty name="PersistenceThreshold" label="Persistence Threshold"
    command="SetPersistenceThreshold" number_of_elements="1" default_values="0">
  <Documentation>Only pairs whose persistence (death - birth, in loss units) is at least
  this value are shown; 0 shows them all.</Documentation>
</DoubleVectorProperty>"""

PAIRS_XML = [
    _bool_xml(
        "MinimumSaddle",
        "Minimum-Saddle Pairs",
        "Show the pairs of a local minimum (a basin) and the saddle where it merges into an "
        "older basin (PairType 0): the basins the study counts.",
    ),
    _bool_xml(
        "SaddleMaximum",
        "Saddle-Maximum Pairs",
        "Show the pairs of a saddle and a local maximum (PairType 2; grids only). On a 2-D "
        "landscape their saddle carries TTK's CriticalType 2 although it is the landscape's "
        "only kind of saddle.",
    ),
    _bool_xml(
        "GlobalMinimumMaximum",
        "Global Minimum-Maximum Pair",
        "Show the pair of the global minimum and the global maximum (PairType -1, IsFinite 0).",
    ),
    _bool_xml(
        "SaddleSaddle",
        "Saddle-Saddle Pairs",
        "Show saddle-saddle pairs (PairType 1). Only grids of 3 to 6 axes have them (an "
        "n-D grid landscape: a .vtu with GridShape): on a 2-D grid or a graph this option "
        "changes nothing, so it is an advanced one (gear button).",
        advanced=True,
    ),
]


@smproxy.filter(
    name="LossPersistenceDiagram", label="Loss Persistence Diagram", support_reload=False
)
@smhint.xml(algorithm.hints_xml(views={0: algorithm.PLANAR_VIEWS["persistence_diagram"]}))
@smproperty.xml(
    algorithm.proxy_xml(
        "Persistence diagram of a loss landscape: a bar from the diagonal to (birth, death) "
        "per pair, in a 2-D view of its own, coloured by homology dimension (H0, H1, ...: "
        "every dimension of a 2-D to 6-D grid, H0 only of a graph; field data Homology).",
        ["Persistence Diagram"],
        [
            algorithm.SCALAR_ARRAY_XML,
            THRESHOLD_XML,
            *PAIRS_XML,
            algorithm.LOG_SCALE_LOSS_XML,
            algorithm.BACKEND_XML,
            algorithm.BACKEND_USED_XML,
        ],
        {
            "Pairs": [
                "PersistenceThreshold",
                "MinimumSaddle",
                "SaddleMaximum",
                "GlobalMinimumMaximum",
                "SaddleSaddle",
            ],
            "Engine": ["Backend", "BackendUsed"],
        },
    )
)
class LossPersistenceDiagram(algorithm.LossFilter):
    """Persistence diagram in TTK's layout (two points per pair, diagonal cell)."""

    label = "Loss Persistence Diagram"
    output_types = ("vtkUnstructuredGrid",)
    colour_by = ((0, "cell", "Dimension"),)

    def __init__(self) -> None:
        super().__init__()
        self.pair_types = dict.fromkeys(_PAIR_TYPES, True)
        self.threshold = 0.0

    SetMinimumSaddle = algorithm.property_setter("pair_types", bool, "MinimumSaddle")
    SetSaddleSaddle = algorithm.property_setter("pair_types", bool, "SaddleSaddle")
    SetSaddleMaximum = algorithm.property_setter("pair_types", bool, "SaddleMaximum")
    SetGlobalMinimumMaximum = algorithm.property_setter("pair_types", bool, "GlobalMinimumMaximum")
    SetPersistenceThreshold = algorithm.property_setter("threshold", float)

    def compute(self, dataset) -> FilterResult:
        kinds = tuple(code for key, code in _PAIR_TYPES.items() if self.pair_types[key])
        return loss_persistence_diagram.compute(
            dataset, self.array_name(), kinds, self.threshold, self.backend_mode, self.loss_scale
        )
