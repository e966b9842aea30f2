"""How big a landscape this machine can sample: memory and evaluations, estimated before
anything is allocated (no torch here, so the command line checks it at once)."""

from __future__ import annotations

from lltk.memory import available_memory

#: Loss evaluations a run may take without ``--allow-large`` (hours on a CPU even for a PINN).
EVALUATION_LIMIT = 10**8


def estimate_bytes(n: int, resolution: int, suffix: str) -> int:
    """Peak memory of sampling and writing an r^n landscape, estimated: per point the
    losses while sampling, the written copy, ``Valid`` and the base64 text (~48 bytes);
    a .vtu adds the n coordinates, the 3-D points and the grid graph's ~n edges."""
    per_point = 48 if suffix == ".vti" else 48 + 3 * (32 * n + 24)
    return resolution**n * per_point


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
