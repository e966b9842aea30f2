"""Networks from checkpoint files, with no training: lltk's own checkpoints, plain
``state_dict`` files and the study authors' files (Vis4SciML/loss-lens), behind one call,
:func:`load_trained`.

Every file is read by :func:`lltk.sampling.safeload.load_torch_archive`: only the globals
of tensors in plain containers (and, for a PINN, the authors' classes as inert
stand-ins) are resolved; nothing in a file is imported or called.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from lltk.sampling.closure import Trained

#: The models a checkpoint can be loaded for.
CHECKPOINT_MODELS = ("pinn", "resnet20", "resnet20-noskip")


def likely_models(path: str | os.PathLike) -> list[str]:
    """The checkpoint models to try for ``path``, the one its name suggests first (the
    authors name their plain ResNets ``..._no_skip_...``)."""
    name = Path(path).name.lower()
    if "no_skip" in name or "noskip" in name:
        return ["resnet20-noskip", "resnet20", "pinn"]
    if "resnet" in name:
        return ["resnet20", "resnet20-noskip", "pinn"]
    return ["pinn", "resnet20", "resnet20-noskip"]


def load_fitting(
    path: str | os.PathLike, models: list[str], **options: Any
) -> tuple[str, Trained]:
    """(model, trained) for the first of ``models`` that the checkpoint ``path`` fits,
    loaded by :func:`load_trained` with ``options``; a ``ValueError`` with the first
    model's reason when it fits none."""
    reasons = []
    for model in models:
        try:
            return model, load_trained(model, path, **options)
        except ValueError as exc:
            reasons.append(str(exc))
    raise ValueError(reasons[0] if reasons else f"{path}: no model to try")


def load_trained(
    model: str,
    path: str | os.PathLike,
    *,
    beta: float = 1.0,
    seed: int = 0,
    n_f: int = 100,
    collocation_seed: int = 0,
    data: str | None = None,
    loss_samples: int = 256,
    hessian_samples: int | None = None,
    device: str | torch.device = "cpu",
) -> Trained:
    """The network in the checkpoint ``path`` as the sampler needs it (model in eval mode,
    loss closure, FieldData metadata), with no training.

    ``model``: ``pinn``, ``resnet20`` or ``resnet20-noskip``. The file may be lltk's own
    checkpoint (``{"model": state_dict, "hyper": ...}``), a plain ``state_dict``
    (DataParallel's ``module.`` prefix and the authors' names are accepted) or, for the
    PINN, the authors' whole pickled ``PhysicsInformedNN_pbc``.

    PINN: an authors' file brings its own PDE system (convection, diffusion, reaction or
    reaction-diffusion) and coefficients, collocation points, boundary and
    initial-condition tensors, and the seed in its name (``..._seed123.pt``); lltk's
    checkpoint its own beta, seed and collocation draw; a plain state dict takes ``beta``,
    ``seed``, ``n_f`` and ``collocation_seed``. The closure is the training loss on those
    points (``extras["convection_data"]`` keeps them).
    ResNet: the loss averages the first ``loss_samples`` training images of ``data`` (a
    CIFAR-10 folder, required for the authors' networks, normalised as they trained;
    default: lltk's digits); ``hessian_samples`` adds ``extras["hessian_loss_fn"]``.

    A ``ValueError`` (one line) names the file and what does not fit: not a torch archive,
    a refused global, missing or unexpected keys, shapes.
    """
    if model not in CHECKPOINT_MODELS:
        raise ValueError(f"--checkpoint applies to {', '.join(CHECKPOINT_MODELS)}, not {model}")
    path = Path(path)
    kind, state, info = read_state(path, model)
    meta = {"Checkpoint": path.name, "CheckpointKind": kind}
    if model == "pinn":
        return _pinn(path, kind, state, info, meta, beta, seed, n_f, collocation_seed, device)
    from lltk.sampling.authors import resnet_state_dict, seed_from_name
    from lltk.sampling.data import AUTHORS_CIFAR_NORMALIZATION, load_cifar10, load_images
    from lltk.sampling.resnet import ResNet20, trained_resnet

    authors = any(k.startswith(("module.", "layer1.")) for k in state)
    state = resnet_state_dict(state)
    if kind == "lltk":
        seed = int(info.get("seed", seed))
    elif seed_from_name(path) is not None:
        seed = seed_from_name(path)
    if authors and data in (None, "digits"):
        raise ValueError(
            f"{path} is an authors' CIFAR-10 network: give the CIFAR-10 python batches "
            "with --data DIR (CIFAR-10 cannot be downloaded here)"
        )
    fc = state.get("fc.weight")
    network = ResNet20(
        num_classes=fc.shape[0] if isinstance(fc, Tensor) and fc.ndim == 2 else 10,
        residual=model == "resnet20",
        batch_norm="bn.weight" in state,
    )
    fit_state(network, state, path, model)
    if authors:
        images = load_cifar10(data, AUTHORS_CIFAR_NORMALIZATION)
        meta["DataNormalization"] = "authors"
    else:
        images = load_images(data, seed)
    network.to(device)
    tensors = (images.x_train, images.y_train, images.x_test, images.y_test)
    meta.update(
        Model=model,
        Residual=float(model == "resnet20"),
        BatchNorm=float("bn.weight" in state),
        Width=16.0,
        Shortcut="B" if model == "resnet20" else "none",
        Seed=float(seed),
    )
    return trained_resnet(
        network, tuple(t.to(device) for t in tensors), loss_samples, hessian_samples, meta, path
    )


