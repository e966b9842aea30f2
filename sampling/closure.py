"""Loss closures: the one thing the sampler needs from a model.

A loss closure maps a dict of parameter tensors (names as ``model.named_parameters()``)
to a scalar loss, evaluating the model through :func:`torch.func.functional_call`, so
that :func:`torch.func.vmap` can evaluate many perturbed weight vectors at once.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn
from torch.func import functional_call

LossFn = Callable[[dict[str, Tensor]], Tensor]


@dataclass
class Trained:
    """A trained model, its loss closure and the metadata written as FieldData."""

    model: nn.Module
    loss_fn: LossFn
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Extra datasets written beside the landscape (e.g. the PINN's solution grid).
    extras: dict[str, Any] = field(default_factory=dict)
    #: Whether ``loss_fn`` may run under :func:`torch.func.vmap`.
    vectorized: bool = True
    #: The cached checkpoint holding the weights (``lltk connect`` takes it), if any.
    checkpoint: Path | None = None

    @property
    def params(self) -> dict[str, Tensor]:
        """The trained parameters, detached (the landscape's centre)."""
        return {k: v.detach() for k, v in self.model.named_parameters()}


def channels_last(t: Tensor) -> Tensor:
    """A 4-D tensor in ``channels_last`` memory layout (others as they are): the layout
    oneDNN's convolutions use on a CPU, where NCHW costs a reorder per convolution."""
    return t.contiguous(memory_format=torch.channels_last) if t.ndim == 4 else t


def saved_bytes(loss_fn: LossFn, params: dict[str, Tensor]) -> int:
    """Bytes of the tensors one evaluation of ``loss_fn`` at ``params`` saves for a backward
    pass (counted by :func:`torch.autograd.graph.saved_tensors_hooks`)."""
    saved = 0

    def pack(t: Tensor) -> Tensor:
        nonlocal saved
        saved += t.numel() * t.element_size()
        return t

    leaves = {k: v.detach().requires_grad_(True) for k, v in params.items()}
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss_fn(leaves)
    return saved


class ModelLoss:
    """``params -> mean over batches of criterion(model(x), y)``: a loss closure that also
    knows its model, data and criterion, so that it can be split into image chunks
    (:meth:`pieces`) for batched Hessian-vector products."""

    def __init__(
        self,
        model: nn.Module,
        batches: list[tuple[Tensor, Tensor]],
        criterion: Callable[[Tensor, Tensor], Tensor],
        guard: Callable[..., Tensor] | None = None,
    ) -> None:
        self.model = model
        self.batches = batches
        self.criterion = criterion
        #: ``guard(call, *args)`` runs each batch's loss (a user's model: one clear error)
        self.guard = guard
        self.buffers = {k: v.detach() for k, v in model.named_buffers()}

    def __call__(self, params: dict[str, Tensor]) -> Tensor:
        """The loss at ``params`` (names as ``model.named_parameters()``)."""
        total = 0.0
        for x, y in self.batches:
            total = total + self._batch_loss(params, x, y)
        return total / len(self.batches)

    def in_channels_last(self) -> ModelLoss:
        """The same loss with 4-D inputs in ``channels_last`` layout."""
        batches = [(channels_last(x), y) for x, y in self.batches]
        return ModelLoss(self.model, batches, self.criterion, self.guard)

    def _batch_loss(self, params: dict[str, Tensor], x: Tensor, y: Tensor) -> Tensor:
        if self.guard is not None:
            return self.guard(self._unguarded_loss, params, x, y)
        return self._unguarded_loss(params, x, y)

    def _unguarded_loss(self, params: dict[str, Tensor], x: Tensor, y: Tensor) -> Tensor:
        return self.criterion(functional_call(self.model, {**params, **self.buffers}, (x,)), y)

    def pieces(
        self, chunk_size: int, channels_last_inputs: bool = False
    ) -> list[tuple[float, LossFn]]:
        """``(weight, loss)`` pairs, each loss on at most ``chunk_size`` samples of one batch,
        whose weighted sum is this loss when the criterion is a mean over samples
        (``channels_last_inputs``: 4-D inputs in that memory layout)."""
        if chunk_size < 1:
            raise ValueError(f"the chunk size must be >= 1, not {chunk_size}")
        out = []
        for x, y in self.batches:
            for start in range(0, len(x), chunk_size):
                xc, yc = x[start : start + chunk_size], y[start : start + chunk_size]
                xc = channels_last(xc) if channels_last_inputs else xc
                weight = len(xc) / len(x) / len(self.batches)
                out.append((weight, functools.partial(self._batch_loss, x=xc, y=yc)))
        return out


def model_loss_closure(
    model: nn.Module,
    batches: Sequence[tuple[Tensor, Tensor]] | Iterable[tuple[Tensor, Tensor]],
    criterion: Callable[[Tensor, Tensor], Tensor],
) -> ModelLoss:
    """The closure ``params -> mean over batches of criterion(model(x), y)`` for any model.

    Buffers (batch-norm statistics) are taken from ``model`` as they are; put the model in
    eval mode first. The closure is checked once on the trained weights, so that a
    model/criterion mismatch fails here with a clear message.

    >>> import torch
    >>> model = torch.nn.Linear(2, 1, bias=False)
    >>> _ = torch.nn.init.ones_(model.weight)
    >>> data = [(torch.eye(2), torch.ones(2, 1))]  # fitted exactly by the weights (1, 1)
    >>> loss_fn = model_loss_closure(model, data, torch.nn.MSELoss())
    >>> float(loss_fn({"weight": torch.tensor([[1.0, 3.0]])}))  # errors 0 and 2: mean 2
    2.0
    >>> three_features = [(torch.eye(3), torch.ones(3, 1))]
    >>> model_loss_closure(model, three_features, torch.nn.MSELoss())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: model/criterion mismatch: the loss cannot be evaluated (...)
    """
    batches = list(batches)
    if not batches:
        raise ValueError("no data batches were given to the loss closure")
    loss_fn = ModelLoss(model, batches, criterion)
    params = {k: v.detach() for k, v in model.named_parameters()}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            value = loss_fn(params)
    except (RuntimeError, ValueError, IndexError, TypeError, UserWarning) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(
            f"model/criterion mismatch: the loss cannot be evaluated ({first})"
        ) from None
    if value.ndim != 0:
        raise ValueError(
            f"model/criterion mismatch: the criterion returns shape {tuple(value.shape)}, "
            "not a scalar (use reduction='mean')"
        )
    return loss_fn


def has_batch_norm(model: nn.Module) -> bool:
    """Whether ``model`` has batch-norm layers (running statistics in its buffers)."""
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())


