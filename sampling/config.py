"""What ``lltk train``, ``lltk sample`` and ``lltk connect`` do, as typed configs checked
once, when built.

The command line builds a config from its options (``lltk/commands/sample.py`` declares one
option per field); a notebook builds one directly and hands it to :func:`lltk.sampling.run`,
:func:`lltk.sampling.train` or :func:`lltk.sampling.connect_networks`. Every check that
needs no model happens in ``__post_init__``, before any work, with the message the
command line prints (options are named by their flags); the options left unset (None)
take the values of ``protocol`` (:mod:`lltk.sampling.protocols`). No torch here: the
command line imports this module at start-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lltk.sampling.budget import check_grid, check_size
from lltk.sampling.models import MODELS
from lltk.sampling.protocols import SAMPLE_DEFAULT, get_protocol

if TYPE_CHECKING:
    import torch

__all__ = [
    "ConnectConfig",
    "ModelConfig",
    "SampleConfig",
    "TrainConfig",
    "check_model_name",
    "torch_device",
]


def check_model_name(name: str) -> str:
    """``name`` if it is a built-in model or a well-formed ``python:MODULE:FUNCTION``; else
    a ValueError naming the choices."""
    if name.startswith("python:"):
        from lltk.sampling.usermodel import check_spec

        check_spec(name)
    elif name not in MODELS:
        raise ValueError(
            f"invalid choice: {name!r} (choose from {', '.join(MODELS)}, or python:MODULE:FUNCTION)"
        )
    return name


def torch_device(name: str) -> torch.device:
    """The torch device ``name``, checked to exist on this machine (a ValueError if not)."""
    import torch

    try:
        device = torch.device(name)
    except RuntimeError:
        raise ValueError(f"--device {name}: not a torch device") from None
    if device.type not in ("cpu", "cuda"):
        raise ValueError(f"--device {name}: lltk trains and samples on cpu or cuda[:N]")
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"--device {name}: CUDA is not available on this machine")
    if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"--device {name}: this machine has {torch.cuda.device_count()} GPU(s)")
    return device


@dataclass(kw_only=True)
class ModelConfig:
    """The model to train, or to load from ``checkpoint``, and its training.

    ``model``: ``pinn``, ``resnet20``, ``resnet20-noskip`` or ``python:MODULE:FUNCTION``
    (FUNCTION() returns (model, batches, loss)). ``beta``, ``n_f``, ``max_iter``: the PINN
    (convection speed, collocation points, L-BFGS iterations); ``data``, ``epochs``,
    ``batch_norm``, ``train_subset``, ``loss_samples``: the ResNet (CIFAR-10 folder, else
    the digits; SGD epochs; the first N training images; the images the landscape loss
    averages over). ``seed`` None: 0, or a checkpoint's own training seed where it records
    one. ``use_cache``: read and write lltk's checkpoint cache (``$LLTK_CACHE``).
    """

    model: str
    protocol: str = SAMPLE_DEFAULT
    checkpoint: Path | None = None
    beta: float = 1.0
    seed: int | None = None
    n_f: int | None = None
    max_iter: int = 1000
    data: str | None = None
    epochs: int = 10
    batch_norm: bool = True
    train_subset: int | None = None
    loss_samples: int = 256
    use_cache: bool = True
    device: str = "cpu"
    progress: bool = True

    def __post_init__(self) -> None:
        check_model_name(self.model)
        self.checkpoint = None if self.checkpoint is None else Path(self.checkpoint)
        if not math.isfinite(self.beta):
            raise ValueError(f"--beta must be a finite number, not {self.beta}")
        torch_device(self.device)
        self.apply_protocol()
        if self.checkpoint is not None:
            from lltk.sampling.checkpoint import CHECKPOINT_MODELS

            if self.model not in CHECKPOINT_MODELS:
                raise ValueError(
                    f"--checkpoint applies to {', '.join(CHECKPOINT_MODELS)}, not {self.model}"
                )
            if not self.checkpoint.is_file():
                raise FileNotFoundError(f"checkpoint not found: {self.checkpoint}")

    def apply_protocol(self) -> None:
        """Fill the options left unset (None) with the protocol's values."""
        if self.n_f is None:
            self.n_f = get_protocol(self.protocol).n_f

    @property
    def training_seed(self) -> int:
        """The seed training starts from (0 unless ``seed`` is given)."""
        return 0 if self.seed is None else self.seed


