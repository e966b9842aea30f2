"""Random directions in weight space, normalised as Li et al. (2018) do.

``filter``: each filter (a slice along the first axis of a weight of 2+ dimensions: an
output neuron of a linear layer, an output channel of a convolution) is rescaled to the
norm of the same filter of the weights. ``layer``: each tensor is rescaled to the norm of
its weight tensor. ``none``: raw Gaussian. As in their code's default (``ignore='biasbn'``),
one-dimensional parameters (biases, batch-norm scales and shifts) get a zero direction
under ``filter`` and ``layer``.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

NORMALIZATIONS = ("filter", "layer", "none")


def flatten(tensors: dict[str, Tensor]) -> Tensor:
    """Concatenate a name -> tensor dict (in its order) into one flat vector."""
    return torch.cat([t.reshape(-1) for t in tensors.values()])


def unflatten(vector: Tensor, like: dict[str, Tensor]) -> dict[str, Tensor]:
    """Split a flat vector (or a batch of them, shape (B, P)) back into named tensors."""
    out, pos = {}, 0
    lead = vector.shape[:-1]
    for name, ref in like.items():
        n = ref.numel()
        out[name] = vector[..., pos : pos + n].reshape(*lead, *ref.shape)
        pos += n
    if pos != vector.shape[-1]:
        raise ValueError(f"vector has {vector.shape[-1]} entries, the parameters {pos}")
    return out


def normalize_direction(
    direction: dict[str, Tensor], weights: dict[str, Tensor], normalization: str = "filter"
) -> dict[str, Tensor]:
    """Rescale a direction (named tensors) per filter, per layer or not at all."""
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {NORMALIZATIONS}, not {normalization!r}")
    out = {}
    for name, d in direction.items():
        w = weights[name]
        if normalization == "none":
            out[name] = d.clone()
        elif w.dim() <= 1:
            out[name] = torch.zeros_like(d)
        elif normalization == "layer":
            out[name] = d * (w.norm() / (d.norm() + 1e-10))
        else:
            dims = tuple(range(1, w.dim()))
            wn = torch.linalg.vector_norm(w, dim=dims, keepdim=True)
            dn = torch.linalg.vector_norm(d, dim=dims, keepdim=True)
            out[name] = d * (wn / (dn + 1e-10))
    return out


def random_directions(
    model: nn.Module | dict[str, Tensor], n: int, seed: int = 0, normalization: str = "filter"
) -> Tensor:
    """``n`` seeded Gaussian directions, normalised, as rows of an (n, P) tensor.

    ``model`` is a module or its ``named_parameters`` dict; the columns follow that order
    (:func:`flatten`).

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    >>> directions = random_directions(net, 2, seed=0)
    >>> directions.shape  # 2 directions over the 12 + 4 + 8 + 2 parameters
    torch.Size([2, 26])
    >>> first = unflatten(directions[0], dict(net.named_parameters()))
    >>> bool(torch.allclose(first["0.weight"].norm(dim=1), net[0].weight.norm(dim=1)))
    True
    >>> float(first["0.bias"].abs().max())  # filter normalization leaves biases still
    0.0
    """
    if n < 1:
        raise ValueError(f"the number of directions must be >= 1, not {n}")
    weights = (
        {k: v.detach() for k, v in model.named_parameters()}
        if isinstance(model, nn.Module)
        else model
    )
    gen = torch.Generator().manual_seed(int(seed))
    rows = []
    for _ in range(n):
        raw = {
            k: torch.randn(w.shape, generator=gen, dtype=w.dtype).to(w.device)
            for k, w in weights.items()
        }
        rows.append(flatten(normalize_direction(raw, weights, normalization)))
    return torch.stack(rows)


def authors_directions(model: nn.Module | dict[str, Tensor], seed: int = 0) -> Tensor:
    """Two random directions as the study's authors draw them (loss-lens
    ``PlanarLossLandscape.random_plain`` with ``random='normal'``, ``normalization='layer'``):
    Gaussian, the second made orthogonal to the first, then every parameter tensor (biases
    and batch-norm parameters included) rescaled to the norm of its weights, and each
    direction to the norm of all weights, so that ``alpha`` in ``[-d/2, d/2]`` spans the
    authors' distance ``d``. Rows of a (2, P) tensor in :func:`flatten` order."""
    weights = (
        {k: v.detach() for k, v in model.named_parameters()}
        if isinstance(model, nn.Module)
        else model
    )
    theta = flatten(weights)
    gen = torch.Generator().manual_seed(int(seed))
    first, second = (
        torch.randn(theta.shape, generator=gen, dtype=theta.dtype).to(theta.device)
        for _ in range(2)
    )
    second = second - (second @ first) / (first @ first) * first
    rows = []
    for raw in (first, second):
        parts = unflatten(raw, weights)
        scaled = {k: d * (weights[k].norm() / (d.norm() + 1e-10)) for k, d in parts.items()}
        row = flatten(scaled)
        rows.append(row * (theta.norm() / row.norm()))
    return torch.stack(rows)
