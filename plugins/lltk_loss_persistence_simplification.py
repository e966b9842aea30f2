"""ParaView plugin: Loss Persistence Simplification (TTK's
TopologicalSimplificationByPersistence, minimum-saddle pairs).

Load with Tools > Manage Plugins > Load New, ``PV_PLUGIN_PATH=<repo>/plugins``, or
``LoadPlugin(path, ns=globals())`` in pvpython.
"""

import sys
from pathlib import Path

# The folder holding the lltk package: the checkout, or site-packages when installed.
sys.path.insert(
    0, str(next(p for p in Path(__file__).resolve().parents if (p / "lltk/__init__.py").is_file()))
)

from lltk.paraview import algorithm, loss_persistence_simplification, placement
from lltk.paraview.vtkdata import FilterResult
from lltk.paraview_compat import smhint, smproperty, smproxy

paraview_plugin_name = "LossPersistenceSimplification"

THRESHOLD_XML = """
<DoubleVectorProperty name="PersistenceThreshold" label="Persistence Threshold"
    command="SetPersistenceThreshold" number_of_elements="1" default_values="0">
  <Documentation>Minimum-saddle pairs with a persistence below this are removed.
  Relative to the loss range (max - min) unless Threshold Is Absolute is on, as in TTK;
  0 changes nothing.</Documentation>
</DoubleVectorProperty>"""

ABSOLUTE_XML = """
<IntVectorProperty name="ThresholdIsAbsolute" label="Threshold Is Absolute"
    command="SetThresholdIsAbsolute" number_of_elements="1" default_values="0">
  <BooleanDomain name="bool"/>
  <Documentation>Read Persistence Threshold in loss units instead of as a fraction of
  the loss range.</Documentation>
</IntVectorProperty>"""


@smproxy.filter(
    name="LossPersistenceSimplification",
    label="Loss Persistence Simplification",
    support_reload=False,
)
@smhint.xml(algorithm.hints_xml({0: placement.LANDSCAPE_VIEW}, keep_input=False))
@smproperty.xml(
    algorithm.proxy_xml(
        "Removes the basins (minimum-saddle pairs) of a loss landscape whose persistence "
        "is below a threshold, by filling them up to their saddle.",
        ["Simplified Landscape"],
        [
            algorithm.SCALAR_ARRAY_XML,
            THRESHOLD_XML,
            ABSOLUTE_XML,
            algorithm.BACKEND_XML,
            algorithm.BACKEND_USED_XML,
        ],
        {
            "Simplification": ["PersistenceThreshold", "ThresholdIsAbsolute"],
            "Engine": ["Backend", "BackendUsed"],
        },
    )
)
class LossPersistenceSimplification(algorithm.LossFilter):
    """The input with its scalar field simplified; the original kept as <name>_Original.
    On its first update it hides, with its input, the overlays computed from that input
    (:func:`~lltk.paraview.placement.hide_overlays_replaced_by`)."""

    label = "Loss Persistence Simplification"
    output_types = (algorithm.SAME_AS_INPUT,)
    over_landscape = True

    def __init__(self) -> None:
        super().__init__()
        self.threshold = 0.0
        self.absolute = False
        self._replaced_overlays = False

    SetPersistenceThreshold = algorithm.property_setter("threshold", float)
    SetThresholdIsAbsolute = algorithm.property_setter("absolute", bool)

    def RequestData(self, request, inInfo, outInfo) -> int:
        done = super().RequestData(request, inInfo, outInfo)
        if done and not self._replaced_overlays:
            # once: an overlay the user shows again stays shown when the threshold changes
            placement.hide_overlays_replaced_by(self)
            self._replaced_overlays = True
        return done

    def compute(self, dataset) -> FilterResult:
        return loss_persistence_simplification.compute(
            dataset, self.array_name(), self.threshold, self.absolute, self.backend_mode
        )
