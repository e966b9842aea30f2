"""Small SVG charts for the page's 2-D views: scatter, diagram, barcode, tree, profile, curve.

Each function returns one ``<svg>`` string. Clickable marks carry ``data-name`` (a
landscape) or ``data-pair`` (a persistence pair), which the page's click handler reads;
every text is escaped, since file names reach the page through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

#: TTK PairType -> colour (minimum-saddle, saddle-saddle, saddle-maximum, global pair).
PAIR_COLOURS = {0: "#1f77b4", 1: "#2ca02c", 2: "#d62728", -1: "#7f7f7f"}
#: The selected pair (and its two vertices on the surface).
SELECTED = "#ffbf00"
#: Chart size in pixels and the margin left for the axes' labels.
WIDTH, HEIGHT, MARGIN = 330, 240, 52


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def _tick(v: float) -> str:
    """An axis end value, short enough for the margin."""
    return f"{v:.2g}"


class Frame:
    """Maps data (x, y) into the chart's pixels (y up) with a margin for the labels."""

    def __init__(self, x: np.ndarray, y: np.ndarray, pad: float = 0.05) -> None:
        x, y = np.asarray(x, float), np.asarray(y, float)
        self.x0, self.x1 = _limits(x, pad)
        self.y0, self.y1 = _limits(y, pad)

    def px(self, x) -> np.ndarray:
        """Pixel columns of ``x``."""
        return MARGIN + (np.asarray(x, float) - self.x0) / (self.x1 - self.x0) * (
            WIDTH - MARGIN - 8
        )

    def py(self, y) -> np.ndarray:
        """Pixel rows of ``y``."""
        return (
            HEIGHT
            - MARGIN
            + (np.asarray(y, float) - self.y0) / (self.y1 - self.y0) * (8 + MARGIN - HEIGHT)
        )

    def axes(self, xlabel: str, ylabel: str) -> str:
        """Two axis lines, their end values and labels."""
        b, left = HEIGHT - MARGIN, MARGIN
        return (
            f'<path d="M{left},8 V{b} H{WIDTH - 8}" stroke="#444" fill="none"/>'
            f'<text x="{left}" y="{b + 14}" font-size="10">{_tick(self.x0)}</text>'
            f'<text x="{WIDTH - 8}" y="{b + 14}" font-size="10" text-anchor="end">'
            f"{_tick(self.x1)}</text>"
            f'<text x="{(left + WIDTH) / 2}" y="{HEIGHT - 4}" font-size="11" '
            f'text-anchor="middle">{escape(xlabel)}</text>'
            f'<text x="{left - 3}" y="{b}" font-size="10" text-anchor="end">{_tick(self.y0)}</text>'
            f'<text x="{left - 3}" y="16" font-size="10" text-anchor="end">{_tick(self.y1)}</text>'
            f'<text x="10" y="{(b + 8) / 2}" font-size="11" text-anchor="middle" '
            f'transform="rotate(-90 10 {(b + 8) / 2})">{escape(ylabel)}</text>'
        )


