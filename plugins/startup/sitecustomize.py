"""Lets ParaView 5.11 load lltk's Python plugins on Python 3.11 (Debian 12).

ParaView's plugin loader imports ``paraview.detail.pythonalgorithm``, which needs
``inspect.getargspec`` (removed in Python 3.11), before any plugin code runs. Python
imports ``sitecustomize`` at start-up from ``PYTHONPATH``, so start ParaView with
``PYTHONPATH=<repo>/plugins/startup`` and this restores it through
:mod:`lltk.paraview_compat`.
"""

import sys
from pathlib import Path

# The folder holding the lltk package: the checkout, or site-packages when installed.
sys.path.insert(
    0, str(next(p for p in Path(__file__).resolve().parents if (p / "lltk/__init__.py").is_file()))
)

import lltk.paraview_compat  # noqa: F401
