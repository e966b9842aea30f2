"""Write a file so that readers never see it half-written, a set of files all or none;
check a folder can be written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
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


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


def check_targets(targets: Iterable[str | os.PathLike]) -> list[Path]:
    """The output files as paths; a ``ValueError`` where a folder has one's name."""
    paths = [Path(t) for t in targets]
    for path in paths:
        if path.is_dir():
            raise ValueError(f"cannot write {path}: a folder has that name")
    return paths


@contextlib.contextmanager
def output_set(targets: Iterable[str | os.PathLike]) -> Iterator[None]:
    """A command's output files as one: all are written or none changes.

    Each target is checked first (a folder of that name is refused). If the block raises
    (an interrupt included), every target it wrote is put back as it was: the previous
    file restored from a hard link taken before, or a new file removed. So a failed run
    never leaves, say, a merge tree without its diagram.
    """
    paths = check_targets(targets)
    before = {path: _identity(path) for path in paths}
    backups: dict[Path, Path] = {}
    try:
        for path in paths:
            if before[path] is not None:
                backup = path.with_name(f".{path.name}.lltk-backup-{os.getpid()}")
                with contextlib.suppress(OSError):
                    os.link(path, backup)
                    backups[path] = backup
        yield
    except BaseException:
        for path in paths:
            if _identity(path) != before[path]:
                if path in backups:
                    os.replace(backups.pop(path), path)
                else:
                    path.unlink(missing_ok=True)
        raise
    finally:
        for backup in backups.values():
            backup.unlink(missing_ok=True)
