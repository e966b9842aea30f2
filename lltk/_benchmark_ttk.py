"""TTK's side of ``lltk bench topology``: time TTK's join tree + persistence diagram.

Run in a child process whose environment loads TTK (:func:`lltk.ttk.add_to_env`):
``python -m lltk._benchmark_ttk CASE.npz REPEAT``, where the archive holds
``values`` and either ``dims`` (a grid: vtkImageData, TTK's implicit triangulation) or
``edges`` (a graph: an unstructured grid of line cells). Prints one JSON line
``{"seconds": best time}``, or ``{"error": ...}`` where TTK refused the case.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def dataset(case: dict):
    """The VTK data set TTK reads for a benchmark case."""
    from vtkmodules.util import numpy_support
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import (
        VTK_LINE,
        vtkCellArray,
        vtkImageData,
        vtkUnstructuredGrid,
    )

    values = numpy_support.numpy_to_vtk(np.ascontiguousarray(case["values"]), deep=1)
    values.SetName("Loss")
    if "dims" in case:
        out = vtkImageData()
        dims = [int(d) for d in case["dims"]] + [1] * (3 - len(case["dims"]))
        out.SetDimensions(*dims)
    else:
        out = vtkUnstructuredGrid()
        points = vtkPoints()
        xyz = np.zeros((case["values"].size, 3))  # TTK's graph topology needs no positions
        points.SetData(numpy_support.numpy_to_vtk(xyz, deep=1))
        out.SetPoints(points)
        edges = np.ascontiguousarray(case["edges"], np.int64)
        cells = vtkCellArray()
        offsets = np.arange(0, 2 * len(edges) + 1, 2, dtype=np.int64)
        cells.SetData(
            numpy_support.numpy_to_vtkIdTypeArray(offsets, deep=1),
            numpy_support.numpy_to_vtkIdTypeArray(edges.ravel(), deep=1),
        )
        out.SetCells(VTK_LINE, cells)
    out.GetPointData().AddArray(values)
    return out


def time_ttk(data, repeat: int) -> float:
    """Best time of TTK's FTM join tree then its persistence diagram on ``data`` (each
    run on a fresh copy, so that TTK sorts the vertices every time, as lltk does)."""
    from lltk.paraview import backend

    best = np.inf
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        backend.run_ttk("merge_tree", data, "Loss", TreeType=0)
        backend.run_ttk("persistence_diagram", data, "Loss")
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str]) -> int:
    """Time one case; one JSON line on stdout."""
    from lltk.paraview import backend

    if backend.ttk_class("merge_tree") is None:
        print(json.dumps({"error": "TTK's Python module topologytoolkit does not import"}))
        return 0
    with np.load(argv[0], allow_pickle=False) as z:
        case = {k: z[k] for k in z.files}
    print(json.dumps({"seconds": time_ttk(dataset(case), int(argv[1]))}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
