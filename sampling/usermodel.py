"""A user's own model on the command line: ``lltk sample python:MODULE:FUNCTION``.

The contract: ``FUNCTION()`` takes no arguments and returns ``(model, batches, loss)``:

- ``model``: a ``torch.nn.Module`` holding the trained weights (the landscape's centre);
- ``batches``: a list (or any iterable) of ``(inputs, targets)`` tensor pairs, the data
  the landscape's loss averages over (kept in memory; a few thousand samples is typical);
- ``loss``: ``loss(model(inputs), targets) -> scalar tensor``, e.g.
  ``torch.nn.CrossEntropyLoss()`` (mean reduction).

lltk moves the model and the batches to ``--device``, puts the model in eval mode (batch
norm uses its running statistics), and evaluates ``mean over batches of loss`` at every
grid point. ``MODULE`` is imported from the current folder or ``PYTHONPATH``, or given as
a path to a ``.py`` file. ``FUNCTION`` must be deterministic (seed any randomness): under
torchrun every rank calls it and the ranks check that they got the same model and data.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import torch
from torch import nn

from lltk.sampling.closure import LossFn, ModelLoss, Trained, model_loss_closure

PREFIX = "python:"
T = TypeVar("T")


def check_spec(name: str) -> tuple[str, str]:
    """``(MODULE, FUNCTION)`` of ``python:MODULE:FUNCTION``; ValueError when malformed."""
    module, sep, function = name[len(PREFIX) :].rpartition(":")
    if not (name.startswith(PREFIX) and sep and module and function.isidentifier()):
        raise ValueError(
            f"{name!r} is not python:MODULE:FUNCTION (e.g. python:my_module:make or "
            "python:path/to/file.py:make)"
        )
    return module, function


class UserCode:
    """Runs the user's code (the module's import, ``FUNCTION()``, the batches, the model,
    the loss) so that whatever it does is one clear error naming the model: any exception,
    a syntax error or ``sys.exit`` becomes a ``ValueError`` (Ctrl-C stays Ctrl-C), and a
    change of the working folder is undone, so lltk's relative output paths stay put."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, what: str, call: Callable[..., T], *args: object) -> T:
        """``call(*args)``; ``what`` names it in an error."""
        cwd = os.getcwd()
        try:
            return call(*args)
        except ValueError as exc:
            if str(exc).startswith("python model"):
                raise
            raise self._error(what, exc) from None
        except (Exception, SystemExit) as exc:
            raise self._error(what, exc) from None
        finally:
            if os.getcwd() != cwd:
                os.chdir(cwd)

    def _error(self, what: str, exc: BaseException) -> ValueError:
        if isinstance(exc, SystemExit):
            return ValueError(f"python model {self.name}: {what} called sys.exit({exc.code})")
        text = str(exc).strip().splitlines()
        reason = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
        return ValueError(f"python model {self.name}: {what} raised {reason}")

    def wrap(self, loss_fn: LossFn) -> LossFn:
        """``loss_fn`` with every call guarded (the sampler calls it at every grid point);
        a :class:`ModelLoss` stays one, so that the sampler and the Hessian engine still
        see its model and batches."""
        if isinstance(loss_fn, ModelLoss):
            guard = functools.partial(self, "the loss")
            return ModelLoss(loss_fn.model, loss_fn.batches, loss_fn.criterion, guard)

        def guarded(params: dict[str, torch.Tensor]) -> torch.Tensor:
            return self("the loss", loss_fn, params)

        return guarded


def _import(module: str) -> object:
    """Import a module by dotted name (current folder first) or by ``.py`` path."""
    if module.endswith(".py"):
        path = Path(module)
        if not path.is_file():
            raise ValueError(f"python model: no file {module}")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise ValueError(
                f"python model: no module {module!r} in the current folder or on PYTHONPATH"
            ) from None
        raise


def load_user_model(name: str, device: str | torch.device = "cpu") -> Trained:
    """Call the user's ``FUNCTION()`` and build the loss closure from what it returns;
    everything the user's code does runs under :class:`UserCode`."""
    module, function = check_spec(name)
    user = UserCode(name)
    make = getattr(user(f"importing {module}", _import, module), function, None)
    if not callable(make):
        raise ValueError(f"python model: {module} has no function {function}()")
    made = user(f"{function}()", make)
    if not (isinstance(made, tuple) and len(made) == 3):
        raise ValueError(
            f"python model: {function}() must return (model, batches, loss), "
            f"not {type(made).__name__}"
        )
    model, batches, criterion = made
    if not isinstance(model, nn.Module):
        raise ValueError(
            f"python model: {function}() returned {type(model).__name__}, not a torch Module"
        )
    if not callable(criterion):
        raise ValueError(f"python model: the loss {function}() returned is not callable")
    pairs = user("reading the batches", _pairs, batches, device)
    model = user("moving the model", lambda: model.to(device).eval())
    loss_fn = user.wrap(user("the loss", model_loss_closure, model, pairs, criterion))
    params = {k: v.detach() for k, v in model.named_parameters()}
    with torch.no_grad():
        centre = loss_fn(params)
    return Trained(
        model=model,
        loss_fn=loss_fn,
        metadata={"Model": name, "TrainLoss": float(centre)},
        vectorized=_vmaps(loss_fn, params, centre),
        extras={"loss_data": (pairs, criterion)},
    )


def _pairs(batches: object, device: str | torch.device) -> list[tuple[torch.Tensor, ...]]:
    pairs = []
    for item in batches:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise ValueError("python model: each batch must be an (inputs, targets) pair")
        pairs.append(tuple(torch.as_tensor(t).to(device) for t in item))
    return pairs


def _vmaps(loss_fn: Callable, params: dict[str, torch.Tensor], centre: torch.Tensor) -> bool:
    """Whether ``loss_fn`` runs under vmap and gives the centre's loss there (else: a loop)."""
    pair = {k: torch.stack([v, v]) for k, v in params.items()}
    try:
        with torch.no_grad():
            values = torch.func.vmap(loss_fn)(pair)
        ok = torch.allclose(values, centre.expand(2), rtol=1e-4, atol=1e-6, equal_nan=True)
    except (RuntimeError, ValueError, TypeError, NotImplementedError):
        ok = False
    if not ok:
        print("lltk: the model does not run under torch.func.vmap; evaluating one point at a time")
    return ok
