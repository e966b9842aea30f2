"""ParaView plugin: Landscape Metrics (a table of the study's topological numbers and
the sampler's Hessian / model figures).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

# The folder holding the lltk package: the checkout, or site-packages when installed.
sys.path.insert(
    0, str(next(p for p in Path(__file__).resolve().parents if (p / "lltk/__init__.py").is_file()))
)

from lltk.paraview import algorithm, landscape_metrics
from lltk.paraview.vtkdata import FilterResult
from lltk.paraview_compat import smhint, smproperty, smproxy

paraview_plugin_name = "LandscapeMetrics"


@smproxy.filter(name="LandscapeMetrics", label="Landscape Metrics", support_reload=False)
@smhint.xml(algorithm.hints_xml(views={0: "SpreadSheetView"}))
@smproperty.xml(
    algorithm.proxy_xml(
        "One table row: number of minima and saddles, average, total and maximum "
        "persistence of the minimum-saddle pairs, then the Hessian and model figures the "
        "sampler stored (FieldData); shown in a spreadsheet view.",
        ["Metrics"],
        [algorithm.SCALAR_ARRAY_XML],
    )
)
class LandscapeMetrics(algorithm.LossFilter):
    """The study's numbers for one landscape, as a vtkTable."""

    label = "Landscape Metrics"
    output_types = ("vtkTable",)

    def compute(self, dataset) -> FilterResult:
        return landscape_metrics.compute(dataset, self.array_name())
