"""Small SVG charts for the page's 2-D views: scatter, diagram, barcode, tree, profile, curve.

Each function returns one ``<svg>`` string. Clickable marks carry ``data-name`` (a
landscape) or ``data-pair`` (a persistence pair), which the page's click handler reads;
every text is escaped, since file names reach the page through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

from lltk.web.scale import LossScale, label, nice_ticks

#: TTK PairType -> colour (minimum-saddle, saddle-saddle, saddle-maximum, global pair).
PAIR_COLOURS = {0: "#1f77b4", 1: "#2ca02c", 2: "#d62728", -1: "#7f7f7f"}
#: The selected pair (and its two vertices on the surface).
SELECTED = "#ffbf00"
#: Chart size in pixels and the margin left for the axes' labels.
WIDTH, HEIGHT, MARGIN = 330, 240, 52


def _fmt(v: float) -> str:
    return f"{v:.3g}"


#: Ticks closer than this many pixels are thinned out (x labels are wider than tall).
TICK_GAP_X, TICK_GAP_Y = 30, 14


class Axis:
    """One axis: the drawn range of ``values`` and its ticks. With a loss ``scale`` the
    values are losses drawn by :class:`~lltk.web.scale.LossScale` (the one transform of
    every loss axis), and the axis starts at the smallest loss: losses never lie below
    it, so the padding goes on top only (other values never padded below 0 where none is
    negative). ``integer`` ticks for counts; ``ticks=False``
    for a layout coordinate with no unit."""

    def __init__(
        self,
        values,
        pad: float = 0.05,
        scale: LossScale | None = None,
        integer: bool = False,
        ticks: bool = True,
    ) -> None:
        v = np.asarray(values, float).ravel()
        v = v[np.isfinite(v)]
        self.scale, self.integer, self.show_ticks = scale, integer, ticks
        drawn = scale.drawn(v) if scale is not None else v
        lo, hi = (float(drawn.min()), float(drawn.max())) if drawn.size else (0.0, 1.0)
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        # losses start at their minimum; other values pad below without crossing 0
        self.lo = lo if scale is not None else lo - pad * span
        if scale is None and lo >= 0:
            self.lo = max(self.lo, 0.0)
        self.hi = hi + pad * span

    def drawn(self, v) -> np.ndarray:
        """``v`` in the axis' drawn units."""
        return self.scale.drawn(v) if self.scale is not None else np.asarray(v, float)

    def ticks(self) -> list[tuple[float, str]]:
        """(drawn position, label) of each tick."""
        if not self.show_ticks:
            return []
        if self.scale is not None:
            return self.scale.ticks(self.lo, self.hi)
        return [(float(t), label(t)) for t in nice_ticks(self.lo, self.hi, self.integer)]


def _thinned(ticks: list[tuple[float, str]], pixels, gap: float) -> list[tuple[float, str, float]]:
    """Ticks with their pixel, dropping any closer than ``gap`` to one kept (from the
    largest value down)."""
    kept: list[tuple[float, str, float]] = []
    for value, text in sorted(ticks, reverse=True):
        p = float(pixels(value))
        if all(abs(p - q) >= gap for _, _, q in kept):
            kept.append((value, text, p))
    return kept


class Frame:
    """Maps data (x, y) into the chart's pixels (y up) with a margin for the labels."""

    def __init__(self, x: Axis, y: Axis) -> None:
        self.x, self.y = x, y

    def _px(self, drawn) -> np.ndarray:
        t = (np.asarray(drawn, float) - self.x.lo) / (self.x.hi - self.x.lo)
        return MARGIN + t * (WIDTH - MARGIN - 8)

    def _py(self, drawn) -> np.ndarray:
        t = (np.asarray(drawn, float) - self.y.lo) / (self.y.hi - self.y.lo)
        return HEIGHT - MARGIN + t * (8 + MARGIN - HEIGHT)

    def px(self, x) -> np.ndarray:
        """Pixel columns of ``x``."""
        return self._px(self.x.drawn(x))

    def py(self, y) -> np.ndarray:
        """Pixel rows of ``y``."""
        return self._py(self.y.drawn(y))

    def axes(self, xlabel: str, ylabel: str) -> str:
        """Two axis lines, their ticks and labels."""
        b, left = HEIGHT - MARGIN, MARGIN
        parts = [f'<path d="M{left},8 V{b} H{WIDTH - 8}" stroke="#444" fill="none"/>']
        for _, text, p in _thinned(self.x.ticks(), self._px, TICK_GAP_X):
            anchor = "end" if p > WIDTH - 24 else "start" if p < left + 12 else "middle"
            parts.append(
                f'<line x1="{p:.1f}" y1="{b}" x2="{p:.1f}" y2="{b + 4}" stroke="#444"/>'
                f'<text class="tick x" x="{p:.1f}" y="{b + 15}" font-size="10" '
                f'text-anchor="{anchor}">{escape(text)}</text>'
            )
        for _, text, p in _thinned(self.y.ticks(), self._py, TICK_GAP_Y):
            parts.append(
                f'<line x1="{left - 4}" y1="{p:.1f}" x2="{left}" y2="{p:.1f}" stroke="#444"/>'
                f'<text class="tick y" x="{left - 6}" y="{p + 3.5:.1f}" font-size="10" '
                f'text-anchor="end">{escape(text)}</text>'
            )
        parts.append(
            f'<text x="{(left + WIDTH) / 2}" y="{HEIGHT - 4}" font-size="11" '
            f'text-anchor="middle">{escape(xlabel)}</text>'
            f'<text x="10" y="{(b + 8) / 2}" font-size="11" text-anchor="middle" '
            f'transform="rotate(-90 10 {(b + 8) / 2})">{escape(ylabel)}</text>'
        )
        return "".join(parts)


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
    frame = Frame(Axis(xy[:, 0], pad=0.12), Axis(xy[:, 1], pad=0.12))
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


