"""How much memory a new allocation may take, checked before allocating.

The smallest of the system's available memory (``MemAvailable``), the process's address
space limit (``ulimit -v``, ``RLIMIT_AS``) less what it already maps, and its cgroup's
limit less what the cgroup uses: an allocation beyond it would be refused or the process
killed, so lltk refuses first, in one line.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path


def _read_int(path: str) -> int | None:
    try:
        return int(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def available_memory() -> int:
    """Bytes a new allocation can take now (see the module's docstring)."""
    found = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    if not found:
        found.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit != resource.RLIM_INFINITY:
        mapped = (_read_int("/proc/self/statm") or 0) * os.sysconf("SC_PAGE_SIZE")
        found.append(max(limit - mapped, 0))
    cgroup_max, cgroup_now = (
        _read_int("/sys/fs/cgroup/memory.max"),
        _read_int("/sys/fs/cgroup/memory.current"),
    )
    if cgroup_max is not None and cgroup_now is not None:
        found.append(max(cgroup_max - cgroup_now, 0))
    return min(found)


def check_allocation(nbytes: float, what: str) -> None:
    """A ``ValueError`` when ``nbytes`` for ``what`` exceed :func:`available_memory`."""
    free = available_memory()
    if nbytes > free:
        raise ValueError(
            f"{what} needs about {nbytes / 2**30:.3g} GiB, more than the "
            f"{free / 2**30:.3g} GiB of memory available"
        )
