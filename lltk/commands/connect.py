"""``lltk connect A B [C] --out DIR``: loss barriers between trained networks, the plane
through three of them, and the merge-tree saddle that joins two basins."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

#: Files ``lltk connect`` writes into ``--out``.
FILES = {
    "linear": "linear.csv",
    "bezier": "bezier.csv",
    "control": "bezier_control.pt",
    "plane": "plane.vti",
    "paths": "plane_paths.vtp",
    "networks": "plane_networks.vtp",
    "summary": "connect.json",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``lltk connect``."""
    from lltk.commands import path_argument

    p = subparsers.add_parser(
        "connect",
        help="loss barriers between trained networks, the plane through three, its saddle",
        description="The loss along the linear path from A to B (and a fitted quadratic "
        "Bezier curve), the barrier (max along the path minus the mean of the end losses), "
        "and, with C or the curve's control point, the plane through the three networks "
        "sampled as lltk sample samples, with the merge-tree saddle joining A's and B's "
        "basins. Networks: checkpoints lltk train wrote ($LLTK_CACHE/*.pt), any file "
        "lltk sample --checkpoint reads (the study authors' PINN .pt and ResNet .pkl "
        "files, a plain state_dict), or python:MODULE:FUNCTION; the loss is A's.",
    )
    p.add_argument("networks", nargs="+", metavar="NETWORK", help="A B [C]")
    p.add_argument("--out", type=path_argument, required=True, metavar="DIR", help="output folder")
    p.add_argument("--points", type=int, default=41, help="points along a path (default 41)")
    p.add_argument(
        "--curve",
        choices=("linear", "bezier"),
        default="linear",
        help="bezier: also fit a quadratic Bezier curve (Garipov et al. 2018)",
    )
    p.add_argument("--curve-steps", type=int, default=200, help="Adam steps (default 200)")
    p.add_argument("--curve-lr", type=float, default=0.01, help="Adam learning rate (0.01)")
    p.add_argument(
        "--curve-samples", type=int, default=4, help="points t drawn per step (default 4)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the curve's draws of t")
    p.add_argument("--resolution", type=int, default=41, help="plane points per axis (41)")
    p.add_argument(
        "--margin", type=float, default=0.25, help="plane margin in units of |B - A| (0.25)"
    )
    p.add_argument("--data", default=None, help="ResNet checkpoints: CIFAR-10 folder")
    p.add_argument("--loss-samples", type=int, default=256, help="ResNet: images in the loss")
    p.add_argument("--chunk-size", type=int, default=32, help="weight vectors per batch (32)")
    p.add_argument("--device", default="cpu", help="torch device (default cpu)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def check_arguments(args: argparse.Namespace) -> None:
    """The checks that need no network, before any work."""
    if len(args.networks) not in (2, 3):
        raise ValueError(f"give two or three networks (A B [C]), not {len(args.networks)}")
    for flag, value, least in (
        ("--points", args.points, 2),
        ("--curve-steps", args.curve_steps, 1),
        ("--curve-samples", args.curve_samples, 1),
        ("--resolution", args.resolution, 5),
        ("--chunk-size", args.chunk_size, 1),
    ):
        if value < least:
            raise ValueError(f"{flag} must be >= {least}, not {value}")
    if not (math.isfinite(args.curve_lr) and args.curve_lr > 0):
        raise ValueError(f"--curve-lr must be a positive number, not {args.curve_lr}")
    if not (math.isfinite(args.margin) and args.margin >= 0):
        raise ValueError(f"--margin must be >= 0, not {args.margin}")


def run(args: argparse.Namespace) -> int:
    """Load, check, compute the paths and the plane, write and report."""
    from lltk.atomic import writable_folder
    from lltk.errors import UserError
    from lltk.sampling import connect
    from lltk.sampling.config import torch_device

    check_arguments(args)
    out = Path(args.out)
    if out.exists():  # else created once the networks are loaded: nothing left on an error
        writable_folder(out, f"to {out}")
    device = torch_device(args.device)
    nets = {
        name: connect.load_network(spec, device, args.data, args.loss_samples)
        for name, spec in zip(connect.NAMES, args.networks, strict=False)
    }
    connect.check_compatible({n: t.params for n, t in nets.items()})
    a, b = nets["A"], nets["B"]
    writable_folder(out, f"to {out}")
    flat = {n: connect.flat(t) for n, t in nets.items()}
    plane_error = None
    if "C" in nets:  # refused before any work; the path is still computed
        try:
            connect.plane_through(flat["A"], flat["B"], flat["C"], args.resolution, args.margin)
        except ValueError as exc:
            plane_error = str(exc)
    summary: dict = {"networks": dict(zip(connect.NAMES, args.networks, strict=False))}
    summary["loss"] = "A's: " + ", ".join(f"{k} {v}" for k, v in a.metadata.items())
    loss_fn, vectorized = connect.path_loss(a)
    recomputed = loss_fn is not a.loss_fn
    if recomputed:
        summary["loss"] += "; batch-norm statistics recomputed at every point on its images"
    states = {
        "linear": out / ".linear.lltk-state.npz",
        "bezier": out / ".bezier.lltk-state.pt",
        "plane": out / f".{FILES['plane']}.lltk-state.npz",
    }
    common = {"vectorized": vectorized, "chunk_size": args.chunk_size}
    linear = connect.linear_path(
        loss_fn,
        a.params,
        b.params,
        args.points,
        state_path=states["linear"],
        progress=not args.quiet,
        **common,
    )
    _path(linear, out / FILES["linear"], summary)
    own = b.metadata.get("TrainLoss")
    if (
        not recomputed
        and isinstance(own, float)
        and not math.isclose(own, linear.loss[-1], rel_tol=1e-3, abs_tol=1e-7)
    ):
        print(
            f"lltk connect: note: B's own loss is {own:.6g}, A's loss at B {linear.loss[-1]:.6g}: "
            "they were trained on different losses; every loss here is A's"
        )
    curve = fit = None
    if args.curve == "bezier":
        fit = connect.fit_bezier(
            loss_fn,
            a.params,
            b.params,
            steps=args.curve_steps,
            lr=args.curve_lr,
            samples=args.curve_samples,
            seed=args.seed,
            vectorized=vectorized,
            state_path=states["bezier"],
            progress=not args.quiet,
        )
        curve = connect.curve_path(loss_fn, a.params, b.params, fit.theta, args.points, **common)
        _path(curve, out / FILES["bezier"], summary)
        _control(fit, a, out / FILES["control"], summary)
    third = flat.get("C", None if fit is None else fit.theta)
    if plane_error is None and third is not None:
        try:
            plane = connect.plane_through(flat["A"], flat["B"], third, args.resolution, args.margin)
        except ValueError as exc:
            plane_error = str(exc)
    if plane_error is None and third is not None:
        result = connect.sample_plane(
            loss_fn,
            a.params,
            plane,
            state_path=states["plane"],
            progress=not args.quiet,
            **common,
        )
        _plane(plane, result, linear, curve, fit, a, b, args, out, summary)
    _write_json(out / FILES["summary"], summary)
    print(f"lltk connect: wrote {out / FILES['summary']}")
    for state in states.values():
        state.unlink(missing_ok=True)
    if plane_error is not None:
        raise UserError(f"no plane: {plane_error}")
    return 0


def _path(path, csv: Path, summary: dict) -> None:
    """Write a path's CSV, add its figures to ``summary`` and print them."""
    path.write_csv(csv)
    ends = path.loss[[0, -1]]
    summary[path.kind] = {
        "barrier": path.barrier,
        "max": float(np.nanmax(path.loss)) if path.valid.any() else math.nan,
        "end_losses": ends.tolist(),
        "points": int(path.loss.size),
        "invalid": path.invalid_count,
        "file": csv.name,
    }
    invalid = (
        f", {path.invalid_count} invalid (NaN/inf) points left out" if path.invalid_count else ""
    )
    print(
        f"lltk connect: {path.kind} path: barrier {path.barrier:.6g} "
        f"(max {summary[path.kind]['max']:.6g}, "
        f"ends {ends[0]:.6g} and {ends[1]:.6g}; {path.loss.size} points{invalid}) -> {csv}"
    )


def _control(fit, a, path: Path, summary: dict) -> None:
    """Save the control point as a state dict of A's architecture, with the fit's budget."""
    from lltk.sampling.cache import atomic_torch_save
    from lltk.sampling.directions import unflatten

    budget = {"steps": fit.steps, "lr": fit.lr, "samples": fit.samples, "seed": fit.seed}
    atomic_torch_save({"model": unflatten(fit.theta, a.params), "fit": budget}, path)
    summary["bezier"]["fit"] = {
        **budget,
        "optimizer": "Adam, cosine-annealed learning rate, from the midpoint",
        "evaluations": fit.steps * fit.samples,
        "final_mean_loss": float(fit.history[-1]),
        "control_point": path.name,
    }


def _plane(plane, result, linear, curve, fit, a, b, args, out: Path, summary: dict) -> None:
    """Write the plane (lltk sample's format) and its paths, add the saddle to ``summary``."""
    from lltk.sampling import connect, export

    saddle = connect.plane_saddle(result, plane)
    ends = float(np.mean(linear.loss[[0, -1]]))
    info = {
        "resolution": plane.resolution,
        "unit": plane.unit,
        "third": "C" if "C" in summary["networks"] else "the Bezier control point",
        "coordinates": {n: plane.coords[i].tolist() for i, n in enumerate(connect.NAMES)},
        "join_level": saddle.level,
        "join_height": saddle.level - ends,
        "join_alphas": list(saddle.alphas),
        "join_is_saddle": saddle.is_saddle,
        "grid_row_barrier": saddle.row_max - ends,
        "invalid": result.invalid_count,
        "file": FILES["plane"],
    }
    summary["plane"] = info
    paths = connect.write_paths(out / FILES["paths"], plane, a, b, linear, curve, fit)
    info["paths_file"] = paths.name
    info["networks_file"] = connect.write_networks(
        out / FILES["networks"], plane, result, saddle
    ).name
    meta = {
        **a.metadata,
        "Directions": "plane",
        "Normalization": "none",
        "NetworkNames": "; ".join(f"{n}: {s}" for n, s in summary["networks"].items()),
        "NetworkA": plane.coords[0],
        "NetworkB": plane.coords[1],
        "NetworkC": plane.coords[2],
        "PlaneUnit": plane.unit,
        "LinearBarrier": linear.barrier,
        "JoinSaddleLoss": saddle.level,
        "JoinSaddleHeight": saddle.level - ends,
        "JoinSaddleAlphas": np.array(saddle.alphas),
        "GridRowBarrier": saddle.row_max - ends,
    }
    if curve is not None:
        meta.update(BezierBarrier=curve.barrier, CurveSeed=float(args.seed))
    export.write_landscape(out / FILES["plane"], result, meta)
    saddle_word = "saddle" if saddle.is_saddle else "level (no saddle between them)"
    print(
        f"lltk connect: plane through A, B, {info['third']} ({plane.resolution}^2, "
        f"{result.invalid_count} invalid): A's and B's basins join at {saddle_word} loss "
        f"{saddle.level:.6g}, {saddle.level - ends:.6g} above the ends' mean; linear barrier "
        f"{linear.barrier:.6g} (on the grid row {saddle.row_max - ends:.6g})"
        + (f", Bezier barrier {curve.barrier:.6g}" if curve is not None else "")
        + f" -> {out / FILES['plane']}"
    )
    if curve is not None and info["third"] != "C" and curve.barrier < saddle.level - ends - 1e-6:
        print(
            "lltk connect: note: the curve, which lies in this plane, stays below the grid's "
            "saddle: its valley is narrower than the grid's spacing (raise --resolution)"
        )


def _write_json(path: Path, obj: dict) -> None:
    from lltk.atomic import atomic_write

    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=1, default=float)
