"""``lltk train``, ``lltk sample`` and ``lltk connect`` from a checked config
(:mod:`lltk.sampling.config`): train or load the networks, choose the directions or the
paths, sample, write the files, report.

:func:`lltk.sampling.run`, :func:`lltk.sampling.train` and
:func:`lltk.sampling.connect_networks` are these, imported when first used (torch is
imported here). Under torchrun or srun the ranks of ``lltk sample`` split the grid
(:mod:`lltk.sampling.distributed`) and rank 0 writes. The paths and the plane themselves
are :mod:`lltk.sampling.connect`'s.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from lltk.atomic import atomic_write, check_targets, output_set, writable_folder
from lltk.errors import UserError
from lltk.sampling import connect, directions, export, landscape, losslens
from lltk.sampling.cache import atomic_torch_save
from lltk.sampling.checkpoint import load_trained
from lltk.sampling.closure import Trained
from lltk.sampling.config import (
    ConnectConfig,
    ModelConfig,
    SampleConfig,
    TrainConfig,
    torch_device,
)
from lltk.sampling.directions import unflatten
from lltk.sampling.distributed import RankError, Ranks, digest
from lltk.sampling.hessian import HessianFigures, hessian_figures
from lltk.sampling.landscape import LandscapeResult
from lltk.sampling.models import train_model
from lltk.sampling.trajectory import Recorder, trajectory_pca

#: Files ``lltk connect`` writes into ``--out``.
CONNECT_FILES = {
    "linear": "linear.csv",
    "bezier": "bezier.csv",
    "control": "bezier_control.pt",
    "plane": "plane.vti",
    "paths": "plane_paths.vtp",
    "networks": "plane_networks.vtp",
    "summary": "connect.json",
}

#: The files ``lltk sample`` may write beside ``<stem>.vti``.
SIDE_FILES = ("_hessian_density.csv", "_solution.vti", "_trajectory.vtp")


def load_or_train(config: ModelConfig, device: str | None = None, **extra: Any) -> Trained:
    """The network ``config`` describes: loaded from ``config.checkpoint``, else trained
    (or read from the cache); ``device`` overrides ``config.device``, ``extra`` adds
    keyword arguments of :func:`lltk.sampling.models.train_model`."""
    where = torch_device(config.device if device is None else device)
    if config.checkpoint is not None:
        return load_trained(
            config.model,
            config.checkpoint,
            beta=config.beta,
            seed=config.training_seed,
            n_f=config.n_f,
            data=config.data,
            loss_samples=config.loss_samples,
            device=where,
        )
    return train_model(
        config.model,
        progress=config.progress,
        beta=config.beta,
        seed=config.training_seed,
        n_f=config.n_f,
        max_iter=config.max_iter,
        data=config.data,
        epochs=config.epochs,
        batch_norm=config.batch_norm,
        train_subset=config.train_subset,
        loss_samples=config.loss_samples,
        use_cache=config.use_cache,
        device=where,
        **extra,
    )


def train(config: TrainConfig, log: Callable[[str], None] = print) -> Trained:
    """Train or load the network, keep its trajectory (``save_every``), report its metrics."""
    recorder = None
    if config.save_every is not None:
        recorder = Recorder(config.trajectory, config.save_every, config.model)
    try:
        trained = load_or_train(config, **({} if recorder is None else {"recorder": recorder}))
    except BaseException:
        if recorder is not None:
            recorder.discard()
        raise
    figures = ", ".join(
        f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}" for k, v in trained.metadata.items()
    )
    log(f"lltk train: {figures}")
    if trained.checkpoint is not None:
        log(f"lltk train: checkpoint {trained.checkpoint} (lltk connect takes it)")
    return trained


def run(config: SampleConfig, log: Callable[[str], None] = print) -> LandscapeResult | None:
    """Train, sample, write ``config.out``; report invalid points and timings through
    ``log``. The landscape (None on the ranks other than 0 of a distributed run)."""
    export.check_output(config.out, config.dim)
    check_targets(export.side_path(config.out, side) for side in SIDE_FILES)
    try:
        ranks = Ranks.from_environment()
    except RankError as exc:
        raise UserError(str(exc)) from None
    try:
        with ranks, ranks.stop_on_sigterm():
            return _sample(config, ranks, log)
    except RankError as exc:
        state = state_file(config.out, ranks.rank, ranks.world_size)
        kept = (
            f"; finished chunks kept in {state}; run the same command again to resume"
            if state.is_file()
            else ""
        )
        raise UserError(f"{exc}{kept}") from None


def _sample(
    config: SampleConfig, ranks: Ranks, log: Callable[[str], None]
) -> LandscapeResult | None:
    start = time.perf_counter()
    out = config.out
    ranks.agree("the arguments", {"the arguments": digest(sorted(asdict(config).items()))})
    device = ranks.device(config.device)
    trained = ranks.root_first(lambda: load_or_train(config, device), "waiting for rank 0's model")
    trained_at = time.perf_counter()
    # a checkpoint's own training seed, else 0
    seed = int(trained.metadata.get("Seed", 0)) if config.seed is None else config.seed

    def hessian() -> HessianFigures | None:
        if not config.wants_hessian:
            return None
        steps = config.hessian_iter or 100
        return hessian_figures(
            trained.model,
            trained.loss_fn,
            top_k=config.eigenpairs,
            seed=seed,
            max_iter=steps,
            trace_iter=steps,
            lanczos_steps=steps,
        )

    figures = hessian() if ranks.is_root else None
    span, loss_fn, sequential = config.distance, trained.loss_fn, False
    if config.directions == "random" and config.protocol == "loss-lens":
        normalization, sequential = "loss-lens", True
        dirs = losslens.directions(trained.params, seed)
        loss_fn = losslens.published_loss(trained.model, trained.extras["convection_data"])
    elif config.directions == "random" and config.normalization == "authors":
        normalization, span = "layer-orthogonal", config.distance / 2
        dirs = directions.authors_directions(trained.model, seed)
    elif config.directions == "random":
        normalization = config.normalization
        dirs = directions.random_directions(trained.model, config.dim, seed, normalization)
    elif config.directions == "pca":
        normalization = "none"
        dirs, path = trajectory_pca(config.trajectory, trained, config.dim)
    else:
        normalization = "none"
        dirs = ranks.from_root(
            lambda: figures.eigenvectors[: config.dim].cpu(), "waiting for rank 0's Hessian"
        )
    trained_device = next(trained.model.parameters()).device
    chunk_size = config.chunk_size or (32 if trained_device.type == "cpu" else 2048)
    if ranks.world_size > 1:
        probe = landscape.evaluate_chunk(
            loss_fn,
            trained.params,
            dirs,
            config.resolution,
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
        config.resolution,
        span,
        chunk_size=chunk_size,
        vectorized=trained.vectorized,
        state_path=state,
        progress=config.progress and ranks.is_root,
        share=(ranks.rank, ranks.world_size),
        sequential=sequential,
    )
    result = ranks.gather(result, chunk_size)
    sampled_at = time.perf_counter()
    if result is not None:
        meta = {
            **trained.metadata,
            "Directions": config.directions,
            "Normalization": normalization,
            "Seed": float(seed),
            "Protocol": config.protocol,
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
            export.write_landscape(out, result, meta, graph=config.graph, k=config.k)
            if config.directions == "pca":
                written = path.write(export.side_path(out, "_trajectory.vtp"))
        if config.directions == "pca":
            log(f"lltk sample: wrote {written}")
            reach = float(abs(path.coords).max())
            if reach > config.distance:
                log(
                    f"lltk sample: the path reaches {reach:.3g}, "
                    f"beyond --distance {config.distance:g}"
                )
    ranks.barrier("waiting for rank 0 to write the landscape")
    landscape.discard_state(state)
    if result is None:
        return None
    if result.invalid_count == result.loss.size:  # recorded, as every invalid point is
        print(
            f"lltk sample: warning: every loss evaluation gave NaN or inf (--distance "
            f"{config.distance:g} moves the weights too far, or the model or its weights "
            "diverge): the landscape is written with Valid = 0 everywhere",
            file=sys.stderr,
        )
    points = result.loss.size
    seconds = sampled_at - directions_at
    on = f" on {ranks.world_size} ranks" if ranks.world_size > 1 else ""
    log(
        f"lltk sample: wrote {out} ({points} points, {result.invalid_count} invalid); "
        f"train/load {trained_at - start:.1f} s, "
        f"directions/Hessian {directions_at - trained_at:.1f} s, "
        f"sample {seconds:.1f} s{on} ({points / max(seconds, 1e-9):.0f} evaluations/s)"
    )
    if result.invalid_count:
        log(f"lltk sample: {result.invalid_count} points had a NaN or inf loss (Valid = 0)")
    return result


def state_file(out: Path, rank: int = 0, world_size: int = 1) -> Path:
    """Where the resumable state of a run writing ``out`` (of rank ``rank``) lives."""
    part = f".rank{rank}-of-{world_size}" if world_size > 1 else ""
    return out.with_name(f".{out.name}{part}.lltk-state.npz")


def connect_networks(config: ConnectConfig, log: Callable[[str], None] = print) -> dict:
    """Load the networks, compute the paths and the plane, write them and
    ``connect.json`` into ``config.out`` and report through ``log``; the summary written
    (a UserError, after the paths are written, when the three networks span no plane)."""
    out = config.out
    if out.exists():  # else created once the networks are loaded: nothing left on an error
        writable_folder(out, f"to {out}")
    device = torch_device(config.device)
    nets = {
        name: connect.load_network(spec, device, config.data, config.loss_samples)
        for name, spec in zip(connect.NAMES, config.networks, strict=False)
    }
    connect.check_compatible({n: t.params for n, t in nets.items()})
    a, b = nets["A"], nets["B"]
    writable_folder(out, f"to {out}")
    flat = {n: connect.flat(t) for n, t in nets.items()}
    plane_error = None
    if "C" in nets:  # refused before any work; the path is still computed
        try:
            connect.plane_through(flat["A"], flat["B"], flat["C"], config.resolution, config.margin)
        except ValueError as exc:
            plane_error = str(exc)
    summary: dict = {"networks": dict(zip(connect.NAMES, config.networks, strict=False))}
    summary["loss"] = "A's: " + ", ".join(f"{k} {v}" for k, v in a.metadata.items())
    loss_fn, vectorized = connect.path_loss(a)
    recomputed = loss_fn is not a.loss_fn
    if recomputed:
        summary["loss"] += "; batch-norm statistics recomputed at every point on its images"
    states = {
        "linear": out / ".linear.lltk-state.npz",
        "bezier": out / ".bezier.lltk-state.pt",
        "plane": out / f".{CONNECT_FILES['plane']}.lltk-state.npz",
    }
    common = {"vectorized": vectorized, "chunk_size": config.chunk_size}
    linear = connect.linear_path(
        loss_fn,
        a.params,
        b.params,
        config.points,
        state_path=states["linear"],
        progress=config.progress,
        **common,
    )
    _write_path(linear, out / CONNECT_FILES["linear"], summary, log)
    own = b.metadata.get("TrainLoss")
    if (
        not recomputed
        and isinstance(own, float)
        and not math.isclose(own, linear.loss[-1], rel_tol=1e-3, abs_tol=1e-7)
    ):
        log(
            f"lltk connect: note: B's own loss is {own:.6g}, A's loss at B {linear.loss[-1]:.6g}: "
            "they were trained on different losses; every loss here is A's"
        )
    curve = fit = None
    if config.curve == "bezier":
        fit = connect.fit_bezier(
            loss_fn,
            a.params,
            b.params,
            steps=config.curve_steps,
            lr=config.curve_lr,
            samples=config.curve_samples,
            seed=config.seed,
            vectorized=vectorized,
            state_path=states["bezier"],
            progress=config.progress,
        )
        curve = connect.curve_path(loss_fn, a.params, b.params, fit.theta, config.points, **common)
        _write_path(curve, out / CONNECT_FILES["bezier"], summary, log)
        _control(fit, a, out / CONNECT_FILES["control"], summary)
    third = flat.get("C", None if fit is None else fit.theta)
    if plane_error is None and third is not None:
        try:
            plane = connect.plane_through(
                flat["A"], flat["B"], third, config.resolution, config.margin
            )
        except ValueError as exc:
            plane_error = str(exc)
    if plane_error is None and third is not None:
        result = connect.sample_plane(
            loss_fn,
            a.params,
            plane,
            state_path=states["plane"],
            progress=config.progress,
            **common,
        )
        _write_plane(
            plane,
            result,
            linear=linear,
            curve=curve,
            fit=fit,
            a=a,
            b=b,
            seed=config.seed,
            out=out,
            summary=summary,
            log=log,
        )
    _write_json(out / CONNECT_FILES["summary"], summary)
    log(f"lltk connect: wrote {out / CONNECT_FILES['summary']}")
    for state in states.values():
        state.unlink(missing_ok=True)
    if plane_error is not None:
        raise UserError(f"no plane: {plane_error}")
    return summary


def _write_path(path, csv: Path, summary: dict, log: Callable[[str], None]) -> None:
    """Write a path's CSV, add its figures to ``summary`` and report them through ``log``."""
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
    log(
        f"lltk connect: {path.kind} path: barrier {path.barrier:.6g} "
        f"(max {summary[path.kind]['max']:.6g}, "
        f"ends {ends[0]:.6g} and {ends[1]:.6g}; {path.loss.size} points{invalid}) -> {csv}"
    )


