"""How big a landscape this machine can sample: memory and evaluations, estimated before
anything is allocated (no torch here, so the command line checks it at once)."""

from __future__ import annotations

import math

from lltk.memory import available_memory

__all__ = ["EVALUATION_LIMIT", "available_memory", "check_grid", "check_size", "estimate_bytes"]

#: Loss evaluations a run may take without ``--allow-large`` (hours on a CPU even for a PINN).
EVALUATION_LIMIT = 10**8


def estimate_bytes(n: int, resolution: int, suffix: str) -> int:
    """Peak memory of sampling and writing an r^n landscape, estimated: per point the
    losses while sampling, the written copy, ``Valid`` and the base64 text (~48 bytes);
    a .vtu adds the n coordinates, the 3-D points and the grid graph's ~n edges."""
    per_point = 48 if suffix == ".vti" else 48 + 3 * (32 * n + 24)
    return resolution**n * per_point


def check_grid(n: int, resolution: int, distance: float) -> None:
    """Raise ValueError with a clear message for an impossible grid."""
    if n < 1:
        raise ValueError(f"the dimension must be >= 1, not {n}")
    if resolution < 2:
        raise ValueError(f"the resolution must be >= 2 points per axis, not {resolution}")
    if not (math.isfinite(distance) and distance > 0 and math.isfinite(2 * distance)):
        raise ValueError(f"the distance must be a positive number below 1e308, not {distance}")
    if resolution**n > 2**31:
        raise ValueError(f"a {resolution}^{n} grid has too many points ({resolution**n})")


def check_size(
    n: int,
    resolution: int,
    suffix: str,
    *,
    memory: int | None = None,
    allow_large: bool = False,
) -> None:
    """Refuse, before anything is allocated, a grid beyond the machine's ``memory`` (default:
    what is available now) or, unless ``allow_large``, beyond :data:`EVALUATION_LIMIT`."""
    total = resolution**n
    need = estimate_bytes(n, resolution, suffix)
    memory = available_memory() if memory is None else memory
    what = (
        f"a {resolution}^{n} grid is {total:,} loss evaluations "
        f"needing about {need / 2**30:.3g} GiB"
    )
    if need > memory:
        raise ValueError(
            f"{what}, more than the {memory / 2**30:.3g} GiB of memory available: "
            "lower --resolution or --dim"
        )
    if total > EVALUATION_LIMIT and not allow_large:
        raise ValueError(
            f"{what}, beyond {EVALUATION_LIMIT:,} evaluations (days of sampling): lower "
            "--resolution or --dim, or pass --allow-large to run it anyway"
        )


def halve_to_fit(size: int, per_item: int, memory: int, what: str) -> int:
    """``size`` halved until ``size`` items of ``per_item`` bytes fit in half of ``memory``;
    ValueError, naming ``what`` an item is, when even one does not."""
    budget = memory // 2
    if per_item > budget:
        raise ValueError(
            f"one {what} needs about {per_item / 2**30:.3g} GiB, more than half of the "
            f"{memory / 2**30:.3g} GiB of memory available"
        )
    while size * per_item > budget:
        size //= 2
    return size
