"""Hessian figures from batched Hessian-vector products (:mod:`torch.func`).

``H v`` is summed over chunks of the images (:meth:`lltk.sampling.closure.ModelLoss.pieces`),
each chunk's product by :mod:`torch.func`: reverse-over-reverse, ``vjp(grad(loss))`` (the
default: on a CPU it measured 1.7 times faster than forward-over-reverse on ResNet-20,
``docs/benchmarks.md``), or forward-over-reverse, ``jvp(grad(loss))``. A chunk's
gradient graph is kept between products only where all chunks' graphs fit in half of the
available memory, else rebuilt for each, so memory is bounded by the chunk. Convolutional
weights and images go in ``channels_last`` layout (oneDNN's own, about 1.6 times faster
on a CPU). Each eval-mode batch norm that follows a convolution is folded into it
(:func:`fold_batch_norm`): the same function of the same parameters, whose second
derivatives skip batch norm's double backward (a third of a product's time on ResNet-20).
A (k, P) batch of vectors goes through one chunk's pass under :func:`torch.func.vmap`,
sharing its forward and backward (Hutchinson's probes go :data:`PROBES_PER_PASS` at a
time).

The three estimators follow PyHessian 0.1 (``pyhessian.hessian``) step by step: power
iteration with deflation and its relative tolerance, Hutchinson's trace with its early
stop, stochastic Lanczos quadrature with full reorthogonalisation. They draw their random
vectors from torch's global generator in PyHessian's order (one tensor per parameter,
:func:`torch.randn` on the CPU, :func:`torch.randint_like` on the parameter's device), so on
the same seed they use PyHessian's probe vectors and give its figures to float32
rounding; PyHessian stays the reference (``engine="pyhessian"`` of
:func:`lltk.sampling.hessian.hessian_figures`, compared in the tests).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor, fx, nn
from torch.nn import functional

from lltk.sampling.budget import available_memory, halve_to_fit
from lltk.sampling.closure import LossFn, ModelLoss, channels_last, saved_bytes
from lltk.sampling.directions import flatten, unflatten

#: Images per chunk of a Hessian-vector product when none is given: on ResNet-20 at 1,024
#: images, chunks of 64 or 128 measured twice as fast as one chunk of 1,024, whose
#: activations (64 MB each) the allocator maps and faults in afresh at every product.
DEFAULT_CHUNK = 128
#: Probe vectors per batched pass of Hutchinson's estimator: one, as four through one
#: vmapped pullback measured no faster per vector on a CPU (``docs/benchmarks.md``).
PROBES_PER_PASS = 1
#: How a chunk's product is differentiated.
MODES = ("reverse-over-reverse", "forward-over-reverse")


class HessianVectorProduct:
    """``v -> H v`` of ``loss_fn`` at ``params`` for flat vectors (or (k, P) batches).

    A :class:`~lltk.sampling.closure.ModelLoss` is split into chunks of ``chunk_size``
    images (halved with a message while a chunk's estimated memory exceeds what is
    available); any other closure is differentiated whole. ``mode``: one of :data:`MODES`.
    In reverse-over-reverse mode each chunk's gradient graph (its ``vjp`` pullback) is kept
    for the next products where all chunks' graphs fit in half of the available memory,
    as PyHessian keeps its one graph: a product is then one more backward pass per chunk.
    """

    def __init__(
        self,
        loss_fn: LossFn,
        params: dict[str, Tensor],
        chunk_size: int | None = None,
        log: Callable[[str], None] = print,
        mode: str = "reverse-over-reverse",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.params = {k: v.detach() for k, v in params.items()}
        self.size = sum(v.numel() for v in self.params.values())
        self.channels_last = any(v.ndim == 4 for v in self.params.values())
        memory = available_memory()
        self.keep_graphs = False
        if isinstance(loss_fn, ModelLoss):
            loss_fn = batch_norm_folded(loss_fn)
            chunk = chunk_size or DEFAULT_CHUNK
            chunk = fit_chunk(loss_fn, self.params, chunk, memory, log)
            self.pieces = loss_fn.pieces(chunk, self.channels_last)
            self.chunk_size = chunk
            images = sum(len(x) for x, _ in loss_fn.batches)
            per_image = hvp_bytes_per_image(loss_fn, self.params)
            self.keep_graphs = mode == MODES[0] and images * per_image <= memory // 2
        else:
            if chunk_size is not None:
                log("lltk: the loss is not a model on batches; its Hessian is taken whole")
            self.pieces = [(1.0, loss_fn)]
            self.chunk_size = None
        self.products = 0
        self._pullbacks: dict[int, Callable] = {}

    def _piece_hvp(
        self, piece: int, loss: LossFn, tangent: dict[str, Tensor], batched: bool
    ) -> dict:
        """Chunk ``piece``'s ``H v`` (``batched``: a stack of vectors in each tensor)."""
        params = self.params
        if self.channels_last:
            params = {k: channels_last(v) for k, v in params.items()}
        if self.mode == "reverse-over-reverse":
            pullback = self._pullbacks.get(piece)
            if pullback is None:
                _, pullback = torch.func.vjp(torch.func.grad(loss), params)
                if self.keep_graphs:
                    self._pullbacks[piece] = pullback
            product = torch.func.vmap(pullback) if batched else pullback
            return product(tangent)[0]

        def forward(t: dict[str, Tensor]) -> dict[str, Tensor]:
            return torch.func.jvp(torch.func.grad(loss), (params,), (t,))[1]

        return torch.func.vmap(forward)(tangent) if batched else forward(tangent)

    def __call__(self, v: Tensor) -> Tensor:
        """``H v`` (flat, or row by row for a (k, P) batch of vectors)."""
        if v.ndim == 2 and len(v) == 1:
            return self(v[0])[None]
        batched = v.ndim == 2
        tangent = unflatten(v, self.params)
        if self.channels_last and not batched:
            tangent = {k: channels_last(t) for k, t in tangent.items()}
        total = None
        for piece, (weight, loss) in enumerate(self.pieces):
            hv = self._piece_hvp(piece, loss, tangent, batched)
            flat = torch.cat([t.reshape(*v.shape[:-1], -1) for t in hv.values()], dim=-1)
            total = weight * flat if total is None else total + weight * flat
        self.products += v.shape[0] if batched else 1
        return total.detach()


