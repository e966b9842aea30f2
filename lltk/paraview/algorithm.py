"""The base of lltk's ParaView filters: ports, array choice, backend, error reporting.

Each plugin module subclasses :class:`LossFilter`, declares its properties with the
smproxy decorators (ParaView only reads decorated methods of the class itself, so the
shared property XML lives here as strings) and implements :meth:`LossFilter.compute`.
A bad input never raises into ParaView: the message goes to ParaView's error output
(the Output Messages window; stderr in pvpython) and the filter returns 0. Warnings the
computation raises (NaN losses taken as a plateau, say) go to the same window as
warnings, and the filter completes.
"""

from __future__ import annotations

import traceback
import warnings
from collections.abc import Callable
from typing import Any

from vtkmodules.vtkCommonCore import vtkOutputWindow
from vtkmodules.vtkCommonDataModel import vtkDataObject, vtkDataObjectTypes
from vtkmodules.vtkCommonExecutionModel import vtkAlgorithm

from lltk.paraview import backend, colours, placement, plotcameras, stateload
from lltk.paraview.plotviews import PLANAR_VIEWS
from lltk.paraview.vtkdata import FilterResult, InputError, log_twin
from lltk.paraview_compat import VTKPythonAlgorithmBase
from lltk.topology import logscale
from lltk.topology.field import DEFAULT_ARRAY

# Every plugin imports this module when ParaView loads it: from then on the GUI colours
# any CriticalType array by named categories (a user's own default for it still wins).
colours.install_defaults()

# every lltk plugin imports this module: from the first one's load on, lltk's states are
# fitted to the landscape they load (File > Load State), and a plot's camera reset leaves
# room for its axes' labels
stateload.fit_states_when_loaded()
plotcameras.frame_plots_on_reset()

#: ``output_types`` entry for an output of the same type as the input.
SAME_AS_INPUT = "same"


def input_xml(multiple: bool = False) -> str:
    """The input port: image data, or an unstructured grid / poly data graph; with
    ``multiple``, any number of them (connected in order)."""
    command = (
        'command="AddInputConnection" clean_command="RemoveAllInputs" multiple_input="1"'
        if multiple
        else 'command="SetInputConnection"'
    )
    more = " Select several landscapes to connect them all." if multiple else ""
    return f"""
<InputProperty name="Input" {command}>
  <ProxyGroupDomain name="groups"><Group name="sources"/><Group name="filters"/></ProxyGroupDomain>
  <DataTypeDomain name="input_type">
    <DataType value="vtkImageData"/>
    <DataType value="vtkUnstructuredGrid"/>
    <DataType value="vtkPolyData"/>
  </DataTypeDomain>
  <InputArrayDomain name="input_array" attribute_type="point" number_of_components="1"/>
  <Documentation>A loss landscape: the sampler's .vti (regular grid, TTK's implicit
  triangulation) or .vtu (a neighbourhood graph whose line cells are the edges).{more}
  </Documentation>
</InputProperty>
"""


#: The input port of the one-landscape filters.
INPUT_XML = input_xml()

#: The scalar array (``Loss`` preselected when present). The full five-value default keeps
#: paraview.simple from filling the array in from the active source when a script (or a
#: trace) passes ``Input=`` by keyword: the choice then comes from the filter's own input.
SCALAR_ARRAY_XML = f"""
<StringVectorProperty name="ScalarArray" label="Scalar Array" command="SetInputArrayToProcess"
    number_of_elements="5" element_types="0 0 0 0 2"
    default_values_delimiter=";" default_values="{DEFAULT_ARRAY};0;0;0;{DEFAULT_ARRAY}"
    animateable="0">
  <ArrayListDomain name="array_list" attribute_type="Scalars" input_domain_name="input_array">
    <RequiredProperties><Property name="Input" function="Input"/></RequiredProperties>
  </ArrayListDomain>
  <Documentation>The point array holding the loss at each sample ({DEFAULT_ARRAY} when the
  filter's input has it, else ParaView preselects the input's first scalar array). It must
  be a one-component point array.</Documentation>
</StringVectorProperty>
"""

#: The engine choice.
BACKEND_XML = f"""
<IntVectorProperty name="Backend" command="SetBackend" number_of_elements="1"
    default_values="{backend.AUTO}" panel_visibility="advanced">
  <EnumerationDomain name="enum">
    <Entry value="{backend.AUTO}" text="Automatic (TTK when loaded)"/>
    <Entry value="{backend.LLTK}" text="lltk"/>
    <Entry value="{backend.TTK}" text="TTK"/>
  </EnumerationDomain>
  <Documentation>Which engine computes the topology. Automatic uses TTK when TTK's
  plugin is loaded and lltk's numpy engine otherwise; both give the same arrays. The
  engine that ran shows in this panel as Backend Used (pvpython: the read-only property
  BackendUsed) and in the output's field data lltkBackend (Information panel, Data
  Arrays).</Documentation>
</IntVectorProperty>
"""

