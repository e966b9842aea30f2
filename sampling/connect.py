"""Paths between trained networks: mode connectivity, loss barriers, the plane through three.

- **Linear path** from A to B (Frankle et al. 2020): ``points`` evenly spaced ``t`` in
  [0, 1], evaluated by the landscape sampler as a 1-D grid centred at (A + B) / 2 along
  (B - A) / 2 (vectorised, resumable, NaN/inf kept as invalid like any landscape).
- **Quadratic Bézier curve** ``phi(t) = (1-t)^2 A + 2t(1-t) theta + t^2 B`` (Garipov et
  al. 2018): the control point ``theta`` starts at (A + B) / 2 and minimises the loss
  averaged over ``t ~ U[0, 1]``, ``samples`` stratified draws per step, for ``steps`` Adam
  steps; the draws come from ``seed``, so the fit is deterministic, and it resumes from
  its state file like sampling.
- **Barrier** (Frankle et al.): the highest loss along the path minus the mean of its two
  end losses, over the path's valid (finite) points.
- **Plane through A, B and C** in Garipov et al.'s coordinates: A at (0, 0), B at (1, 0),
  C at (x, y > 0), one unit = |B - A| on both axes. It is sampled on the sampler's
  ``r x r`` grid with A and B on grid vertices and the segment AB along a grid row, so
  that the merge tree's saddle joining A's and B's basins (:func:`lltk.topology.join_level`)
  can be compared with the path exactly: the minimax over the grid's paths cannot exceed
  the maximum along the grid row from A to B.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from lltk.sampling.closure import LossFn, Trained
from lltk.sampling.directions import flatten
from lltk.sampling.landscape import (
    SAVE_EVERY,
    FiniteLoss,
    LandscapeResult,
    losses_at,
    sample_landscape,
)

#: Names of the networks, in the order they are given.
NAMES = ("A", "B", "C")


@dataclass
class PathResult(FiniteLoss):
    """The loss along a path: ``loss[i]`` at ``t[i]`` (NaN where it was not finite)."""

    kind: str
    t: np.ndarray
    loss: np.ndarray

    @property
    def barrier(self) -> float:
        """:func:`barrier` of the losses."""
        return barrier(self.loss)

    def write_csv(self, path: str | os.PathLike) -> Path:
        """Columns ``t,loss,valid`` (loss ``nan`` where invalid)."""
        from lltk.atomic import atomic_write

        rows = "".join(
            f"{t!r},{loss!r},{v}\n"
            for t, loss, v in zip(
                self.t.tolist(), self.loss.tolist(), self.valid.tolist(), strict=True
            )
        )
        with atomic_write(path, "w") as f:
            f.write("t,loss,valid\n" + rows)
        return Path(path)


def barrier(loss: np.ndarray) -> float:
    """Frankle et al.'s barrier: the highest finite loss along the path minus the mean of
    the two end losses; NaN when an end is not finite."""
    loss = np.asarray(loss, np.float64)
    ends = loss[[0, -1]]
    if not np.isfinite(ends).all():
        return math.nan
    return float(np.max(loss[np.isfinite(loss)]) - ends.mean())


def check_compatible(networks: Mapping[str, Mapping[str, Tensor]]) -> None:
    """Raise ValueError naming the first tensor in which a network differs from the
    first one (name, order or shape), or the parameter counts when one has more tensors."""
    (ref_name, ref), *others = networks.items()
    for name, params in others:
        for i, ((ka, va), (kb, vb)) in enumerate(zip(ref.items(), params.items(), strict=False)):
            if ka != kb:
                raise ValueError(
                    f"{name} and {ref_name} have different architectures: parameter tensor "
                    f"{i} is {kb!r} in {name}, {ka!r} in {ref_name}"
                )
            if va.shape != vb.shape:
                raise ValueError(
                    f"{name} and {ref_name} have different architectures: tensor {ka!r} has "
                    f"shape {tuple(vb.shape)} in {name}, {tuple(va.shape)} in {ref_name}"
                )
        if len(ref) != len(params):
            longer, shorter = (ref, params) if len(ref) > len(params) else (params, ref)
            first = list(longer)[len(shorter)]
            counts = {
                n: sum(v.numel() for v in p.values()) for n, p in ((ref_name, ref), (name, params))
            }
            raise ValueError(
                f"{name} and {ref_name} have different architectures: tensor {first!r} is in "
                f"only one of them ({name} {counts[name]:,} parameters in {len(params)} tensors, "
                f"{ref_name} {counts[ref_name]:,} in {len(ref)})"
            )


def linear_path(
    loss_fn: LossFn,
    a: dict[str, Tensor],
    b: dict[str, Tensor],
    points: int,
    *,
    vectorized: bool = True,
    chunk_size: int = 32,
    state_path: str | os.PathLike | None = None,
    progress: bool = False,
) -> PathResult:
    """The loss at ``points`` evenly spaced points from ``a`` (t = 0) to ``b`` (t = 1)."""
    if points < 2:
        raise ValueError(f"a path needs at least 2 points, not {points}")
    mid = {k: (a[k].detach() + b[k].detach()) / 2 for k in a}
    half = ((flatten(b) - flatten(a)).detach() / 2)[None]
    result = sample_landscape(
        loss_fn,
        mid,
        half,
        points,
        1.0,
        chunk_size=chunk_size,
        vectorized=vectorized,
        state_path=state_path,
        progress=progress,
    )
    return PathResult("linear", (result.alphas + 1.0) / 2.0, result.loss)


def bezier_weights(a: Tensor, theta: Tensor, b: Tensor, t: Tensor) -> Tensor:
    """``phi(t) = (1-t)^2 a + 2t(1-t) theta + t^2 b`` for each ``t``: (len(t), P)."""
    t = t.reshape(-1, 1).to(a)
    return (1 - t) ** 2 * a + 2 * t * (1 - t) * theta + t**2 * b


@dataclass
class BezierFit:
    """A fitted control point and the mean loss of each step's draws."""

    theta: Tensor
    history: np.ndarray
    steps: int
    lr: float
    samples: int
    seed: int


