"""``lltk study pinn|resnet``: reproduce the study's sweeps, tables, claims and figures."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path


def number_list(text: str) -> tuple[float, ...]:
    """``"1..10"``, ``"1,2,5"`` or ``"3"`` as a tuple of numbers."""
    try:
        if ".." in text:
            lo, hi = (float(t) for t in text.split(".."))
            if hi < lo or hi - lo > 1000:
                raise ValueError
            return tuple(float(v) for v in range(int(lo), int(hi) + 1))
        return tuple(float(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a range A..B or a comma-separated list, not {text!r}"
        ) from None


def int_list(text: str) -> tuple[int, ...]:
    """A comma-separated list of integers."""
    try:
        return tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, not {text!r}"
        ) from None


def collocation_seed(text: str) -> int | None:
    """An integer seed, or ``train`` (None: each model's training seed)."""
    if text == "train":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer seed or 'train', not {text!r}"
        ) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk study``."""
    from lltk.commands import path_argument
    from lltk.study.pinn import PinnConfig
    from lltk.study.resnet import ResnetConfig

    p = subparsers.add_parser(
        "study",
        help="reproduce the study: the PINN beta sweep or ResNet-20 with/without skips",
        description="Train, sample, compute topology and write the study's table (CSV and "
        "Markdown), claims and figures into --out. Every step is cached: a rerun only "
        "recomputes what changed.",
    )
    sub = p.add_subparsers(dest="study", required=True, metavar="pinn|resnet|reference")
    pinn, resnet = PinnConfig(), ResnetConfig()
    pp = sub.add_parser("pinn", help="the convection PINN over beta")
    option = partial(_config_option, pp, pinn)
    option("--betas", number_list, "default 1..10")
    option("--seeds", int_list, "default 0,1,2")
    option(
        "--n-f",
        int,
        "collocation points (default: the protocol's; 100 under authors and loss-lens, "
        "1000 under lltk)",
        default=None,
    )
    option(
        "--collocation-seed",
        collocation_seed,
        "seed of the collocation draw: an integer (default %(default)s, the authors', "
        "for every training seed) or 'train' (each training seed, as before)",
    )
    option("--max-iter", int, "L-BFGS iterations (default %(default)s)")
    option(
        "--profile-betas",
        number_list,
        "betas with a 3-D Hessian landscape and its profile (default 1,7,10; '' none)",
    )
    option(
        "--profile-resolution", int, "points per axis of the 3-D landscapes (default %(default)s)"
    )
    option(
        "--hessian-dim",
        int,
        "add an n-D landscape along the top-n Hessian eigenvectors per network, with its "
        "pairs of every dimension (n = 2 to 6; default %(default)s: none)",
    )
    option(
        "--hessian-dim-resolution",
        int,
        "points per axis of the n-D Hessian landscapes (default %(default)s)",
    )
    pp.add_argument(
        "--out", type=path_argument, default=Path("out/study/pinn"), help="default %(default)s"
    )
    pp.add_argument(
        "--checkpoints",
        type=path_argument,
        default=None,
        metavar="DIR",
        help="study the trained PINNs in DIR (the authors' .pt files, lltk's checkpoints) "
        "instead of training; their betas and seeds replace --betas and --seeds. Without "
        "--protocol, twice: OUT/training (the training loss, authors' protocol) and "
        "OUT/published (the loss-lens protocol: the published landscapes' loss and grid)",
    )
    _common(pp, pinn, ("authors", "loss-lens", "lltk"))
    pr = sub.add_parser("resnet", help="ResNet-20 with and without residual connections")
    option = partial(_config_option, pr, resnet)
    option("--seeds", int_list, "default 0,123,123456,2023")
    pr.add_argument(
        "--data",
        default=None,
        help="CIFAR-10 python batches (default: digits; required with --checkpoints)",
    )
    pr.add_argument(
        "--checkpoints",
        type=path_argument,
        default=None,
        metavar="DIR",
        help="study the trained ResNet-20s in DIR (the authors' .pkl state dicts, lltk's "
        "checkpoints; *no_skip* names without skips) instead of training; needs --data",
    )
    option("--epochs", int, "default %(default)s")
    option("--loss-samples", int, "training images in the landscape's loss (default %(default)s)")
    option(
        "--hessian-samples",
        int,
        "training images in the Hessian's loss (default %(default)s, the authors')",
    )
    option(
        "--shortcut",
        str,
        "shortcut where the shape changes: B, 1x1 conv + BN (default, the authors'), "
        "or A, zero padding (former)",
        choices=("B", "A"),
    )
    option(
        "--directions",
        str,
        "random directions: 'authors' (default: layer-normalised Gaussian, the second "
        "orthogonalised, every parameter, alpha in +-D/2 times the weights' norm) or "
        "'filter' (former: filter-normalised, 1-D parameters fixed, alpha in +-D); "
        "default: the protocol's (authors; filter under lltk)",
        choices=("authors", "filter"),
        default=None,
    )
    pr.add_argument(
        "--out", type=path_argument, default=Path("out/study/resnet"), help="default %(default)s"
    )
    _common(pr, resnet, ("authors", "lltk"))
    pf = sub.add_parser(
        "reference",
        help="the study's metrics and claims on a folder of landscapes others computed",
        description="Every .vti landscape of DIR (a point array 'Loss', e.g. the authors' "
        "landscapes in ../shared/ttk-reference): minima, saddles and average persistence "
        "under both definitions, and the claims of both case studies that the folder "
        "allows (model, skips, seed, distance and beta from lltk's FieldData or the file "
        "names).",
    )
    pf.add_argument("folder", type=path_argument, metavar="DIR", help="folder of .vti landscapes")
    pf.add_argument(
        "--out",
        type=path_argument,
        default=Path("out/study/reference"),
        help="default %(default)s",
    )
    p.set_defaults(func=run)


def _config_option(
    parser: argparse.ArgumentParser,
    config: object,
    flag: str,
    kind: Callable[[str], object],
    help: str,
    **more: object,
) -> None:
    """Declare ``flag`` (``--max-iter``), its default the field of ``config`` of the same
    name (``max_iter``)."""
    more.setdefault("default", getattr(config, flag.lstrip("-").replace("-", "_")))
    parser.add_argument(flag, type=kind, help=help, **more)


def _common(p: argparse.ArgumentParser, config: object, protocols: tuple[str, ...]) -> None:
    from lltk.sampling.protocols import STUDY_DEFAULT

    option = partial(_config_option, p, config)
    p.add_argument(
        "--protocol",
        choices=protocols,
        default=None,
        help=f"one name for every default (default {STUDY_DEFAULT}): authors = the study "
        "authors' (N_f 100 drawn with seed 0, 40^2 grids, distance 1); lltk = lltk sample's "
        "(N_f 1000, 41^2, filter-normalised directions)"
        + (
            "; loss-lens = the random-direction landscapes as the authors published theirs "
            "(their directions, 40^2 in [-10, 10], their landscape loss)"
            if "loss-lens" in protocols
            else ""
        )
        + "; recorded in <study>_run.json",
    )
    option("--resolution", int, "points per axis (default: the protocol's; 40, 41 under lltk)",
           default=None)  # fmt: skip
    option(
        "--distance",
        float,
        "the span D: alpha in [-D, D] along filter-normalised directions, the authors' "
        "distance d along theirs (default: the protocol's, 1)",
        default=None,
    )
    option(
        "--hessian-steps",
        int,
        "PyHessian power-iteration, Hutchinson and Lanczos steps (default %(default)s)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (default 1: the PINN's small tensors run fastest on one, and "
        "a busy machine does not stall; 0 = torch's default)",
    )
    p.add_argument(
        "--connect",
        action="store_true",
        help="also the loss barrier on the linear path between every two seeds' networks "
        "(lltk connect), a matrix per beta or variant: <study>_barriers.csv/.png/.md",
    )
    p.add_argument("--no-render", action="store_true", help="skip the ParaView figure")
    p.add_argument("--progress", action="store_true", help="progress bars of every step")


def run(args: argparse.Namespace) -> int:
    """Run the chosen study and print where its results are."""
    start = time.perf_counter()
    if args.study == "reference":
        from lltk.study.reference import run_reference

        return _report(run_reference(args.folder, args.out), start)
    from lltk.sampling.protocols import STUDY_DEFAULT, get_protocol

    if args.threads < 0:
        raise ValueError(f"--threads must be >= 0, not {args.threads}")
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    if args.study == "pinn":
        if args.checkpoints is not None and args.protocol is None:
            for protocol, folder in (("authors", "training"), ("loss-lens", "published")):
                print(
                    f"lltk study: {folder} landscapes ({protocol} protocol) in {args.out / folder}"
                )
                _report(_pinn(args, protocol, args.out / folder), start)
            return 0
        study = _pinn(args, args.protocol or STUDY_DEFAULT, args.out)
    else:
        from lltk.study.resnet import ResnetConfig, run_resnet_study

        protocol = get_protocol(args.protocol or STUDY_DEFAULT)
        directions = args.directions or protocol.normalization("resnet20")
        config = ResnetConfig(
            seeds=args.seeds,
            data=args.data,
            epochs=args.epochs,
            loss_samples=args.loss_samples,
            hessian_samples=args.hessian_samples,
            shortcut=args.shortcut,
            directions=directions,
            resolution=_given(args.resolution, protocol.resolution),
            distance=_given(args.distance, protocol.distance),
            hessian_steps=args.hessian_steps,
            render=not args.no_render,
            connect=args.connect,
            protocol=protocol.name,
            checkpoints=None if args.checkpoints is None else str(args.checkpoints),
        )
        study = run_resnet_study(config, args.out, progress=args.progress)
    return _report(study, start)


def _given(value, default):
    """An option's value, or the protocol's ``default`` when it was not given."""
    return default if value is None else value


def _pinn(args: argparse.Namespace, name: str, out: Path):
    """The PINN study under protocol ``name`` into ``out``."""
    from lltk.sampling.protocols import get_protocol
    from lltk.study.pinn import PinnConfig, run_pinn_study

    protocol = get_protocol(name)
    checkpoints = args.checkpoints is not None
    config = PinnConfig(
        betas=args.betas,
        seeds=args.seeds,
        n_f=_given(args.n_f, protocol.n_f),
        collocation_seed=args.collocation_seed,
        max_iter=args.max_iter,
        resolution=_given(args.resolution, protocol.resolution),
        # the loss-lens grid of the random landscapes is fixed; D spans the Hessian ones
        distance=_given(args.distance, 1.0 if name == "loss-lens" else protocol.distance),
        hessian_steps=args.hessian_steps,
        profile_betas=args.profile_betas,
        profile_resolution=args.profile_resolution,
        render=not args.no_render,
        figure_betas=(1.0, 10.0, 30.0, 50.0) if checkpoints else PinnConfig.figure_betas,
        protocol=protocol.name,
        checkpoints=str(args.checkpoints) if checkpoints else None,
        connect=args.connect,
        hessian_dim=args.hessian_dim,
        hessian_dim_resolution=args.hessian_dim_resolution,
    )
    return run_pinn_study(config, out, progress=args.progress)


def _report(study, start: float) -> int:
    """Print the claims, the files and the time a study took."""
    for claim in study.claims:
        verdict = "reproduced" if claim.reproduced else "NOT reproduced"
        other = f"; other definition: {claim.other}" if claim.other else ""
        print(f"lltk study: {claim.claim}: {verdict} ({claim.evidence}){other}")
    for name, path in study.files.items():
        print(f"{name}: {path}")
    steps = ", ".join(f"{k} {v:.0f} s" for k, v in study.timings.items())
    print(f"lltk study: done in {time.perf_counter() - start:.0f} s ({steps})")
    return 0
