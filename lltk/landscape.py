"""A landscape file (.vti, .vtu, .vtp) read into a :class:`~lltk.topology.field.LandscapeField`.

The file front end of :mod:`lltk.topology.field` (whose docstring states the array rule
and the validity policy); :mod:`lltk.paraview.vtkdata` is the VTK-object one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lltk import vtkxml
from lltk.errors import UserError
from lltk.topology import graph_domain, grid_domain
from lltk.topology.domain import MAX_GRID_AXES, Domain
from lltk.topology.field import (
    FieldError,
    LandscapeField,
    check_vertex_count,
    choose_point_array,
    ignored_direction,
    landscape_field,
)


def grid_shape(shape: object, n_points: int) -> tuple[int, ...] | None:
    """The points per axis of an n-D grid landscape: a .vtu's FieldData ``GridShape``
    (:mod:`lltk.sampling.export`) when it has 1 to 6 entries whose product is the point
    count ``n_points``, else None (the file is a graph)."""
    if shape is None or isinstance(shape, str):
        return None
    dims = tuple(int(n) for n in np.atleast_1d(shape))
    if not 1 <= len(dims) <= MAX_GRID_AXES or min(dims) < 1:
        return None
    return dims if int(np.prod(dims)) == n_points else None


def nd_grid_domain(shape: tuple[int, ...], coordinates: np.ndarray | None) -> Domain:
    """The grid domain of an n-D grid landscape of ``shape``, placed by its point array
    ``Coordinates`` (all n alphas) where it has one column per axis."""
    if coordinates is None or coordinates.ndim != 2 or coordinates.shape[1] != len(shape):
        return grid_domain(shape)
    origin = coordinates.min(axis=0)
    spacing = (coordinates.max(axis=0) - origin) / np.maximum(np.array(shape) - 1, 1)
    return grid_domain(shape, tuple(origin), tuple(spacing))


def read_landscape(path: Path, array: str | None = None) -> LandscapeField:
    """The landscape in ``path``: the point array ``array`` (None: the array rule of
    :mod:`lltk.topology.field`) on the file's grid or cell graph. A :class:`UserError`
    names the file and says what is wrong.

    >>> import tempfile
    >>> import numpy as np
    >>> loss = np.array([[0.0, 3.0, 1.0], [3.0, 4.0, 3.0]])  # 2 rows of 3: x fastest
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     image = vtkxml.image_data({"Loss": loss.ravel()}, (3, 2), spacing=(0.5, 1.0))
    ...     field = read_landscape(vtkxml.write(Path(folder) / "tiny.vti", image))
    >>> field.name, field.values.tolist(), field.domain.dims
    ('Loss', [0.0, 3.0, 1.0, 3.0, 4.0, 3.0], (3, 2))
    >>> field.points[-1].tolist()
    [1.0, 1.0, 0.0]
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        ds = vtkxml.read(path)
    except vtkxml.VTKFileError as exc:
        text = str(exc).removeprefix(f"{path}: ")
        raise UserError(text if str(path) in text else f"cannot read {path}: {text}") from None
    components = {n: 1 if a.ndim == 1 else a.shape[1] for n, a in ds.point_data.items()}
    try:
        name = choose_point_array(components, array, ds.cell_data, ds.repeated)
        check_vertex_count(ds.number_of_points)
        points = ds.point_coordinates()
        shape = None
        if ds.kind == "UnstructuredGrid":
            shape = grid_shape(ds.field_data.get("GridShape"), ds.number_of_points)
        if ds.kind == "ImageData":
            ignored_direction(ds.direction)
            domain = grid_domain(ds.dimensions, ds.origin, ds.spacing)
        elif shape is not None:
            domain = nd_grid_domain(shape, ds.point_data.get("Coordinates"))
        elif ds.connectivity is None:
            raise FieldError("no cells to define a graph")
        else:
            domain = graph_domain(ds.number_of_points, vtkxml.cell_edges(ds), points)
        return landscape_field(name, ds.point_data[name], domain, points)
    except (vtkxml.VTKFileError, ValueError) as exc:  # FieldError is a ValueError
        raise UserError(f"{path}: {exc}") from None