#: The loss axis of the planar drawings (merge tree, diagram, profile): see lltk.topology.logscale.
LOG_SCALE_LOSS_XML = f"""
<IntVectorProperty name="LogScaleLoss" label="Log Scale Loss" command="SetLogScaleLoss"
    number_of_elements="1" default_values="0">
  <EnumerationDomain name="enum">
    <Entry value="0" text="Automatic (over {logscale.AUTO_LOG_DECADES:g} decades)"/>
    <Entry value="1" text="Off"/>
    <Entry value="2" text="On"/>
  </EnumerationDomain>
  <Documentation>Draw the loss axis of the planar plot on a log scale (log10 of the loss;
  of the loss above the minimum where a loss is 0 or below). Automatic: where the
  landscape's finite losses span over {logscale.AUTO_LOG_DECADES:g} decades (max / min), as
  a failing network's do. Only the drawn coordinates change: the arrays (Scalar,
  Persistence, births, deaths) keep the losses, and the output's field data LossScale says
  which axis was drawn. Off gives TTK's own layout.</Documentation>
</IntVectorProperty>
"""

#: The read-only report of the engine that ran.
BACKEND_USED_XML = """
<StringVectorProperty name="BackendUsed" label="Backend Used" command="GetBackendUsed"
    information_only="1" number_of_elements="1" default_values="none"
    panel_visibility="default">
  <SimpleStringInformationHelper/>
  <Documentation>The engine that ran the last update: ttk or lltk (read only: typing here
  changes nothing; the output's field data lltkBackend says the same).</Documentation>
</StringVectorProperty>
"""

#: The Filters menu category of every lltk filter.
CATEGORY = "Loss Landscape"


def hints_xml(
    views: dict[int, str] | None = None,
    representations: dict[int, str] | None = None,
    keep_input: bool = True,
) -> str:
    """The proxy's hints: listed under *Filters › Loss Landscape*, its input left visible
    (unless not ``keep_input``), output port ``p`` shown in a new view of type ``views[p]``
    (default: the active render view) and drawn as ``representations[p]`` ("Points",
    "Surface", ...)."""
    views = views or {}
    xml = [f'<ShowInMenu category="{CATEGORY}"/>']
    if keep_input:
        xml.append('<Visibility replace_input="0"/>')
    xml += [f'<View type="{view}" port="{port}"/>' for port, view in views.items()]
    # the Pipeline Browser knows icons of some of ParaView's views only: it looked for a
    # "RenderView" icon and reported it missing in Output Messages
    xml += [
        f'<PipelineIcon name="GEOMETRY" port="{port}"/>'
        for port, view in views.items()
        if view in PLANAR_VIEWS.values() or view == placement.LANDSCAPE_VIEW
    ]
    xml += [
        f'<RepresentationType view="{views.get(port, "RenderView")}" type="{kind}" port="{port}"/>'
        for port, kind in (representations or {}).items()
    ]
    return "".join(xml)


def _group_xml(label: str, names: list[str]) -> str:
    members = "".join(f'<Property name="{name}"/>' for name in names)
    return f'<PropertyGroup label="{label}">{members}</PropertyGroup>'


def proxy_xml(
    help_text: str,
    ports: list[str],
    properties: list[str],
    groups: dict[str, list[str]] | None = None,
    input_port: str = INPUT_XML,
) -> str:
    """The proxy's documentation, input (``input_port``: :func:`input_xml`), properties in
    panel order (decorators on methods would list them alphabetically by setter), output
    port names and labelled groups."""
    named = "".join(f'<OutputPort name="{name}" index="{i}"/>' for i, name in enumerate(ports))
    grouped = "".join(_group_xml(label, names) for label, names in (groups or {}).items())
    doc = f'<Documentation short_help="{help_text}" long_help="{help_text}">'
    return doc + f"{help_text}</Documentation>" + input_port + "".join(properties) + named + grouped


def report_error(label: str, message: str) -> None:
    """Show ``message`` in ParaView's error output, prefixed by the filter's label."""
    vtkOutputWindow.GetInstance().DisplayErrorText(f"{label}: {message}\n")


def report_warning(label: str, message: str) -> None:
    """Show ``message`` in ParaView's output window as a warning, prefixed by the label."""
    vtkOutputWindow.GetInstance().DisplayWarningText(f"{label}: {message}\n")


def property_setter(
    attribute: str, convert: Callable[[Any], Any], key: str | None = None
) -> Callable[[Any, Any], None]:
    """A proxy property's ``Set<Name>`` method: it stores ``convert(value)`` as the
    filter's ``attribute`` (its entry ``key`` when the attribute is a dict) and marks
    the filter modified when the value changes, so ParaView reruns it."""

    def set_value(self, value: Any) -> None:
        value = convert(value)
        if key is None:
            changed = getattr(self, attribute) != value
            if changed:
                setattr(self, attribute, value)
        else:
            entries = getattr(self, attribute)
            changed = entries[key] != value
            entries[key] = value
        if changed:
            self.Modified()

    set_value.__doc__ = f"Set ``{attribute}{f'[{key!r}]' if key else ''}`` (see its XML)."
    return set_value