def fit_bezier(
    loss_fn: LossFn,
    a: dict[str, Tensor],
    b: dict[str, Tensor],
    *,
    steps: int = 200,
    lr: float = 0.01,
    samples: int = 4,
    seed: int = 0,
    vectorized: bool = True,
    state_path: str | os.PathLike | None = None,
    progress: bool = False,
) -> BezierFit:
    """Fit the control point of the Bézier curve from ``a`` to ``b`` (Garipov et al.):
    Adam (learning rate ``lr`` annealed to 0 on a cosine) on the loss at ``samples``
    stratified ``t`` per step (``(k + u_k) / samples``,
    ``u`` drawn from ``seed``), starting at the midpoint. With ``state_path`` the step,
    control point and optimiser state are saved every few seconds and on interruption, and
    a later call with the same inputs continues from them and ends with the same numbers.
    A non-finite loss stops the fit with a ValueError (the state before it is kept)."""
    from tqdm import tqdm

    from lltk.sampling.directions import unflatten

    for name, value in (("steps", steps), ("samples", samples)):
        if value < 1:
            raise ValueError(f"the curve's {name} must be >= 1, not {value}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"the curve's learning rate must be a positive number, not {lr}")
    a_f, b_f = flatten(a).detach(), flatten(b).detach()
    like = {k: v.detach() for k, v in a.items()}
    u = torch.rand(steps, samples, generator=torch.Generator().manual_seed(int(seed)))
    ts = ((torch.arange(samples) + u) / samples).to(a_f)
    theta = ((a_f + b_f) / 2).clone().requires_grad_(True)
    opt = torch.optim.Adam([theta], lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    key = _bezier_key(a_f, b_f, steps, lr, samples, seed)
    history = np.full(steps, np.nan)
    start = _load_bezier_state(state_path, key, theta, opt, sched, history)
    evaluate = torch.func.vmap(loss_fn) if vectorized else None
    save_every = float(os.environ.get("LLTK_STATE_SAVE_SECONDS", SAVE_EVERY))
    last_save, done = time.monotonic(), start
    bar = tqdm(total=steps, initial=start, desc="fit Bezier curve", disable=not progress)
    try:
        for step in range(start, steps):
            weights = unflatten(bezier_weights(a_f, theta, b_f, ts[step]), like)
            if evaluate is not None:
                values = evaluate(weights)
            else:
                values = torch.stack(
                    [loss_fn({k: v[i] for k, v in weights.items()}) for i in range(samples)]
                )
            loss = values.mean()
            if not torch.isfinite(loss):
                raise ValueError(
                    f"the curve's loss is not finite at step {step} (t = "
                    f"{', '.join(f'{float(t):.3f}' for t in ts[step])}); lower --curve-lr"
                )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            history[step] = loss.item()
            done = step + 1
            bar.update()
            if state_path is not None and time.monotonic() - last_save >= save_every:
                _save_bezier_state(state_path, key, done, theta, opt, sched, history)
                last_save = time.monotonic()
    finally:
        bar.close()
        if state_path is not None and done > start:
            _save_bezier_state(state_path, key, done, theta, opt, sched, history)
    return BezierFit(theta.detach().clone(), history, steps, float(lr), samples, int(seed))


def _bezier_key(a: Tensor, b: Tensor, *numbers: float) -> str:
    import hashlib

    h = hashlib.sha256(a.cpu().numpy().tobytes())
    h.update(b.cpu().numpy().tobytes())
    h.update(repr(numbers).encode())
    return h.hexdigest()


def _load_bezier_state(
    state_path: str | os.PathLike | None,
    key: str,
    theta: Tensor,
    opt: torch.optim.Optimizer,
    sched: torch.optim.lr_scheduler.LRScheduler,
    history: np.ndarray,
) -> int:
    """The step to start from: 0, or the saved one (``theta``, ``opt`` and ``history``
    restored in place) when ``state_path`` holds this fit's state."""
    from lltk.sampling.cache import read_torch_file

    if state_path is None or not Path(state_path).is_file():
        return 0
    try:
        state = read_torch_file(Path(state_path))
        if state["key"] == key and state["theta"].shape == theta.shape:
            with torch.no_grad():
                theta.copy_(state["theta"])
            opt.load_state_dict(state["optimizer"])
            sched.load_state_dict(state["schedule"])
            history[:] = state["history"].numpy()
            return int(state["step"])
    except (ValueError, KeyError, TypeError, RuntimeError):
        pass
    print(f"lltk: ignoring {state_path}: it belongs to another fit or is damaged")
    return 0


def _save_bezier_state(state_path, key, step, theta, opt, sched, history) -> None:
    from lltk.sampling.cache import atomic_torch_save

    atomic_torch_save(
        {
            "key": key,
            "step": step,
            "theta": theta.detach().clone(),
            "optimizer": opt.state_dict(),
            "schedule": sched.state_dict(),
            "history": torch.as_tensor(history),
        },
        Path(state_path),
    )


def curve_path(
    loss_fn: LossFn,
    a: dict[str, Tensor],
    b: dict[str, Tensor],
    theta: Tensor,
    points: int,
    *,
    vectorized: bool = True,
    chunk_size: int = 32,
) -> PathResult:
    """The loss at ``points`` evenly spaced ``t`` along the Bézier curve with control point
    ``theta`` (a flat vector)."""
    if points < 2:
        raise ValueError(f"a path needs at least 2 points, not {points}")
    a_f, b_f = flatten(a).detach(), flatten(b).detach()
    t = np.linspace(0.0, 1.0, points)
    evaluate = torch.func.vmap(loss_fn) if vectorized else None
    like = {k: v.detach() for k, v in a.items()}
    loss = np.concatenate(
        [
            losses_at(
                loss_fn,
                evaluate,
                like,
                bezier_weights(a_f, theta, b_f, torch.as_tensor(t[s : s + chunk_size])),
            )
            for s in range(0, points, chunk_size)
        ]
    )
    loss[~np.isfinite(loss)] = np.nan
    return PathResult("bezier", t, loss)


@dataclass
class Plane:
    """The grid of the plane through A, B, C: the sampler's grid ``alpha in [-1, 1]^2``
    around ``origin`` along ``directions`` (2, P), orthogonal rows of equal length, so
    that the plane's coordinates are isotropic. ``coords`` are the alphas of A, B, C;
    A and B sit on the grid vertices ``vertex_a`` and ``vertex_b`` (x fastest), on one
    row; ``unit`` is |B - A|, the length of one plane unit in weight space."""

    origin: Tensor
    directions: Tensor
    resolution: int
    coords: np.ndarray
    vertex_a: int
    vertex_b: int
    unit: float

    def alphas(self, weights: Tensor) -> tuple[np.ndarray, np.ndarray]:
        """The alphas (N, 2) of the projections of flat weight vectors (N, P) onto the
        plane, and each one's distance from the plane relative to ``unit``."""
        diff = weights.to(self.origin) - self.origin
        norms = (self.directions**2).sum(dim=1)
        alpha = (diff @ self.directions.T) / norms
        rest = diff - alpha @ self.directions
        off = torch.linalg.vector_norm(rest, dim=1) / self.unit
        return alpha.double().cpu().numpy(), off.double().cpu().numpy()

    def row(self) -> tuple[int, int, int]:
        """(row j, column of A, column of B) of the segment AB on the grid."""
        r = self.resolution
        return self.vertex_a // r, self.vertex_a % r, self.vertex_b % r


def plane_through(a: Tensor, b: Tensor, c: Tensor, resolution: int, margin: float = 0.25) -> Plane:
    """The grid of the plane through the flat weight vectors ``a``, ``b``, ``c``, spanning
    the triangle plus ``margin`` plane units on every side. ValueError when A and B are the
    same network or the three are collinear (no plane)."""
    if resolution < 5:
        raise ValueError(f"the plane needs at least 5 points per axis, not {resolution}")
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"the margin must be >= 0, not {margin}")
    dtype = a.dtype
    a, b, c = (v.detach().double() for v in (a, b, c))
    u = b - a
    unit = float(torch.linalg.vector_norm(u))
    scale = max(float(torch.linalg.vector_norm(a)), float(torch.linalg.vector_norm(b)), 1e-30)
    if unit <= 1e-7 * scale:
        raise ValueError("A and B are the same network: they span no plane")
    d = c - a
    x_c = float(d @ u) / unit**2
    v = d - x_c * u
    y_c = float(torch.linalg.vector_norm(v)) / unit
    if y_c <= 1e-6 * max(1.0, abs(x_c)):
        raise ValueError(
            "A, B and C are collinear (C lies on the line through A and B): they span no "
            "plane; the path from A to B still works without C"
        )
    v = v / y_c  # |v| = |u| = unit: isotropic plane coordinates
    left, right = margin + max(0.0, -x_c), margin + max(0.0, x_c - 1.0)
    cells = resolution - 1
    m = int(cells // max(1.0 + left + right, y_c + 2 * margin))
    if m < 2:
        raise ValueError(
            f"{resolution} points per axis leave fewer than 2 grid steps between A and B "
            "(C lies far from them): raise --resolution"
        )
    m -= m % 2 if m > 2 else 0  # an even number of steps: the midpoint of AB is a vertex
    h = 1.0 / m
    spare = cells - m
    k0 = round(spare * left / (left + right)) if left + right > 0 else spare // 2
    j0 = min(max(round((cells - y_c * m) / 2), 0), cells)
    half = cells * h / 2
    origin = a + (cells / 2 - k0) * h * u + (cells / 2 - j0) * h * v
    directions = torch.stack([half * u, half * v])
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [x_c, y_c]])
    offset = np.array([k0, j0]) * h
    coords = (xy + offset) / half - 1.0
    return Plane(
        origin=origin.to(dtype),
        directions=directions.to(dtype),
        resolution=resolution,
        coords=coords,
        vertex_a=k0 + j0 * resolution,
        vertex_b=k0 + m + j0 * resolution,
        unit=unit,
    )


