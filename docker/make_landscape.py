"""Write a small analytic loss landscape (Himmelblau's function, four minima) as .vti.

docker/verify-rootfs.sh runs it with the image's python to have a landscape in /data for
``lltk topology`` and ``lltk render`` before (and independently of) ``lltk demo``.
Usage: python docker/make_landscape.py OUT.vti
"""

from __future__ import annotations

import sys

import numpy as np

from lltk import vtkxml

n = 41
axis = np.linspace(-5.0, 5.0, n)
y, x = np.meshgrid(axis, axis, indexing="ij")  # x varies fastest in the flattened array
loss = (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2
dataset = vtkxml.image_data(
    {"Loss": loss.ravel().astype(np.float64), "Valid": np.ones(n * n, dtype=np.uint8)},
    (n, n),
    origin=(-5.0, -5.0),
    spacing=(axis[1] - axis[0], axis[1] - axis[0]),
    field_data={"Model": "himmelblau", "Dimension": 2.0, "Resolution": float(n)},
)
vtkxml.write(sys.argv[1], dataset)
print(f"wrote {sys.argv[1]}: {n}x{n} Himmelblau landscape")
