"""A landscape as the core sees it: one scalar per vertex of a domain, and its validity.

Every way into lltk (``lltk topology`` and ``lltk compare``, the ParaView filters, the
study, the renderer) turns a dataset into a :class:`LandscapeField` here, under one
array rule and one policy for values that are not finite numbers.

**Array rule** (:func:`choose_point_array`): the point array named by the user; else
``Loss`` (what ``lltk sample`` writes); else the only one-component point array; else an
error naming the arrays present. The chosen array must be point data with one
component; a loss stored as cell data is refused rather than interpolated. In ParaView
the filters' Scalar Array property is the user's choice: it preselects ``Loss``, and on an
input without ``Loss`` ParaView's array list preselects the input's first scalar array,
shown in the panel.

**Validity policy**: a NaN or infinite value (a diverged sample: the sampler writes
``Valid`` = 0 there) is invalid. Invalid vertices come after every valid vertex in the
order, ties broken by vertex id: the core computes with them as +inf
(:func:`lltk.topology.tree.check_values`), and where finite numbers are needed
(coordinates to draw, diagram distances, TTK's input) :meth:`LandscapeField.plateau_values`
gives them one plateau above every finite value (:func:`plateau_height`), which orders
them the same way. A field with no valid value is refused.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from lltk.topology.domain import Domain
from lltk.topology.tree import plateau_height

#: The array the sampler writes, chosen when the user names none.
DEFAULT_ARRAY = "Loss"


class FieldError(ValueError):
    """A dataset that cannot be read as a landscape; the message says why."""


def cell_data_error(name: str) -> str:
    """Why a loss stored as cell data is refused (the same words everywhere)."""
    return (
        f"{name!r} is cell data (one value per cell): lltk needs one loss per sample point; "
        "convert it with ParaView's Cell Data to Point Data if an interpolated loss is meant"
    )


def choose_point_array(
    components: Mapping[str, int],
    requested: str | None,
    cell_arrays: Collection[str] = (),
    repeated: Collection[str] = (),
) -> str:
    """The point array to read, by the module's array rule.

    ``components`` maps each point array's name to its number of components;
    ``cell_arrays`` names the cell arrays; ``repeated`` the names two or more point arrays
    share (refused when chosen: which one is meant is not known). Raises
    :class:`FieldError` naming the arrays.

    >>> choose_point_array({"Loss": 1, "Valid": 1}, None)
    'Loss'
    >>> choose_point_array({"Accuracy": 1, "Gradient": 3}, None)
    'Accuracy'
    """
    found = ", ".join(components) or "none"
    name = requested or None
    if name is None and DEFAULT_ARRAY in cell_arrays:
        name = DEFAULT_ARRAY
    if name is None:
        if DEFAULT_ARRAY in components:
            name = DEFAULT_ARRAY
        else:
            scalars = [n for n, k in components.items() if k == 1]
            if len(scalars) != 1:
                raise FieldError(f"choose the point array holding the loss (found: {found})")
            name = scalars[0]
    if name in cell_arrays:
        raise FieldError(cell_data_error(name))
    if name not in components:
        raise FieldError(f"no point array {name!r} (found: {found})")
    if name in repeated:
        raise FieldError(
            f"two or more point arrays are named {name!r}: rename all but one (ParaView's "
            "Pass Arrays or Rename Arrays)"
        )
    if components[name] != 1:
        raise FieldError(
            f"point array {name!r} has {components[name]} components, need 1: choose a "
            "scalar array, or extract one component first"
        )
    return name


@dataclass(frozen=True)
class LandscapeField:
    """A scalar per vertex of ``domain``: ``values`` as read (float64, non-finite
    kept), ``points`` the (n, 3) vertex coordinates (None: not known), ``name`` the
    array's name."""

    name: str
    values: np.ndarray
    domain: Domain
    points: np.ndarray | None = None

    @property
    def valid(self) -> np.ndarray:
        """True where the value is a finite number."""
        return np.isfinite(self.values)

    @property
    def invalid_count(self) -> int:
        """How many values are NaN or infinite."""
        return int(self.values.size - np.count_nonzero(self.valid))

    def plateau_values(self) -> np.ndarray:
        """The values with every invalid one at :func:`plateau_height` (finite, same order)."""
        valid = self.valid
        if valid.all():
            return self.values
        return np.where(valid, self.values, plateau_height(self.values[valid]))


def landscape_field(
    name: str, values: np.ndarray, domain: Domain, points: np.ndarray | None = None
) -> LandscapeField:
    """Check ``values`` against ``domain`` and the validity policy; a :class:`FieldError`
    says what is wrong (not numbers, integers that float64 cannot hold exactly, fewer than
    two vertices, no valid value, finite values whose span overflows float64)."""
    values = _as_float64(name, np.asarray(values))
    if values.size < 2:
        raise FieldError(f"{values.size} point(s): a landscape needs two or more samples")
    if values.size != domain.n_vertices:
        raise FieldError(f"{values.size} values for {domain.n_vertices} points")
    if not np.isfinite(values).any():
        raise FieldError(
            f"every value of {name!r} is NaN or infinite (every loss evaluation failed): "
            "resample the landscape with a smaller distance"
        )
    valid = values[np.isfinite(values)]
    lo, hi = float(valid.min()), float(valid.max())
    if not np.isfinite(hi - lo):
        raise FieldError(
            f"the finite values of {name!r} range from {lo:.6g} to {hi:.6g}, a span beyond "
            "float64 (persistence and distances would be infinite): rescale them"
        )
    if valid.size < values.size and hi == np.finfo(np.float64).max:
        raise FieldError(
            f"{name!r} holds float64's largest number and NaN or infinite values: no finite "
            "plateau lies above it to order them last; rescale the losses"
        )
    return LandscapeField(name=name, values=values, domain=domain, points=points)


#: Integers up to this magnitude are exact in float64; beyond it neighbours become ties.
EXACT_INTEGER = 2**53


def _as_float64(name: str, values: np.ndarray) -> np.ndarray:
    if values.dtype.kind not in "biuf":
        raise FieldError(
            f"point array {name!r} holds {values.dtype.name} values, not numbers: choose a "
            "numeric array"
        )
    if values.dtype.kind in "iu" and values.size:
        big = max(int(values.max()), -int(values.min()))
        if big > EXACT_INTEGER:
            raise FieldError(
                f"point array {name!r} holds integers up to {big}, beyond 2^53: float64 "
                "cannot tell them apart (scale them or store them as Float64)"
            )
    return values.astype(np.float64).reshape(-1)


#: Memory a vertex takes while its topology is computed (values, order, domain, union-find,
#: tree and diagram arrays), measured on grids (docs/bad-input.md).
VERTEX_BYTES = 400


def check_vertex_count(n: int) -> None:
    """A :class:`FieldError` before anything is built when ``n`` vertices' topology would
    not fit in the memory available."""
    from lltk.memory import check_allocation

    try:
        check_allocation(n * VERTEX_BYTES, f"the topology of {n:,} points")
    except ValueError as exc:
        raise FieldError(str(exc)) from None


IDENTITY = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)


def ignored_direction(direction: Collection[float]) -> None:
    """Warn when an image's Direction matrix is not the identity: lltk, like TTK 1.2,
    places the vertices from Origin and Spacing alone (axis-aligned coordinates)."""
    if not np.allclose(np.asarray(direction, float), IDENTITY):
        warnings.warn(
            "the image's Direction matrix (a rotation) is ignored, as TTK 1.2 ignores it: "
            "coordinates are axis-aligned from Origin and Spacing",
            RuntimeWarning,
            stacklevel=2,
        )
