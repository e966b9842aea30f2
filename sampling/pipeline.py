"""``lltk train`` and ``lltk sample`` from a checked config: train or load the network,
choose the directions, sample, write the landscape and its side files, report.

:func:`lltk.sampling.run` and :func:`lltk.sampling.train` are these, imported when
called (torch is imported here). Under torchrun or srun the ranks split the grid
(:mod:`lltk.sampling.distributed`) and rank 0 writes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from lltk.atomic import check_targets, output_set
from lltk.errors import UserError
from lltk.sampling import directions, export, landscape, losslens
from lltk.sampling.checkpoint import load_trained
from lltk.sampling.closure import Trained
from lltk.sampling.config import ModelConfig, SampleConfig, TrainConfig, torch_device
from lltk.sampling.distributed import RankError, Ranks, digest
from lltk.sampling.hessian import HessianFigures, hessian_figures
from lltk.sampling.landscape import LandscapeResult
from lltk.sampling.models import train_model
from lltk.sampling.trajectory import Recorder, trajectory_pca

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