@dataclass(kw_only=True)
class TrainConfig(ModelConfig):
    """``lltk train``: a :class:`ModelConfig`; with ``save_every`` K, the parameters every
    K steps (PINN: L-BFGS iterations, ResNet: epochs), the first and the last, are kept in
    the folder ``trajectory`` (for ``lltk sample --directions pca``)."""

    save_every: int | None = None
    trajectory: Path | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.trajectory = None if self.trajectory is None else Path(self.trajectory)
        if (self.save_every is None) != (self.trajectory is None):
            raise ValueError("--save-every K and --trajectory DIR go together")
        if self.save_every is not None and self.model.startswith("python:"):
            raise ValueError(
                "--save-every applies to pinn and the resnets (lltk does not train a python: model)"
            )


@dataclass(kw_only=True)
class SampleConfig(ModelConfig):
    """``lltk sample``: a :class:`ModelConfig` and its landscape, written to ``out``.

    ``dim`` directions, ``resolution`` points per axis, alpha in [-``distance``,
    ``distance``] (None: the protocol's); ``directions`` ``random`` (drawn with
    ``normalization``: ``filter``, ``layer``, ``none`` or ``authors``), ``hessian`` (the
    top eigenvectors) or ``pca`` (of the checkpoints in ``trajectory``); ``hessian``: the
    Hessian figures too (``top_k`` eigenpairs, default max(2, dim); ``hessian_iter``
    steps, default 100); ``graph``: a .vtu's line cells (``k`` neighbours for knn);
    ``chunk_size``: weight vectors per batch (default 32 on a CPU, 2048 on a GPU);
    ``allow_large``: grids beyond :data:`lltk.sampling.budget.EVALUATION_LIMIT` points.
    Options that do not apply are refused rather than ignored.

    >>> config = SampleConfig(model="pinn", protocol="loss-lens", out="beta1.vti")
    >>> config.resolution, config.distance, config.n_f
    (40, 10.0, 100)
    >>> SampleConfig(model="pinn", k=8, out="beta1.vti")
    Traceback (most recent call last):
    ValueError: --k applies to --graph knn only
    """

    out: Path
    dim: int = 2
    resolution: int | None = None
    distance: float | None = None
    directions: str = "random"
    trajectory: Path | None = None
    normalization: str | None = None
    graph: str = "grid"
    hessian: bool = False
    top_k: int | None = None
    hessian_iter: int | None = None
    k: int | None = None
    chunk_size: int | None = None
    allow_large: bool = False

    def __post_init__(self) -> None:
        self.out = Path(self.out)
        self.trajectory = None if self.trajectory is None else Path(self.trajectory)
        super().__post_init__()
        check_grid(self.dim, self.resolution, self.distance)
        suffix = self.out.suffix
        if self.graph != "grid" and suffix != ".vtu":
            raise ValueError(
                f"--graph {self.graph} applies to a .vtu output, not {str(self.out)!r}"
            )
        if self.k is not None and self.graph != "knn":
            raise ValueError("--k applies to --graph knn only")
        points, k = self.resolution**self.dim, 4 * self.dim if self.k is None else self.k
        if self.graph == "knn" and not 1 <= k < points:
            raise ValueError(f"--k must be between 1 and {points - 1} for {points} points, not {k}")
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError(f"--chunk-size must be >= 1, not {self.chunk_size}")
        for flag, value in (("--top-k", self.top_k), ("--hessian-iter", self.hessian_iter)):
            if value is not None and not self.wants_hessian:
                raise ValueError(f"{flag} applies with --hessian or --directions hessian only")
        if self.hessian_iter is not None and self.hessian_iter < 1:
            raise ValueError(f"--hessian-iter must be >= 1, not {self.hessian_iter}")
        if self.eigenpairs < 1 or (self.directions == "hessian" and self.eigenpairs < self.dim):
            raise ValueError(
                f"--top-k must be >= 1 and, for Hessian directions, >= --dim {self.dim}"
            )
        if self.normalization == "authors" and (self.dim != 2 or self.directions != "random"):
            raise ValueError("--normalization authors is a pair of random directions: --dim 2 only")
        if (self.directions == "pca") != (self.trajectory is not None):
            raise ValueError("--directions pca and --trajectory DIR go together")
        check_size(self.dim, self.resolution, suffix, allow_large=self.allow_large)

    def apply_protocol(self) -> None:
        """Fill the options left unset (None) with the protocol's values; refuse what the
        loss-lens protocol cannot do."""
        super().apply_protocol()
        protocol = get_protocol(self.protocol)
        if protocol.name == "loss-lens":
            if self.model != "pinn":
                raise ValueError(
                    f"the loss-lens protocol is defined for the PINN only, not {self.model}"
                )
            fixed = {
                "--dim": (self.dim, 2),
                "--directions": (self.directions, "random"),
                "--resolution": (self.resolution, protocol.resolution),
                "--distance": (self.distance, protocol.distance),
            }
            for flag, (value, wanted) in fixed.items():
                if value is not None and value != wanted:
                    raise ValueError(
                        f"{flag} {value} does not fit the loss-lens protocol (its grid is 40 x "
                        "40, alpha in [-10, 10], along its two random directions)"
                    )
            if self.normalization is not None:
                raise ValueError(
                    "--normalization does not apply: the loss-lens protocol draws its own"
                )
        if self.resolution is None:
            self.resolution = protocol.resolution
        if self.distance is None:
            self.distance = protocol.distance
        if self.normalization is None:
            self.normalization = protocol.normalization(
                "pinn" if self.model == "pinn" else "resnet20"
            )

    @property
    def wants_hessian(self) -> bool:
        """Whether the run computes the Hessian figures (``hessian`` or Hessian directions)."""
        return self.hessian or self.directions == "hessian"

    @property
    def eigenpairs(self) -> int:
        """How many Hessian eigenpairs to compute: ``top_k``, default ``max(2, dim)``."""
        return max(2, self.dim) if self.top_k is None else self.top_k


