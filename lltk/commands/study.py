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
    option("--n-f", int, "collocation points (default %(default)s, the authors'; 1000 before)")
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
    pp.add_argument("--out", type=Path, default=Path("out/study/pinn"), help="default %(default)s")
    _common(pp, pinn)
    pr = sub.add_parser("resnet", help="ResNet-20 with and without residual connections")
    option = partial(_config_option, pr, resnet)
    option("--seeds", int_list, "default 0,123,123456,2023")
    pr.add_argument("--data", default=None, help="CIFAR-10 python batches (default: digits)")
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
        "'filter' (former: filter-normalised, 1-D parameters fixed, alpha in +-D)",
        choices=("authors", "filter"),
    )
    pr.add_argument(
        "--out", type=Path, default=Path("out/study/resnet"), help="default %(default)s"
    )
    _common(pr, resnet)
    pf = sub.add_parser(
        "reference",
        help="the study's metrics and claims on a folder of landscapes others computed",
        description="Every .vti landscape of DIR (a point array 'Loss', e.g. the authors' "
        "landscapes in ../shared/ttk-reference): minima, saddles and average persistence "
        "under both definitions, and the claims of both case studies that the folder "
        "allows (model, skips, seed, distance and beta from lltk's FieldData or the file "
        "names).",
    )
    pf.add_argument("folder", type=Path, metavar="DIR", help="folder of .vti landscapes")
    pf.add_argument(
        "--out", type=Path, default=Path("out/study/reference"), help="default %(default)s"
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
    default = getattr(config, flag.lstrip("-").replace("-", "_"))
    parser.add_argument(flag, type=kind, default=default, help=help, **more)


def _common(p: argparse.ArgumentParser, config: object) -> None:
    option = partial(_config_option, p, config)
    option("--resolution", int, "points per axis (default %(default)s)")
    option(
        "--distance",
        float,
        "the span D: alpha in [-D, D] along filter-normalised directions, the authors' "
        "distance d along theirs (default %(default)s)",
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
    p.add_argument("--no-render", action="store_true", help="skip the ParaView figure")
    p.add_argument("--progress", action="store_true", help="progress bars of every step")


def run(args: argparse.Namespace) -> int:
    """Run the chosen study and print where its results are."""
    start = time.perf_counter()
    if args.study == "reference":
        from lltk.study.reference import run_reference

        return _report(run_reference(args.folder, args.out), start)
    if args.threads < 0:
        raise ValueError(f"--threads must be >= 0, not {args.threads}")
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    if args.study == "pinn":
        from lltk.study.pinn import PinnConfig, run_pinn_study

        config = PinnConfig(
            betas=args.betas,
            seeds=args.seeds,
            n_f=args.n_f,
            collocation_seed=args.collocation_seed,
            max_iter=args.max_iter,
            resolution=args.resolution,
            distance=args.distance,
            hessian_steps=args.hessian_steps,
            profile_betas=args.profile_betas,
            profile_resolution=args.profile_resolution,
            hessian_dim=args.hessian_dim,
            hessian_dim_resolution=args.hessian_dim_resolution,
            render=not args.no_render,
        )
        study = run_pinn_study(config, args.out, progress=args.progress)
    else:
        from lltk.study.resnet import ResnetConfig, run_resnet_study

        config = ResnetConfig(
            seeds=args.seeds,
            data=args.data,
            epochs=args.epochs,
            loss_samples=args.loss_samples,
            hessian_samples=args.hessian_samples,
            shortcut=args.shortcut,
            directions=args.directions,
            resolution=args.resolution,
            distance=args.distance,
            hessian_steps=args.hessian_steps,
            render=not args.no_render,
        )
        study = run_resnet_study(config, args.out, progress=args.progress)
    return _report(study, start)


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
