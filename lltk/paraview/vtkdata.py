"""Thin adapters between VTK data objects and the numpy topology core.

Input: a ``vtkImageData`` (TTK's implicitly triangulated grid) or a ``vtkUnstructuredGrid``
/ ``vtkPolyData`` whose cells give the neighbourhood graph (the sampler's ``.vtu`` line
cells). Output: builders for the unstructured grids, poly data and tables the filters
produce, from numpy arrays. Only imported in pvpython / ParaView.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from vtkmodules.util import numpy_support
from vtkmodules.vtkCommonCore import vtkPoints, vtkStringArray
from vtkmodules.vtkCommonDataModel import (
    vtkCellArray,
    vtkDataSet,
    vtkImageData,
    vtkPolyData,
    vtkTable,
    vtkUnstructuredGrid,
)
from vtkmodules.vtkFiltersCore import vtkAppendFilter

from lltk import vtkxml
from lltk.topology import Domain, graph_domain, grid_domain, plateau_height

#: The array the sampler writes and every filter preselects.
DEFAULT_ARRAY = "Loss"


class InputError(ValueError):
    """The filter's input cannot be used; the message says what to do instead."""


@dataclass(frozen=True)
class ScalarInput:
    """A scalar field on a domain: what every topology filter starts from.

    ``values`` are finite: a NaN or infinite loss (a diverged sample, ``Valid`` = 0) is
    replaced by a plateau above every finite loss (:func:`lltk.topology.plateau_height`),
    which orders the samples exactly as the engine's NaN-as-+inf rule does while keeping
    every output coordinate finite. ``original`` keeps the input's values; ``source`` is
    the dataset to hand to TTK (the input, or a copy carrying ``values``).
    """

    name: str
    values: np.ndarray
    domain: Domain
    points: np.ndarray
    original: np.ndarray
    source: vtkDataSet

    @property
    def invalid(self) -> np.ndarray:
        """True where the input's value is NaN or infinite."""
        return ~np.isfinite(self.original)


def array_name(dataset: vtkDataSet, requested: str | None) -> str:
    """The point array to use: ``requested``, else ``Loss``, else the first scalar array."""
    pd = dataset.GetPointData()
    if requested:
        return requested
    names = [pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays())]
    if DEFAULT_ARRAY in names:
        return DEFAULT_ARRAY
    for name in names:
        arr = pd.GetArray(name)
        if arr is not None and arr.GetNumberOfComponents() == 1:
            return name
    raise InputError("the input has no scalar point array: load a landscape with a Loss array")


def _points(dataset: vtkDataSet) -> np.ndarray:
    n = dataset.GetNumberOfPoints()
    if isinstance(dataset, vtkImageData):
        dims = dataset.GetDimensions()
        ijk = np.indices(dims[::-1]).reshape(3, -1)[::-1].T.astype(np.float64)
        return np.asarray(dataset.GetOrigin()) + ijk * np.asarray(dataset.GetSpacing())
    pts = dataset.GetPoints()
    if pts is None or n == 0:
        return np.zeros((0, 3))
    return numpy_support.vtk_to_numpy(pts.GetData()).astype(np.float64).reshape(n, 3)


def _graph_edges(dataset: vtkDataSet) -> np.ndarray:
    if isinstance(dataset, vtkPolyData):
        append = vtkAppendFilter()
        append.AddInputData(dataset)
        append.Update()
        dataset = append.GetOutput()
    cells = dataset.GetCells()
    if cells is None or dataset.GetNumberOfCells() == 0:
        raise InputError(
            "the input has no cells, so no neighbourhood graph: use a landscape the sampler "
            "wrote (.vti grid or .vtu with line cells)"
        )
    ds = vtkxml.Dataset(
        kind="UnstructuredGrid",
        connectivity=numpy_support.vtk_to_numpy(cells.GetConnectivityArray()).astype(np.int64),
        offsets=numpy_support.vtk_to_numpy(cells.GetOffsetsArray())[1:].astype(np.int64),
        cell_types=numpy_support.vtk_to_numpy(dataset.GetCellTypesArray()).astype(np.uint8),
    )
    try:
        return vtkxml.cell_edges(ds)
    except vtkxml.VTKFileError as exc:
        raise InputError(
            f"{exc}: give the filter the sampler's .vtu graph (line cells) or a .vti grid"
        ) from exc


