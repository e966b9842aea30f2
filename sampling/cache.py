"""Checkpoint cache keyed by hyper-parameters (``$LLTK_CACHE``, default ``~/.cache/lltk``)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from lltk.atomic import atomic_write, writable_folder
from lltk.environment import env_folder


def cache_dir() -> Path:
    """The cache folder (created on demand): ``$LLTK_CACHE``, default ``~/.cache/lltk``."""
    return env_folder("LLTK_CACHE", Path.home() / ".cache" / "lltk")


def cache_path(kind: str, hyper: dict[str, Any]) -> Path:
    """The checkpoint file for a model ``kind`` trained with ``hyper``."""
    text = json.dumps(hyper, sort_keys=True, default=str)
    digest = hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()[:16]
    return cache_dir() / f"{kind}-{digest}.pt"


def atomic_torch_save(obj: Any, path: Path) -> None:
    """``torch.save`` to a temporary file renamed into place: never a half-written checkpoint."""
    import torch

    with atomic_write(path) as f:
        torch.save(obj, f)


def read_torch_file(path: Path) -> Any:
    """A checkpoint through lltk's one torch-file reader,
    :func:`lltk.sampling.safeload.load_torch_archive` with :func:`torch_tensor_globals`
    (tensors and plain containers only: nothing in the file is imported or called); a
    ``FileNotFoundError`` or ``ValueError`` naming the file when it cannot be read."""
    from lltk.sampling.safeload import load_torch_archive, torch_tensor_globals

    return load_torch_archive(path, torch_tensor_globals(), "a torch checkpoint")


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load a checkpoint written by :func:`save_checkpoint` (:func:`read_torch_file`), with
    a clear error when it is bad."""
    try:
        state = read_torch_file(path)
    except ValueError as exc:
        raise ValueError(f"checkpoint {exc}; delete it to retrain") from None
    if not isinstance(state, dict) or not isinstance(state.get("model"), dict):
        raise ValueError(f"checkpoint {path} holds no model state; delete it to retrain")
    return state


def load_model_state(model: Any, path: Path) -> None:
    """Load the checkpoint at ``path`` into ``model``; a clear error when it does not fit."""
    state = load_checkpoint(path)
    try:
        model.load_state_dict(state["model"])
    except (KeyError, RuntimeError, TypeError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0]
        raise ValueError(
            f"checkpoint {path} does not fit the model ({reason}); delete it to retrain"
        ) from None


def save_checkpoint(model: Any, hyper: dict[str, Any], path: Path) -> None:
    """Cache ``model``'s weights; a failure is a warning (the trained model is still used)."""
    try:
        atomic_torch_save({"model": model.state_dict(), "hyper": hyper}, path)
    except OSError as exc:
        print(
            f"lltk: warning: could not cache the trained model in {path.parent} "
            f"({exc.strerror or exc}); it is used now but will be retrained next time",
            file=sys.stderr,
        )


def check_cache_writable() -> None:
    """Before training: the cache folder can take the checkpoint, or a clear error."""
    folder = cache_dir()
    try:
        writable_folder(folder, f"the checkpoint cache {folder}")
    except ValueError as exc:
        raise ValueError(
            f"{exc}: set LLTK_CACHE to a writable folder, or pass --no-cache"
        ) from None
