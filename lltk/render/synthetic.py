"""Analytic stand-ins for what the sampler writes, to build the states and test the renderer.

They have the arrays, FieldData and side files that :mod:`lltk.sampling.export` writes (its
docstring lists them) but come from closed-form functions, so they need neither torch nor
a trained model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lltk import vtkxml
from lltk.topology.domain import axis_edges


def landscape_values(resolution: int, distance: float = 1.0) -> np.ndarray:
    """A loss-like surface on [-distance, distance]^2: a wide valley, a few local minima.

    Returned flat, x fastest, like a sampled ``Loss`` array.
    """
    a = np.linspace(-distance, distance, resolution) / distance
    x, y = np.meshgrid(a, a, indexing="xy")
    bowl = 0.8 * (x**2 + 0.6 * y**2)
    ripples = 0.25 * np.sin(3.0 * x + 0.5) * np.cos(2.5 * y - 0.3)
    dip = -0.35 * np.exp(-((x - 0.55) ** 2 + (y + 0.45) ** 2) / 0.05)
    return (1.0 + bowl + ripples + dip).ravel()


def spread_decades(loss: np.ndarray, decades: float, low: float = 30.0) -> np.ndarray:
    """``loss`` mapped monotonically onto ``low`` .. ``low`` * 10^decades (same critical
    points), the range of a failing network: the authors' beta = 50 PINN spans 33 to
    5.7e7."""
    unit = (loss - loss.min()) / (loss.max() - loss.min())
    return low * 10.0 ** (decades * unit)


def write_landscape(
    out_dir: str | Path,
    stem: str = "synthetic",
    resolution: int = 41,
    distance: float = 1.0,
    model: str = "pinn",
    beta: float = 1.0,
    side_files: bool = True,
    decades: float | None = None,
) -> Path:
    """Write ``<stem>.vti`` (and, with ``side_files``, the Hessian density and the PINN
    solution) into ``out_dir``; returns the landscape path. With ``decades``, the loss
    spans that many decades (:func:`spread_decades`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    loss = landscape_values(resolution, distance)
    if decades is not None:
        loss = spread_decades(loss, decades)
    step = 2.0 * distance / (resolution - 1)
    field = {
        "Model": model,
        "Directions": "random",
        "Normalization": "filter",
        "Dimension": 2.0,
        "Resolution": float(resolution),
        "Distance": float(distance),
        "Seed": 0.0,
        "Beta": float(beta),
        "TrainLoss": float(loss.min()),
        "InvalidCount": 0.0,
    }
    ds = vtkxml.image_data(
        {"Loss": loss, "Valid": np.ones(loss.size, dtype=np.uint8)},
        (resolution, resolution),
        origin=(-distance, -distance),
        spacing=(step, step),
        field_data=field,
    )
    path = vtkxml.write(out / f"{stem}.vti", ds)
    if side_files:
        write_hessian_density(out / f"{stem}_hessian_density.csv")
        if model == "pinn":
            write_solution(out / f"{stem}_solution.vti", beta)
    return path


def bowl(coords: np.ndarray) -> np.ndarray:
    """A loss-like field on points in [-1, 1]^n (rows): a bowl with ripples (several minima)."""
    x = np.asarray(coords, dtype=float)
    ripples = 0.2 * np.sin(3.0 * x[:, 0] + 0.5) * np.cos(2.5 * x[:, 1] - 0.3)
    return 1.0 + 0.8 * (x**2).sum(axis=1) + ripples


def write_volume(
    out_dir: str | Path, stem: str = "volume", resolution: int = 15, decades: float | None = None
) -> Path:
    """A 3-D grid landscape ``<stem>.vti`` (random directions, no side files); with
    ``decades``, its loss spans that many decades (:func:`spread_decades`)."""
    a = np.linspace(-1.0, 1.0, resolution)
    grid = np.stack(np.meshgrid(a, a, a, indexing="ij"), axis=-1).reshape(-1, 3)[:, ::-1]
    loss = bowl(grid)
    if decades is not None:
        loss = spread_decades(loss, decades)
    field = {"Model": "resnet20", "Residual": 1.0, "Directions": "random", "Dimension": 3.0}
    ds = vtkxml.image_data(
        {"Loss": loss, "Valid": np.ones(loss.size, dtype=np.uint8)},
        (resolution,) * 3,
        origin=(-1.0,) * 3,
        spacing=(a[1] - a[0],) * 3,
        field_data=field,
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return vtkxml.write(out / f"{stem}.vti", ds)


def write_graph(
    out_dir: str | Path, stem: str = "graph", dimension: int = 4, resolution: int = 7
) -> Path:
    """An n-D grid landscape as the sampler writes it to ``<stem>.vtu``: points = the first
    three coordinates, ``Coordinates`` = all of them, line cells = axis neighbours."""
    a = np.linspace(-1.0, 1.0, resolution)
    index = np.arange(resolution**dimension)
    coords = a[(index[:, None] // resolution ** np.arange(dimension)) % resolution]
    loss = bowl(coords)
    edges = axis_edges(dimension, resolution)
    points = np.zeros((index.size, 3))
    points[:, : min(3, dimension)] = coords[:, :3]
    field = {"Model": "resnet20", "Residual": 0.0, "Dimension": float(dimension)}
    field["GraphKind"] = "grid"
    ds = vtkxml.Dataset(
        kind="UnstructuredGrid",
        point_data={"Loss": loss, "Valid": np.ones(loss.size, np.uint8), "Coordinates": coords},
        field_data=field,
        points=points,
        connectivity=edges.ravel(),
        offsets=2 * np.arange(1, len(edges) + 1, dtype=np.int64),
        cell_types=np.full(len(edges), vtkxml.VTK_LINE, np.uint8),
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return vtkxml.write(out / f"{stem}.vtu", ds)


def write_hessian_density(path: str | Path) -> Path:
    """A spectral density shaped like SLQ's: a tall bulk near 0 and a few outliers."""
    ev = np.linspace(-5.0, 60.0, 1000)
    dens = np.exp(-(ev**2) / 0.5) + 1e-3 * np.exp(-((ev - 20.0) ** 2) / 2.0)
    dens += 1e-4 * np.exp(-((ev - 52.0) ** 2) / 2.0) + 1e-9
    dens /= dens.sum() * (ev[1] - ev[0])
    path = Path(path)
    np.savetxt(
        path,
        np.column_stack([ev, dens]),
        delimiter=",",
        header="eigenvalue,density",
        comments="",
        fmt="%.8g",
    )
    return path


def write_solution(path: str | Path, beta: float) -> Path:
    """The convection PDE's exact solution u = sin(x - beta t) and a smoothly perturbed guess."""
    x = np.arange(256) * (2.0 * np.pi / 256)
    t = np.linspace(0.0, 1.0, 100)
    xx, tt = np.meshgrid(x, t, indexing="xy")
    exact = np.sin(xx - beta * tt)
    pred = exact * (1.0 - 0.3 * tt) + 0.05 * np.sin(3.0 * xx)
    ds = vtkxml.image_data(
        {
            "u_pred": pred.ravel(),
            "u_exact": exact.ravel(),
            "abs_error": np.abs(pred - exact).ravel(),
        },
        (256, 100),
        spacing=(x[1] - x[0], t[1] - t[0]),
    )
    return vtkxml.write(path, ds)


def write_trajectory(landscape: str | Path, steps: int = 12) -> Path:
    """Write ``<stem>_trajectory.vtp`` beside ``landscape``: a spiral that ends at the
    origin, like the projection ``lltk sample --directions pca`` writes; returns the
    landscape path."""
    landscape = Path(landscape)
    t = np.linspace(0.0, 1.0, steps)
    radius = 0.9 * (1.0 - t) ** 1.5
    coords = np.column_stack([-radius * np.cos(4.0 * t), radius * np.sin(4.0 * t)])
    arrays = {
        "Step": 10 * np.arange(steps),
        "Loss": 1.0 + np.sum(coords**2, axis=1),
        "Coordinates": coords,
    }
    vtkxml.write(
        landscape.with_name(landscape.stem + "_trajectory.vtp"), vtkxml.polyline(coords, arrays)
    )
    return landscape
