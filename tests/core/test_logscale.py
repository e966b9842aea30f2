"""The log loss axis of the planar drawings: when it turns on, and the map."""

from __future__ import annotations

import numpy as np
import pytest

from lltk.topology import logscale


def test_decades_of_finite_positive_losses() -> None:
    assert logscale.decades([33.0, 5.7e7, np.nan, np.inf]) == pytest.approx(np.log10(5.7e7 / 33))
    assert logscale.decades([0.0, 1e9]) == 0.0  # no decades below 0
    assert logscale.decades([]) == 0.0


def test_automatic_above_three_decades() -> None:
    assert logscale.uses_log([1.0, 1e4], "automatic")
    assert not logscale.uses_log([1.0, 999.0], "automatic")
    assert not logscale.uses_log([1.0, 1e9], "off")
    assert logscale.uses_log([1.0, 2.0], "on")
    with pytest.raises(ValueError, match="loss scale mode"):
        logscale.uses_log([1.0], "sideways")


def test_log_loss_positive_and_not() -> None:
    scale = logscale.LogLoss([10.0, 1000.0])
    np.testing.assert_allclose(scale(np.array([10.0, 100.0])), [1.0, 2.0])
    assert scale.ratio() == pytest.approx(2.0 / 990.0)
    shifted = logscale.LogLoss([-1.0, 9.0])  # 0 and below: above the minimum, finite there
    np.testing.assert_allclose(shifted(np.array([-1.0, 9.0])), np.log10([0.01, 10.01]))
    points = np.array([[990.0, 10.0, 0.0], [0.0, 1000.0, 0.0]])
    np.testing.assert_allclose(scale.drawn(points, (1,), 0), [[2.0, 1.0, 0.0], [0.0, 3.0, 0.0]])
    assert points[0, 1] == 10.0  # the input left as it was
