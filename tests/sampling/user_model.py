"""A user's model for ``lltk sample python:tests/sampling/user_model.py:make`` in the tests: a tiny
seeded MLP on seeded data. ``LLTK_TEST_DATA_SEED`` changes the data (ranks that disagree),
``LLTK_TEST_SLEEP`` slows every loss evaluation (a run long enough to kill midway)."""

from __future__ import annotations

import os
import time

import torch
from torch import nn


def make() -> tuple[nn.Module, list[tuple[torch.Tensor, torch.Tensor]], nn.Module]:
    """(model, batches, loss) as lltk's contract asks."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    gen = torch.Generator().manual_seed(int(os.environ.get("LLTK_TEST_DATA_SEED", "1")))
    x = torch.randn(64, 3, generator=gen)
    y = x[:, :1] ** 2 - x[:, 1:2]
    return model, [(x[:32], y[:32]), (x[32:], y[32:])], SlowMSE()


class SlowMSE(nn.MSELoss):
    """Mean squared error that first sleeps ``LLTK_TEST_SLEEP`` seconds."""

    def forward(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        time.sleep(float(os.environ.get("LLTK_TEST_SLEEP", "0")))
        return super().forward(output, target)


def not_a_triple() -> nn.Module:
    """Breaks the contract: returns the model alone."""
    return nn.Linear(2, 1)


class Guarded(nn.Sequential):
    """An MLP whose forward branches on its output's values (a NaN guard, never taken):
    data-dependent control flow, which torch.func.vmap cannot run."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The MLP, with non-finite outputs zeroed."""
        out = super().forward(x)
        if not bool(torch.isfinite(out).all()):
            out = torch.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
        return out


def guarded() -> tuple[nn.Module, list[tuple[torch.Tensor, torch.Tensor]], nn.Module]:
    """make()'s model, weights and data, in a forward pass vmap cannot run."""
    model, batches, loss = make()
    same = Guarded(*model)
    return same, batches, loss
