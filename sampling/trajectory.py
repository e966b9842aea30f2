"""Training trajectories: checkpoints along training, their PCA directions, their path.

``lltk train --save-every K --trajectory DIR`` writes ``DIR/step-<n>.pt`` (the model's
named parameters, the step, the model's name) every K steps, plus the first and the last
state. As Li et al. (2018, section 7) do, the directions are the top principal
directions of the matrix whose rows are each checkpoint's weights minus the final
weights -- here the right singular vectors of that matrix as it is (the final state is
the origin, not the mean) -- and each checkpoint is drawn at its coordinates along them.
The directions are orthonormal, so these coordinates are also the least-squares
projection.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from lltk import vtkxml
from lltk.sampling.cache import atomic_torch_save, read_torch_file
from lltk.sampling.closure import Trained
from lltk.sampling.directions import flatten, unflatten

#: Checkpoint file names (the step, zero-padded so that names sort by step).
PATTERN = "step-*.pt"


def checkpoint_path(folder: str | os.PathLike, step: int) -> Path:
    """Where the checkpoint of ``step`` goes."""
    return Path(folder) / f"step-{int(step):08d}.pt"


class Recorder:
    """Saves the model's parameters at the steps training calls it with; training calls
    it before the first step, every ``every`` steps and after the last.

    Nothing is written or deleted until the first step is saved, and a folder that
    already holds checkpoints is refused here, before any work: lltk never deletes or
    overwrites a trajectory it did not write in this run. :meth:`discard` removes what
    this run wrote (a failed run leaves no partial trajectory).
    """

    def __init__(self, folder: str | os.PathLike, every: int, model_name: str) -> None:
        if every < 1:
            raise ValueError(f"--save-every must be >= 1, not {every}")
        self.folder, self.every, self.model_name = Path(folder), int(every), model_name
        if self.folder.exists() and not self.folder.is_dir():
            raise ValueError(f"--trajectory {self.folder} is not a folder")
        old = sorted(self.folder.glob(PATTERN)) if self.folder.is_dir() else []
        if old:
            raise ValueError(
                f"--trajectory {self.folder} already holds {len(old)} checkpoint(s) "
                f"({old[0].name}, ...): choose a new folder, or delete them yourself"
            )
        self.written: list[Path] = []

    def __call__(self, step: int, model: nn.Module) -> None:
        """Save ``model``'s parameters as the checkpoint of ``step``."""
        params = {k: v.detach().cpu().clone() for k, v in model.named_parameters()}
        state = {"params": params, "step": int(step), "model": self.model_name}
        path = checkpoint_path(self.folder, step)
        atomic_torch_save(state, path)
        self.written.append(path)

    def discard(self) -> None:
        """Remove the checkpoints this run wrote (and nothing else)."""
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written.clear()


@dataclass(frozen=True)
class Trajectory:
    """Checkpoints as rows: ``weights`` (n, P) float64 in ``named_parameters`` order."""

    files: list[Path]
    steps: np.ndarray
    weights: np.ndarray


