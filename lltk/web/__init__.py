"""``lltk serve``: one study in a web browser (trame; vtk.js draws the surface).

:mod:`lltk.web.catalog` reads a folder, :mod:`lltk.web.selection` computes one landscape's
views with the core, :mod:`lltk.web.scale` is the loss scale of every loss axis,
:mod:`lltk.web.svg` draws the 2-D charts, :mod:`lltk.web.app`
is the page and :mod:`lltk.web.server` checks ``lltk serve``'s options and serves it.
"""
