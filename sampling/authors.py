"""The study authors' own networks (Vis4SciML/loss-lens), read without their code.

- PINN ``.pt``: a torch archive of a whole pickled ``net_pbc.PhysicsInformedNN_pbc``. It is
  read by :func:`lltk.sampling.safeload.load_torch_archive` with :data:`PINN_GLOBALS`: the
  globals the authors' files name, each mapped to a plain stand-in that only keeps the
  state the pickle gives it; every other global is refused. :func:`read_pinn` turns the
  stand-ins into lltk's :class:`~lltk.sampling.pinn.ConvectionPINN` weights, the file's PDE
  system (convection, diffusion, reaction or reaction-diffusion, :mod:`lltk.sampling.pde`)
  and its own training tensors (collocation points, boundary and initial-condition points).
- ResNet ``.pkl``: a torch archive of a DataParallel ``state_dict`` (``module.`` prefix,
  ``conv1/bn1/layerS.B/fc`` names); :func:`resnet_state_dict` renames it to lltk's
  :class:`~lltk.sampling.resnet.ResNet20` keys.
"""

from __future__ import annotations

import math
import os
import re
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from lltk.sampling.pde import SYSTEMS, PdeSystem
from lltk.sampling.pinn import PinnData
from lltk.sampling.safeload import load_torch_archive, torch_tensor_globals


class _Stand:
    """A stand-in for one of the authors' classes: it keeps the state (``__dict__``) that
    the pickle gives it and has no behaviour."""

    def __setstate__(self, state: Any) -> None:
        if not isinstance(state, dict):
            raise TypeError(f"{type(self).__name__} got a state of type {type(state).__name__}")
        self.state = state


class _PhysicsInformedNN(_Stand):
    """``net_pbc.PhysicsInformedNN_pbc``."""


class _DNN(_Stand):
    """``net_pbc.DNN``."""


class _Sequential(_Stand):
    """``torch.nn.Sequential``."""


class _Linear(_Stand):
    """``torch.nn.Linear``."""


class _Tanh(_Stand):
    """``torch.nn.Tanh``."""


class _LBFGS(_Stand):
    """``torch.optim.LBFGS``."""


#: Exactly the globals the authors' PINN files name (the loss-lens README in ../shared lists
#: them), each to a stand-in; ``__builtin__`` is how a protocol-2 pickle spells builtins.
PINN_GLOBALS: dict[tuple[str, str], Any] = {
    **torch_tensor_globals(),
    ("net_pbc", "PhysicsInformedNN_pbc"): _PhysicsInformedNN,
    ("net_pbc", "DNN"): _DNN,
    ("torch.nn.modules.container", "Sequential"): _Sequential,
    ("torch.nn.modules.linear", "Linear"): _Linear,
    ("torch.nn.modules.activation", "Tanh"): _Tanh,
    ("torch.optim.lbfgs", "LBFGS"): _LBFGS,
    ("collections", "OrderedDict"): OrderedDict,
    ("collections", "defaultdict"): defaultdict,
    ("__builtin__", "dict"): dict,
    ("builtins", "dict"): dict,
    ("__builtin__", "set"): set,
    ("builtins", "set"): set,
}

_TENSORS = ("x_u", "t_u", "u", "x_f", "t_f", "x_bc_lb", "t_bc_lb", "x_bc_ub", "t_bc_ub")


