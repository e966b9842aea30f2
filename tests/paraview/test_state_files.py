"""The saved states (pvstates/*.pvsm) as saved, before anything fits them: their
critical-type names suit their landscape, their drawings leave the log loss axis to the
state's own calculators, and their landscape asks lltk's plugins to fit them on load."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from conftest import REPO

STATES = REPO / "pvstates"


def _property_values(state: str, proxy_type: str | None, name: str) -> list[list[str]]:
    root = ET.parse(STATES / f"{state}.pvsm").getroot()
    out = []
    for proxy in root.iter("Proxy"):
        if proxy_type is not None and proxy.get("type") != proxy_type:
            continue
        for prop in proxy.findall("Property"):
            if prop.get("name") == name:
                out.append([e.get("value") for e in prop.findall("Element")])
    return out


@pytest.mark.parametrize(
    "state, saddles",
    [
        ("merge_tree", {"saddle"}),
        ("persistence_diagram", {"saddle"}),
        ("layout", {"saddle"}),
        ("landscape_volume", {"1-saddle", "2-saddle"}),
    ],
)
def test_saddles_named_for_the_states_landscape(state, saddles) -> None:
    names = {v for values in _property_values(state, None, "Annotations") for v in values}
    assert {n for n in names if "saddle" in n} == saddles


@pytest.mark.parametrize(
    "state",
    sorted(p.stem for p in STATES.glob("*.pvsm") if p.stem not in ("hessian_density", "solution")),
)
def test_the_landscape_asks_to_be_fitted_on_load(state) -> None:
    """lltk's plugins fit a loaded state whose landscape reader carries this annotation
    (lltk.render.loading); the Hessian density and solution states read no landscape."""
    root = ET.parse(STATES / f"{state}.pvsm").getroot()
    marks = [
        proxy.get("group")
        for proxy in root.iter("Proxy")
        for note in proxy.findall("Annotation")
        if note.get("key") == "lltk.FitOnLoad" and note.get("value") == "1"
    ]
    assert marks == ["sources"]


@pytest.mark.parametrize("state", ["merge_tree", "persistence_diagram", "profile", "layout"])
def test_drawings_keep_a_linear_loss_axis(state) -> None:
    """The states put log10 on their loss axes themselves: the filters' own drawing stays
    linear (Off = 1), or a wide landscape would get log10 twice."""
    found = [
        values
        for kind in ("LossMergeTree", "LossPersistenceDiagram", "TopologicalLandscapeProfile")
        for values in _property_values(state, kind, "LogScaleLoss")
    ]
    assert found and all(values == ["1"] for values in found)


@pytest.mark.parametrize(
    "state",
    # the Hessian density is a chart: no colour map; the persistence diagram's colours
    # are all categorical (bars by Dimension, ends by CriticalType)
    sorted(
        p.stem
        for p in STATES.glob("*.pvsm")
        if p.stem not in ("hessian_density", "persistence_diagram")
    ),
)
def test_colours_rescale_to_the_loaded_data(state) -> None:
    """Should nothing fit a loaded state (lltk's plugins do: test_paraview_gui), its
    colour maps kept the range of the landscape it was built on (on the beta = 50 PINN
    the tree turned all yellow): each ramp rescales to the data whenever its
    representation is shown (checked in the GUI: the tree's legend then reads
    32.7 .. 5.72e7, not 0.971 .. 2.42)."""
    categorical = _property_values(state, "PVLookupTable", "IndexedLookup")
    modes = _property_values(state, "PVLookupTable", "AutomaticRescaleRangeMode")
    on_show = _property_values(state, "PVLookupTable", "RescaleOnVisibilityChange")
    ramps = [i for i, c in enumerate(categorical) if c == ["0"]]
    assert ramps, f"{state}: no colour ramp found"
    for i in ramps:
        assert modes[i] == ["3"] and on_show[i] == ["1"], (state, i, modes[i], on_show[i])


@pytest.mark.parametrize("state", ["persistence_diagram", "layout"])
def test_diagram_bars_coloured_by_named_dimension(state) -> None:
    """The diagram's bars are coloured by their cells' Dimension, with categorical names
    (a 2-D landscape's H0 and H1 as saved; the Python states fit them to the diagram)."""
    colour = _property_values(state, "UnstructuredGridRepresentation", "ColorArrayName")
    assert any(values[-2:] == ["1", "Dimension"] for values in colour), colour
    names = {v for values in _property_values(state, None, "Annotations") for v in values}
    assert {"H0", "H1"} <= names and "H2" not in names
