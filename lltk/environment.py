"""lltk's environment variables, read and checked in one place: an error names the
variable and says what it must hold."""

from __future__ import annotations

import math
import os
from pathlib import Path


def env_seconds(name: str, default: float, most: float, zero: bool = False) -> float:
    """``$name`` as a number of seconds in (0, ``most``] (``zero``: [0, ``most``]);
    ``default`` when unset or empty."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value >= 0 if zero else value > 0) or not value <= most:
        interval = f"{'[' if zero else '('}0, {most:g}]"
        raise ValueError(f"{name}={text!r}: set it to a number of seconds in {interval}")
    return value


def env_folder(name: str, default: Path) -> Path:
    """``$name`` as a folder (``~`` expanded); ``default`` when unset. Set but empty (an
    unset shell variable spliced in) is an error, not the working folder."""
    text = os.environ.get(name)
    if text is None:
        return default.expanduser()
    if not text.strip():
        raise ValueError(f"{name} is set but empty: unset it, or set it to a folder")
    return Path(text).expanduser()