#: Convolutions a batch norm folds into.
CONVOLUTIONS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
#: Their functional forms, by the number of dimensions of the weight.
_CONVOLUTION_BY_NDIM = {3: functional.conv1d, 4: functional.conv2d, 5: functional.conv3d}


def convolution_batch_norm(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    gamma: Tensor | None,
    beta: Tensor | None,
    running_mean: Tensor,
    running_var: Tensor,
    eps: float,
    stride: tuple[int, ...],
    padding: tuple[int, ...] | str,
    dilation: tuple[int, ...],
    groups: int,
) -> Tensor:
    """``batch_norm(conv(x, weight, bias))`` with running statistics, as one convolution:
    the weight scaled by ``gamma / sqrt(running_var + eps)`` per output channel, the shift
    its bias."""
    scale = torch.rsqrt(running_var + eps)
    if gamma is not None:
        scale = gamma * scale
    shift = -running_mean * scale
    if bias is not None:
        shift = shift + bias * scale
    if beta is not None:
        shift = shift + beta
    scaled = weight * scale.reshape(-1, *(1,) * (weight.ndim - 1))
    conv = _CONVOLUTION_BY_NDIM[weight.ndim]
    return conv(x, scaled, shift, stride, padding, dilation, groups)


def fold_batch_norm(model: nn.Module) -> tuple[nn.Module, int]:
    """``model`` with each eval-mode batch norm (running statistics) whose input is a
    convolution used nowhere else replaced by :func:`convolution_batch_norm`, and how many
    were folded. The result reads the same parameters and buffers by the same names
    (:func:`torch.func.functional_call` swaps them as in ``model``); a model that
    :func:`torch.fx.symbolic_trace` cannot trace (data-dependent control flow) comes back
    as it is, with 0."""
    try:
        traced = fx.symbolic_trace(model)
    except Exception:  # fx raises many kinds; the model is then left as it is
        return model, 0
    modules = dict(traced.named_modules())
    graph = traced.graph
    folded = 0
    for node in list(graph.nodes):
        norm = modules.get(node.target) if node.op == "call_module" else None
        if not isinstance(norm, nn.modules.batchnorm._BatchNorm):
            continue
        source = node.args[0]
        conv = modules.get(source.target) if getattr(source, "op", None) == "call_module" else None
        if (
            norm.training
            or norm.running_mean is None
            or type(conv) not in CONVOLUTIONS
            or conv.padding_mode != "zeros"
            or len(source.users) != 1
        ):
            continue
        with graph.inserting_before(node):
            tensors = [_attribute(graph, conv, source.target, n) for n in ("weight", "bias")]
            tensors += [
                _attribute(graph, norm, node.target, n)
                for n in ("weight", "bias", "running_mean", "running_var")
            ]
            fused = graph.call_function(
                convolution_batch_norm,
                (source.args[0], *tensors, norm.eps),
                {
                    "stride": conv.stride,
                    "padding": conv.padding,
                    "dilation": conv.dilation,
                    "groups": conv.groups,
                },
            )
        node.replace_all_uses_with(fused)
        graph.erase_node(node)
        graph.erase_node(source)
        folded += 1
    if not folded:
        return model, 0
    traced.recompile()
    return traced, folded