def diagram(birth, death, pair_type, selected: int | None, scale: LossScale) -> str:
    """The persistence diagram: (birth, death) per pair, the diagonal, coloured by type;
    both axes drawn by the loss ``scale``."""
    birth, death = np.asarray(birth, float), np.asarray(death, float)
    if birth.size == 0:
        return message("no persistence pair", "diagram")
    both = np.concatenate([birth, death])
    frame = Frame(Axis(both, scale=scale), Axis(both, scale=scale))
    # one scale and one range on both axes: the diagonal runs corner to corner
    body = [
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - 8}" y2="8" '
        'stroke="#999" stroke-dasharray="3,3"/>'
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


def barcode(birth, death, pair_type, selected: int | None, scale: LossScale) -> str:
    """The barcode: one bar per pair from birth to death (drawn by the loss ``scale``),
    longest first."""
    birth, death = np.asarray(birth, float), np.asarray(death, float)
    if birth.size == 0:
        return message("no persistence pair", "barcode")
    order = np.argsort(-(death - birth), kind="stable")
    frame = Frame(Axis(np.concatenate([birth, death]), scale=scale), Axis([0, 1], ticks=False))
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


def lines(
    points: np.ndarray, cells: np.ndarray, marked, testid: str, labels, scale: LossScale
) -> str:
    """Line segments (``cells`` index ``points``' x, a count, and y, a loss drawn by
    ``scale``) with the ``marked`` points ringed: the planar merge tree."""
    points = np.asarray(points, float)
    if len(cells) == 0:
        return message("a single basin: no saddle", testid)
    frame = Frame(Axis(points[:, 0], integer=True), Axis(points[:, 1], scale=scale))
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


def polygons(
    points: np.ndarray,
    cells: np.ndarray,
    values: np.ndarray,
    testid: str,
    labels,
    scale: LossScale,
) -> str:
    """Filled polygons (x a count, y a loss) coloured by ``values`` (losses; viridis over
    their range as ``scale`` draws them): the landscape profile's basins. Polygons of one
    value share one ``<path>`` (a profile has a quad per vertex)."""
    points = np.asarray(points, float)
    if len(cells) == 0:
        return message("nothing to draw", testid)
    frame = Frame(Axis(points[:, 0], pad=0.02, integer=True), Axis(points[:, 1], scale=scale))
    px, py = frame.px(points[:, 0]), frame.py(points[:, 1])
    shapes = ["M" + " L".join(f"{px[k]:.1f},{py[k]:.1f}" for k in cell) + "Z" for cell in cells]
    levels, group = np.unique(np.asarray(values, float), return_inverse=True)
    body = "".join(
        f'<path d="{"".join(shapes[i] for i in np.flatnonzero(group == g))}" fill="{c}" '
        f'stroke="{c}" stroke-width="0.3"/>'
        for g, c in enumerate(viridis_hex(scale.drawn(levels)))
    )
    return _svg(frame.axes(*labels) + body, testid)


