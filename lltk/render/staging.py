"""A landscape staged for lltk's ParaView states: linked under the fixed names the states
read (:func:`stage`), the state it needs (:func:`inspect_landscape`) and its label
(:func:`describe`)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from lltk.atomic import atomic_write

#: Side files (suffix after the stem) that the states read, by staged name.
SIDE_FILES = {
    "landscape_hessian_density.csv": "_hessian_density.csv",
    "landscape_solution.vti": "_solution.vti",
    "landscape_trajectory.vtp": "_trajectory.vtp",
    "landscape_paths.vtp": "_paths.vtp",
    "landscape_networks.vtp": "_networks.vtp",
}


def _pvd(suffix: str) -> str:
    """The ``landscape.pvd`` that :func:`stage` writes for a landscape ending in ``suffix``."""
    return (
        '<?xml version="1.0"?>\n<VTKFile type="Collection" version="0.1">\n  <Collection>\n'
        f'    <DataSet timestep="0" part="0" file="landscape{suffix}"/>\n'
        "  </Collection>\n</VTKFile>\n"
    )


def stage(landscape: str | os.PathLike, data_dir: str | os.PathLike) -> Path:
    """Link ``landscape`` (.vti or .vtu) and its side files into ``data_dir`` under the names
    the states read, and write ``landscape.pvd`` (the collection the states open, which
    points at ``landscape.vti`` or ``landscape.vtu``); returns ``data_dir``. Point ParaView's
    "Search files under specified directory" there.
    """
    src = Path(landscape).absolute()
    if not src.is_file():
        raise FileNotFoundError(f"no landscape at {src}")
    if src.suffix not in (".vti", ".vtu"):
        got = src.suffix or "no suffix"
        raise ValueError(f"{src.name}: lltk renders sampled landscapes (.vti, .vtu); got {got}")
    out = Path(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    links = {f"landscape{src.suffix}": src}
    links.update({name: src.with_name(src.stem + suffix) for name, suffix in SIDE_FILES.items()})
    staged = [*links, "landscape.vti", "landscape.vtu"]
    if src.parent.resolve() == out.resolve() and src.name in staged:
        raise ValueError(
            f"cannot stage {src} into its own folder (it would replace itself): "
            "stage it into another folder"
        )
    pvd = out / "landscape.pvd"
    ours = [p for p in {out / name for name in staged} if p.is_symlink()]
    if pvd.is_file() and not pvd.is_symlink():
        if pvd.read_bytes() in (_pvd(".vti").encode(), _pvd(".vtu").encode()):
            ours.append(pvd)
    elif pvd.is_symlink():
        ours.append(pvd)
    theirs = [n for n in {*staged, pvd.name} if (out / n).exists() and out / n not in ours]
    if theirs:
        raise ValueError(
            f"cannot stage into {out}: {', '.join(sorted(theirs))} there is not a staging link; "
            "stage into an empty folder"
        )
    for old in ours:
        old.unlink()
    for name, target in links.items():
        if target.is_file():
            (out / name).symlink_to(target)
    with atomic_write(pvd, "w") as f:
        f.write(_pvd(src.suffix))
    return out


def inspect_landscape(landscape: str | os.PathLike) -> tuple[str, int]:
    """Which landscape state draws it — ``"surface"`` (2-D grid), ``"volume"`` (3-D grid),
    ``"ndgrid"`` (a .vtu grid of 4 to 6 axes: the surface of its slice through the centre,
    :func:`stage_slice`) or ``"points"`` (any other .vtu: its samples at their first three
    coordinates) — and how many losses are NaN or infinite (samples the
    sampler marked ``Valid`` = 0). The states draw ``Loss``: it is read by
    :func:`lltk.landscape.read_landscape`, whose :class:`~lltk.errors.UserError` names
    an unusable file; a grid of other than 2 or 3 axes is a ``ValueError``."""
    from lltk.landscape import read_landscape

    path = Path(landscape)
    field = read_landscape(path, "Loss")
    check_drawable(path, field.values[field.valid])
    check_side_files(path)
    if field.domain.is_grid and path.suffix == ".vtu" and len(field.domain.dims) > 3:
        return "ndgrid", field.invalid_count
    if not field.domain.is_grid or path.suffix == ".vtu":
        return "points", field.invalid_count
    axes = len(field.domain.dims)
    if axes not in (2, 3):
        raise ValueError(f"{path}: a grid landscape needs 2 or 3 axes, got {field.domain.dims}")
    return ("surface" if axes == 2 else "volume"), field.invalid_count


#: The directions an n-D grid landscape's surface view shows: the first two (the top two
#: Hessian eigenvectors of ``--directions hessian``), the others at their centre.
SLICE_AXES = (0, 1)


def stage_slice(landscape: str | os.PathLike, data_dir: str | os.PathLike) -> tuple[Path, str]:
    """Stage (:func:`stage`) into ``data_dir`` the 2-D slice of an n-D grid landscape (a
    .vtu with GridShape) along :data:`SLICE_AXES` through the centre of the other axes
    (index (size - 1) // 2: alpha 0, the trained network, on an odd grid), as a .vti
    written there; returns the folder and what the slice is, in words."""
    from lltk import vtkxml
    from lltk.landscape import grid_shape

    src = Path(landscape).absolute()
    ds = vtkxml.read(src)
    shape = grid_shape(ds.field_data.get("GridShape"), ds.number_of_points)
    if shape is None or len(shape) < 3:
        raise ValueError(f"{src}: not an n-D grid landscape (a .vtu with GridShape of 3+ axes)")
    centre = [(n - 1) // 2 for n in shape]
    index = tuple(slice(None) if a in SLICE_AXES else centre[a] for a in range(len(shape)))
    # the points are in VTK's order (the first axis fastest): C order over reversed axes
    point_data = {
        name: values.reshape(shape[::-1])[index[::-1]].ravel()
        for name, values in ds.point_data.items()
        if values.ndim == 1
    }
    coords = ds.point_data.get("Coordinates")
    origin, spacing = (0.0, 0.0), (1.0, 1.0)
    if coords is not None and coords.ndim == 2 and coords.shape[1] == len(shape):
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        step = (hi - lo) / np.maximum(np.array(shape) - 1, 1)
        at = [float(lo[a] + step[a] * centre[a]) for a in range(len(shape))]
        origin = tuple(float(lo[a]) for a in SLICE_AXES)
        spacing = tuple(float(step[a]) for a in SLICE_AXES)
    else:
        at = [float(c) for c in centre]
    others = [a for a in range(len(shape)) if a not in SLICE_AXES]
    fixed = ", ".join(f"{a + 1} at {at[a]:g}" for a in others)
    what = (
        f"slice through the centre: directions {SLICE_AXES[0] + 1} and {SLICE_AXES[1] + 1} "
        f"of {len(shape)} ({fixed})"
    )
    field_data = {**ds.field_data, "SliceAxes": np.array(SLICE_AXES, np.float64) + 1}
    field_data["SliceAt"] = np.array(at)
    out = Path(data_dir)
    dims = tuple(shape[a] for a in SLICE_AXES)
    image = vtkxml.image_data(point_data, dims, origin, spacing, field_data)
    (out / "slice").mkdir(parents=True, exist_ok=True)
    written = vtkxml.write(out / "slice" / f"{src.stem}.vti", image)
    return stage(written, out / "staged"), what


#: The largest magnitude ParaView draws: its geometry and colour maps compute in float32.
DRAWABLE = float(np.finfo(np.float32).max) / 4


def check_drawable(path: Path, losses: np.ndarray) -> None:
    """Refuse, before ParaView sees them, finite losses beyond what it draws (a warped
    surface's float32 points, a colour map's range: beyond them pvpython aborts)."""
    lo, hi = float(losses.min()), float(losses.max())
    if max(abs(lo), abs(hi), hi - lo) > DRAWABLE:
        raise ValueError(
            f"{path}: the losses span {lo:.6g} to {hi:.6g}, beyond what ParaView draws "
            f"(float32 geometry: magnitudes and range up to {DRAWABLE:.3g}): rescale them "
            "(lltk topology and compare read them)"
        )


def check_side_files(path: Path) -> None:
    """The side files the states read must be what their names say (a link to anything
    else would stop pvpython half-way): VTK files are read, the density CSV's header
    checked; a ``ValueError`` names the file."""
    from lltk import vtkxml

    for suffix in SIDE_FILES.values():
        side = path.with_name(path.stem + suffix)
        if not side.exists():
            continue
        try:
            if suffix.endswith(".csv"):
                with side.open("rb") as f:
                    ok = f.readline().strip() == b"eigenvalue,density"
                if not ok:
                    raise ValueError("its first line is not 'eigenvalue,density'")
            else:
                vtkxml.read(side)
        except (OSError, ValueError) as exc:
            reason = str(exc).replace(f"{side}: ", "").replace(str(side), "the file")
            raise ValueError(f"{side} is not a side file lltk can draw ({reason})") from None


def describe(landscape: str | os.PathLike) -> str:
    """A one-line label of a landscape from its FieldData (model, beta, skips, distance)."""
    from lltk import vtkxml

    path = Path(landscape)
    fd = vtkxml.read(path).field_data

    def first(key: str) -> object:
        value = fd.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return value.ravel()[0] if hasattr(value, "ravel") and value.size else value

    model = first("Model")
    if model is None:
        return path.stem
    parts = [str(model)]
    beta = first("Beta")
    if model == "pinn" and beta is not None and math.isfinite(float(beta)):
        parts.append(f"beta = {float(beta):g}")
    residual = first("Residual")
    if residual is not None and model != "pinn":
        parts.append("with skips" if float(residual) else "no skips")
    for key, fmt in (
        ("Directions", "{} directions"),
        ("Distance", "d = {:g}"),
        ("Seed", "seed {:g}"),
    ):
        value = first(key)
        if value is not None:
            parts.append(fmt.format(value if isinstance(value, str) else float(value)))
    return ", ".join(parts)
