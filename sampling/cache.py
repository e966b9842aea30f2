"""Checkpoint cache keyed by hyper-parameters (``$LLTK_CACHE``, default ``~/.cache/lltk``)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from lltk.atomic import atomic_write


def cache_dir() -> Path:
    """The cache folder (created on demand)."""
    return Path(os.environ.get("LLTK_CACHE", Path.home() / ".cache" / "lltk")).expanduser()


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


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load a checkpoint written by :func:`atomic_torch_save`, with a clear error when bad."""
    import torch

    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:
        raise ValueError(
            f"checkpoint {path} cannot be read ({exc}); delete it to retrain"
        ) from None