def curve(x, y, testid: str, labels) -> str:
    """A line plot: the Hessian's spectral density."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    frame = Frame(Axis(x), Axis(y))
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


#: Heat map: colours of a linearly connected pair's outline and of a missing value.
CONNECTED, MISSING = "#2ca02c", "#cccccc"


def heatmap(seeds: Sequence[int], matrix, connected, every, testid: str = "barriers") -> str:
    """A symmetric matrix between seeds (the loss barriers), one labelled cell per pair
    coloured on the study figure's log scale over ``every`` value
    (:func:`lltk.study.connectivity.colour_range`, magma reversed), a colour bar, and
    linearly ``connected`` pairs outlined."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    from lltk.study.connectivity import colour_range

    m = np.asarray(matrix, float)
    lo, hi = colour_range(every)
    n = len(seeds)
    left, top, size = 44, 30, 180
    step = size / max(n, 1)

    def t(v):
        return np.clip((np.log10(v) - np.log10(lo)) / (np.log10(hi) - np.log10(lo)), 0, 1)

    cmap = colormaps["magma_r"]
    parts = [
        f'<text x="{left + size / 2}" y="12" font-size="10" text-anchor="middle">seed</text>',
        f'<text x="12" y="{top + size / 2}" font-size="10" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + size / 2})">seed</text>',
    ]
    for k, s in enumerate(seeds):
        c = left + (k + 0.5) * step
        parts.append(
            f'<text class="seed" x="{c:.1f}" y="{top - 4}" font-size="10" '
            f'text-anchor="middle">{escape(str(s))}</text>'
            f'<text class="seed" x="{left - 4}" y="{top + (k + 0.5) * step + 3:.1f}" '
            f'font-size="10" text-anchor="end">{escape(str(s))}</text>'
        )
    font = max(7.0, min(11.0, step / 4))
    for i in range(n):
        for j in range(n):
            x, y = left + j * step, top + i * step
            cx, cy = x + step / 2, y + step / 2 + font / 3
            if i == j:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{step:.1f}" height="{step:.1f}" '
                    'fill="#f4f4f4" stroke="#fff"/>'
                    f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{font:.1f}" fill="#999" '
                    'text-anchor="middle">–</text>'
                )
                continue
            v = m[i, j]
            ok = np.isfinite(v) and v > 0
            fill = to_hex(cmap(t(v))) if ok else (to_hex(cmap(0.0)) if v == 0 else MISSING)
            ink = "#fff" if ok and t(v) > 0.5 else "#000"
            outline = (
                f'stroke="{CONNECTED}" stroke-width="3"' if connected[i][j] else 'stroke="#fff"'
            )
            title = f"seeds {seeds[i]} and {seeds[j]}: barrier {v:.4g}" + (
                ", linearly connected" if connected[i][j] else ""
            )
            inset = 1.5 if connected[i][j] else 0.0
            parts.append(
                f'<rect class="cell" data-seeds="{escape(str(seeds[i]))},{escape(str(seeds[j]))}" '
                f'data-barrier="{v!r}" data-connected="{int(bool(connected[i][j]))}" '
                f'x="{x + inset:.1f}" y="{y + inset:.1f}" width="{step - 2 * inset:.1f}" '
                f'height="{step - 2 * inset:.1f}" fill="{fill}" {outline}>'
                f"<title>{escape(title)}</title></rect>"
                f'<text class="value" x="{cx:.1f}" y="{cy:.1f}" font-size="{font:.1f}" '
                f'fill="{ink}" text-anchor="middle" pointer-events="none">{_fmt(v)}</text>'
            )
    bar_x, steps = left + size + 16, 40
    for k in range(steps):
        frac = 1 - (k + 0.5) / steps
        parts.append(
            f'<rect x="{bar_x}" y="{top + k * size / steps:.1f}" width="12" '
            f'height="{size / steps + 0.5:.1f}" fill="{to_hex(cmap(frac))}"/>'
        )
    decades = np.arange(np.ceil(np.log10(lo)), np.floor(np.log10(hi)) + 1)
    ticks = [lo, hi] + [10.0**d for d in decades]
    kept: list[float] = []
    for v in sorted(ticks, key=lambda v: (v not in (lo, hi), v)):
        y = top + (1 - t(v)) * size
        if all(abs(y - (top + (1 - t(u)) * size)) >= 12 for u in kept):
            kept.append(v)
            parts.append(
                f'<line x1="{bar_x + 12}" x2="{bar_x + 15}" y1="{y:.1f}" y2="{y:.1f}" '
                'stroke="#333"/>'
                f'<text class="tick" x="{bar_x + 17}" y="{y + 3:.1f}" font-size="9">'
                f"{_fmt(v)}</text>"
            )
    parts.append(
        f'<text x="{bar_x + 6}" y="{top + size + 14}" font-size="9" text-anchor="middle">'
        "barrier</text>"
        f'<rect x="{left}" y="{top + size + 8}" width="10" height="10" fill="none" '
        f'stroke="{CONNECTED}" stroke-width="2.5"/>'
        f'<text x="{left + 15}" y="{top + size + 17}" font-size="10">linearly connected</text>'
    )
    return _svg("".join(parts), testid)
