"""Write landscapes and their side files: lltk's file format, defined here.

``<stem>.vti`` (n <= 3) or ``<stem>.vtu`` (any n; line cells = a neighbourhood graph),
point arrays ``Loss`` (float64, NaN where invalid), ``Valid`` (uint8) and, for .vtu,
``Coordinates`` (all n alphas); FieldData from the metadata. Side files:
``<stem>_solution.vti`` (PINN) and ``<stem>_hessian_density.csv``. Every file is written
to a temporary name and renamed, so nothing half-written is left as if complete.

An n-D grid landscape (VTK has no image of more than 3 axes) is a ``.vtu`` whose points
are the grid's, in VTK's image order (the first direction fastest), and whose FieldData
``GridShape`` lists the points per axis (``--graph grid`` only; its line cells are the
axis graph, so ParaView opens it as a point cloud with edges). lltk reads such a file as
the grid (:func:`lltk.landscape.read_landscape`): up to 6 axes with the same Kuhn
triangulation as TTK's 2-D/3-D grids, and so persistence pairs of every dimension; a
``.vtu`` without ``GridShape`` (``--graph knn`` and the others) stays a graph (H0 only).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from lltk import __version__, vtkxml
from lltk.atomic import atomic_write, writable_folder
from lltk.sampling.graphs import build_graph
from lltk.sampling.landscape import LandscapeResult


def field_data(metadata: dict[str, Any]) -> dict[str, vtkxml.FieldValue]:
    """Metadata as FieldData: strings stay strings, numbers and lists become Float64 arrays."""
    out: dict[str, vtkxml.FieldValue] = {}
    for key, value in metadata.items():
        if value is None:
            continue
        if isinstance(value, str):
            out[key] = value
        else:
            out[key] = np.atleast_1d(np.asarray(value, dtype=np.float64)).ravel()
    return out


def landscape_metadata(result: LandscapeResult, metadata: dict[str, Any]) -> dict[str, Any]:
    """The caller's metadata plus the grid's own figures and the lltk version."""
    meta = dict(metadata)
    meta.update(
        Dimension=result.dimension,
        Resolution=result.resolution,
        Distance=result.distance,
        InvalidCount=result.invalid_count,
        lltkVersion=__version__,
    )
    return meta


def check_output(path: str | os.PathLike, dimension: int) -> Path:
    """Check, before any work, that ``path`` is a .vti/.vtu that can be written."""
    path = Path(path)
    if path.suffix not in (".vti", ".vtu"):
        raise ValueError(f"the output must end in .vti or .vtu, not {path.name!r}")
    if path.suffix == ".vti" and dimension > 3:
        raise ValueError(f"a .vti holds at most 3 dimensions; write {dimension}-D to a .vtu")
    folder = path.parent if str(path.parent) else Path(".")
    writable_folder(folder, f"to {folder}")
    if path.is_dir():
        raise ValueError(f"the output {path} is a folder")
    return path


def write_landscape(
    path: str | os.PathLike,
    result: LandscapeResult,
    metadata: dict[str, Any],
    graph: str = "grid",
    k: int | None = None,
) -> Path:
    """Write ``result`` to ``path`` (.vti or .vtu by suffix) with FieldData from ``metadata``.

    >>> import tempfile
    >>> bowl = np.array([[1.0, 0.5, 1.0], [0.5, 0.0, 0.5], [1.0, 0.5, 1.0]])
    >>> result = LandscapeResult(loss=bowl, alphas=np.array([-1.0, 0.0, 1.0]), distance=1.0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_landscape(Path(folder) / "bowl.vti", result, {"Model": "mlp"})
    ...     written = vtkxml.read(path)
    >>> written.dimensions, written.origin, written.point_data["Loss"].tolist()
    ((3, 3, 1), (-1.0, -1.0, 0.0), [1.0, 0.5, 1.0, 0.5, 0.0, 0.5, 1.0, 0.5, 1.0])
    >>> written.field_data["Model"], written.field_data["Resolution"].tolist()
    ('mlp', [3.0])
    """
    path = check_output(path, result.dimension)
    meta = landscape_metadata(result, metadata)
    values = {"Loss": result.flat_loss().astype(np.float64), "Valid": result.valid.ravel(order="F")}
    n, r, d = result.dimension, result.resolution, result.distance
    if path.suffix == ".vti":
        ds = vtkxml.image_data(
            values,
            (r,) * n,
            origin=(-d,) * n,
            spacing=(2 * d / (r - 1),) * n,
            field_data=field_data(meta),
        )
    else:
        coords = result.coordinates()
        edges = build_graph(graph, coords, r, k)
        meta["GraphKind"] = graph
        if graph == "grid":
            meta["GridShape"] = [r] * n
        points = np.zeros((len(coords), 3))
        points[:, : min(3, n)] = coords[:, :3]
        ds = vtkxml.Dataset(
            kind="UnstructuredGrid",
            point_data={**values, "Coordinates": coords},
            field_data=field_data(meta),
            points=points,
            connectivity=edges.ravel(),
            offsets=2 * np.arange(1, len(edges) + 1, dtype=np.int64),
            cell_types=np.full(len(edges), vtkxml.VTK_LINE, np.uint8),
        )
    return vtkxml.write(path, ds)


def side_path(path: str | os.PathLike, suffix: str) -> Path:
    """``<stem><suffix>`` beside ``path``."""
    path = Path(path)
    return path.with_name(path.stem + suffix)


def write_solution(path: str | os.PathLike, solution: dict[str, np.ndarray]) -> Path:
    """The PINN's ``<stem>_solution.vti``: x (256 in [0, 2 pi)) by t (100 in [0, 1])."""
    nt, nx = solution["u_pred"].shape
    ds = vtkxml.image_data(
        {
            k: np.asarray(solution[k], np.float64).ravel()
            for k in ("u_pred", "u_exact", "abs_error")
        },
        (nx, nt),
        origin=(0.0, 0.0),
        spacing=(2 * math.pi / nx, 1.0 / (nt - 1)),
    )
    return vtkxml.write(side_path(path, "_solution.vti"), ds)


def write_density(path: str | os.PathLike, grid: np.ndarray, density: np.ndarray) -> Path:
    """``<stem>_hessian_density.csv`` with columns ``eigenvalue,density``."""
    out = side_path(path, "_hessian_density.csv")
    text = "eigenvalue,density\n" + "".join(
        f"{float(e)!r},{float(p)!r}\n" for e, p in zip(grid, density, strict=True)
    )
    with atomic_write(out, "w") as f:
        f.write(text)
    return out
