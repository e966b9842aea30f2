"""The models ``lltk sample`` and ``lltk train`` know by name."""

from __future__ import annotations

from typing import Any

from sampling.closure import Trained

MODELS = ("pinn",)


def train_model(name: str, progress: bool = True, **hyper: Any) -> Trained:
    """Train (or load from the cache) model ``name`` with the hyper-parameters it accepts."""
    if name == "pinn":
        from sampling.pinn import train_pinn

        keys = ("beta", "seed", "n_f", "max_iter", "use_cache")
        return train_pinn(progress=progress, **{k: hyper[k] for k in keys if k in hyper})
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
