"""``python -m lltk`` (and ``torchrun -m lltk``): the ``lltk`` command line."""

from lltk.cli import run

run()
