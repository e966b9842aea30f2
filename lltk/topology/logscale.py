"""The log loss axis of the planar drawings (merge tree, persistence diagram, profile).

A loss that spans decades (a failing network, a long step along a Hessian direction)
draws as a tall line and a smear on a linear axis. These functions say when a loss axis
goes to a log scale and move only the drawn coordinates there: the data arrays
(``Scalar``, ``Persistence``, births and deaths) keep the losses themselves.
"""

from __future__ import annotations

import numpy as np

#: A loss axis turns to a log scale by itself above this many decades (max / min loss).
AUTO_LOG_DECADES = 3.0
#: Where a loss is 0 or below, the log axis draws log10(loss - min + LOG_OFFSET * range).
LOG_OFFSET = 1e-3
#: The loss-axis modes of the filters' *Log Scale Loss* property, in its order.
MODES = ("automatic", "off", "on")


def decades(values) -> float:
    """How many decades the finite losses span: log10(max / min) when all are positive,
    else 0 (a loss of 0 or below has no decades to count)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0 or v.min() <= 0:
        return 0.0
    return float(np.log10(v.max() / v.min()))


def uses_log(values, mode: str) -> bool:
    """Whether the loss axis of a drawing of ``values`` is logarithmic: ``mode`` "on",
    or "automatic" and the losses span over :data:`AUTO_LOG_DECADES` decades."""
    if mode not in MODES:
        raise ValueError(f"loss scale mode {mode!r}: use one of {', '.join(MODES)}")
    return mode == "on" or (mode == "automatic" and decades(values) > AUTO_LOG_DECADES)


class LogLoss:
    """The map from a loss to its drawn coordinate on the log axis of a landscape whose
    finite losses run from ``lo`` to ``hi``: log10(loss) where ``lo`` > 0, else
    log10(loss - lo + LOG_OFFSET * (hi - lo)) (finite at the minimum)."""

    def __init__(self, values) -> None:
        v = np.asarray(values, float)
        v = v[np.isfinite(v)]
        self.lo, self.hi = (float(v.min()), float(v.max())) if v.size else (1.0, 1.0)
        span = self.hi - self.lo
        self.shift = 0.0 if self.lo > 0 else -self.lo + LOG_OFFSET * (span if span > 0 else 1.0)

    def __call__(self, loss: np.ndarray) -> np.ndarray:
        return np.log10(np.asarray(loss, float) + self.shift)

    def ratio(self) -> float:
        """The drawn height of the landscape's loss range over its linear height: the
        factor that keeps a drawing as wide as it is tall once its loss axis is log."""
        span = self.hi - self.lo
        if span <= 0:
            return 1.0
        return float((self(self.hi) - self(self.lo)) / span)

    def drawn(self, points: np.ndarray, loss_axes: tuple[int, ...], width_axis: int | None):
        """``points`` (k, 3) with the coordinates on ``loss_axes`` drawn on the log axis and
        the ``width_axis`` coordinate scaled by :meth:`ratio` (the input is left as it is)."""
        out = np.array(points, float, copy=True)
        for axis in loss_axes:
            out[:, axis] = self(out[:, axis])
        if width_axis is not None:
            out[:, width_axis] *= self.ratio()
        return out