@dataclass(kw_only=True)
class ConnectConfig:
    """``lltk connect``: the loss between two or three trained ``networks`` (A B [C]:
    lltk's checkpoints, any file ``lltk sample --checkpoint`` reads, or
    ``python:MODULE:FUNCTION``; the loss is A's), written to the folder ``out``.

    ``points`` along each path; ``curve`` ``bezier`` also fits a quadratic Bézier curve
    (``curve_steps`` Adam steps at ``curve_lr``, ``curve_samples`` points t per step drawn
    with ``seed``); the plane through the three networks (C, or the curve's control point)
    is sampled on ``resolution`` x ``resolution`` points with a ``margin`` in units of
    |B - A|. ``data`` and ``loss_samples``: a ResNet checkpoint's CIFAR-10 folder and the
    images of its loss; ``chunk_size`` weight vectors per batch.
    """

    networks: tuple[str, ...]
    out: Path
    points: int = 41
    curve: str = "linear"
    curve_steps: int = 200
    curve_lr: float = 0.01
    curve_samples: int = 4
    seed: int = 0
    resolution: int = 41
    margin: float = 0.25
    data: str | None = None
    loss_samples: int = 256
    chunk_size: int = 32
    device: str = "cpu"
    progress: bool = True

    def __post_init__(self) -> None:
        self.networks, self.out = tuple(self.networks), Path(self.out)
        if len(self.networks) not in (2, 3):
            raise ValueError(f"give two or three networks (A B [C]), not {len(self.networks)}")
        if self.curve not in ("linear", "bezier"):
            raise ValueError(f"the curve is 'linear' or 'bezier', not {self.curve!r}")
        for flag, value, least in (
            ("--points", self.points, 2),
            ("--curve-steps", self.curve_steps, 1),
            ("--curve-samples", self.curve_samples, 1),
            ("--resolution", self.resolution, 5),
            ("--chunk-size", self.chunk_size, 1),
        ):
            if value < least:
                raise ValueError(f"{flag} must be >= {least}, not {value}")
        if not (math.isfinite(self.curve_lr) and self.curve_lr > 0):
            raise ValueError(f"--curve-lr must be a positive number, not {self.curve_lr}")
        if not (math.isfinite(self.margin) and self.margin >= 0):
            raise ValueError(f"--margin must be >= 0, not {self.margin}")
        torch_device(self.device)
