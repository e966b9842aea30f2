"""Critical points as TTK's ScalarFieldCriticalPoints classifies them."""

from __future__ import annotations

import numpy as np

from lltk.topology.domain import Domain


def critical_points(values: np.ndarray, domain: Domain) -> tuple[np.ndarray, np.ndarray]:
    """Critical vertices and their TTK CriticalType (not implemented yet)."""
    raise NotImplementedError("critical_points is being written (lltk issue 3)")
