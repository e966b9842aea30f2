"""Thin adapters between VTK data objects and the numpy topology core.

Input: a ``vtkImageData`` (TTK's implicitly triangulated grid) or a ``vtkUnstructuredGrid``
/ ``vtkPolyData`` whose cells give the neighbourhood graph (the sampler's ``.vtu`` line
cells). Output: builders for the unstructured grids, poly data and tables the filters
produce, from numpy arrays. Only imported in pvpython / ParaView.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import NamedTuple

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
from lltk.landscape import grid_shape, nd_grid_domain
from lltk.topology import Domain, graph_domain, grid_domain, logscale
from lltk.topology.field import (
    FieldError,
    LandscapeField,
    check_vertex_count,
    choose_point_array,
    ignored_direction,
    landscape_field,
)
from lltk.topology.geometry import Geometry


class InputError(ValueError):
    """The filter's input cannot be used; the message says what to do instead."""


class FilterResult(NamedTuple):
    """What a filter's adapter returns: its output data objects, one per output port,
    and the engine that computed them (``"lltk"`` or ``"ttk"``)."""

    outputs: list
    backend: str


def check_threshold(threshold: float) -> None:
    """Refuse a NaN persistence threshold (it would keep no pair without a word)."""
    if np.isnan(threshold):
        raise InputError("Persistence Threshold is NaN: set a number (0 keeps every pair)")


@dataclass(frozen=True)
class ScalarInput:
    """A :class:`~lltk.topology.field.LandscapeField` read from a VTK dataset, as every
    topology filter starts from it.

    ``values`` are the field's :meth:`~lltk.topology.field.LandscapeField.plateau_values`
    (finite: every output coordinate stays finite); ``source`` is the dataset to hand to
    TTK (the input, or a copy carrying ``values``).
    """

    field: LandscapeField
    values: np.ndarray
    source: vtkDataSet

    @property
    def name(self) -> str:
        """The point array's name."""
        return self.field.name

    @property
    def domain(self) -> Domain:
        """The grid or graph the values live on."""
        return self.field.domain

    @property
    def points(self) -> np.ndarray:
        """The (n, 3) point coordinates."""
        return self.field.points

    @property
    def original(self) -> np.ndarray:
        """The input's values, NaN and infinities kept."""
        return self.field.values

    @property
    def invalid(self) -> np.ndarray:
        """True where the input's value is NaN or infinite."""
        return ~self.field.valid

    @property
    def vtu_grid(self) -> bool:
        """True for a grid landscape in a .vtu (FieldData ``GridShape``, up to 6 axes):
        lltk triangulates the grid, where TTK would take the cells' graph."""
        return self.domain.is_grid and not isinstance(self.source, vtkImageData)


def point_coordinates(dataset: vtkDataSet) -> np.ndarray:
    """The (n, 3) coordinates of the dataset's points (image data's from its grid)."""
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


def field_names(attributes) -> list[str]:
    """The names of the arrays in point, cell or field data."""
    return [attributes.GetArrayName(i) for i in range(attributes.GetNumberOfArrays())]


def _domain(dataset: vtkDataSet, points: np.ndarray) -> Domain:
    """The image's grid; an n-D grid landscape's grid (a .vtu with FieldData
    ``GridShape``, read as :func:`lltk.landscape.read_landscape` reads it); else the
    graph of the cells' edges."""
    if isinstance(dataset, vtkImageData):
        return grid_domain(
            dataset.GetDimensions(), origin=dataset.GetOrigin(), spacing=dataset.GetSpacing()
        )
    if isinstance(dataset, vtkUnstructuredGrid):
        shape = grid_shape(field_data(dataset).get("GridShape"), dataset.GetNumberOfPoints())
        if shape is not None:
            return nd_grid_domain(shape, point_array(dataset, "Coordinates"))
    return graph_domain(dataset.GetNumberOfPoints(), _graph_edges(dataset), points=points)


def _numbers(array) -> np.ndarray:
    """A point array's values as numpy, or a :class:`FieldError` for a string or bit array
    (``vtk_to_numpy`` cannot unpack bits)."""
    name = array.GetName()
    if not array.IsA("vtkDataArray") or array.IsA("vtkBitArray"):
        kind = "bits" if array.IsA("vtkBitArray") else array.GetDataTypeAsString()
        raise FieldError(
            f"point array {name!r} holds {kind}, not numbers: choose a numeric array (or "
            "convert it with the Calculator)"
        )
    return numpy_support.vtk_to_numpy(array)


def _direction(image: vtkImageData) -> tuple[float, ...]:
    matrix = image.GetDirectionMatrix()
    return tuple(matrix.GetElement(i, j) for i in range(3) for j in range(3))


