"""The loss-lens protocol: how the authors' published PINN landscapes were made.

Rebuilt from Vis4SciML/loss-lens (its ``loss_landscapes`` package and
``script_util/compute_pinn_loss_landscape.py``) and measured against the published
``pinn_*.vti`` (../shared/loss-lens/README.md):

1. theta = the network's parameters in order; Python's ``random``, ``numpy.random`` and
   torch seeded with the training seed;
2. two uniform [0, 1) directions drawn parameter by parameter, the second with its
   component along the first removed (loss-lens ``orthogonal_to``);
3. each filter-normalised element by element as loss-lens' ``filter_normalize_`` does (a
   row of a weight matrix to the norm of theta's row; each bias entry to ``|theta_b|``),
   then scaled to the norm ``|theta| * 10 / 40``;
4. alpha = ``numpy.linspace(-10, 10, 40)`` in float32 on both axes (no node at 0);
   point (i, j) is ``(theta + alpha_i d1) + alpha_j d2`` (``sample_landscape``'s
   ``sequential`` grid), point id i + 40 j of the ``.vti``;
5. the loss in float32: ``mean((t - u(x, t))^2)`` at the point (x, t) = (0, 2 pi / 256)
   repeated 100 times with t as its own target (the script's ``X[:, 0:1]``,
   ``X[:, 1:2]``), plus the periodic boundary term and L times the mean squared residual
   at the collocation points (for the other systems of the authors' code, their own
   periodic terms and residual, as the authors' ``compute_pinn_loss_landscape.py``
   computes them). It is not the loss the network was trained with.
"""

from __future__ import annotations

import math
import random

import numpy as np
import torch
from torch import Tensor, nn

from lltk.sampling.closure import LossFn
from lltk.sampling.directions import flatten
from lltk.sampling.pinn import T_POINTS, X_POINTS, PinnData, pinn_loss

#: The published grid: ``STEPS`` points per axis, alpha in [-DISTANCE, DISTANCE], sampled
#: with :func:`lltk.sampling.landscape.sample_landscape` (``sequential=True``).
STEPS = 40
DISTANCE = 10.0


def _norm(tensors: list[Tensor]) -> float:
    """loss-lens ``model_norm``: the square root of the float sum of per-tensor sums."""
    return math.pow(sum(torch.pow(t, 2).sum().item() for t in tensors), 0.5)


def _filter_normalize(direction: list[Tensor], theta: list[Tensor]) -> None:
    """loss-lens ``filter_normalize_`` in place: a 1-D tensor first to theta's norm, then
    every slice along the first axis (a row; for a 1-D tensor an element) to the norm of
    theta's slice."""
    for d, w in zip(direction, theta, strict=True):
        if d.dim() == 1:
            d *= w.norm(2) / d.norm(2)
        for f in range(len(d)):
            d[f] *= _norm([w[f]]) / _norm([d[f]])


def directions(params: dict[str, Tensor], seed: int) -> Tensor:
    """The two loss-lens directions of ``params`` (float32 rows of a (2, P) tensor, in
    :func:`lltk.sampling.directions.flatten` order), drawn after seeding Python's, numpy's
    and torch's global generators with ``seed`` (as the authors' ``set_seed`` does)."""
    theta = [p.detach().float().cpu() for p in params.values()]
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    one = [torch.rand(size=t.size(), dtype=torch.float32) for t in theta]
    two = [torch.rand(size=t.size(), dtype=torch.float32) for t in theta]
    dot = sum((b * a).sum().item() for a, b in zip(one, two, strict=True))
    scale = math.pow(_norm(one), 2)
    two = [b - (a * dot) / scale for a, b in zip(one, two, strict=True)]
    target = (_norm(theta) * DISTANCE) / STEPS
    rows = []
    for d in (one, two):
        _filter_normalize(d, theta)
        factor = target / _norm(d)
        rows.append(flatten({str(k): t * factor for k, t in enumerate(d)}))
    return torch.stack(rows)


def published_loss(model: nn.Module, data: PinnData) -> LossFn:
    """The loss of the published landscapes as a vmappable closure of the parameters:
    :func:`lltk.sampling.pinn.pinn_loss` with its first term at (0, 2 pi / 256) repeated
    ``T_POINTS`` times against t (the periodic terms and the mean squared residual of
    ``data``'s system at its collocation points as in training; the authors' L = 1)."""
    step = np.float32(2 * np.pi / X_POINTS)
    point = data.x_collocation.new_tensor([[0.0, float(step)]]).expand(T_POINTS, 2)
    return pinn_loss(model, data, fit=(point, point[:, 1]))