def scalar_input(dataset: vtkDataSet | None, requested: str | None) -> ScalarInput:
    """Check the input and turn it into values + domain, or raise :class:`InputError`."""
    if dataset is None or not isinstance(dataset, vtkDataSet):
        kind = type(dataset).__name__ if dataset is not None else "nothing"
        raise InputError(
            f"the input is {kind}: apply the filter to a loss landscape (.vti image data or "
            ".vtu graph written by lltk sample)"
        )
    n = dataset.GetNumberOfPoints()
    if n == 0:
        raise InputError("the input is empty (no points): check the file and the reader")
    if n == 1:
        raise InputError("the input has a single point: a landscape needs two or more samples")
    name = array_name(dataset, requested)
    if dataset.GetCellData().GetArray(name) is not None:  # ParaView interpolates it silently
        raise InputError(vtkxml.cell_data_error(name))
    arr = dataset.GetPointData().GetArray(name)
    if arr is None:
        pd = dataset.GetPointData()
        have = [pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays())]
        raise InputError(
            f"point array {name!r} not found (the input has {have}): choose another Scalar Array"
        )
    if arr.GetNumberOfComponents() != 1:
        raise InputError(
            f"point array {name!r} has {arr.GetNumberOfComponents()} components: choose a "
            "scalar array, or extract one component with a Calculator first"
        )
    original = numpy_support.vtk_to_numpy(arr).astype(np.float64).reshape(-1)
    values, source = original, dataset
    bad = ~np.isfinite(original)
    if bad.all():
        raise InputError(
            f"every value of {name!r} is NaN or infinite (every loss evaluation failed): "
            "resample the landscape with a smaller distance"
        )
    if bad.any():
        height = plateau_height(original[~bad])
        values = np.where(bad, height, original)
        source = dataset.NewInstance()
        source.ShallowCopy(dataset)
        source.GetPointData().RemoveArray(name)
        add_arrays(source.GetPointData(), {name: values})
        warnings.warn(
            f"{int(bad.sum())} of {n} values of {name!r} are NaN or infinite (diverged "
            f"samples, Valid = 0): they are taken as a plateau at {height:.6g}, above every "
            "finite loss, so they join the basins last; features inside the plateau have "
            "persistence 0",
            RuntimeWarning,
            stacklevel=2,
        )
    points = _points(dataset)
    if isinstance(dataset, vtkImageData):
        domain = grid_domain(
            dataset.GetDimensions(), origin=dataset.GetOrigin(), spacing=dataset.GetSpacing()
        )
    elif isinstance(dataset, vtkUnstructuredGrid | vtkPolyData):
        domain = graph_domain(n, _graph_edges(dataset), points=points)
    else:
        raise InputError(
            f"{dataset.GetClassName()} inputs are not supported: use image data (.vti) or an "
            "unstructured grid / poly data whose cells are the neighbourhood graph (.vtu)"
        )
    return ScalarInput(
        name=name, values=values, domain=domain, points=points, original=original, source=source
    )


def _vtk_array(name: str, values: np.ndarray):
    arr = np.ascontiguousarray(values)
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8)
    out = numpy_support.numpy_to_vtk(arr, deep=1)
    out.SetName(name)
    return out


def add_arrays(attributes, arrays: dict[str, np.ndarray]) -> None:
    """Add numpy arrays (1-D, or (n, k) for k components) to point, cell or row data."""
    for name, values in arrays.items():
        attributes.AddArray(_vtk_array(name, values))


def set_field_data(dataset, entries: dict[str, str | float | np.ndarray]) -> None:
    """Set field-data entries: strings as string arrays, numbers as float64 arrays."""
    fd = dataset.GetFieldData()
    for name, value in entries.items():
        fd.RemoveArray(name)
        if isinstance(value, str):
            arr = vtkStringArray()
            arr.SetName(name)
            arr.InsertNextValue(value)
            fd.AddArray(arr)
        else:
            fd.AddArray(_vtk_array(name, np.atleast_1d(np.asarray(value, np.float64))))


