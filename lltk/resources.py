"""Where lltk's ParaView files are: ``plugins/`` and ``pvstates/``.

In a source checkout they sit beside the ``lltk`` package; ``pip install .`` installs them
inside it (``lltk/plugins``, ``lltk/pvstates``, see ``pyproject.toml``). Both layouts
resolve here, so nothing else needs to know which one it runs from.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def share_dir(name: str) -> Path:
    """``plugins`` or ``pvstates``, installed in the package or beside it in a checkout
    (where neither exists, the installed place, which the renderer's errors then name)."""
    checkout = _PACKAGE.parent / name
    return checkout if checkout.is_dir() and not (_PACKAGE / name).is_dir() else _PACKAGE / name