def batch_norm_loss(
    model: nn.Module,
    batches: Sequence[tuple[Tensor, Tensor]],
    criterion: Callable[[Tensor, Tensor], Tensor],
) -> LossFn:
    """The loss of :func:`model_loss_closure` with the batch-norm statistics recomputed for
    the weights given, as Garipov et al. (2018) and Frankle et al. (2020) do between two
    networks (another network's running statistics do not fit): one pass in training mode
    over ``batches`` averages each layer's batch means and variances, then the loss in eval
    mode uses them. Runs one point at a time (not under vmap)."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]

    def loss_fn(params: dict[str, Tensor]) -> Tensor:
        buffers = {k: v.detach().clone() for k, v in model.named_buffers()}
        for name, value in buffers.items():
            if name.endswith(("running_mean", "num_batches_tracked")):
                value.zero_()
            elif name.endswith("running_var"):
                value.fill_(1.0)
        momenta = [m.momentum for m in norms]
        fixed = {k: v.detach() for k, v in params.items()}
        try:
            for m in norms:
                m.momentum = None  # a cumulative average over the batches
            model.train()
            with torch.no_grad():
                for x, _ in batches:
                    functional_call(model, {**fixed, **buffers}, (x,))
        finally:
            model.eval()
            for m, momentum in zip(norms, momenta, strict=True):
                m.momentum = momentum
        total = 0.0
        for x, y in batches:
            total = total + criterion(functional_call(model, {**params, **buffers}, (x,)), y)
        return total / len(batches)

    return loss_fn
