"""The one place that makes Debian's ParaView 5.11 Python importable on Python 3.11.

ParaView 5.11's ``paraview.util.vtkAlgorithm`` calls ``inspect.getargspec``, which
Python 3.11 removed. Importing this module restores it (from ``getfullargspec``) and
re-exports the plugin decorators, so every plugin and pvpython script imports them from
here.
"""

from __future__ import annotations

import inspect
from collections import namedtuple

if not hasattr(inspect, "getargspec"):
    _ArgSpec = namedtuple("ArgSpec", "args varargs keywords defaults")

    def _getargspec(func):  # type: ignore[no-untyped-def]
        spec = inspect.getfullargspec(func)
        return _ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)

    inspect.getargspec = _getargspec  # type: ignore[attr-defined]

from paraview.util.vtkAlgorithm import (
    VTKPythonAlgorithmBase,
    smdomain,
    smhint,
    smproperty,
    smproxy,
)

__all__ = ["VTKPythonAlgorithmBase", "smdomain", "smhint", "smproperty", "smproxy"]
