"""ParaView plugin: Landscape Distances (bottleneck / Wasserstein distances between the
persistence diagrams of several landscapes, as a table; what ``lltk compare`` computes).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython. Select two or more landscapes in the
Pipeline Browser, then apply the filter.
"""

import sys
from pathlib import Path

# The folder holding the lltk package: the checkout, or site-packages when installed.
sys.path.insert(
    0, str(next(p for p in Path(__file__).resolve().parents if (p / "lltk/__init__.py").is_file()))
)

from vtkmodules.vtkCommonExecutionModel import vtkAlgorithm

from lltk.paraview import algorithm, landscape_distances
from lltk.paraview.vtkdata import FilterResult
from lltk.paraview_compat import smhint, smproperty, smproxy
from lltk.topology.distance import METRICS, PAIR_SETS
from lltk.topology.field import DEFAULT_ARRAY

paraview_plugin_name = "LandscapeDistances"


def _enum_xml(name: str, label: str, entries: list[str], doc: str) -> str:
    options = "".join(f'<Entry value="{i}" text="{e}"/>' for i, e in enumerate(entries))
    return f"""
    <IntVectorProperty name="{name}" label="{label}" command="Set{name}"
        number_of_elements="1" default_values="0">
      <EnumerationDomain name="enum">{options}</EnumerationDomain>
      <Documentation>{doc}</Documentation>
    </IntVectorProperty>"""


_SCALAR_ARRAY_XML = f"""
<StringVectorProperty name="ScalarArray" label="Scalar Array" command="SetScalarArray"
    number_of_elements="1" default_values="{DEFAULT_ARRAY}">
  <Documentation>The point array holding the loss in every input.</Documentation>
</StringVectorProperty>"""
_NORMALIZE_XML = """
<IntVectorProperty name="Normalize" label="Normalize Losses" command="SetNormalize"
    number_of_elements="1" default_values="0">
  <BooleanDomain name="bool"/>
  <Documentation>Map each landscape's losses to [0, 1] before comparing.</Documentation>
</IntVectorProperty>"""


@smproxy.filter(name="LandscapeDistances", label="Landscape Distances", support_reload=False)
@smhint.xml(algorithm.hints_xml(views={0: "SpreadSheetView"}))
@smproperty.xml(
    algorithm.proxy_xml(
        "Pairwise bottleneck or Wasserstein distances between the persistence diagrams of "
        "several landscapes, and their 2-D MDS coordinates, as a table (Spreadsheet View).",
        ["Distances"],
        [
            _SCALAR_ARRAY_XML,
            _enum_xml(
                "Pairs",
                "Pairs",
                list(PAIR_SETS),
                "min-saddle: the minimum-saddle pairs (basins); all: every pair, pair types "
                "matched apart.",
            ),
            _enum_xml(
                "Metric",
                "Metric",
                list(METRICS),
                "Bottleneck, or Wasserstein with p = 1 or 2 (L-infinity ground metric).",
            ),
            _NORMALIZE_XML,
        ],
        input_port=algorithm.input_xml(multiple=True),
    )
)
class LandscapeDistances(algorithm.LossFilter):
    """The distance matrix of several landscapes' diagrams, as a vtkTable."""

    label = "Landscape Distances"
    output_types = ("vtkTable",)

    def __init__(self) -> None:
        super().__init__()
        self.array = DEFAULT_ARRAY
        self.pair_set, self.metric, self.normalize = 0, 0, False
        self.names: list[str | None] = []

    def FillInputPortInformation(self, port: int, info) -> int:
        super().FillInputPortInformation(port, info)
        info.Set(vtkAlgorithm.INPUT_IS_REPEATABLE(), 1)
        return 1

    def input_data(self, inInfo) -> list:
        count = inInfo[0].GetNumberOfInformationObjects()
        self.names = [
            landscape_distances.source_name(self.GetInputConnection(0, i)) for i in range(count)
        ]
        return [self.GetInputData(inInfo, 0, i) for i in range(count)]

    SetScalarArray = algorithm.property_setter("array", lambda name: str(name) or DEFAULT_ARRAY)
    SetPairs = algorithm.property_setter("pair_set", int)
    SetMetric = algorithm.property_setter("metric", int)
    SetNormalize = algorithm.property_setter("normalize", bool)

    def compute(self, datasets) -> FilterResult:
        return landscape_distances.compute(
            datasets,
            self.array,
            list(PAIR_SETS)[self.pair_set],
            list(METRICS)[self.metric],
            self.normalize,
            self.names,
        )
