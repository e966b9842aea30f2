"""The 2-D views the plots open in (merge tree, persistence diagram, profile): render views
under names of their own, in 2-D interaction mode, with titled axes from the start.

Declared in ParaView's server-manager XML (:data:`PLANAR_VIEW_XML`), which a plugin
carries through :class:`PlanarView`.
"""

from __future__ import annotations

from lltk.topology import logscale

#: Render views for the 2-D plots, by plot, with their labels. Each is a render view under
#: a name of its own, so that ParaView opens the outputs whose hints name it in a view of
#: their own instead of over the landscape (a hint naming "RenderView" would reuse the
#: landscape's view), and a second diagram joins the first one's view, not the tree's.
#: They open in ParaView's 2-D interaction mode (pan and zoom, no rotation): the derived
#: proxy redeclares (override="1") RenderView's InteractionMode with 2D (1) as its default,
#: and its AxesGrid, whose axes (:data:`PLOT_AXES`) show from the start.
PLANAR_VIEWS = {
    "merge_tree": "LossMergeTreeView",
    "persistence_diagram": "LossDiagramView",
    "profile": "LossProfileView",
}
_VIEW_LABELS = {
    "merge_tree": "Merge Tree View",
    "persistence_diagram": "Persistence Diagram View",
    "profile": "Landscape Profile View",
}
#: RenderView's InteractionMode (3D 0, 2D 1, Selection 2) with 2D as the default.
_PLANAR_INTERACTION_XML = (
    '<IntVectorProperty name="InteractionMode" command="SetInteractionMode" default_values="1" '
    'number_of_elements="1" panel_visibility="never" state_ignored="1" override="1">'
    '<EnumerationDomain name="enum"><Entry text="3D" value="0"/><Entry text="2D" value="1"/>'
    '<Entry text="Selection" value="2"/></EnumerationDomain></IntVectorProperty>'
)
#: The loss axis's title: the filters draw it log10 by themselves over 3 decades.
_LOSS_AXIS = f"loss (log10 over {logscale.AUTO_LOG_DECADES:g} decades)"
#: The same, in short lines (XML's line break): one line of it, left of a plot in a third
#: of a 1600-pixel screen, ran off the view ("3 decades)").
_LOSS_AXIS_LINES = f"loss&#10;(log10 over&#10;{logscale.AUTO_LOG_DECADES:g} decades)"
#: The axes' titles of each plot, and whether its x axis carries numbers (a tree's and a
#: profile's x is a layout position, not a quantity).
PLOT_AXES = {
    "merge_tree": ("branches", _LOSS_AXIS_LINES, False),
    "persistence_diagram": (f"birth {_LOSS_AXIS}", "death", True),
    "profile": ("basins (width: region size)", _LOSS_AXIS_LINES, False),
}


def _plot_axes_xml(key: str) -> str:
    """An axes grid shown from the start, with titles (:data:`PLOT_AXES`), on the data's
    plane only, labelled on its bottom and left edges: ParaView's own (GridAxes3DActor)
    with those defaults, as a proxy of its own that the plot's view uses."""
    x, y, x_numbers = PLOT_AXES[key]

    def ints(name: str, command: str, value: int) -> str:
        return (
            f'<IntVectorProperty name="{name}" command="{command}" number_of_elements="1" '
            f'default_values="{value}" override="1"/>'
        )

    def title(name: str, value: str) -> str:
        return (
            f'<StringVectorProperty name="{name}" command="Set{name}" number_of_elements="1" '
            f'default_values="{value}" override="1"/>'
        )

    return (
        f'<Proxy name="{PLANAR_VIEWS[key]}Axes" class="vtkPVGridAxes3DActor" '
        'processes="client|dataserver|renderserver" base_proxygroup="annotations" '
        'base_proxyname="GridAxes3DActor">'
        + ints("Visibility", "SetVisibility", 1)
        + title("XTitle", x)
        + title("YTitle", y)
        + ints("FacesToRender", "SetFaceMask", 4)  # the data's plane (MIN_XY)
        + ints("AxesToLabel", "SetLabelMask", 3)  # bottom and left edges (MIN_X | MIN_Y)
        + ints("XAxisUseCustomLabels", "SetXUseCustomLabels", 0 if x_numbers else 1)
        + "</Proxy>"
    )


def _axes_grid_xml(key: str) -> str:
    """The view's AxesGrid property, its grid the plot's own (:func:`_plot_axes_xml`)."""
    return (
        '<ProxyProperty name="AxesGrid" command="SetGridAxes3DActor" '
        'panel_widget="proxy_editor" override="1"><ProxyListDomain name="proxy_list">'
        f'<Proxy group="annotations" name="{PLANAR_VIEWS[key]}Axes"/></ProxyListDomain>'
        '<Hints><ProxyEditorPropertyWidget property="Visibility"/></Hints></ProxyProperty>'
    )


PLANAR_VIEW_XML = (
    '<ServerManagerConfiguration><ProxyGroup name="annotations">'
    + "".join(_plot_axes_xml(key) for key in PLANAR_VIEWS)
    + '</ProxyGroup><ProxyGroup name="views">'
    + "".join(
        f'<RenderViewProxy name="{name}" label="{_VIEW_LABELS[key]}" class="vtkPVRenderView" '
        'processes="client|renderserver|dataserver" base_proxygroup="views" '
        'base_proxyname="RenderView">'
        + _PLANAR_INTERACTION_XML
        + _axes_grid_xml(key)
        + "</RenderViewProxy>"
        for key, name in PLANAR_VIEWS.items()
    )
    + "</ProxyGroup></ServerManagerConfiguration>"
)


class PlanarView:
    """Carries :data:`PLANAR_VIEW_XML` into a plugin: ParaView's Python-plugin loader reads
    the ``_pvsm_proxy_xml`` of every class in a plugin module. Import it into the modules
    whose outputs open in these views."""

    _pvsm_proxy_xml = PLANAR_VIEW_XML
