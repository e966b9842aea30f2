"""numba, with a cache folder it can write and no one else can: every kernel is
``njit(cache=True)``.

numba caches beside the sources (``__pycache__``) or in ``~/.cache/numba``; where neither
can be written (a root-owned install run by a user whose HOME is read-only) every
``cache=True`` kernel fails to import with "no locator available". Then the cache goes to
a per-user folder under the temporary directory, ``lltk-numba-<uid>``.

numba's cache index files (``.nbi``) are pickles that numba loads as they are, so a cache
folder someone else can write is a way to run code as the user: the shared temporary
directory is used only when the folder is lltk's own (created 0700, owned by the user, no
link, no group or other access); otherwise, and where ``NUMBA_CACHE_DIR`` cannot be
written, the kernels cache in a private folder made for this process (``mkdtemp``,
removed at exit). ``NUMBA_CACHE_DIR`` still wins where it can be written.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
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


def private_folder(folder: Path) -> bool:
    """Create ``folder`` (mode 0700) if absent; whether it is a real folder (not a link)
    owned by this user that no one else can write or read."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def _process_folder() -> str:
    """A cache folder for this process alone, removed when it exits."""
    folder = tempfile.mkdtemp(prefix="lltk-numba-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def ensure_cache_dir() -> None:
    """Point numba's cache at a writable folder that only this user controls."""
    chosen = numba.config.CACHE_DIR
    if chosen:
        if not _writable(Path(chosen)):
            numba.config.CACHE_DIR = _process_folder()
            print(
                f"lltk: warning: NUMBA_CACHE_DIR={chosen} cannot be written; compiled "
                "kernels are cached for this run only",
                file=sys.stderr,
            )
        return
    own = (Path(__file__).parent / "__pycache__", Path(AppDirs("numba", False).user_cache_dir))
    if any(_writable(folder) for folder in own):
        return
    shared = Path(tempfile.gettempdir()) / f"lltk-numba-{os.getuid()}"
    numba.config.CACHE_DIR = str(shared) if private_folder(shared) else _process_folder()


ensure_cache_dir()

__all__ = ["numba"]