@dataclass
class AuthorsPinn:
    """What an authors' PINN file holds that a landscape needs: the network's weights under
    :class:`~lltk.sampling.pinn.ConvectionPINN`'s names, the PDE's coefficients, the
    training tensors (each (N, 1) float32) and the final L-BFGS loss."""

    path: Path
    system: str
    weights: dict[str, Tensor]
    hidden: tuple[int, ...]
    nu: float
    beta: float
    rho: float
    L: float
    loss_style: str
    tensors: dict[str, Tensor]
    seed: int | None
    final_loss: float | None

    @property
    def pde(self) -> PdeSystem:
        """The file's PDE system and coefficients."""
        return PdeSystem(self.system, beta=self.beta, nu=self.nu, rho=self.rho)

    def data(self) -> PinnData:
        """The file's system and training points as lltk's
        :class:`~lltk.sampling.pinn.PinnData`."""
        if self.loss_style != "mean" or self.L != 1.0:
            raise ValueError(
                f"{self.path}: loss_style {self.loss_style!r}, L {self.L:g}; lltk's PINN loss "
                "is the mean-squared one with L = 1"
            )
        t = self.tensors
        return PinnData(
            system=self.pde,
            x_initial=torch.cat([t["x_u"], t["t_u"]], dim=1),
            u_initial=t["u"].squeeze(-1),
            x_left=torch.cat([t["x_bc_lb"], t["t_bc_lb"]], dim=1),
            x_right=torch.cat([t["x_bc_ub"], t["t_bc_ub"]], dim=1),
            x_collocation=torch.cat([t["x_f"], t["t_f"]], dim=1),
        )

    def metadata(self) -> dict[str, Any]:
        """FieldData figures of the file: its name, the system's coefficients, the width,
        the final L-BFGS loss recorded in it."""
        meta: dict[str, Any] = {
            "Checkpoint": self.path.name,
            "CheckpointKind": "authors",
            **self.pde.metadata(),
            "Width": float(self.hidden[0]),
        }
        if self.final_loss is not None:
            meta["CheckpointFinalLoss"] = self.final_loss
        return meta


def _fail(path: Path, why: str) -> ValueError:
    return ValueError(f"{path} is not an authors' PINN checkpoint ({why})")


def _state(obj: Any, kind: type, path: Path, what: str) -> dict:
    if not isinstance(obj, kind) or not hasattr(obj, "state"):
        raise _fail(path, f"{what} is not a {kind.__doc__.strip('`.')}")
    return obj.state


def read_pinn(path: str | os.PathLike) -> AuthorsPinn:
    """Read an authors' PINN ``.pt`` safely (:data:`PINN_GLOBALS` only); a ``ValueError``
    names the file and what does not fit (a refused global, a missing tensor, shapes)."""
    path = Path(path)
    what = "an authors' PINN checkpoint"
    return pinn_from_object(load_torch_archive(path, PINN_GLOBALS, what), path)


def is_authors_pinn(obj: Any) -> bool:
    """Whether an object read with :data:`PINN_GLOBALS` is an authors' PINN."""
    return isinstance(obj, _PhysicsInformedNN)


