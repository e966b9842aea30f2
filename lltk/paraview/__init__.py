"""ParaView side of lltk: VTK adapters, output layouts, backend choice, filter logic.

The plugin proxies in ``plugins/`` declare properties and call :mod:`lltk.paraview.filters`.
Everything here except :mod:`lltk.paraview.layout` needs VTK (pvpython / ParaView).
"""
