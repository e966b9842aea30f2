"""lltk, the loss-landscape topology kit.

``lltk.topology`` is the numpy topology core (join/split trees, persistence diagrams,
critical points, simplification) that gives TTK's answers without TTK; ``lltk.vtkxml``
reads and writes VTK XML files without VTK; ``sampling`` (a sibling package) samples
loss landscapes of PyTorch models.
"""

__version__ = "0.1.0"