def _pinn(path, kind, state, info, meta, beta, seed, n_f, collocation_seed, device) -> Trained:
    """The PINN branch of :func:`load_trained`."""
    from lltk.sampling.authors import pinn_state_dict
    from lltk.sampling.pinn import ConvectionPINN, convection_data, trained_pinn

    if kind == "authors":
        points = info.data()
        meta = info.metadata()
        seed = info.seed if info.seed is not None else seed
    else:
        if kind == "lltk":
            beta = float(info.get("beta", beta))
            seed = int(info.get("seed", seed))
            n_f = int(info.get("n_f", n_f))
            draw = str(info.get("collocation", ""))
            collocation_seed = int(draw.rsplit("-", 1)[1]) if draw[-1:].isdigit() else seed
        points = convection_data(beta, n_f, collocation_seed)
        meta["CollocationSeed"] = float(collocation_seed)
    state = pinn_state_dict(state)
    hidden = pinn_widths(state, path)
    network = ConvectionPINN(hidden)
    fit_state(network, state, path, "pinn")
    network.to(device)
    points = points.to(device)
    meta.update(Seed=float(seed), Width=float(hidden[0]))
    return trained_pinn(network, points, meta, checkpoint=path)


def pinn_widths(state: dict[str, Tensor], path: Path) -> tuple[int, ...]:
    """The hidden widths of a PINN state dict (``net.{2k}.weight`` matrices chained from 2
    inputs to 1 output); a ``ValueError`` when they do not chain."""
    widths, inputs, k = [], 2, 0
    while f"net.{2 * k}.weight" in state:
        w = state[f"net.{2 * k}.weight"]
        if w.ndim != 2 or w.shape[1] != inputs:
            raise ValueError(
                f"{path} does not fit the PINN: net.{2 * k}.weight has shape {tuple(w.shape)}, "
                f"not (*, {inputs})"
            )
        inputs = w.shape[0]
        widths.append(inputs)
        k += 1
    if len(widths) < 2 or widths[-1] != 1:
        raise ValueError(
            f"{path} does not fit the PINN (2 inputs, tanh layers, 1 output): "
            f"layer widths {widths or 'none'}"
        )
    return tuple(widths[:-1])


def fit_state(network: nn.Module, state: dict[str, Tensor], path: Path, model: str) -> None:
    """Load ``state`` into ``network`` exactly; a ``ValueError`` names the missing and the
    unexpected keys, or the first tensor whose shape differs."""
    expected = network.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if missing or unexpected:
        parts = [
            f"{label} {len(keys)} key{'s' * (len(keys) > 1)} ({', '.join(keys[:3])}"
            f"{', ...' if len(keys) > 3 else ''})"
            for label, keys in (("missing", missing), ("unexpected", unexpected))
            if keys
        ]
        raise ValueError(f"{path} does not fit {model}: {'; '.join(parts)}")
    for key, ref in expected.items():
        if state[key].shape != ref.shape:
            raise ValueError(
                f"{path} does not fit {model}: {key} has shape {tuple(state[key].shape)}, "
                f"the model {tuple(ref.shape)}"
            )
    network.load_state_dict({k: state[k].to(ref.dtype) for k, ref in expected.items()})


def read_state(path: str | os.PathLike, model: str) -> tuple[str, dict[str, Tensor], Any]:
    """Read the checkpoint ``path`` for ``model`` and say what it holds:
    ``("authors", weights, AuthorsPinn)`` for an authors' PINN, ``("lltk", state_dict,
    hyper)`` for lltk's checkpoint, ``("state_dict", state_dict, None)`` for a plain one.
    A ``ValueError`` names the file and what it holds instead."""
    from lltk.sampling import authors
    from lltk.sampling.safeload import load_torch_archive, torch_tensor_globals

    path = Path(path)
    if model == "pinn":
        what, allowed = "an lltk, state_dict or authors' PINN checkpoint", authors.PINN_GLOBALS
    else:
        what, allowed = f"a {model} state_dict checkpoint", torch_tensor_globals()
    obj = load_torch_archive(path, allowed, what)
    if model == "pinn" and authors.is_authors_pinn(obj):
        pinn = authors.pinn_from_object(obj, path)
        return "authors", pinn.weights, pinn
    if isinstance(obj, dict) and set(obj) == {"model", "hyper"}:
        state = _tensor_dict(obj["model"])
        if state is not None:
            return "lltk", state, obj["hyper"] if isinstance(obj["hyper"], dict) else {}
    state = _tensor_dict(obj)
    if state is None:
        raise ValueError(f"{path} is not {what} (it holds a {type(obj).__name__})")
    return "state_dict", state, None


def _tensor_dict(obj: Any) -> dict[str, Tensor] | None:
    """``obj`` as a name -> tensor dict, or None when it is not one."""
    if (
        isinstance(obj, dict)
        and obj
        and all(isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items())
    ):
        return dict(obj)
    return None