def load_trajectory(folder: str | os.PathLike, like: dict[str, Tensor]) -> Trajectory:
    """Read every checkpoint of ``folder`` (in step order), checked against the parameter
    names and shapes of ``like``; a ``ValueError`` naming the file or folder otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"--trajectory {folder}: no such folder")
    files = sorted(folder.glob(PATTERN))
    if len(files) < 3:
        raise ValueError(
            f"--trajectory {folder}: {len(files)} checkpoint(s), need at least 3 "
            "(lltk train ... --save-every K --trajectory DIR)"
        )
    shapes = {k: tuple(v.shape) for k, v in like.items()}
    rows, steps = [], []
    for path in files:
        state = read_torch_file(path)
        params = state.get("params") if isinstance(state, dict) else None
        if not isinstance(params, dict):
            raise ValueError(f"{path}: not a trajectory checkpoint (no 'params')")
        got = {k: tuple(v.shape) for k, v in params.items()}
        if got != shapes:
            differ = sorted(set(got) ^ set(shapes)) or [k for k in shapes if got[k] != shapes[k]]
            raise ValueError(
                f"{path}: a checkpoint of another model ({state.get('model', '?')}; parameter "
                f"{differ[0]!r} differs from the model being sampled)"
            )
        row = torch.cat([params[k].reshape(-1).double() for k in like]).numpy()
        if not np.isfinite(row).all():
            raise ValueError(
                f"{path}: the checkpoint's weights hold NaN or inf (training diverged)"
            )
        rows.append(row)
        steps.append(int(state.get("step", len(steps))))
    return Trajectory(files=files, steps=np.asarray(steps, np.int64), weights=np.stack(rows))


def check_final(trajectory: Trajectory, centre: np.ndarray, rtol: float = 1e-5) -> None:
    """The last checkpoint must be the model being sampled (the landscape's centre)."""
    last = trajectory.weights[-1]
    if not np.allclose(last, centre, rtol=rtol, atol=rtol * float(np.abs(centre).max())):
        raise ValueError(
            f"{trajectory.files[-1]}: the trajectory's last checkpoint is not the model being "
            "sampled (sample with the options it was trained with)"
        )


def pca_directions(
    weights: np.ndarray, centre: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The top ``n`` right singular vectors of ``weights - centre`` (orthonormal rows of an
    (n, P) array, each signed so that the first checkpoint's coordinate is <= 0) and every
    checkpoint's coordinates along them, (checkpoints, n)."""
    diff = weights - centre
    if n > diff.shape[0] - 1:
        raise ValueError(
            f"{n} PCA directions need at least {n + 1} checkpoints, the trajectory has "
            f"{diff.shape[0]}"
        )
    _, singular, vt = np.linalg.svd(diff, full_matrices=False)
    if singular[n - 1] <= 1e-12 * max(float(singular[0]), float(np.abs(centre).max()), 1e-300):
        moved = "does not move" if singular[0] == 0 else f"moves along fewer than {n} directions"
        raise ValueError(
            f"the trajectory {moved} (its checkpoints are identical or collinear): no {n} "
            "PCA directions; save checkpoints while the weights change"
        )
    directions = vt[:n]
    coords = diff @ directions.T
    sign = np.where(coords[0] > 0, -1.0, 1.0)
    return directions * sign[:, None], coords * sign


def write_path(
    path: str | os.PathLike, coords: np.ndarray, steps: np.ndarray, loss: np.ndarray
) -> Path:
    """The trajectory as a ``.vtp`` polyline through each checkpoint's coordinates (first
    three, z = 0 in 2-D), point arrays ``Step``, ``Loss`` (the loss at the checkpoint
    itself) and ``Coordinates`` (all n)."""
    ds = vtkxml.polyline(
        coords,
        {
            "Step": np.asarray(steps, np.int64),
            "Loss": np.asarray(loss, np.float64),
            "Coordinates": np.asarray(coords, np.float64),
        },
    )
    return vtkxml.write(path, ds)


@dataclass(frozen=True)
class TrajectoryPath:
    """A trajectory projected on its PCA directions: what ``write_path`` draws."""

    coords: np.ndarray
    steps: np.ndarray
    loss: np.ndarray

    def write(self, path: str | os.PathLike) -> Path:
        """Write the ``.vtp`` polyline (:func:`write_path`)."""
        return write_path(path, self.coords, self.steps, self.loss)


def trajectory_pca(
    folder: str | os.PathLike, trained: Trained, n: int
) -> tuple[Tensor, TrajectoryPath]:
    """The top ``n`` PCA directions of the trajectory in ``folder`` (rows of an (n, P)
    tensor on the model's device, in its dtype) and its projection, for ``trained``,
    whose weights must be the trajectory's last checkpoint."""
    params = trained.params
    centre_t = flatten(params)
    centre = centre_t.detach().cpu().double().numpy()
    traj = load_trajectory(folder, params)
    if n > len(traj.files) - 1:
        raise ValueError(
            f"--trajectory {folder}: {n} PCA directions need at least {n + 1} checkpoints, "
            f"it has {len(traj.files)} (save more often with --save-every)"
        )
    check_final(traj, centre)
    directions, coords = pca_directions(traj.weights, centre, n)
    with torch.no_grad():
        loss = [
            float(trained.loss_fn(unflatten(torch.as_tensor(w).to(centre_t), params)))
            for w in traj.weights
        ]
    dirs = torch.as_tensor(directions).to(centre_t)
    return dirs, TrajectoryPath(coords=coords, steps=traj.steps, loss=np.asarray(loss))