def _control(fit, a, path: Path, summary: dict) -> None:
    """Save the control point as a state dict of A's architecture, with the fit's budget."""
    budget = {"steps": fit.steps, "lr": fit.lr, "samples": fit.samples, "seed": fit.seed}
    atomic_torch_save({"model": unflatten(fit.theta, a.params), "fit": budget}, path)
    summary["bezier"]["fit"] = {
        **budget,
        "optimizer": "Adam, cosine-annealed learning rate, from the midpoint",
        "evaluations": fit.steps * fit.samples,
        "final_mean_loss": float(fit.history[-1]),
        "control_point": path.name,
    }


def _write_plane(
    plane, result, *, linear, curve, fit, a, b, seed: int, out: Path, summary: dict, log
) -> None:
    """Write the plane (lltk sample's format) and its paths, add the saddle to ``summary``
    and report it through ``log``."""
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
        "file": CONNECT_FILES["plane"],
    }
    summary["plane"] = info
    paths = connect.write_paths(out / CONNECT_FILES["paths"], plane, a, b, linear, curve, fit)
    info["paths_file"] = paths.name
    info["networks_file"] = connect.write_networks(
        out / CONNECT_FILES["networks"], plane, result, saddle
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
        meta.update(BezierBarrier=curve.barrier, CurveSeed=float(seed))
    export.write_landscape(out / CONNECT_FILES["plane"], result, meta)
    saddle_word = "saddle" if saddle.is_saddle else "level (no saddle between them)"
    log(
        f"lltk connect: plane through A, B, {info['third']} ({plane.resolution}^2, "
        f"{result.invalid_count} invalid): A's and B's basins join at {saddle_word} loss "
        f"{saddle.level:.6g}, {saddle.level - ends:.6g} above the ends' mean; linear barrier "
        f"{linear.barrier:.6g} (on the grid row {saddle.row_max - ends:.6g})"
        + (f", Bezier barrier {curve.barrier:.6g}" if curve is not None else "")
        + f" -> {out / CONNECT_FILES['plane']}"
    )
    if curve is not None and info["third"] != "C" and curve.barrier < saddle.level - ends - 1e-6:
        log(
            "lltk connect: note: the curve, which lies in this plane, stays below the grid's "
            "saddle: its valley is narrower than the grid's spacing (raise --resolution)"
        )


def _write_json(path: Path, obj: dict) -> None:
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=1, default=float)