def sample_plane(
    loss_fn: LossFn,
    like: dict[str, Tensor],
    plane: Plane,
    *,
    vectorized: bool = True,
    chunk_size: int = 32,
    state_path: str | os.PathLike | None = None,
    progress: bool = False,
) -> LandscapeResult:
    """The plane's losses with the landscape sampler (``like``: names and shapes)."""
    from lltk.sampling.directions import unflatten

    origin = unflatten(plane.origin.to(next(iter(like.values())).dtype), like)
    return sample_landscape(
        loss_fn,
        origin,
        plane.directions.to(next(iter(like.values())).dtype),
        plane.resolution,
        1.0,
        chunk_size=chunk_size,
        vectorized=vectorized,
        state_path=state_path,
        progress=progress,
    )


@dataclass
class PlaneSaddle:
    """The merge tree's answer on the plane: the level at which A's and B's basins join,
    the vertex (and its alphas) where they do, whether it is a saddle node of the join
    tree (else A or B itself: one lies on the other's way up), and the maximum along the
    grid row from A to B (the linear path on the grid, never below ``level``)."""

    level: float
    vertex: int
    alphas: tuple[float, float]
    is_saddle: bool
    row_max: float


def plane_saddle(result: LandscapeResult, plane: Plane) -> PlaneSaddle:
    """The join tree of the sampled plane and the level joining A's and B's vertices."""
    import warnings

    from lltk.topology import grid_domain, join_level, join_tree

    r = plane.resolution
    values = result.flat_loss()
    domain = grid_domain((r, r))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # invalid points: ordered last
        tree = join_tree(values, domain)
    level, vertex = join_level(tree, values, plane.vertex_a, plane.vertex_b)
    j, ia, ib = plane.row()
    row = result.loss[ia : ib + 1, j]
    row_max = float(np.max(np.where(np.isfinite(row), row, np.inf)))
    axis = result.alphas
    return PlaneSaddle(
        level=level,
        vertex=vertex,
        alphas=(float(axis[vertex % r]), float(axis[vertex // r])),
        is_saddle=vertex not in (plane.vertex_a, plane.vertex_b),
        row_max=row_max,
    )


def load_network(
    spec: str,
    device: str | torch.device = "cpu",
    data: str | None = None,
    loss_samples: int = 256,
) -> Trained:
    """The one step from a network on the command line to a trained network with its
    loss: ``python:MODULE:FUNCTION`` (:mod:`lltk.sampling.usermodel`), a checkpoint that
    ``lltk train`` wrote (``$LLTK_CACHE/pinn-*.pt``, ``resnet20-*.pt``: the weights and the
    hyper-parameters that rebuild the loss; ``data`` and ``loss_samples`` as for ResNets in
    ``lltk sample``), or any other file ``lltk sample --checkpoint`` reads (the authors'
    PINN and ResNet files, a plain ``state_dict``:
    :func:`lltk.sampling.checkpoint.load_fitting`)."""
    if spec.startswith("python:"):
        from lltk.sampling.usermodel import load_user_model

        return load_user_model(spec, device)
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"no checkpoint file {spec} (nor python:MODULE:FUNCTION)")
    from lltk.sampling.cache import read_torch_file
    from lltk.sampling.checkpoint import likely_models, load_fitting

    try:
        state = read_torch_file(path)
    except ValueError:  # not tensors in plain containers: the authors' pickled PINN
        state = None
    hyper = state.get("hyper") if isinstance(state, dict) else None
    if not isinstance(hyper, dict) or not isinstance(state.get("model"), dict):
        options = {"data": data, "loss_samples": loss_samples, "device": device}
        return load_fitting(path, likely_models(path), **options)[1]

    def load(model: torch.nn.Module) -> torch.nn.Module:
        try:
            model.load_state_dict(state["model"])
        except (RuntimeError, KeyError) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise ValueError(f"{path} does not fit the network it describes ({reason})") from None
        return model.eval()

    if "beta" in hyper:
        trained = _pinn(hyper, load, device)
    elif "residual" in hyper:
        trained = _resnet(hyper, load, device, data, loss_samples)
    else:
        raise ValueError(f"{path}: its hyper-parameters name neither a PINN nor a ResNet-20")
    with torch.no_grad():
        trained.metadata["TrainLoss"] = float(trained.loss_fn(trained.params))
    return trained


def _pinn(hyper: dict, load: Callable, device: str | torch.device) -> Trained:
    from lltk.sampling.pinn import HIDDEN, ConvectionPINN, convection_data, pinn_loss

    draw = int(str(hyper.get("collocation", "RandomState-0")).rsplit("-", 1)[-1])
    hidden = tuple(int(w) for w in hyper.get("hidden", HIDDEN))
    model = load(ConvectionPINN(hidden)).to(device)
    data = convection_data(float(hyper["beta"]), int(hyper["n_f"]), draw, device)
    metadata = {"Model": "pinn", "Beta": float(hyper["beta"]), "Seed": float(hyper["seed"])}
    return Trained(model=model, loss_fn=pinn_loss(model, data), metadata=metadata)


def _resnet(
    hyper: dict, load: Callable, device: str | torch.device, data: str | None, samples: int
) -> Trained:
    from torch.nn import functional

    from lltk.sampling.closure import model_loss_closure
    from lltk.sampling.data import load_images
    from lltk.sampling.resnet import ResNet20

    images = load_images(data, int(hyper["seed"]))
    if images.name != hyper["data"]:
        raise ValueError(
            f"the checkpoint was trained on {hyper['data']}, --data gives {images.name}"
        )
    residual = bool(hyper["residual"])
    model = load(
        ResNet20(
            num_classes=int(images.y_train.max()) + 1,
            residual=residual,
            batch_norm=bool(hyper["batch_norm"]),
            shortcut=hyper.get("shortcut", "A") if residual else "B",
        )
    ).to(device)
    n = min(samples, int(hyper["n_train"]))
    x, y = images.x_train[:n].to(device), images.y_train[:n].to(device)
    loss_fn = model_loss_closure(model, [(x, y)], functional.cross_entropy)
    extras = {"loss_data": ([(x, y)], functional.cross_entropy)}
    metadata = {
        "Model": "resnet20" if residual else "resnet20-noskip",
        "Seed": float(hyper["seed"]),
    }
    return Trained(model=model, loss_fn=loss_fn, metadata=metadata, extras=extras)


def path_loss(trained: Trained) -> tuple[LossFn, bool]:
    """The loss to evaluate between networks, and whether it runs under vmap: the
    network's own, or, for a network with batch norm whose loss data is known, the same
    loss with the statistics recomputed at every point (:func:`batch_norm_loss`)."""
    from lltk.sampling.closure import batch_norm_loss, has_batch_norm

    if has_batch_norm(trained.model) and "loss_data" in trained.extras:
        return batch_norm_loss(trained.model, *trained.extras["loss_data"]), False
    return trained.loss_fn, trained.vectorized


def flat(trained: Trained) -> Tensor:
    """A network's parameters as one flat vector."""
    return flatten(trained.params).detach()


def write_paths(
    path: str | os.PathLike,
    plane: Plane,
    a: Trained,
    b: Trained,
    linear: PathResult,
    curve: PathResult | None = None,
    fit: BezierFit | None = None,
) -> Path:
    """The paths drawn on the plane, a ``.vtp`` of polylines at their alphas (z = 0):
    the linear path, and the Bézier curve when it lies in the plane (the plane through
    its control point). Point arrays ``Loss`` (NaN where invalid), ``T`` and ``Path``
    (0 linear, 1 Bézier)."""
    from lltk import vtkxml

    a_f, b_f = flat(a), flat(b)
    drawn = [(linear, bezier_weights(a_f, (a_f + b_f) / 2, b_f, torch.as_tensor(linear.t)))]
    if curve is not None and fit is not None:
        weights = bezier_weights(a_f, fit.theta, b_f, torch.as_tensor(curve.t))
        if plane.alphas(weights)[1].max() < 1e-4:
            drawn.append((curve, weights))
    coords = np.concatenate([plane.alphas(w)[0] for _, w in drawn])
    points = np.zeros((len(coords), 3))
    points[:, :2] = coords
    sizes = np.array([p.loss.size for p, _ in drawn], np.int64)
    ds = vtkxml.Dataset(
        kind="PolyData",
        point_data={
            "Loss": np.concatenate([p.loss for p, _ in drawn]).astype(np.float64),
            "T": np.concatenate([p.t for p, _ in drawn]).astype(np.float64),
            "Path": np.repeat(np.arange(len(drawn), dtype=np.int64), sizes),
        },
        points=points,
        connectivity=np.arange(len(coords), dtype=np.int64),
        offsets=np.cumsum(sizes),
        cell_types=np.full(len(drawn), vtkxml.VTK_POLY_LINE, np.uint8),
    )
    return vtkxml.write(path, ds)


def write_networks(
    path: str | os.PathLike, plane: Plane, result: LandscapeResult, saddle: PlaneSaddle
) -> Path:
    """The three networks and the saddle joining A's and B's basins on the plane, a
    ``.vtp`` of vertices at their alphas (z = 0): point arrays ``Network`` (0 A, 1 B, 2 C,
    3 the saddle) and ``Loss`` (the plane's loss at the nearest grid vertex)."""
    from lltk import vtkxml

    r = plane.resolution
    coords = np.vstack([plane.coords, saddle.alphas])
    index = np.clip(np.rint((coords + 1.0) * (r - 1) / 2).astype(int), 0, r - 1)
    points = np.zeros((4, 3))
    points[:, :2] = coords
    ds = vtkxml.Dataset(
        kind="PolyData",
        point_data={
            "Network": np.arange(4, dtype=np.int64),
            "Loss": result.loss[index[:, 0], index[:, 1]].astype(np.float64),
        },
        points=points,
        connectivity=np.arange(4, dtype=np.int64),
        offsets=np.arange(1, 5, dtype=np.int64),
        cell_types=np.full(4, vtkxml.VTK_VERTEX, np.uint8),
    )
    return vtkxml.write(path, ds)
