"""ParaView plugin: Loss Merge Tree (join or split tree, TTK FTM-like outputs + planar layout).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

# The folder holding the lltk package: the checkout, or site-packages when installed.
sys.path.insert(
    0, str(next(p for p in Path(__file__).resolve().parents if (p / "lltk/__init__.py").is_file()))
)

from lltk.paraview import algorithm, loss_merge_tree
from lltk.paraview.plotviews import PlanarView  # noqa: F401 (declares the 2-D views)
from lltk.paraview.vtkdata import FilterResult
from lltk.paraview_compat import smhint, smproperty, smproxy

paraview_plugin_name = "LossMergeTree"

TREE_TYPE_XML = """
<IntVectorProperty name="TreeType" label="Tree Type" command="SetTreeType"
    number_of_elements="1" default_values="0">
  <EnumerationDomain name="enum">
    <Entry value="0" text="Join Tree"/>
    <Entry value="1" text="Split Tree"/>
  </EnumerationDomain>
  <Documentation>Join Tree: how basins (sublevel sets, grown from the minima) merge as
  the loss rises; its leaves are the local minima. Split Tree: the same for superlevel
  sets, from the maxima down.</Documentation>
</IntVectorProperty>"""


@smproxy.filter(name="LossMergeTree", label="Loss Merge Tree", support_reload=False)
@smhint.xml(
    algorithm.hints_xml(
        # the segmentation starts hidden: over the landscape it hid the loss, and its
        # SegmentationId legend (one entry per segment) covered the view
        views={2: "None", 3: algorithm.PLANAR_VIEWS["merge_tree"]},
        representations={0: "Point Gaussian", 3: "Surface"},
    )
)
@smproperty.xml(
    algorithm.proxy_xml(
        "Merge tree (join or split) of a loss landscape, as TTK's FTM gives it: its nodes "
        "(CriticalType), arcs, the landscape segmented by arc, and a planar layout of the "
        "tree (loss upwards, one vertical segment per branch) in a 2-D view of its own.",
        ["Skeleton Nodes", "Skeleton Arcs", "Segmentation", "Planar Tree"],
        [
            algorithm.SCALAR_ARRAY_XML,
            TREE_TYPE_XML,
            algorithm.LOG_SCALE_LOSS_XML,
            algorithm.BACKEND_XML,
            algorithm.BACKEND_USED_XML,
        ],
        {"Engine": ["Backend", "BackendUsed"]},
    )
)
class LossMergeTree(algorithm.LossFilter):
    """Merge tree of a loss landscape. Output ports: 0 nodes, 1 arcs, 2 segmentation,
    3 planar layout (branch decomposition)."""

    label = "Loss Merge Tree"
    output_types = (
        "vtkUnstructuredGrid",
        "vtkUnstructuredGrid",
        algorithm.SAME_AS_INPUT,
        "vtkPolyData",
    )
    colour_by = (
        (0, "point", "CriticalType"),
        (2, "point", "SegmentationId"),
        (3, "point", "Scalar"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.tree_type = 0

    SetTreeType = algorithm.property_setter("tree_type", int)

    def compute(self, dataset) -> FilterResult:
        kind = "join" if self.tree_type == 0 else "split"
        return loss_merge_tree.compute(
            dataset, self.array_name(), kind, self.backend_mode, self.loss_scale
        )