def field_data(dataset) -> dict[str, str | np.ndarray]:
    """The field data of a data object: strings for string arrays, else float arrays."""
    fd = dataset.GetFieldData()
    out: dict[str, str | np.ndarray] = {}
    for i in range(fd.GetNumberOfArrays()):
        arr = fd.GetAbstractArray(i)
        name = arr.GetName()
        if isinstance(arr, vtkStringArray):
            out[name] = arr.GetValue(0) if arr.GetNumberOfValues() else ""
        elif arr.IsNumeric():
            out[name] = numpy_support.vtk_to_numpy(arr).astype(np.float64).reshape(-1)
    return out


def _vtk_points(points: np.ndarray) -> vtkPoints:
    pts = vtkPoints()
    pts.SetDataTypeToDouble()
    pts.SetData(_vtk_array("Points", np.asarray(points, np.float64).reshape(-1, 3)))
    return pts


def _cell_array(cells: np.ndarray) -> vtkCellArray:
    cells = np.asarray(cells, np.int64)
    ca = vtkCellArray()
    if cells.size:
        k = cells.shape[1]
        offsets = np.arange(0, cells.size + 1, k, dtype=np.int64)
        ca.SetData(_vtk_array("o", offsets), _vtk_array("c", cells.reshape(-1)))
    return ca


def unstructured_grid(
    points: np.ndarray,
    cells: np.ndarray,
    cell_type: int,
    point_data: dict[str, np.ndarray] | None = None,
    cell_data: dict[str, np.ndarray] | None = None,
) -> vtkUnstructuredGrid:
    """An unstructured grid of ``cells`` (k, m) of one VTK cell type, with arrays."""
    ug = vtkUnstructuredGrid()
    ug.SetPoints(_vtk_points(points))
    cells = np.asarray(cells, np.int64)
    types = numpy_support.numpy_to_vtk(np.full(len(cells), cell_type, np.uint8), deep=1)
    ug.SetCells(types, _cell_array(cells))
    add_arrays(ug.GetPointData(), point_data or {})
    add_arrays(ug.GetCellData(), cell_data or {})
    return ug


def polydata(
    points: np.ndarray,
    verts: np.ndarray | None = None,
    lines: np.ndarray | None = None,
    polys: np.ndarray | None = None,
    point_data: dict[str, np.ndarray] | None = None,
    cell_data: dict[str, np.ndarray] | None = None,
) -> vtkPolyData:
    """Poly data; cell arrays are ordered as VTK orders cells: verts, lines, polys."""
    pd = vtkPolyData()
    pd.SetPoints(_vtk_points(points))
    if verts is not None:
        pd.SetVerts(_cell_array(np.asarray(verts).reshape(-1, 1)))
    if lines is not None:
        pd.SetLines(_cell_array(lines))
    if polys is not None:
        pd.SetPolys(_cell_array(polys))
    add_arrays(pd.GetPointData(), point_data or {})
    add_arrays(pd.GetCellData(), cell_data or {})
    return pd


def table(columns: dict[str, np.ndarray | list[str]]) -> vtkTable:
    """A table whose columns are numpy arrays (numbers) or lists of strings."""
    t = vtkTable()
    for name, col in columns.items():
        if isinstance(col, list) and col and isinstance(col[0], str):
            arr = vtkStringArray()
            arr.SetName(name)
            for s in col:
                arr.InsertNextValue(s)
            t.AddColumn(arr)
        else:
            t.AddColumn(_vtk_array(name, np.asarray(col)))
    return t


def point_array(dataset: vtkDataSet, name: str) -> np.ndarray | None:
    """A point array as numpy (None if absent)."""
    arr = dataset.GetPointData().GetArray(name)
    return None if arr is None else numpy_support.vtk_to_numpy(arr)


def cell_array(dataset: vtkDataSet, name: str) -> np.ndarray | None:
    """A cell array as numpy (None if absent)."""
    arr = dataset.GetCellData().GetArray(name)
    return None if arr is None else numpy_support.vtk_to_numpy(arr)
