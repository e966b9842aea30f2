"""ParaView plugin: Topological Landscape Profile (Geniesse et al. 2024, after
Oesterling et al. 2013).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

# The folder holding the lltk package: the checkout, or site-packages when installed.
sys.path.insert(
    0, str(next(p for p in Path(__file__).resolve().parents if (p / "lltk/__init__.py").is_file()))
)

from lltk.paraview import algorithm, topological_landscape_profile
from lltk.paraview.plotviews import PlanarView  # noqa: F401 (declares the 2-D views)
from lltk.paraview.vtkdata import FilterResult
from lltk.paraview_compat import smhint, smproperty, smproxy

paraview_plugin_name = "TopologicalLandscapeProfile"


@smproxy.filter(
    name="TopologicalLandscapeProfile", label="Topological Landscape Profile", support_reload=False
)
@smhint.xml(
    algorithm.hints_xml(
        views={0: algorithm.PLANAR_VIEWS["profile"], 1: "None"},
        representations={1: "Point Gaussian"},
    )
)
@smproperty.xml(
    algorithm.proxy_xml(
        "A 2-D profile of a landscape of any dimension, in a 2-D view of its own: each "
        "basin of the join tree is a valley whose width is its region size and whose depth "
        "is its persistence, sub-basins nested inside, coloured by MeanLoss. Port 1 marks "
        "minima and saddles (not shown at first: click its eye with the profile's view "
        "active).",
        ["Basins", "Critical Points"],
        [algorithm.SCALAR_ARRAY_XML, algorithm.LOG_SCALE_LOSS_XML],
    )
)
class TopologicalLandscapeProfile(algorithm.LossFilter):
    """Basin quads (BasinId, MeanLoss, Persistence, RegionSize) and critical points."""

    label = "Topological Landscape Profile"
    output_types = ("vtkPolyData", "vtkPolyData")
    colour_by = ((0, "cell", "MeanLoss"), (1, "point", "CriticalType"))

    def compute(self, dataset) -> FilterResult:
        return topological_landscape_profile.compute(dataset, self.array_name(), self.loss_scale)