def _attribute(graph: fx.Graph, module: nn.Module, path: str, name: str) -> fx.Node | None:
    """A node reading ``module``'s tensor ``name`` (at ``path``), or None where it has none."""
    return graph.get_attr(f"{path}.{name}") if getattr(module, name) is not None else None


def batch_norm_folded(loss_fn: ModelLoss) -> ModelLoss:
    """``loss_fn`` on its model with batch norm folded (:func:`fold_batch_norm`), or
    ``loss_fn`` itself where nothing folds."""
    model, folded = fold_batch_norm(loss_fn.model)
    if not folded:
        return loss_fn
    return ModelLoss(model, loss_fn.batches, loss_fn.criterion, loss_fn.guard)


def hvp_bytes_per_image(loss_fn: ModelLoss, params: dict[str, Tensor]) -> int:
    """Bytes one image adds to a Hessian-vector product: what the backward pass saves for
    one image (counted by :func:`torch.autograd.graph.saved_tensors_hooks`), three times
    (the primal's saved tensors, their tangents, and the backward's own)."""
    _, one = loss_fn.pieces(1)[0]
    saved = saved_bytes(one, params)
    param_bytes = sum(v.numel() * v.element_size() for v in params.values())
    return 3 * max(saved - param_bytes, 0)


def fit_chunk(
    loss_fn: ModelLoss,
    params: dict[str, Tensor],
    chunk_size: int,
    memory: int,
    log: Callable[[str], None] = print,
) -> int:
    """``chunk_size``, halved (with one message) until a chunk's estimated memory fits in
    half of ``memory`` bytes; ValueError when even one image does not."""
    per_image = hvp_bytes_per_image(loss_fn, params)
    largest = max(len(x) for x, _ in loss_fn.batches)
    chunk = min(chunk_size, largest)
    fitted = halve_to_fit(chunk, per_image, memory, "image's Hessian-vector product")
    if fitted < chunk:
        log(
            f"lltk: a Hessian chunk of {chunk} images needs about "
            f"{chunk * per_image / 2**30:.3g} GiB of the {memory / 2**30:.3g} GiB available; "
            f"using chunks of {fitted}"
        )
    return fitted


def _normalized(v: Tensor) -> Tensor:
    """PyHessian's ``normalization``: ``v / (||v|| + 1e-6)``."""
    return v / (float(torch.sqrt(v @ v)) + 1e-6)


def _orthonormal(w: Tensor, basis: list[Tensor]) -> Tensor:
    """PyHessian's ``orthnormal``: Gram-Schmidt against ``basis`` in turn, then normalised."""
    for b in basis:
        w = w - (w @ b) * b
    return _normalized(w)


def _gaussian(params: dict[str, Tensor]) -> Tensor:
    """PyHessian's random start: ``torch.randn(p.size())`` per parameter, on the CPU."""
    device = next(iter(params.values())).device
    return flatten({k: torch.randn(p.size()) for k, p in params.items()}).to(device)


