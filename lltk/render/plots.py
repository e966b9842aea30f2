"""The 2-D views of a landscape's topology (runs in pvpython, never in the venv): the
merge tree's planar layout, the persistence diagram and the topological landscape
profile, whose loss axes go log10 when the landscape spans decades
(:func:`lltk.render.fitting.set_log_axes`)."""

from __future__ import annotations

from paraview import simple as pv

from lltk.render.scene import NEEDS
from lltk.render.style import (
    add_title,
    category_legend,
    critical_marks,
    make_planar,
    scalar_bar,
    set_dimension_names,
    style_axes,
    white_view,
)

#: The 2-D views whose axes show loss: view -> (x title, y title, axes that are loss).
LOSS_AXES = {
    "merge_tree": ("branches (planar layout)", "loss", "y"),
    "persistence_diagram": ("birth (loss)", "death", "xy"),
    "profile": ("basins (width proportional to region size)", "loss", "y"),
}


def _loss_axes(source: object, view_name: str, name: str) -> object:
    """A Calculator that moves the points of ``source`` to log10 loss on the view's loss
    axes when the landscape spans decades (:func:`set_log_axes`); identity otherwise."""
    calc = pv.Calculator(registrationName=f"{name} (loss axes)", Input=source)
    calc.CoordinateResults = 1
    calc.Function = axes_function("")
    calc.ResultArrayName = f"{view_name} coordinates"
    return calc


def axes_function(log_axes: str) -> str:
    x = "log10(coordsX)" if "x" in log_axes else "coordsX"
    y = "log10(coordsY)" if "y" in log_axes else "coordsY"
    return f"{x}*iHat + {y}*jHat + coordsZ*kHat"


def merge_tree_view(reader: object) -> object:
    """The join tree's planar layout: loss upwards, one vertical segment per branch, its
    nodes (minima, saddles, the root) marked by critical type."""
    view = white_view("RenderView", "merge_tree")
    # the scene draws its own log axes (_loss_axes): the filter's drawing stays linear
    tree = getattr(pv, NEEDS["merge_tree"])(
        reader, registrationName="merge tree", LogScaleLoss="Off"
    )
    planar = _loss_axes(pv.OutputPort(tree, 3), "merge_tree", "planar tree")
    rep = pv.Show(planar, view)
    scalar_bar(rep, view, "Scalar", "Loss", "Viridis (matplotlib)")
    rep.LineWidth = 2.5
    critical_marks(pv.PassArrays(registrationName="tree nodes", Input=planar), view, "Tree nodes")
    style_axes(view, *LOSS_AXES["merge_tree"][:2])
    view.AxesGrid.XAxisUseCustomLabels = 1
    view.AxesGrid.XAxisLabels = []
    add_title(view, "Merge tree (join tree)", "merge tree title")
    make_planar(view)
    return view


def _dimension_bars(rep: object, view: object) -> None:
    """Colour the diagram's bars (cells) by ``Dimension``: H0, H1, ... with a legend below
    the critical types'."""
    pv.ColorBy(rep, ("CELLS", "Dimension"))
    set_dimension_names(1)  # a 2-D landscape's, as the states are saved (fit_views fits it)
    category_legend(rep, view, "Dimension", "Homology", 0.10)


def persistence_diagram_view(reader: object) -> object:
    """Each pair as a bar from the diagonal to (birth, death), coloured by its homology
    dimension (H0, H1, ...); ends coloured by critical type."""
    view = white_view("RenderView", "persistence_diagram")
    diagram = getattr(pv, NEEDS["persistence_diagram"])(
        reader, registrationName="persistence diagram", LogScaleLoss="Off"
    )
    diagram = _loss_axes(diagram, "persistence_diagram", "diagram")
    rep = pv.Show(diagram, view)
    _dimension_bars(rep, view)
    rep.LineWidth = 2.0
    ends = pv.PassArrays(registrationName="diagram points", Input=diagram)
    critical_marks(ends, view, "Critical type")
    style_axes(view, *LOSS_AXES["persistence_diagram"][:2])
    add_title(view, "Persistence diagram", "persistence diagram title")
    make_planar(view)
    return view


def profile_view(reader: object) -> object:
    """The topological landscape profile: basins nested by the merge tree."""
    view = white_view("RenderView", "profile")
    profile = getattr(pv, NEEDS["profile"])(
        reader, registrationName="landscape profile", LogScaleLoss="Off"
    )
    rep = pv.Show(_loss_axes(pv.OutputPort(profile, 0), "profile", "basins"), view)
    scalar_bar(rep, view, "MeanLoss", "Mean loss", "Viridis (matplotlib)", "CELLS")
    marks = _loss_axes(pv.OutputPort(profile, 1), "profile", "marks")
    critical_marks(marks, view, "Critical points")
    style_axes(view, *LOSS_AXES["profile"][:2])
    view.AxesGrid.XAxisUseCustomLabels = 1
    view.AxesGrid.XAxisLabels = []
    add_title(view, "Topological landscape profile", "profile title")
    make_planar(view)
    return view