def _limits(v: np.ndarray, pad: float) -> tuple[float, float]:
    v = v[np.isfinite(v)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - pad * span, hi + pad * span


def _svg(body: str, testid: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" data-testid="{testid}" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">'
        f"{body}</svg>"
    )


def message(text: str, testid: str) -> str:
    """A chart that only says ``text`` (nothing to draw)."""
    return _svg(
        f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" font-size="12" text-anchor="middle" '
        f'fill="#666">{escape(text)}</text>',
        testid,
    )


def scatter(
    xy: np.ndarray, names: Sequence[str], groups: Sequence[str], selected: str | None
) -> str:
    """The global view: one point per landscape, coloured by group, with a legend."""
    if len(names) == 0:
        return message("no readable landscape", "mds")
    xy = np.asarray(xy, float).reshape(-1, 2)
    frame = Frame(xy[:, 0], xy[:, 1], pad=0.12)
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    order = list(dict.fromkeys(groups))
    tab10 = colormaps["tab10"].colors
    colour = {g: to_hex(tab10[i % len(tab10)]) for i, g in enumerate(order)}
    px, py = frame.px(xy[:, 0]), frame.py(xy[:, 1])
    marks = []
    for x, y, name, group in zip(px, py, names, groups, strict=True):
        ring = ' stroke="#000" stroke-width="2.5"' if name == selected else ""
        marks.append(
            f'<circle data-name="{escape(name)}" cx="{x:.1f}" cy="{y:.1f}" r="6" '
            f'fill="{colour[group]}"{ring} style="cursor:pointer"><title>{escape(name)}</title>'
            "</circle>"
        )
    legend = "".join(
        f'<circle cx="{WIDTH - 8}" cy="{14 + 12 * i}" r="4" fill="{colour[g]}"/>'
        f'<text x="{WIDTH - 15}" y="{18 + 12 * i}" font-size="9" text-anchor="end">'
        f"{escape(g)}</text>"
        for i, g in enumerate(order[:12])
    )
    return _svg(frame.axes("MDS 1", "MDS 2") + "".join(marks) + legend, "mds")


def diagram(birth, death, pair_type, selected: int | None) -> str:
    """The persistence diagram: (birth, death) per pair, the diagonal, coloured by type."""
    birth, death = np.asarray(birth, float), np.asarray(death, float)
    if birth.size == 0:
        return message("no persistence pair", "diagram")
    both = np.concatenate([birth, death])
    frame = Frame(both, both)
    lo, hi = frame.x0, frame.x1
    body = [
        f'<line x1="{frame.px(lo):.1f}" y1="{frame.py(lo):.1f}" x2="{frame.px(hi):.1f}" '
        f'y2="{frame.py(hi):.1f}" stroke="#999" stroke-dasharray="3,3"/>'
    ]
    for i, (b, d, t) in enumerate(zip(birth, death, pair_type, strict=True)):
        fill = SELECTED if i == selected else PAIR_COLOURS.get(int(t), "#000")
        r = 7 if i == selected else 4.5
        body.append(
            f'<circle data-pair="{i}" cx="{frame.px(b):.1f}" cy="{frame.py(d):.1f}" r="{r}" '
            f'fill="{fill}" stroke="#222" stroke-width="0.5" style="cursor:pointer">'
            f"<title>pair {i}: {_fmt(b)} → {_fmt(d)}</title></circle>"
        )
    return _svg(frame.axes("birth (loss)", "death (loss)") + "".join(body), "diagram")


def barcode(birth, death, pair_type, selected: int | None) -> str:
    """The barcode: one bar per pair from birth to death, longest first."""
    birth, death = np.asarray(birth, float), np.asarray(death, float)
    if birth.size == 0:
        return message("no persistence pair", "barcode")
    order = np.argsort(-(death - birth), kind="stable")
    frame = Frame(np.concatenate([birth, death]), [0, 1], pad=0.02)
    step = (HEIGHT - MARGIN - 10) / order.size
    body = []
    for row, i in enumerate(order):
        y = 8 + row * step
        fill = SELECTED if i == selected else PAIR_COLOURS.get(int(pair_type[i]), "#000")
        x0, x1 = frame.px(birth[i]), frame.px(death[i])
        body.append(
            f'<rect data-pair="{i}" x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 1.5):.1f}" '
            f'height="{max(step * 0.8, 1):.2f}" fill="{fill}" style="cursor:pointer">'
            f"<title>pair {i}: {_fmt(birth[i])} → {_fmt(death[i])}</title></rect>"
        )
    return _svg(frame.axes("loss", "pairs by persistence") + "".join(body), "barcode")


def lines(points: np.ndarray, cells: np.ndarray, marked, testid: str, labels) -> str:
    """Line segments (``cells`` index ``points``' x, y) with the ``marked`` points ringed:
    the planar merge tree."""
    points = np.asarray(points, float)
    if len(cells) == 0:
        return message("a single basin: no saddle", testid)
    frame = Frame(points[:, 0], points[:, 1])
    px, py = frame.px(points[:, 0]), frame.py(points[:, 1])
    body = "".join(
        f'<line x1="{px[a]:.1f}" y1="{py[a]:.1f}" x2="{px[b]:.1f}" y2="{py[b]:.1f}" '
        'stroke="#333" stroke-width="1.5"/>'
        for a, b in cells
    )
    body += "".join(
        f'<circle cx="{px[k]:.1f}" cy="{py[k]:.1f}" r="5" fill="{SELECTED}" stroke="#000"/>'
        for k in marked
    )
    return _svg(frame.axes(*labels) + body, testid)


def polygons(points: np.ndarray, cells: np.ndarray, values: np.ndarray, testid: str, labels) -> str:
    """Filled polygons coloured by ``values`` (viridis): the landscape profile's basins.
    Polygons of one value share one ``<path>`` (a profile has a quad per vertex)."""
    points = np.asarray(points, float)
    if len(cells) == 0:
        return message("nothing to draw", testid)
    frame = Frame(points[:, 0], points[:, 1], pad=0.02)
    px, py = frame.px(points[:, 0]), frame.py(points[:, 1])
    shapes = ["M" + " L".join(f"{px[k]:.1f},{py[k]:.1f}" for k in cell) + "Z" for cell in cells]
    levels, group = np.unique(np.asarray(values, float), return_inverse=True)
    body = "".join(
        f'<path d="{"".join(shapes[i] for i in np.flatnonzero(group == g))}" fill="{c}" '
        f'stroke="{c}" stroke-width="0.3"/>'
        for g, c in enumerate(viridis_hex(levels))
    )
    return _svg(frame.axes(*labels) + body, testid)


def curve(x, y, testid: str, labels) -> str:
    """A line plot: the Hessian's spectral density."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    frame = Frame(x, y)
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{a:.1f},{b:.1f}"
        for i, (a, b) in enumerate(zip(frame.px(x), frame.py(y), strict=True))
    )
    body = f'<path d="{path}" stroke="#9467bd" stroke-width="1.5" fill="none"/>'
    return _svg(frame.axes(*labels) + body, testid)


def viridis_hex(values) -> list[str]:
    """``values`` mapped over their range to matplotlib's viridis (``#rrggbb``)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    v = np.asarray(values, float)
    lo, hi = (float(np.nanmin(v)), float(np.nanmax(v))) if v.size else (0.0, 1.0)
    t = np.nan_to_num((v - lo) / (hi - lo)) if hi > lo else np.zeros_like(v)
    return [to_hex(c) for c in colormaps["viridis"](t)]
