"""Topological simplification by persistence (TTK's Minimum-Saddle mode)."""

from __future__ import annotations

import numpy as np

from lltk.topology.domain import Domain


def simplify(
    values: np.ndarray, domain: Domain, threshold: float, absolute: bool = False
) -> np.ndarray:
    """The field without the minimum-saddle pairs below ``threshold`` (not implemented yet)."""
    raise NotImplementedError("simplify is being written (lltk issue 3)")
