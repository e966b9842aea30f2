"""ParaView plugin: Loss Merge Tree (join or split tree, TTK FTM-like outputs + planar layout).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lltk.paraview import algorithm, filters
from lltk.paraview_compat import smproperty, smproxy

paraview_plugin_name = "LossMergeTree"


@smproxy.filter(name="LossMergeTree", label="Loss Merge Tree")
@smproperty.xml(algorithm.INPUT_XML)
@smproperty.xml(
    algorithm.proxy_xml(
        "Merge tree (join or split) of a loss landscape, as TTK's FTM gives it.",
        ["Skeleton Nodes", "Skeleton Arcs", "Segmentation", "Planar Tree"],
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

    def __init__(self) -> None:
        super().__init__()
        self.tree_type = 0

    @smproperty.xml(algorithm.SCALAR_ARRAY_XML)
    def SetInputArrayToProcess(self, idx, port, connection, field, name):
        return super().SetInputArrayToProcess(idx, port, connection, field, name)

    @smproperty.xml(
        """
        <IntVectorProperty name="TreeType" label="Tree Type" command="SetTreeType"
            number_of_elements="1" default_values="0">
          <EnumerationDomain name="enum">
            <Entry value="0" text="Join Tree"/>
            <Entry value="1" text="Split Tree"/>
          </EnumerationDomain>
          <Documentation>Join Tree: how basins (sublevel sets, grown from the minima)
          merge as the loss rises; its leaves are the local minima. Split Tree: the same
          for superlevel sets, from the maxima down.</Documentation>
        </IntVectorProperty>"""
    )
    def SetTreeType(self, tree_type: int) -> None:
        if int(tree_type) != self.tree_type:
            self.tree_type = int(tree_type)
            self.Modified()

    @smproperty.xml(algorithm.BACKEND_XML)
    def SetBackend(self, mode: int) -> None:
        super().SetBackend(mode)

    @smproperty.xml(algorithm.BACKEND_USED_XML)
    def GetBackendUsed(self) -> str:
        return super().GetBackendUsed()

    def compute(self, dataset) -> list:
        kind = "join" if self.tree_type == 0 else "split"
        self.backend_used, outputs = filters.merge_tree(
            dataset, self.array_name(), kind, self.backend_mode
        )
        return outputs
