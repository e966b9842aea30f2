"""pytest at the checkout's root: ``make test`` also runs the docstrings' examples of
``lltk`` and ``sampling`` (``--doctest-modules``)."""

#: Modules that run in pvpython only: importing ``paraview.simple`` in the venv puts
#: Debian's dist-packages ahead of the venv on ``sys.path`` (torch then imports Debian's
#: older sympy), so they are not collected here; their tests drive pvpython.
collect_ignore = [
    "lltk/render/connect_scene.py",
    "lltk/render/pvrender.py",
    "lltk/render/scene.py",
    "lltk/render/states.py",
]
