"""``lltk sample MODEL``: train (or reuse) a model, sample its loss landscape, write VTK."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

    from lltk.sampling.closure import Trained
    from lltk.sampling.distributed import Ranks
    from lltk.sampling.hessian import HessianFigures


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk sample``."""
    from lltk.commands import path_argument
    from lltk.sampling.budget import EVALUATION_LIMIT

    p = subparsers.add_parser(
        "sample",
        help="sample a model's loss landscape and write it as .vti/.vtu",
        description="Train (or reuse the cached) MODEL, then evaluate its loss on an n-D grid "
        "of perturbed weights and write the landscape as VTK (see docs for the file layout).",
    )
    add_model_arguments(p)
    p.add_argument("--dim", type=int, default=2, help="number of directions n (default 2)")
    p.add_argument(
        "--resolution",
        type=int,
        default=None,
        help="points per axis (default: the protocol's; 41 under lltk, 40 under authors and "
        "loss-lens)",
    )
    p.add_argument(
        "--distance",
        type=float,
        default=None,
        help="alpha in [-D, D], or [-D/2, D/2] along the authors' directions (default: the "
        "protocol's; 1, or 10 under loss-lens)",
    )
    p.add_argument("--directions", choices=("random", "hessian", "pca"), default="random")
    p.add_argument(
        "--trajectory",
        type=path_argument,
        default=None,
        metavar="DIR",
        help="--directions pca: the checkpoints of lltk train --save-every (their top PCA "
        "directions; the path is written to <out stem>_trajectory.vtp)",
    )
    p.add_argument(
        "--normalization",
        choices=("filter", "layer", "none", "authors"),
        default=None,
        help="random directions: filter, layer or none (Li et al.; 1-D parameters fixed), or "
        "authors (the study authors' layer-normalised orthogonal pair spanning D times the "
        "weights' norm); default: the protocol's (filter; authors for a ResNet under authors)",
    )
    p.add_argument(
        "--graph",
        choices=("grid", "knn", "delaunay", "gabriel"),
        default="grid",
        help=".vtu only: the line cells (default grid)",
    )
    p.add_argument(
        "--hessian",
        action="store_true",
        help="compute the Hessian figures (implied by --directions hessian)",
    )
    p.add_argument("--top-k", type=int, default=None, help="Hessian eigenpairs (default max(2, n))")
    p.add_argument(
        "--hessian-iter",
        type=int,
        default=None,
        help="power-iteration, Hutchinson and Lanczos steps (PyHessian's default 100)",
    )
    p.add_argument("--k", type=int, default=None, help="neighbours for --graph knn (default 4n)")
    p.add_argument(
        "--chunk-size",
        type=int,
        default=None,
        help="weight vectors per batch (default 32 on the CPU, 2048 on a GPU)",
    )
    p.add_argument(
        "--allow-large",
        action="store_true",
        help=f"sample grids of more than {EVALUATION_LIMIT:,} points (memory is still checked)",
    )
    p.add_argument("--out", type=path_argument, required=True, help="output .vti (n <= 3) or .vtu")
    p.set_defaults(func=run)


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    """The model and training options shared by ``lltk sample`` and ``lltk train``."""
    from lltk.commands import path_argument
    from lltk.sampling.models import MODELS

    p.add_argument(
        "model",
        type=_model_name,
        metavar="MODEL",
        help=f"{', '.join(MODELS)}, or python:MODULE:FUNCTION for your own model "
        "(FUNCTION() returns (model, batches, loss); see the README)",
    )
    from lltk.sampling.protocols import SAMPLE_DEFAULT

    p.add_argument(
        "--protocol",
        choices=("lltk", "authors", "loss-lens"),
        default=SAMPLE_DEFAULT,
        help="one name for every default (default %(default)s): lltk = N_f 1000, a 41^2 grid, "
        "alpha in [-1, 1] along filter-normalised directions; authors = the study authors' "
        "training protocol (N_f 100, 40^2, distance 1; their own directions for a ResNet); "
        "loss-lens = how the published PINN landscapes were made (40^2, alpha in [-10, 10] "
        "along their uniform filter-normalised pair, their landscape loss); the run records "
        "it in FieldData 'Protocol'",
    )
    p.add_argument(
        "--checkpoint",
        type=path_argument,
        default=None,
        metavar="FILE",
        help="load the network from FILE instead of training: lltk's checkpoint, a state_dict, "
        "or the study authors' file (a PINN .pt brings its own beta and training points; "
        "a ResNet .pkl needs --data CIFAR_DIR); read safely, nothing in it is run",
    )
    p.add_argument("--beta", type=float, default=1.0, help="PINN convection speed (default 1)")
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of training and directions (default 0; with --checkpoint, the file's "
        "training seed where it records one, as the authors draw their directions)",
    )
    p.add_argument(
        "--n-f",
        type=int,
        default=None,
        help="PINN collocation points (default: the protocol's; 1000 under lltk, 100 otherwise)",
    )
    p.add_argument(
        "--max-iter", type=int, default=1000, help="PINN L-BFGS iterations (default 1000)"
    )
    p.add_argument("--data", default=None, help="ResNet: CIFAR-10 batches folder (default digits)")
    p.add_argument("--epochs", type=int, default=10, help="ResNet SGD epochs (default 10)")
    p.add_argument("--no-batch-norm", action="store_true", help="ResNet without batch norm")
    p.add_argument("--train-subset", type=int, default=None, help="ResNet: first N training images")
    p.add_argument(
        "--loss-samples",
        type=int,
        default=256,
        help="ResNet: training images the landscape loss averages over (default 256)",
    )
    p.add_argument(
        "--no-cache", action="store_true", help="retrain; do not read or write the cache"
    )
    p.add_argument("--device", default="cpu", help="torch device: cpu (default), cuda, cuda:1, ...")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _model_name(text: str) -> str:
    """A built-in model's name or a well-formed ``python:MODULE:FUNCTION``."""
    from lltk.sampling.models import MODELS

    if text.startswith("python:"):
        from lltk.sampling.usermodel import check_spec

        try:
            check_spec(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    elif text not in MODELS:
        raise argparse.ArgumentTypeError(
            f"invalid choice: {text!r} (choose from {', '.join(MODELS)}, or python:MODULE:FUNCTION)"
        )
    return text


def check_model_arguments(args: argparse.Namespace) -> None:
    """The model options' checks that need no model (one clear line each); the options
    left unset take the protocol's values (:func:`apply_protocol`)."""
    if not math.isfinite(args.beta):
        raise ValueError(f"--beta must be a finite number, not {args.beta}")
    _device(args.device)
    apply_protocol(args)
    if args.checkpoint is not None:
        from lltk.sampling.checkpoint import CHECKPOINT_MODELS

        if args.model not in CHECKPOINT_MODELS:
            raise ValueError(
                f"--checkpoint applies to {', '.join(CHECKPOINT_MODELS)}, not {args.model}"
            )
        if not args.checkpoint.is_file():
            raise FileNotFoundError(f"checkpoint not found: {args.checkpoint}")


def apply_protocol(args: argparse.Namespace) -> None:
    """Fill the options left unset (None) with the values of ``--protocol``
    (:mod:`lltk.sampling.protocols`); refuse what the loss-lens protocol cannot do."""
    from lltk.sampling.protocols import get_protocol

    protocol = get_protocol(args.protocol)
    if args.n_f is None:
        args.n_f = protocol.n_f
    if not hasattr(args, "resolution"):  # lltk train: no grid
        return
    model = "pinn" if args.model == "pinn" else "resnet20"
    if protocol.name == "loss-lens":
        if args.model != "pinn":
            raise ValueError(
                f"the loss-lens protocol is defined for the PINN only, not {args.model}"
            )
        fixed = {
            "--dim": (args.dim, 2),
            "--directions": (args.directions, "random"),
            "--resolution": (args.resolution, protocol.resolution),
            "--distance": (args.distance, protocol.distance),
        }
        for flag, (value, wanted) in fixed.items():
            if value is not None and value != wanted:
                raise ValueError(
                    f"{flag} {value} does not fit the loss-lens protocol (its grid is 40 x 40, "
                    "alpha in [-10, 10], along its two random directions)"
                )
        if args.normalization is not None:
            raise ValueError("--normalization does not apply: the loss-lens protocol draws its own")
    if args.resolution is None:
        args.resolution = protocol.resolution
    if args.distance is None:
        args.distance = protocol.distance
    if args.normalization is None:
        args.normalization = protocol.normalization(model)


def hessian_top_k(args: argparse.Namespace) -> int:
    """How many Hessian eigenpairs to compute: ``--top-k``, default ``max(2, --dim)``."""
    return max(2, args.dim) if args.top_k is None else args.top_k


def check_sample_arguments(args: argparse.Namespace) -> None:
    """Every check of ``lltk sample``'s options that needs no model, before any work:
    options that do not apply are refused rather than ignored."""
    from lltk.sampling.budget import check_size
    from lltk.sampling.landscape import check_grid

    check_model_arguments(args)
    check_grid(args.dim, args.resolution, args.distance)
    suffix = Path(args.out).suffix
    if args.graph != "grid" and suffix != ".vtu":
        raise ValueError(f"--graph {args.graph} applies to a .vtu output, not {str(args.out)!r}")
    if args.k is not None and args.graph != "knn":
        raise ValueError("--k applies to --graph knn only")
    points, k = args.resolution**args.dim, 4 * args.dim if args.k is None else args.k
    if args.graph == "knn" and not 1 <= k < points:
        raise ValueError(f"--k must be between 1 and {points - 1} for {points} points, not {k}")
    if args.chunk_size is not None and args.chunk_size < 1:
        raise ValueError(f"--chunk-size must be >= 1, not {args.chunk_size}")
    hessian = args.hessian or args.directions == "hessian"
    for flag, value in (("--top-k", args.top_k), ("--hessian-iter", args.hessian_iter)):
        if value is not None and not hessian:
            raise ValueError(f"{flag} applies with --hessian or --directions hessian only")
    if args.hessian_iter is not None and args.hessian_iter < 1:
        raise ValueError(f"--hessian-iter must be >= 1, not {args.hessian_iter}")
    top_k = hessian_top_k(args)
    if top_k < 1 or (args.directions == "hessian" and top_k < args.dim):
        raise ValueError(f"--top-k must be >= 1 and, for Hessian directions, >= --dim {args.dim}")
    if args.normalization == "authors" and (args.dim != 2 or args.directions != "random"):
        raise ValueError("--normalization authors is a pair of random directions: --dim 2 only")
    if (args.directions == "pca") != (args.trajectory is not None):
        raise ValueError("--directions pca and --trajectory DIR go together")
    check_size(args.dim, args.resolution, suffix, allow_large=args.allow_large)


def train_from_args(args: argparse.Namespace, **extra: object) -> Trained:
    """Train or load the model the arguments describe (``extra``: more keyword arguments
    of :func:`lltk.sampling.models.train_model`); the caller has run
    :func:`check_model_arguments`."""
    if args.checkpoint is not None:
        from lltk.sampling.checkpoint import load_trained

        return load_trained(
            args.model,
            args.checkpoint,
            beta=args.beta,
            seed=0 if args.seed is None else args.seed,
            n_f=args.n_f,
            data=args.data,
            loss_samples=args.loss_samples,
            device=_device(args.device),
        )
    from lltk.sampling.models import train_model

    return train_model(
        args.model,
        progress=not args.quiet,
        beta=args.beta,
        seed=0 if args.seed is None else args.seed,
        n_f=args.n_f,
        max_iter=args.max_iter,
        data=args.data,
        epochs=args.epochs,
        batch_norm=not args.no_batch_norm,
        train_subset=args.train_subset,
        loss_samples=args.loss_samples,
        use_cache=not args.no_cache,
        device=_device(args.device),
        **extra,
    )


def _device(name: str) -> torch.device:
    """The torch device ``name``, checked to exist."""
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


def run(args: argparse.Namespace) -> int:
    """Train, sample, write; report invalid points and timings. Under torchrun or srun the
    ranks split the grid (:mod:`lltk.sampling.distributed`) and rank 0 writes."""
    from lltk.atomic import check_targets
    from lltk.errors import UserError
    from lltk.sampling import export
    from lltk.sampling.distributed import RankError, Ranks

    check_sample_arguments(args)
    export.check_output(args.out, args.dim)
    check_targets(export.side_path(args.out, side) for side in SIDE_FILES)
    try:
        ranks = Ranks.from_environment()
    except RankError as exc:
        raise UserError(str(exc)) from None
    try:
        with ranks, ranks.stop_on_sigterm():
            return _sample(args, ranks)
    except RankError as exc:
        state = state_file(Path(args.out), ranks.rank, ranks.world_size)
        kept = (
            f"; finished chunks kept in {state}; run the same command again to resume"
            if state.is_file()
            else ""
        )
        raise UserError(f"{exc}{kept}") from None


def _sample(args: argparse.Namespace, ranks: Ranks) -> int:
    from lltk.atomic import output_set
    from lltk.sampling import directions, export, landscape
    from lltk.sampling.distributed import digest

    start = time.perf_counter()
    out = Path(args.out)
    top_k = hessian_top_k(args)
    ranks.agree("the arguments", {"the arguments": digest(_argument_values(args))})
    args.device = ranks.device(args.device)
    trained = ranks.root_first(lambda: train_from_args(args), "waiting for rank 0's model")
    trained_at = time.perf_counter()
    if args.seed is None:  # a checkpoint's own training seed, else 0
        args.seed = int(trained.metadata.get("Seed", 0))

    def hessian() -> HessianFigures | None:
        if not (args.hessian or args.directions == "hessian"):
            return None
        from lltk.sampling.hessian import hessian_figures

        steps = args.hessian_iter or 100
        return hessian_figures(
            trained.model,
            trained.loss_fn,
            top_k=top_k,
            seed=args.seed,
            max_iter=steps,
            trace_iter=steps,
            lanczos_steps=steps,
        )

    figures = hessian() if ranks.is_root else None
    span, loss_fn, sequential = args.distance, trained.loss_fn, False
    if args.directions == "random" and args.protocol == "loss-lens":
        from lltk.sampling import losslens

        normalization, sequential = "loss-lens", True
        dirs = losslens.directions(trained.params, args.seed)
        loss_fn = losslens.published_loss(trained.model, trained.extras["convection_data"])
    elif args.directions == "random" and args.normalization == "authors":
        normalization, span = "layer-orthogonal", args.distance / 2
        dirs = directions.authors_directions(trained.model, args.seed)
    elif args.directions == "random":
        normalization = args.normalization
        dirs = directions.random_directions(trained.model, args.dim, args.seed, normalization)
    elif args.directions == "pca":
        from lltk.sampling.trajectory import trajectory_pca

        normalization = "none"
        dirs, path = trajectory_pca(args.trajectory, trained, args.dim)
    else:
        normalization = "none"
        dirs = ranks.from_root(
            lambda: figures.eigenvectors[: args.dim].cpu(), "waiting for rank 0's Hessian"
        )
    trained_device = next(trained.model.parameters()).device
    chunk_size = args.chunk_size or (32 if trained_device.type == "cpu" else 2048)
    if ranks.world_size > 1:
        probe = landscape.evaluate_chunk(
            loss_fn,
            trained.params,
            dirs,
            args.resolution,
            span,
            chunk_size,
            0,
            trained.vectorized,
            sequential,
        )
        ranks.agree(
            "the model and data",
            {
                "the model's weights": digest(*trained.params.values()),
                "the directions": digest(dirs),
                "the losses of the first grid points (different data or devices?)": digest(probe),
            },
        )
    state = state_file(out, ranks.rank, ranks.world_size)
    directions_at = time.perf_counter()
    result = landscape.sample_landscape(
        loss_fn,
        trained.params,
        dirs,
        args.resolution,
        span,
        chunk_size=chunk_size,
        vectorized=trained.vectorized,
        state_path=state,
        progress=not args.quiet and ranks.is_root,
        share=(ranks.rank, ranks.world_size),
        sequential=sequential,
    )
    result = ranks.gather(result, chunk_size)
    sampled_at = time.perf_counter()
    if result is not None:
        meta = {
            **trained.metadata,
            "Directions": args.directions,
            "Normalization": normalization,
            "Seed": float(args.seed),
            "Protocol": args.protocol,
            "LandscapeLoss": "published" if loss_fn is not trained.loss_fn else "training",
        }
        if figures is not None:
            meta.update(figures.metadata())
        outputs = [out, *(export.side_path(out, side) for side in SIDE_FILES)]
        with output_set(outputs):  # the landscape and its side files, all or none
            if figures is not None:
                export.write_density(out, *figures.density())
            if "solution" in trained.extras:
                export.write_solution(out, trained.extras["solution"])
            export.write_landscape(out, result, meta, graph=args.graph, k=args.k)
            if args.directions == "pca":
                written = path.write(export.side_path(out, "_trajectory.vtp"))
        if args.directions == "pca":
            print(f"lltk sample: wrote {written}")
            reach = float(abs(path.coords).max())
            if reach > args.distance:
                print(
                    f"lltk sample: the path reaches {reach:.3g}, "
                    f"beyond --distance {args.distance:g}"
                )
    ranks.barrier("waiting for rank 0 to write the landscape")
    landscape.discard_state(state)
    if result is None:
        return 0
    if result.invalid_count == result.loss.size:  # recorded, as every invalid point is
        print(
            f"lltk sample: warning: every loss evaluation gave NaN or inf (--distance "
            f"{args.distance:g} moves the weights too far, or the model or its weights "
            "diverge): the landscape is written with Valid = 0 everywhere",
            file=sys.stderr,
        )
    points = result.loss.size
    seconds = sampled_at - directions_at
    on = f" on {ranks.world_size} ranks" if ranks.world_size > 1 else ""
    print(
        f"lltk sample: wrote {out} ({points} points, {result.invalid_count} invalid); "
        f"train/load {trained_at - start:.1f} s, "
        f"directions/Hessian {directions_at - trained_at:.1f} s, "
        f"sample {seconds:.1f} s{on} ({points / max(seconds, 1e-9):.0f} evaluations/s)"
    )
    if result.invalid_count:
        print(f"lltk sample: {result.invalid_count} points had a NaN or inf loss (Valid = 0)")
    return 0


def _argument_values(args: argparse.Namespace) -> list[tuple[str, object]]:
    """The parsed options that decide the landscape, for comparing ranks."""
    return sorted((k, v) for k, v in vars(args).items() if not callable(v))


#: The files ``lltk sample`` may write beside ``<stem>.vti``.
SIDE_FILES = ("_hessian_density.csv", "_solution.vti", "_trajectory.vtp")


def state_file(out: Path, rank: int = 0, world_size: int = 1) -> Path:
    """Where the resumable state of a run writing ``out`` (of rank ``rank``) lives."""
    part = f".rank{rank}-of-{world_size}" if world_size > 1 else ""
    return out.with_name(f".{out.name}{part}.lltk-state.npz")
