"""``python -m lltk`` (and ``torchrun -m lltk``): the ``lltk`` command line."""

import sys

from lltk.cli import main

sys.exit(main())
