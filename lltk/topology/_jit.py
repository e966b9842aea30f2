"""numba, with a cache folder it can write: every kernel is ``njit(cache=True)``.

numba caches beside the sources (``__pycache__``) or in ``~/.cache/numba``; where neither
can be written (a root-owned install run by a user whose HOME is read-only) every
``cache=True`` kernel fails to import with "no locator available". Then the cache goes to
a per-user folder under the temporary directory. ``NUMBA_CACHE_DIR`` still wins.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numba
from numba.misc.appdirs import AppDirs


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def ensure_cache_dir() -> None:
    """Point numba's cache at a writable folder when its own choices are not writable."""
    if numba.config.CACHE_DIR:
        return
    own = (Path(__file__).parent / "__pycache__", Path(AppDirs("numba", False).user_cache_dir))
    if not any(_writable(folder) for folder in own):
        numba.config.CACHE_DIR = str(Path(tempfile.gettempdir()) / f"lltk-numba-{os.getuid()}")


ensure_cache_dir()

__all__ = ["numba"]