def _rademacher(params: dict[str, Tensor]) -> Tensor:
    """PyHessian's probe: ``randint_like(p, high=2)`` per parameter, zeros made -1."""
    v = flatten({k: torch.randint_like(p, high=2) for k, p in params.items()})
    v[v == 0] = -1
    return v


def _rng_state(device: torch.device) -> Tensor:
    """The state of the generator that draws on ``device``."""
    return torch.cuda.get_rng_state(device) if device.type == "cuda" else torch.get_rng_state()


def _set_rng_state(device: torch.device, state: Tensor) -> None:
    if device.type == "cuda":
        torch.cuda.set_rng_state(state, device)
    else:
        torch.set_rng_state(state)


def top_eigenpairs(
    hvp: HessianVectorProduct, top_n: int, max_iter: int = 100, tol: float = 1e-3
) -> tuple[list[float], list[Tensor]]:
    """PyHessian's ``eigenvalues``: power iteration per eigenpair, deflated against the
    ones found, stopped when the estimate changes by less than ``tol`` (relative)."""
    values: list[float] = []
    vectors: list[Tensor] = []
    while len(values) < top_n:
        value = None
        v = _normalized(_gaussian(hvp.params))
        for _ in range(max_iter):
            v = _orthonormal(v, vectors)
            hv = hvp(v)
            estimate = float(hv @ v)
            v = _normalized(hv)
            if value is not None and abs(value - estimate) / (abs(value) + 1e-6) < tol:
                break
            value = estimate
        values.append(value)
        vectors.append(v)
    return values, vectors


def hutchinson_samples(
    hvp: HessianVectorProduct, max_iter: int = 100, tol: float = 1e-3
) -> list[float]:
    """PyHessian's ``trace``: ``v^T H v`` of Rademacher probes until the running mean moves by
    less than ``tol`` (relative). Probes go :data:`PROBES_PER_PASS` at a time through one
    batched product; torch's generator is left where PyHessian's would be."""
    samples: list[float] = []
    mean = 0.0
    device = next(iter(hvp.params.values())).device
    while len(samples) < max_iter:
        states, probes = [], []
        for _ in range(min(PROBES_PER_PASS, max_iter - len(samples))):
            probes.append(_rademacher(hvp.params))
            states.append(_rng_state(device))
        batch = torch.stack(probes)
        values = (hvp(batch) * batch).sum(dim=1).tolist()
        for state, value in zip(states, values, strict=True):
            samples.append(value)
            if abs(np.mean(samples) - mean) / (mean + 1e-6) < tol:
                _set_rng_state(device, state)
                return samples
            mean = float(np.mean(samples))
    return samples


def lanczos_quadrature(
    hvp: HessianVectorProduct, steps: int = 100, runs: int = 1
) -> tuple[list[list[float]], list[list[float]]]:
    """PyHessian's ``density``: per run, ``steps`` Lanczos steps from a normalised
    Rademacher vector with full reorthogonalisation; the Ritz values and the squared first
    components of their eigenvectors (the quadrature weights)."""
    all_values, all_weights = [], []
    for _ in range(runs):
        v = _normalized(_rademacher(hvp.params))
        basis = [v]
        alphas: list[float] = []
        betas: list[float] = []
        w = None
        for i in range(steps):
            if i > 0:
                beta = float(torch.sqrt(w @ w))
                betas.append(beta)
                v = _orthonormal(w if beta != 0.0 else _gaussian(hvp.params), basis)
                basis.append(v)
            hv = hvp(v)
            alpha = float(hv @ v)
            alphas.append(alpha)
            w = hv - alpha * v
            if i > 0:
                w = w - betas[-1] * basis[-2]
        t = torch.zeros(steps, steps)
        for i, a in enumerate(alphas):
            t[i, i] = a
            if i < len(alphas) - 1:
                t[i + 1, i] = t[i, i + 1] = betas[i]
        values, vectors = torch.linalg.eigh(t)
        all_values.append(values.tolist())
        all_weights.append((vectors[0, :] ** 2).tolist())
    return all_values, all_weights