def pinn_from_object(top: Any, path: Path) -> AuthorsPinn:
    """The :class:`AuthorsPinn` in an object read with :data:`PINN_GLOBALS` from ``path``."""
    state = _state(top, _PhysicsInformedNN, path, "the pickled object")
    dnn = _state(state.get("dnn"), _DNN, path, "its dnn")
    layers = _state(dnn.get("_modules", {}).get("layers"), _Sequential, path, "dnn.layers")
    modules = list(layers.get("_modules", {}).items())
    linear = [(n, m) for n, m in modules if isinstance(m, _Linear)]
    if any(not isinstance(m, _Linear | _Tanh) for _, m in modules) or not linear:
        raise _fail(path, "dnn.layers is not a chain of Linear and Tanh layers")
    weights, widths = {}, []
    for k, (name, module) in enumerate(linear):
        params = module.state.get("_parameters", {})
        w, b = params.get("weight"), params.get("bias")
        if not isinstance(w, Tensor) or not isinstance(b, Tensor) or w.ndim != 2:
            raise _fail(path, f"layer {name} has no weight matrix and bias")
        if (
            b.shape != (w.shape[0],)
            or (widths and w.shape[1] != widths[-1])
            or (not widths and w.shape[1] != 2)
        ):
            raise _fail(path, f"layer {name} has shapes {tuple(w.shape)}, {tuple(b.shape)}")
        widths.append(w.shape[0])
        weights[f"net.{2 * k}.weight"] = w.float()
        weights[f"net.{2 * k}.bias"] = b.float()
    if widths[-1] != 1:
        raise _fail(path, f"the network's output has {widths[-1]} values, not 1")
    tensors = {}
    for key in _TENSORS:
        t = state.get(key)
        if not isinstance(t, Tensor) or t.ndim != 2 or t.shape[1] != 1 or not len(t):
            raise _fail(path, f"{key} is not an (N, 1) tensor")
        tensors[key] = t.float()
    for a, b in (("x_u", "t_u"), ("x_u", "u"), ("x_f", "t_f"), ("x_bc_lb", "t_bc_lb"),
                 ("x_bc_lb", "x_bc_ub"), ("x_bc_ub", "t_bc_ub")):  # fmt: skip
        if len(tensors[a]) != len(tensors[b]):
            raise _fail(path, f"{a} has {len(tensors[a])} rows, {b} {len(tensors[b])}")
    numbers = {}
    for key in ("nu", "beta", "rho", "L"):
        value = state.get(key)
        if type(value) not in (int, float) or not math.isfinite(value):
            raise _fail(path, f"{key} is not a finite number")
        numbers[key] = float(value)
    system = state.get("system")
    if system not in SYSTEMS:
        raise _fail(path, f"unknown system {system!r}; lltk knows {', '.join(SYSTEMS)}")
    source = state.get("G")
    if isinstance(source, Tensor) and bool(source.ne(0).any()):
        raise _fail(path, "a source term G other than 0")
    return AuthorsPinn(
        path=path,
        system=system,
        weights=weights,
        hidden=tuple(widths[:-1]),
        loss_style=str(state.get("loss_style", "mean")),
        tensors=tensors,
        seed=seed_from_name(path),
        final_loss=_final_loss(state.get("optimizer")),
        **numbers,
    )


def seed_from_name(path: str | os.PathLike) -> int | None:
    """The training seed in an authors' file name (``..._seed123.pt``, ``..._123.pkl``)."""
    match = re.search(r"(?:seed|_)(\d+)$", Path(path).stem)
    return int(match.group(1)) if match else None


def _final_loss(optimizer: Any) -> float | None:
    """The L-BFGS state's ``prev_loss`` (the last training loss), when the file has one."""
    if not isinstance(optimizer, _LBFGS):
        return None
    for entry in optimizer.state.get("state", {}).values():
        if isinstance(entry, dict) and type(entry.get("prev_loss")) is float:
            return entry["prev_loss"]
    return None


def resnet_state_dict(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """An authors' ResNet-20 state dict under lltk's names: DataParallel's ``module.``
    dropped, ``conv1``/``bn1`` to ``conv``/``bn``, ``layerS.B`` to ``blocks.(3(S-1)+B)``;
    other keys (``fc``, a plain lltk state dict, a deeper network's ``layer1.3``) kept as
    they are, so that a network of another depth fails to load rather than loads wrongly."""
    out = {}
    for key, value in state.items():
        name = key.removeprefix("module.")
        name = re.sub(r"^conv1\.", "conv.", name)
        name = re.sub(r"^bn1\.", "bn.", name)
        name = re.sub(
            r"^layer([1-3])\.([0-2])\.",
            lambda m: f"blocks.{3 * (int(m.group(1)) - 1) + int(m.group(2))}.",
            name,
        )
        out[name] = value
    return out


def pinn_state_dict(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """A PINN state dict under lltk's names: the authors' ``DNN`` names
    (``layers.layer_k``) become ``net.2k`` (lltk's Sequential interleaves the tanh)."""
    return {
        re.sub(r"^layers\.layer_(\d+)\.", lambda m: f"net.{2 * int(m.group(1))}.", k): v
        for k, v in state.items()
    }
