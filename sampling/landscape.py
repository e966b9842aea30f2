"""Evaluate a loss on an n-D grid of perturbed weights ``theta + sum_i alpha_i delta_i``.

Weight vectors are evaluated a chunk at a time (:func:`point_evaluation` says how): with
:func:`torch.func.vmap` over the loss closure (one batched computation, no model copies),
or, for networks whose one evaluation is already a large batch of work (ResNets, ViTs on
a CPU), one point at a time, convolutions in ``channels_last`` layout. Chunk
boundaries are fixed by
``chunk_size``, so a run resumed from its state file computes exactly the chunks an
uninterrupted run computes and ends with identical numbers.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from lltk.atomic import atomic_write
from lltk.environment import env_seconds
from lltk.memory import check_allocation
from lltk.sampling.budget import available_memory, check_grid, halve_to_fit
from lltk.sampling.closure import LossFn, ModelLoss, channels_last, saved_bytes
from lltk.sampling.directions import flatten, unflatten

#: Operations of one loss evaluation from which a CPU evaluates points one at a time.
LOOP_FLOPS = 1e7
#: Seconds between two saves of the resumable state (``LLTK_STATE_SAVE_SECONDS`` overrides).
SAVE_EVERY = 2.0


class FiniteLoss:
    """Which of the ``loss`` values are valid: finite, not NaN or inf (a diverged point)."""

    loss: np.ndarray

    @property
    def valid(self) -> np.ndarray:
        """1 where the loss is finite, 0 where it was NaN or inf (same shape as ``loss``)."""
        return np.isfinite(self.loss).astype(np.uint8)

    @property
    def invalid_count(self) -> int:
        """How many points had a NaN or inf loss."""
        return int(self.loss.size - np.count_nonzero(np.isfinite(self.loss)))


@dataclass
class LandscapeResult(FiniteLoss):
    """Losses on the grid: ``loss[i_0, ..., i_{n-1}]`` at ``alphas[i_0], ..., alphas[i_{n-1}]``."""

    loss: np.ndarray
    alphas: np.ndarray
    distance: float

    @property
    def dimension(self) -> int:
        """Number of directions n."""
        return self.loss.ndim

    @property
    def resolution(self) -> int:
        """Points per axis r."""
        return len(self.alphas)


    def flat_loss(self) -> np.ndarray:
        """The losses in VTK point order (first direction fastest)."""
        return self.loss.ravel(order="F")

    def coordinates(self) -> np.ndarray:
        """The (r^n, n) alphas of every point in VTK point order."""
        return grid_alphas(
            self.dimension, self.resolution, self.distance, np.arange(self.loss.size)
        )


def grid_alphas(n: int, resolution: int, distance: float, index: np.ndarray) -> np.ndarray:
    """The (len(index), n) coordinates of flat grid indices (first axis fastest)."""
    axis = np.linspace(-distance, distance, resolution)
    idx = np.unravel_index(np.asarray(index), (resolution,) * n, order="F")
    return np.stack([axis[i] for i in idx], axis=-1)


def grid_weights(
    theta: Tensor,
    directions: Tensor,
    resolution: int,
    distance: float,
    sequential: bool,
    index: np.ndarray,
) -> Tensor:
    """The weight vectors ``theta + sum_k alpha_k d_k`` of flat grid indices ``index``.
    Default: one matrix product of the alphas and the directions. ``sequential``: as the
    loss-lens code adds them, one direction after the other in ``theta``'s precision
    with the alphas rounded to it (``(theta + alpha_i d_1) + alpha_j d_2``)."""
    alphas = torch.as_tensor(grid_alphas(directions.shape[0], resolution, distance, index))
    if not sequential:
        return theta + alphas.to(theta) @ directions
    alphas = alphas.to(theta)
    weights = theta.expand(len(index), -1)
    for k in range(directions.shape[0]):
        weights = weights + alphas[:, k, None] * directions[k]
    return weights


def chunk_share(n_chunks: int, part: int, parts: int) -> np.ndarray:
    """The chunks part ``part`` of ``parts`` evaluates: every ``parts``-th one from ``part``
    (interleaved, so that parts running at the same speed finish together)."""
    if not 0 <= part < parts:
        raise ValueError(f"part {part} of {parts} does not exist")
    return np.arange(part, n_chunks, parts)


def chunk_points(total: int, chunk_size: int, chunks: np.ndarray) -> np.ndarray:
    """The flat grid indices of ``chunks``; chunk c holds ``c * chunk_size`` onwards (a chunk
    never holds more than the grid's ``total`` points, whatever ``chunk_size`` says)."""
    index = (np.asarray(chunks)[:, None] * chunk_size + np.arange(min(chunk_size, total))).ravel()
    return index[index < total]


def evaluation_flops(loss_fn: ModelLoss, params: dict[str, Tensor]) -> int:
    """Floating-point operations of one evaluation of ``loss_fn`` at ``params``, counted by
    :class:`torch.utils.flop_counter.FlopCounterMode` (matrix products and convolutions)."""
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        loss_fn(params)
    return int(counter.get_total_flops())


def point_evaluation(
    loss_fn: LossFn,
    params: dict[str, Tensor],
    vectorized: bool = True,
    loop_flops: float = LOOP_FLOPS,
) -> tuple[LossFn | None, LossFn]:
    """``(batched, per_point)``: how the sampler evaluates a chunk of weight vectors.

    ``batched`` is ``vmap(loss_fn)``, or None for a loop of ``per_point`` over the points:
    when ``vectorized`` is False (a model that does not run under vmap), and on a CPU for a
    model on batches (:class:`~lltk.sampling.closure.ModelLoss`) whose one evaluation does
    at least ``loop_flops`` operations: there one point's forward pass already keeps the
    cores busy, and vmap over weights measured at a quarter (ResNet-20, grouped
    convolutions) to a half (a small ViT) of the loop's speed (``docs/benchmarks.md``).
    A convolutional network's loop takes its weights and images in ``channels_last``
    layout. Every way gives the same losses to float32 rounding.
    """
    on_cpu = all(p.device.type == "cpu" for p in params.values())
    if (
        on_cpu
        and isinstance(loss_fn, ModelLoss)
        and evaluation_flops(loss_fn, params) >= loop_flops
    ):
        if not any(p.ndim == 4 for p in params.values()):
            return None, loss_fn
        moved = loss_fn.in_channels_last()

        def per_point(weights: dict[str, Tensor]) -> Tensor:
            return moved({k: channels_last(w) for k, w in weights.items()})

        return None, per_point
    return (torch.func.vmap(loss_fn) if vectorized else None), loss_fn


def evaluate_chunk(
    loss_fn: LossFn,
    params: dict[str, Tensor],
    directions: Tensor,
    resolution: int,
    distance: float,
    chunk_size: int,
    chunk: int,
    vectorized: bool = True,
    sequential: bool = False,
) -> np.ndarray:
    """The losses of one chunk of the grid, computed as :func:`sample_landscape` computes them."""
    theta = flatten(params).detach()
    directions = torch.as_tensor(directions).to(theta)
    evaluate, loss_fn = point_evaluation(loss_fn, params, vectorized)
    total = resolution ** directions.shape[0]
    index = np.arange(chunk * chunk_size, min(total, (chunk + 1) * chunk_size))
    grid = (resolution, distance, sequential)
    return _evaluate(loss_fn, evaluate, params, theta, directions, grid, index)


def _evaluate(
    loss_fn: LossFn,
    evaluate: LossFn | None,
    params: dict[str, Tensor],
    theta: Tensor,
    directions: Tensor,
    grid: tuple[int, float, bool],
    index: np.ndarray,
    batch: int | None = None,
) -> np.ndarray:
    """Losses at the grid points ``index``: vmap calls of at most ``batch`` points (default
    all), or a loop when ``evaluate`` is None. ``grid``: (resolution, distance, sequential),
    see :func:`grid_weights`."""
    batch = batch or len(index)
    out = [
        losses_at(loss_fn, evaluate, params, grid_weights(theta, directions, *grid, part))
        for part in (index[start : start + batch] for start in range(0, len(index), batch))
    ]
    return np.concatenate(out)


def losses_at(
    loss_fn: LossFn, evaluate: LossFn | None, params: dict[str, Tensor], weights: Tensor
) -> np.ndarray:
    """The losses (float64) at the flat weight vectors ``weights`` (B, P), named like
    ``params``: one call of ``evaluate`` (``vmap(loss_fn)``), or a loop when it is None."""
    with torch.no_grad():
        if evaluate is not None:
            values = evaluate(unflatten(weights, params))
        else:
            values = torch.stack([loss_fn(unflatten(w, params)) for w in weights])
    return values.detach().double().cpu().numpy()


def point_bytes(loss_fn: LossFn, params: dict[str, Tensor]) -> int | None:
    """Bytes one weight point adds to a vmap call: its weights twice (the point and its
    slice of the batch) and the activations one evaluation saves for a backward pass (an
    upper bound of what a forward pass holds at once); None where they cannot be counted."""
    try:
        saved = saved_bytes(loss_fn, params)
    except RuntimeError:
        return None
    return saved + 2 * sum(v.numel() * v.element_size() for v in params.values())


def fit_vmap_batch(
    loss_fn: LossFn,
    params: dict[str, Tensor],
    chunk_size: int,
    memory: int,
    log: Callable[[str], None] = print,
) -> int:
    """Points per vmap call: ``chunk_size``, halved (with one message) until the estimated
    memory (:func:`point_bytes`) fits in half of ``memory`` bytes; ValueError when one point
    does not. The chunks, and so a resumed run's state, stay as ``chunk_size`` makes them."""
    per_point = point_bytes(loss_fn, params)
    if per_point is None:
        return chunk_size
    batch = halve_to_fit(chunk_size, per_point, memory, "weight point")
    if batch < chunk_size:
        log(
            f"lltk: a chunk of {chunk_size} points needs about "
            f"{chunk_size * per_point / 2**30:.3g} GiB of the {memory / 2**30:.3g} GiB "
            f"available; evaluating {batch} points at a time"
        )
    return batch


def sample_landscape(
    loss_fn: LossFn,
    params: dict[str, Tensor],
    directions: Tensor,
    resolution: int,
    distance: float = 1.0,
    *,
    chunk_size: int = 32,
    vectorized: bool = True,
    state_path: str | os.PathLike | None = None,
    progress: bool = True,
    share: tuple[int, int] = (0, 1),
    sequential: bool = False,
) -> LandscapeResult:
    """Evaluate ``loss_fn`` on the ``resolution^n`` grid ``alpha in [-distance, distance]^n``.

    ``directions`` is (n, P) (rows from :func:`lltk.sampling.directions.random_directions` or
    Hessian eigenvectors). With ``state_path`` the finished chunks are saved there every
    few seconds and a later call with the same inputs continues from them; delete the file
    with :func:`discard_state` once the result is written. NaN/inf losses are kept (NaN).
    ``share=(k, m)`` evaluates only the chunks :func:`chunk_share` gives part ``k`` of ``m``
    (one rank's part of a distributed run); the other points stay NaN. ``sequential``
    adds the directions one after the other (the loss-lens protocol: :func:`grid_weights`).

    A linear model at its exact fit, sampled along the two coordinate directions: the
    mean squared error is (alpha_0^2 + alpha_1^2) / 2.

    >>> import torch
    >>> model = torch.nn.Linear(2, 1, bias=False)
    >>> _ = torch.nn.init.ones_(model.weight)
    >>> data = [(torch.eye(2), torch.ones(2, 1))]  # fitted exactly by the weights (1, 1)
    >>> from lltk.sampling.closure import model_loss_closure
    >>> loss_fn = model_loss_closure(model, data, torch.nn.MSELoss())
    >>> params = {k: v.detach() for k, v in model.named_parameters()}
    >>> result = sample_landscape(loss_fn, params, torch.eye(2), resolution=3, progress=False)
    >>> result.alphas.tolist()
    [-1.0, 0.0, 1.0]
    >>> result.loss.tolist()
    [[1.0, 0.5, 1.0], [0.5, 0.0, 0.5], [1.0, 0.5, 1.0]]
    """
    from tqdm import tqdm

    directions = torch.as_tensor(directions)
    if directions.ndim != 2:
        raise ValueError(
            f"directions must be an (n, P) tensor, not shape {tuple(directions.shape)}"
        )
    n = directions.shape[0]
    check_grid(n, resolution, distance)
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, not {chunk_size}")
    theta = flatten(params).detach()
    if directions.shape[1] != theta.numel():
        raise ValueError(
            f"directions have {directions.shape[1]} entries, the model {theta.numel()} parameters"
        )
    directions = directions.to(theta)
    total = resolution**n
    check_allocation(
        2 * min(chunk_size, total) * theta.numel() * theta.element_size(),
        f"a chunk of {min(chunk_size, total):,} weight vectors of {theta.numel():,} parameters "
        "(lower --chunk-size)",
    )
    n_chunks = -(-total // chunk_size)
    mine = chunk_share(n_chunks, *share)
    key = _fingerprint(theta, directions, resolution, distance, chunk_size, share, sequential)
    loss, done = _load_state(state_path, key, total, n_chunks)
    evaluate, loss_fn = point_evaluation(loss_fn, params, vectorized)
    batch = None
    if evaluate is not None and not done[mine].all():
        batch = fit_vmap_batch(loss_fn, params, chunk_size, available_memory())
    bar = tqdm(
        total=len(chunk_points(total, chunk_size, mine)),
        initial=len(chunk_points(total, chunk_size, mine[done[mine]])),
        desc=f"sample {resolution}^{n} landscape",
        unit="pt",
        disable=not progress,
        smoothing=0.1,
    )
    save_every = env_seconds("LLTK_STATE_SAVE_SECONDS", SAVE_EVERY, most=86400, zero=True)
    last_save = time.monotonic()
    try:
        for c in mine[~done[mine]]:
            index = np.arange(c * chunk_size, min(total, (c + 1) * chunk_size))
            grid = (resolution, distance, sequential)
            loss[index] = _evaluate(
                loss_fn, evaluate, params, theta, directions, grid, index, batch
            )
            done[c] = True
            bar.update(len(index))
            if state_path is not None and time.monotonic() - last_save >= save_every:
                _save_state(state_path, key, loss, done)
                last_save = time.monotonic()
    finally:
        bar.close()
        if state_path is not None and done.any():
            _save_state(state_path, key, loss, done)
    loss[~np.isfinite(loss)] = np.nan
    shaped = loss.reshape((resolution,) * n, order="F")
    return LandscapeResult(
        loss=shaped, alphas=np.linspace(-distance, distance, resolution), distance=float(distance)
    )


def discard_state(state_path: str | os.PathLike) -> None:
    """Remove a finished run's state file."""
    Path(state_path).unlink(missing_ok=True)


def _fingerprint(
    theta: Tensor,
    directions: Tensor,
    r: int,
    d: float,
    chunk: int,
    share: tuple[int, int],
    sequential: bool = False,
) -> str:
    h = hashlib.sha256()
    h.update(theta.cpu().numpy().tobytes())
    h.update(directions.cpu().numpy().tobytes())
    shape = tuple(directions.shape)
    extra = ((share,) if share != (0, 1) else ()) + (("sequential",) if sequential else ())
    h.update(repr((r, float(d), chunk, shape, *extra)).encode())
    return h.hexdigest()


def _load_state(
    state_path: str | os.PathLike | None, key: str, total: int, n_chunks: int
) -> tuple[np.ndarray, np.ndarray]:
    loss = np.full(total, np.nan)
    done = np.zeros(n_chunks, dtype=bool)
    if state_path is None or not Path(state_path).is_file():
        return loss, done
    try:
        with np.load(state_path, allow_pickle=False) as z:
            if str(z["key"]) == key and len(z["loss"]) == total and len(z["done"]) == n_chunks:
                return z["loss"].copy(), z["done"].copy()
    except (OSError, ValueError, KeyError):
        pass
    print(f"lltk: ignoring {state_path}: it belongs to another run or is damaged")
    return loss, done


def _save_state(
    state_path: str | os.PathLike, key: str, loss: np.ndarray, done: np.ndarray
) -> None:
    with atomic_write(state_path) as f:
        np.savez(f, key=np.array(key), loss=loss, done=done)
