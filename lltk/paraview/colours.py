"""The colours of TTK's ``CriticalType`` codes and of the diagram's homology dimensions,
named, in every view that shows them.

:func:`critical_names` and :func:`critical_legend` say how a landscape of a given kind
names and colours the codes; :func:`dimension_legend` names a persistence pair's
``Dimension`` (H0, H1, ...); :mod:`lltk.render.style` applies them to its views, and
:func:`install_defaults` makes them ParaView's default colour maps for any array named
``CriticalType`` or ``Dimension``, so that a filter applied in the GUI shows categorical
colours with names instead of a continuous blue-red ramp. The id arrays (:data:`ID_ARRAYS`:
a segment, a branch, a basin, a pair) get :func:`id_lookup_table`'s colours, one of its
own to each id, where a ramp gave neighbouring segments the same blue; a landscape's
``Loss`` (:data:`LOG_ARRAYS`) is coloured on a log scale.
"""

from __future__ import annotations

import colorsys
import json

import numpy as np

#: TTK's CriticalType codes and the colours of their glyphs on a 3-D grid landscape.
CRITICAL_COLOURS = {
    0: ("minimum", [0.13, 0.40, 0.90]),
    1: ("1-saddle", [0.98, 0.85, 0.10]),
    2: ("2-saddle", [1.00, 0.55, 0.00]),
    3: ("maximum", [0.85, 0.10, 0.10]),
    4: ("degenerate", [0.60, 0.20, 0.70]),
}
#: The colour of each homology dimension's pairs (H0 to H5: a 6-D grid's diagram has
#: them all), none a critical type's (the diagram's ends carry those), and of the
#: diagonal (``Dimension`` -1).
DIMENSION_COLOURS = [
    [0.00, 0.62, 0.45],
    [0.80, 0.47, 0.65],
    [0.34, 0.71, 0.91],
    [0.55, 0.34, 0.29],
    [0.00, 0.00, 0.00],
    [0.50, 0.50, 0.00],
]
DIAGONAL_COLOUR = [0.55, 0.55, 0.55]
#: The priority of lltk's defaults among ParaView's settings: below the user's own
#: (1.0 and up) and the site's, above nothing.
DEFAULTS_PRIORITY = 0.05


def critical_names(kind: str) -> dict[int, tuple[str, list[float]]]:
    """TTK's CriticalType codes named (and coloured) by what they are in a landscape of
    ``kind`` ("surface", "volume", "ndgrid" or "points"). TTK's codes stay in the arrays:
    on a 2-D grid a saddle is 1 in the critical points and 2 in a saddle-maximum pair of
    the diagram, yet a 2-D landscape has one kind of saddle; a 3-D grid has 1- and
    2-saddles; on a grid of 4 to 6 axes ("ndgrid") code 2 is every k-saddle with k >= 2
    (a pair's ``Dimension`` tells k)."""
    if kind == "volume":
        return dict(CRITICAL_COLOURS)
    if kind == "ndgrid":
        return {**CRITICAL_COLOURS, 2: ("k-saddle (k >= 2)", CRITICAL_COLOURS[2][1])}
    names = dict(CRITICAL_COLOURS)
    names[1] = names[2] = ("saddle", CRITICAL_COLOURS[1][1])
    return names


def critical_legend(kind: str) -> tuple[list[str], list[float], list[float]]:
    """A categorical colour map's ``Annotations``, ``IndexedColors`` and ``NanColor`` for
    the codes of a landscape of ``kind``, each name once (a 2-D landscape's codes 1 and
    2 are both its one kind of saddle: the code not listed takes the NaN colour)."""
    shown: dict[int, tuple[str, list[float]]] = {}
    other = [0.5, 0.5, 0.5]
    for code, (label, colour) in critical_names(kind).items():
        if any(label == seen for seen, _ in shown.values()):
            other = colour
        else:
            shown[code] = (label, colour)
    annotations = [x for k, (label, _) in shown.items() for x in (str(k), label)]
    colours = [c for _, colour in shown.values() for c in colour]
    return annotations, colours, other


def dimension_legend(
    top: int = len(DIMENSION_COLOURS) - 1,
) -> tuple[list[str], list[float], list[float]]:
    """A categorical colour map's ``Annotations``, ``IndexedColors`` and ``NanColor`` for
    the diagram's ``Dimension`` array: H0 to H``top`` (:data:`DIMENSION_COLOURS`; a grid
    of n axes has H0 to H(n - 1), a graph H0), the diagonal (-1) unnamed in grey."""
    annotations: list[str] = []
    colours: list[float] = []
    for k, colour in enumerate(DIMENSION_COLOURS[: top + 1]):
        annotations += [str(k), f"H{k}"]
        colours += colour
    return annotations, colours, DIAGONAL_COLOUR


