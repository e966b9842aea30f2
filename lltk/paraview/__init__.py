"""ParaView side of lltk: VTK adapters, backend choice, filter logic; needs VTK
(pvpython / ParaView).

The plugin proxies in ``plugins/`` declare properties and call :mod:`lltk.paraview.filters`;
what the filters draw is computed as arrays in :mod:`lltk.topology.geometry`.
"""
