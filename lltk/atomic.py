"""Write a file so that readers never see it half-written; check a folder can be written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it into place when the block succeeds.

    On any exception (an interrupted run included) the temporary file is removed and an
    existing ``path`` is left as it was. The file gets the permissions a plain ``open``
    would give it (0666 less the umask), not ``mkstemp``'s 0600.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, mode) as f:
            yield f
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def writable_folder(folder: str | os.PathLike, what: str) -> Path:
    """Create ``folder`` and check, by writing a temporary file, that it can be written;
    a ``ValueError`` "cannot write ``what`` (reason)" otherwise."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ValueError(f"cannot write {what} ({exc.strerror or exc})") from None
    return folder