class LossFilter(VTKPythonAlgorithmBase):
    """One input landscape, outputs of the types in ``output_types``."""

    label = "lltk filter"
    output_types: tuple[str, ...] = ("vtkPolyData",)
    #: (output port, ``"point"`` or ``"cell"``, array): what ParaView colours the port by
    #: when it first shows it (the active scalars).
    colour_by: tuple[tuple[int, str, str], ...] = ()
    #: Whether the outputs belong over the landscape (critical points, a simplified
    #: landscape): then the GUI shows them in the landscape's render view
    #: (:mod:`lltk.paraview.placement`), whichever view was active.
    over_landscape = False

    def __init__(self) -> None:
        if self.over_landscape:
            placement.activate_landscape_view()
        super().__init__(
            nInputPorts=1,
            inputType="vtkDataSet",
            nOutputPorts=len(self.output_types),
            outputType="vtkDataObject",
        )
        self.backend_mode = backend.AUTO
        self.backend_used = "none"
        #: the planar drawing's loss axis (filters with LOG_SCALE_LOSS_XML)
        self.loss_scale = logscale.MODES[0]
        self._reported: tuple[str, int] | None = None
        self._warned: tuple[set[str], int] | None = None

    def FillOutputPortInformation(self, port: int, info) -> int:
        kind = self.output_types[port]
        info.Set(vtkDataObject.DATA_TYPE_NAME(), "vtkDataSet" if kind == SAME_AS_INPUT else kind)
        return 1

    def FillInputPortInformation(self, port: int, info) -> int:
        info.Set(vtkAlgorithm.INPUT_REQUIRED_DATA_TYPE(), "vtkDataSet")
        return 1

    def RequestDataObject(self, request, inInfo, outInfo) -> int:
        source = self.GetInputData(inInfo, 0, 0)
        for port, kind in enumerate(self.output_types):
            info = outInfo.GetInformationObject(port)
            current = info.Get(vtkDataObject.DATA_OBJECT())
            if kind == SAME_AS_INPUT:
                if source is None:
                    continue
                if current is None or current.GetClassName() != source.GetClassName():
                    info.Set(vtkDataObject.DATA_OBJECT(), source.NewInstance())
            elif current is None or not current.IsA(kind):
                info.Set(vtkDataObject.DATA_OBJECT(), vtkDataObjectTypes.NewDataObject(kind))
        return 1

    SetBackend = property_setter("backend_mode", int)
    SetLogScaleLoss = property_setter("loss_scale", lambda mode: logscale.MODES[int(mode)])

    def GetBackendUsed(self) -> str:
        """The engine that ran the last update."""
        return self.backend_used

    def array_name(self) -> str | None:
        """The selected scalar array (None when none was chosen)."""
        info = self.GetInputArrayInformation(0)
        if info is None or not info.Has(vtkDataObject.FIELD_NAME()):
            return None
        return info.Get(vtkDataObject.FIELD_NAME()) or None

    def compute(self, dataset) -> FilterResult:
        """The output data objects for ``dataset`` (one per port) and the engine used:
        the filter's adapter (``lltk.paraview.<filter>.compute``)."""
        raise NotImplementedError

    def input_data(self, inInfo):
        """What :meth:`compute` gets: the input dataset (a list where the port repeats)."""
        return self.GetInputData(inInfo, 0, 0)

    def RequestData(self, request, inInfo, outInfo) -> int:
        dataset = self.input_data(inInfo)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = self.compute(dataset)
        except (InputError, ValueError) as exc:
            message = str(exc)
        except Exception as exc:
            message = (
                f"internal error ({exc}); please report it with this trace:\n"
                + traceback.format_exc()
            )
        else:
            message = None
        if message is not None:
            # the pipeline retries once per output port: say it once per change
            if (message, self.GetMTime()) != self._reported:
                report_error(self.label, message)
                self._reported = (message, self.GetMTime())
            return 0
        said = {str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)}
        if said and (said, self.GetMTime()) != self._warned:
            for message in sorted(said):
                report_warning(self.label, message)
            self._warned = (said, self.GetMTime())
        self._reported = None
        self.backend_used = result.backend
        for port, output in enumerate(result.outputs):
            self.GetOutputData(outInfo, port).ShallowCopy(output)
        for port, where, name in self.colour_by:
            out = self.GetOutputData(outInfo, port)
            arrays = out.GetPointData() if where == "point" else out.GetCellData()
            # a loss drawn on a log axis is coloured on that scale too
            twin = log_twin(name)
            arrays.SetActiveScalars(twin if arrays.GetArray(twin) is not None else name)
        return 1
