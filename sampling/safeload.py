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

from lltk.memory import check_allocation

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


# ---------------------------------------------------------------- torch zip archives

#: The storage classes a torch archive may name, and the dtype of their bytes.
TORCH_STORAGES = {
    "FloatStorage": "float32",
    "DoubleStorage": "float64",
    "HalfStorage": "float16",
    "LongStorage": "int64",
    "IntStorage": "int32",
    "BoolStorage": "bool",
}


def _rebuild_tensor(storage, offset, size, stride, requires_grad=False, hooks=None, meta=None):
    """``torch._utils._rebuild_tensor_v2`` for storages that :func:`load_torch_archive`
    read: a strided view checked against the storage's bounds, copied."""
    import torch

    if not isinstance(storage, torch.Tensor) or storage.ndim != 1:
        raise pickle.UnpicklingError("a tensor without a storage")
    numbers = (offset, *size, *stride)
    if not all(type(v) is int and v >= 0 for v in numbers) or len(size) != len(stride):
        raise pickle.UnpicklingError(f"a tensor of impossible shape {size} / strides {stride}")
    last = offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True)) if all(size) else -1
    if last >= storage.numel():
        raise pickle.UnpicklingError(
            f"a tensor of shape {tuple(size)} reaches beyond its storage ({storage.numel()})"
        )
    return storage.as_strided(tuple(size), tuple(stride), offset).clone()


def _rebuild_parameter(data, requires_grad=False, hooks=None):
    """``torch._utils._rebuild_parameter``: the plain tensor (a landscape needs no grad)."""
    import torch

    if not isinstance(data, torch.Tensor):
        raise pickle.UnpicklingError("a parameter without a tensor")
    return data


def torch_tensor_globals() -> dict[tuple[str, str], Any]:
    """The globals of a torch archive of tensors in plain containers (a ``state_dict``,
    lltk's checkpoints), each mapped to lltk's own stand-in: storage classes to their
    dtype names, tensor rebuilders to :func:`_rebuild_tensor`, ``OrderedDict`` to itself."""
    from collections import OrderedDict

    table: dict[tuple[str, str], Any] = {("torch", k): v for k, v in TORCH_STORAGES.items()}
    table[("torch._utils", "_rebuild_tensor_v2")] = _rebuild_tensor
    table[("torch._utils", "_rebuild_parameter")] = _rebuild_parameter
    table[("collections", "OrderedDict")] = OrderedDict
    return table


def load_torch_archive(path: str | os.PathLike, allowed: Allowed, what: str) -> Any:
    """The object a ``torch.save`` zip archive holds, read without torch's unpickler:
    ``<archive>/data.pkl`` through :func:`load_pickle` with ``allowed`` (add
    :func:`torch_tensor_globals` for tensors), each persistent id
    ``('storage', dtype name, key, location, numel)`` resolved to a CPU tensor of the
    little-endian bytes in ``<archive>/data/<key>``. Nothing in the file is imported or
    called. A ``ValueError`` names the file and says why it is not ``what`` (not a zip
    archive, a refused global, a storage of the wrong size, a truncated pickle)."""
    import zipfile

    import numpy as np
    import torch

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{path} is not {what} (not a torch zip archive: {exc})") from None
    with archive:
        names = set(archive.namelist())
        roots = sorted(n[: -len("/data.pkl")] for n in names if n.endswith("/data.pkl"))
        roots = [r for r in roots if r and "/" not in r]
        if len(roots) != 1:
            raise ValueError(f"{path} is not {what} (no single data.pkl in the archive)")
        root = roots[0]
        # each entry is read whole (a storage then copied): refuse before reading what the
        # archive's directory says would not fit (a zip bomb inflates from a few bytes)
        stored = sum(info.file_size for info in archive.infolist())
        check_allocation(2 * stored, f"reading {path}")
        order = f"{root}/byteorder"
        if order in names and archive.read(order).strip() != b"little":
            raise ValueError(f"{path} is not {what} (big-endian storages are not supported)")
        storages: dict[str, Any] = {}

        def storage(pid: Any) -> Any:
            ok = isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
            if not ok or pid[1] not in TORCH_STORAGES.values() or not isinstance(pid[2], str):
                raise pickle.UnpicklingError(f"refuses the persistent id {str(pid)[:80]}")
            _, dtype, key, _, numel = pid
            if key not in storages:
                entry = f"{root}/data/{key}"
                if entry not in names:
                    raise pickle.UnpicklingError(f"the storage {key} is missing")
                size = archive.getinfo(entry).file_size
                if type(numel) is not int or size != numel * np.dtype(dtype).itemsize:
                    raise pickle.UnpicklingError(
                        f"the storage {key} holds {size} bytes, not {numel} {dtype} values"
                    )
                raw = archive.read(entry)
                array = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<"))
                storages[key] = torch.from_numpy(array.astype(dtype))
            if storages[key].dtype != getattr(torch, dtype):
                raise pickle.UnpicklingError(f"the storage {key} is read as two types")
            return storages[key]

        try:
            return load_pickle(archive.read(f"{root}/data.pkl"), allowed, persistent_load=storage)
        except RefusedGlobal as exc:
            raise ValueError(f"{path}: not loaded: the file {exc} (not {what})") from None
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
                IndexError, KeyError, UnicodeDecodeError, zipfile.BadZipFile,
                RuntimeError) as exc:
            raise ValueError(f"{path} is not {what} ({type(exc).__name__}: {exc})") from None