#: Arrays coloured on a log scale by default: a landscape's loss, which spans decades
#: where a network fails (ParaView's log map takes a range that reaches zero or below to
#: a positive one, with a message).
LOG_ARRAYS = ("Loss",)
#: ParaView 5.11's default colour map (*Cool to Warm*, the ``RGBPoints`` a new map starts
#: from), which :data:`LOG_ARRAYS` keep on their log scale.
PARAVIEW_RAMP = [
    *(0.0, 0.231373, 0.298039, 0.752941),
    *(0.5, 0.865003, 0.865003, 0.865003),
    *(1.0, 0.705882, 0.0156863, 0.14902),
]
#: Integer arrays that name things (TTK's names): coloured as categories, not on a ramp.
ID_ARRAYS = ("SegmentationId", "BranchId", "BasinId", "PairIdentifier", "NodeId")
#: Colours in the id map: up to this many ids get one each (a longer range shares them).
ID_COLOURS = 256
#: The golden ratio's fractional part: hues this far apart never come back near each other.
GOLDEN = (5**0.5 - 1) / 2


def id_palette(n: int = ID_COLOURS) -> np.ndarray:
    """``n`` RGB colours, each far in hue from the one before (golden-ratio steps around
    the hue circle) and alternately lighter and darker.

    >>> p = id_palette(8)
    >>> p.shape, bool(np.all(np.abs(np.diff(p, axis=0)).max(axis=1) > 0.2))
    ((8, 3), True)
    """
    return np.array(
        [
            colorsys.hsv_to_rgb((i * GOLDEN) % 1.0, 0.7, 0.95 if i % 2 == 0 else 0.7)
            for i in range(n)
        ]
    )


def id_lookup_table(n: int = ID_COLOURS) -> dict:
    """ParaView colour-map settings for an id array: :func:`id_palette` as ``n`` discrete
    colours, one at each of the ``n`` values ParaView samples the map at, so that ids
    0 .. N - 1 (N up to ``n``) each get a colour of their own and neighbouring ids
    differ. Not categorical (``IndexedLookup``): that needs a name for every id, and the
    ids a filter makes are not known where the GUI picks a colour map."""
    colours = id_palette(n)
    points = np.column_stack([np.linspace(0.0, 1.0, n), colours]).ravel()
    return {
        "RGBPoints": [float(x) for x in points],
        "ColorSpace": 0,  # RGB: the colours as given
        "Discretize": 1,
        "NumberOfTableValues": n,
        "IndexedLookup": 0,
    }


def _categories(legend: tuple[list[str], list[float], list[float]]) -> dict:
    annotations, colours, nan = legend
    return {
        "IndexedLookup": 1,  # the XML name of Interpret Values As Categories
        "AnnotationsInitialized": 1,
        "Annotations": annotations,
        "IndexedColors": colours,
        "NanColor": nan,
    }


def log_ramp(points: list[float]) -> list[float]:
    """A colour map's ``RGBPoints`` (x, r, g, b, ...) placed on 1 .. 10, each x at 10 to
    its relative place, so that a log-scale map starts on a range valid for log (from
    ParaView's 0 .. 1, every new log map warned in *Output Messages*) and rescales to the
    data in log space with the linear map's look.

    >>> log_ramp([0.0, 0, 0, 1, 0.5, 1, 1, 1, 1.0, 1, 0, 0])[0::4]
    [1.0, 3.1622776601683795, 10.0]
    """
    lo, hi = points[0], points[-4]
    placed = list(points)
    placed[0::4] = [10.0 ** ((x - lo) / (hi - lo)) for x in points[0::4]]
    return placed


def default_settings() -> dict:
    """ParaView settings (its JSON layout) that colour any ``CriticalType`` array by
    :func:`critical_legend` (a saddle named once: the landscape's dimension is not known
    where the GUI picks a colour map), any ``Dimension`` array by :func:`dimension_legend`,
    the :data:`ID_ARRAYS` by :func:`id_lookup_table` and the :data:`LOG_ARRAYS` on a log
    scale, in ParaView's default colours (:data:`PARAVIEW_RAMP`) by :func:`log_ramp`."""
    log_map = {"UseLogScale": 1, "RGBPoints": log_ramp(PARAVIEW_RAMP)}
    return {
        "array_lookup_tables": {
            **{name: {"PVLookupTable": log_map} for name in LOG_ARRAYS},
            "CriticalType": {"PVLookupTable": _categories(critical_legend("surface"))},
            "Dimension": {"PVLookupTable": _categories(dimension_legend())},
            **{name: {"PVLookupTable": id_lookup_table()} for name in ID_ARRAYS},
        }
    }


def install_defaults() -> None:
    """Make :func:`default_settings` this ParaView session's defaults, below the user's
    own (a colour map the user saved as default for ``CriticalType`` wins)."""
    from paraview.modules.vtkRemotingServerManager import vtkSMSettings

    vtkSMSettings.GetInstance().AddCollectionFromString(
        json.dumps(default_settings()), DEFAULTS_PRIORITY
    )
