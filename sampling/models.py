"""The models ``lltk sample`` and ``lltk train`` know by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the command line reads MODELS without importing torch
    from lltk.sampling.closure import Trained

MODELS = ("pinn", "resnet20", "resnet20-noskip")

_PINN_KEYS = (
    "beta", "seed", "n_f", "max_iter", "collocation_seed", "use_cache", "device", "recorder"
)
_RESNET_KEYS = (
    "batch_norm",
    "data",
    "seed",
    "epochs",
    "batch_size",
    "lr",
    "train_subset",
    "loss_samples",
    "use_cache",
    "recorder",
)


def train_model(name: str, progress: bool = True, **hyper: Any) -> Trained:
    """Train (or load from the cache) model ``name``, ignoring hyper-parameters it lacks;
    ``python:MODULE:FUNCTION`` is a user's model (:mod:`lltk.sampling.usermodel`)."""
    if name.startswith("python:"):
        from lltk.sampling.usermodel import load_user_model

        return load_user_model(name, hyper.get("device", "cpu"))
    if name == "pinn":
        from lltk.sampling.pinn import train_pinn

        return train_pinn(progress=progress, **{k: hyper[k] for k in _PINN_KEYS if k in hyper})
    if name in ("resnet20", "resnet20-noskip"):
        from lltk.sampling.resnet import train_resnet

        kwargs = {k: hyper[k] for k in _RESNET_KEYS if k in hyper}
        return train_resnet(residual=name == "resnet20", progress=progress, **kwargs)
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
