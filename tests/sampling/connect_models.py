"""Tiny networks for ``lltk connect`` in the tests (``python:tests/sampling/connect_models.py:…``).

A curved double well in a two-parameter weight space:
``L(w) = (w0^2 - 1)^2 + K (w1 - C (1 - w0^2))^2``. Its minima are ``(-1, 0)`` and
``(1, 0)`` (loss 0); the valley ``w1 = C (1 - w0^2)`` joins them over the saddle ``(0, C)``
(loss 1). The straight path along ``w1 = 0`` peaks at ``(0, 0)`` with loss ``1 + K C^2``;
the quadratic Bézier curve with control point ``(0, 2C)`` follows the valley exactly
(peak 1).
"""

from __future__ import annotations

import torch
from torch import nn

K, C = 1.0, 1.0


class DoubleWell(nn.Module):
    """Two weights; ``forward`` returns the double well's loss for every input row."""

    def __init__(self, w0: float, w1: float) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor([w0, w1]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w0, w1 = self.w[0], self.w[1]
        value = (w0**2 - 1) ** 2 + K * (w1 - C * (1 - w0**2)) ** 2
        return value * torch.ones_like(x[:, 0])


def _mean(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return out.mean()


def _made(w0: float, w1: float):
    return DoubleWell(w0, w1), [(torch.zeros(2, 1), torch.zeros(2))], _mean


def well_a():
    """The left minimum (-1, 0)."""
    return _made(-1.0, 0.0)


def well_b():
    """The right minimum (1, 0)."""
    return _made(1.0, 0.0)


def well_c():
    """A third point, above the saddle: (0, 2)."""
    return _made(0.0, 2.0)


def well_mid():
    """The midpoint of A and B: collinear with them."""
    return _made(0.0, 0.0)


def mlp():
    """Another architecture: a small MLP."""
    return nn.Sequential(nn.Linear(2, 3)), [(torch.zeros(2, 2), torch.zeros(2, 3))], nn.MSELoss()


def _bn_net(seed: int):
    """A small network with batch norm whose running statistics are exactly its batch
    statistics on the data (one training-mode pass, cumulative average)."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 1))
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(32, 3, generator=gen)
    y = x[:, :1] - x[:, 1:2] ** 2
    model[1].momentum = None
    model.train()
    with torch.no_grad():
        model(x)
    model.eval()
    return model, [(x, y)], nn.MSELoss()


def bn_a():
    """Batch-norm network A."""
    return _bn_net(0)


def bn_b():
    """Batch-norm network B."""
    return _bn_net(1)
