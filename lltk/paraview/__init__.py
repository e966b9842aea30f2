"""ParaView side of lltk, needs VTK (pvpython / ParaView): one adapter module per filter,
named after its plugin (``plugins/lltk_loss_merge_tree.py`` -> :mod:`loss_merge_tree`),
whose ``compute`` turns the VTK input into arrays (:mod:`vtkdata`), runs the core (or TTK:
:mod:`backend`) and wraps the results as VTK outputs; :mod:`algorithm` is the plugins'
``VTKPythonAlgorithm`` base and shared property XML.
"""
