"""Subcommands of ``lltk``.

Each module here defines ``register(subparsers)``, which adds one subcommand whose
``func`` takes the parsed arguments and returns an exit status. Modules import heavy
packages (torch, paraview) inside ``func`` only, so that ``lltk topology`` needs neither.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def path_argument(text: str) -> Path:
    """An argparse ``type`` for paths: an empty one (an unset shell variable, say) is
    refused rather than taken as the working folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path")
    return Path(text)
