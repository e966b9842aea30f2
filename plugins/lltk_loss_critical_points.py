"""ParaView plugin: Loss Critical Points (TTK's ScalarFieldCriticalPoints).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

# The folder holding the lltk package: the checkout, or site-packages when installed.
sys.path.insert(
    0, str(next(p for p in Path(__file__).resolve().parents if (p / "lltk/__init__.py").is_file()))
)

from lltk.paraview import algorithm, loss_critical_points, placement
from lltk.paraview.vtkdata import FilterResult
from lltk.paraview_compat import smhint, smproperty, smproxy

paraview_plugin_name = "LossCriticalPoints"


@smproxy.filter(name="LossCriticalPoints", label="Loss Critical Points", support_reload=False)
@smhint.xml(
    algorithm.hints_xml(
        views={0: placement.LANDSCAPE_VIEW, 1: placement.LANDSCAPE_VIEW},
        representations={0: "Point Gaussian", 1: "Surface"},
    )
)
@smproperty.xml(
    algorithm.proxy_xml(
        "Critical points of a loss landscape as vertices with TTK's CriticalType: 0 "
        "minimum, 1 saddle (1-saddle on a 3-D grid), 2 2-saddle (3-D grids), 3 maximum, 4 "
        "degenerate (port 0, as TTK gives them), and a sphere around each, 1.5 % of the "
        "landscape's width across, coloured by type (port 1).",
        ["Critical Points", "Critical Point Spheres"],
        [algorithm.SCALAR_ARRAY_XML, algorithm.BACKEND_XML, algorithm.BACKEND_USED_XML],
        {"Engine": ["Backend", "BackendUsed"]},
    )
)
class LossCriticalPoints(algorithm.LossFilter):
    """Critical points of the scalar field, at their positions in the landscape."""

    label = "Loss Critical Points"
    output_types = ("vtkPolyData", "vtkPolyData")
    colour_by = ((0, "point", "CriticalType"), (1, "point", "CriticalType"))
    over_landscape = True

    def compute(self, dataset) -> FilterResult:
        return loss_critical_points.compute(dataset, self.array_name(), self.backend_mode)