def scalar_input(dataset: vtkDataSet | None, requested: str | None) -> ScalarInput:
    """The VTK-object front end of :mod:`lltk.topology.field` (its array rule and
    validity policy): the input checked and read, or an :class:`InputError`."""
    if dataset is None or not isinstance(dataset, vtkDataSet):
        kind = type(dataset).__name__ if dataset is not None else "nothing"
        raise InputError(
            f"the input is {kind}: apply the filter to a loss landscape (.vti image data or "
            ".vtu graph written by lltk sample)"
        )
    if not isinstance(dataset, vtkImageData | vtkUnstructuredGrid | vtkPolyData):
        raise InputError(
            f"{dataset.GetClassName()} inputs are not supported: use image data (.vti) or an "
            "unstructured grid / poly data whose cells are the neighbourhood graph (.vtu)"
        )
    n = dataset.GetNumberOfPoints()
    if n == 0:
        raise InputError("the input is empty (no points): check the file and the reader")
    pd = dataset.GetPointData()
    arrays = [pd.GetAbstractArray(i) for i in range(pd.GetNumberOfArrays())]
    names = [a.GetName() for a in arrays if a is not None]
    components = {a.GetName(): a.GetNumberOfComponents() for a in arrays if a is not None}
    repeated = {name for name in names if names.count(name) > 1}
    try:
        name = choose_point_array(
            components, requested, field_names(dataset.GetCellData()), repeated
        )
        original = _numbers(pd.GetAbstractArray(name))
        check_vertex_count(n)
        if isinstance(dataset, vtkImageData):
            ignored_direction(_direction(dataset))
        points = point_coordinates(dataset)
        field = landscape_field(name, original, _domain(dataset, points), points)
    except (FieldError, ValueError) as exc:
        raise InputError(str(exc)) from None
    values, source = field.plateau_values(), dataset
    if field.invalid_count:
        source = dataset.NewInstance()
        source.ShallowCopy(dataset)
        source.GetPointData().RemoveArray(name)
        add_arrays(source.GetPointData(), {name: values})
        warnings.warn(
            f"{field.invalid_count} of {n} values of {name!r} are NaN or infinite (diverged "
            f"samples, Valid = 0): they are taken as a plateau at {values[~field.valid][0]:.6g}, "
            "above every finite loss, so they join the basins last; features inside the "
            "plateau have persistence 0",
            RuntimeWarning,
            stacklevel=2,
        )
    return ScalarInput(field=field, values=values, source=source)


def ttk_order(dataset: vtkDataSet, name: str) -> np.ndarray | None:
    """The input's vertex order where it carries TTK's ``<name>_Order`` (Loss Persistence
    Simplification writes one); TTK's filters use it in place of (value, id), so lltk's
    engine does too."""
    order = point_array(dataset, f"{name}_Order")
    if order is None or order.ndim != 1 or order.dtype.kind not in "iu":
        return None
    return order


#: The drawings' arrays that hold losses: on a log loss axis each gets a twin on that
#: axis's scale (:func:`log_twin`), which the filters colour by.
LOSS_ARRAYS = ("Scalar", "MeanLoss")
#: Loss differences (a pair's death - birth): on a log loss axis their twin is their log10,
#: floored at the smallest positive one (the diagonal's 0 takes its colour).
LOSS_DIFFERENCES = ("Persistence",)


def log10_floored(values: np.ndarray) -> np.ndarray:
    """log10 of ``values`` no lower than that of the smallest positive one (1 if none).

    >>> log10_floored(np.array([0.0, 10.0, 1e7])).tolist()
    [1.0, 1.0, 7.0]
    """
    v = np.asarray(values, float)
    positive = v[np.isfinite(v) & (v > 0)]
    return np.log10(np.maximum(v, positive.min() if positive.size else 1.0))


def log_twin(name: str) -> str:
    """The name of the log10 twin of the loss array ``name`` ("Scalar" -> "Log10Scalar")."""
    return f"Log10{name}"


def log_loss_drawing(
    geom: Geometry,
    values: np.ndarray,
    mode: str,
    loss_axes: tuple[int, ...],
    width_axis: int | None,
) -> tuple[Geometry, str]:
    """``geom`` (a :class:`lltk.topology.geometry.Geometry`) with its loss axes drawn on a
    log scale where :func:`lltk.topology.logscale.uses_log` says so for the landscape's
    ``values`` and ``mode``, and the axis drawn ("log" or "linear"). On a log axis the
    :data:`LOSS_ARRAYS` get their :func:`log_twin` (the losses on the axis's scale), so
    that the colours, like the axis, spread over the decades; the arrays themselves stay."""
    if not logscale.uses_log(values, mode):
        return geom, "linear"
    scale = logscale.LogLoss(values)

    def with_twins(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        twins = {log_twin(k): scale(v) for k, v in arrays.items() if k in LOSS_ARRAYS}
        twins |= {log_twin(k): log10_floored(v) for k, v in arrays.items() if k in LOSS_DIFFERENCES}
        return {**arrays, **twins}

    return dataclasses.replace(
        geom,
        points=scale.drawn(geom.points, loss_axes, width_axis),
        point_data=with_twins(geom.point_data),
        cell_data=with_twins(geom.cell_data),
    ), "log"


def tag_backend(data_object, which: str) -> None:
    """Record the engine that computed an output in its field data (``lltkBackend``)."""
    set_field_data(data_object, {"lltkBackend": which})


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


def unstructured_grid_of(geom: Geometry, cell_type: int) -> vtkUnstructuredGrid:
    """The core's :class:`~lltk.topology.geometry.Geometry` as an unstructured grid."""
    return unstructured_grid(geom.points, geom.cells, cell_type, geom.point_data, geom.cell_data)


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
