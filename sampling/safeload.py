"""The one audited loader for files that may hold a pickle.

A pickle names the globals (module, name) it needs, and a plain ``pickle.load`` imports and
calls them: a planted ``__reduce__`` runs code before anyone has looked at the data. Every
file lltk reads that might be a pickle (checkpoints, data batches, caches, the authors'
networks) goes through :func:`load_pickle`, which resolves a global only through the
caller's explicit table and refuses every other one, naming it.
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

Allowed = Mapping[tuple[str, str], Any]


class RefusedGlobal(pickle.UnpicklingError):
    """A pickle asked for a global that is not in the allowed table."""

    def __init__(self, module: str, name: str) -> None:
        super().__init__(f"refuses the global {module}.{name}")
        self.module = module
        self.name = name


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(
        self,
        file: BinaryIO,
        allowed: Allowed,
        persistent_load: Callable[[Any], Any] | None,
        encoding: str,
    ) -> None:
        super().__init__(file, encoding=encoding)
        self._allowed = allowed
        self._persistent = persistent_load

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise RefusedGlobal(module, name) from None

    def persistent_load(self, pid: Any) -> Any:
        if self._persistent is None:
            raise pickle.UnpicklingError("refuses a persistent id (no storage table given)")
        return self._persistent(pid)


def load_pickle(
    data: bytes | BinaryIO,
    allowed: Allowed,
    *,
    persistent_load: Callable[[Any], Any] | None = None,
    encoding: str = "ASCII",
) -> Any:
    """Unpickle ``data`` resolving globals only through ``allowed``.

    ``allowed`` maps (module, name) to the object that stands for it (a plain container
    or a constructor of lltk's choosing, never the named object imported). Any other
    global raises :class:`RefusedGlobal` before anything from the pickle is called.

    >>> import pickle
    >>> load_pickle(pickle.dumps({"a": [1, 2.5, b"x"]}), {})
    {'a': [1, 2.5, b'x']}
    >>> load_pickle(pickle.dumps(print), {})  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    lltk.sampling.safeload.RefusedGlobal: refuses the global builtins.print
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    return _RestrictedUnpickler(stream, allowed, persistent_load, encoding).load()


def load_pickle_file(
    path: str | os.PathLike,
    allowed: Allowed,
    what: str,
    *,
    encoding: str = "ASCII",
) -> Any:
    """:func:`load_pickle` of the file at ``path``; a ``ValueError`` names the file, says
    that it is not ``what`` and why (a refused global, a truncated or foreign file)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            return load_pickle(f, allowed, encoding=encoding)
    except RefusedGlobal as exc:
        raise ValueError(f"{path}: not loaded: the file {exc} (not {what})") from None
    except (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        UnicodeDecodeError,
    ) as exc:
        raise ValueError(f"{path} is not {what} ({type(exc).__name__}: {exc})") from None


def load_torch_file(path: str | os.PathLike) -> Any:
    """A ``torch.save`` file through torch's own restricted unpickler (``weights_only=True``:
    tensors and plain containers, no other global); a ``ValueError`` names the file."""
    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several classes for a foreign or planted file
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{path} cannot be read ({reason})") from None
