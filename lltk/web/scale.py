"""The loss scale of ``lltk serve``: one transform for every loss axis of the page.

The surface's heights and colours, the merge tree's and the profile's loss axis, both axes
of the persistence diagram and the barcode's axis all draw a loss ``v`` at
:meth:`LossScale.drawn` ``(v)``: the loss itself, or with the log switch on
``log10(v - min + 1e-3 * range)`` over the selected landscape's losses (finite at the
minimum, whatever the sign of the losses). Ticks are placed at round losses (decades on a
log axis) and labelled with the loss, never with the transformed value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lltk.topology.logscale import AUTO_LOG_DECADES, decades

#: The log offset as a fraction of the loss range: log10(loss - min + EPSILON * range).
EPSILON = 1e-3
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def auto_log(values) -> bool:
    """The log switch's default for a landscape: on where it spans over
    :data:`AUTO_LOG_DECADES` decades."""
    return decades(values) > AUTO_LOG_DECADES


def label(v: float) -> str:
    """A round number, short: ``0``, ``0.25``, ``1500``, ``2e+07`` -> ``2e7``."""
    if v == round(v) and abs(v) < 1e5:
        return f"{int(v)}"
    text = f"{v:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def decade(k: int) -> str:
    """``10`` with ``k`` as a superscript: ``10⁵``, ``10⁻³``."""
    return "10" + str(k).translate(_SUPERSCRIPT)


def nice_ticks(lo: float, hi: float, integer: bool = False) -> np.ndarray:
    """Round values (1, 2, 2.5, 5 times a power of ten) inside [lo, hi]; whole numbers
    only with ``integer``."""
    from matplotlib.ticker import MaxNLocator

    if not hi > lo:
        return np.array([lo])
    ticks = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=integer).tick_values(lo, hi)
    span = hi - lo
    keep = (ticks >= lo - 1e-9 * span) & (ticks <= hi + 1e-9 * span)
    if integer:
        keep &= ticks == np.round(ticks)
    return ticks[keep]


@dataclass(frozen=True)
class LossScale:
    """Linear or log drawing of the losses of one landscape (``lo``, ``hi``: its range)."""

    lo: float
    hi: float
    log: bool

    @classmethod
    def of(cls, values, log: bool) -> LossScale:
        """The scale over ``values``' finite range."""
        v = np.asarray(values, float)
        v = v[np.isfinite(v)]
        lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
        return cls(lo, hi, bool(log))

    @property
    def offset(self) -> float:
        """What the log adds to ``loss - min``: 1e-3 of the range (1 for a flat field)."""
        span = self.hi - self.lo
        return EPSILON * span if span > 0 else 1.0

    def drawn(self, v) -> np.ndarray:
        """Where loss ``v`` is drawn: the loss, or log10(loss - min + offset)."""
        v = np.asarray(v, float)
        if not self.log:
            return v
        return np.log10(np.maximum(v - self.lo, 0.0) + self.offset)

    def ticks(self, lo: float, hi: float) -> list[tuple[float, str]]:
        """Ticks between the drawn positions ``lo`` and ``hi``: (drawn position, label).
        Round losses on a linear axis; on a log axis every decade of loss inside the
        range, with round losses added where fewer than three decades fit."""
        if not self.log:
            return [(float(t), label(t)) for t in nice_ticks(lo, hi)]
        loss_lo = self.lo + 10.0**lo - self.offset
        loss_hi = self.lo + 10.0**hi - self.offset
        ticks: dict[float, str] = {}
        if loss_hi > 0:
            low = max(loss_lo, loss_hi * 1e-12)
            for k in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(loss_hi))) + 1):
                if loss_lo <= 10.0**k <= loss_hi:
                    ticks[10.0**k] = decade(k)
        if len(ticks) < 3:
            for t in nice_ticks(max(loss_lo, self.lo), loss_hi):
                ticks.setdefault(float(t), label(t))
        return sorted((float(self.drawn(t)), text) for t, text in ticks.items())
