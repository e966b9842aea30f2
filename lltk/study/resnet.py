"""The ResNet study: ResNet-20 with and without residual connections over seeds.

For each (skips or not, seed): train (sampling's cache), test accuracy, PyHessian's top
eigenvalue and trace, the random- and Hessian-direction 2-D landscapes and their merge
trees' numbers. Claims (Xie, Geniesse et al. 2024): without skips, more saddles and a
lower average persistence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from lltk.sampling.protocols import STUDY_DEFAULT, get_protocol
from lltk.study import steps
from lltk.study.tables import (
    Claim,
    both_definitions,
    paired_claim,
    spearman_claim,
    spearman_within,
)


@dataclass(kw_only=True)
class ResnetConfig(steps.RunOptions):
    """What ``lltk study resnet`` runs, checked when built: the authors' protocol where
    their code states it (option-B shortcuts, their random directions spanning
    ``distance`` times the norm of the weights, 40 x 40 landscapes, a Hessian on 1,024
    training images with 100 iterations); ``shortcut="A"``, ``directions="filter"``,
    ``resolution=21``, ``hessian_samples=64`` and ``hessian_steps=10`` are the former,
    faster choices. ``resolution``, ``distance`` and ``directions`` left None take the
    protocol's values."""

    seeds: tuple[int, ...] = (0, 123, 123456, 2023)
    data: str | None = None
    epochs: int = 10
    loss_samples: int = 64
    resolution: int | None = None
    distance: float | None = None
    hessian_steps: int = 100
    hessian_samples: int = 1024
    shortcut: str = "B"
    directions: str | None = None
    top_k: int = 2
    render: bool = True
    #: Loss barriers between the seeds of each variant (``--connect``), paths of so many points.
    connect: bool = False
    connect_points: int = 25
    #: :mod:`lltk.sampling.protocols` name (the ResNet knows ``authors`` and ``lltk``).
    protocol: str = STUDY_DEFAULT
    #: A folder of trained ResNet-20s (the authors' ``.pkl`` state dicts, lltk's
    #: checkpoints) to study instead of training; needs ``data`` (CIFAR-10).
    checkpoints: str | None = None
    out: Path = Path("out/study/resnet")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.checkpoints is not None:
            self.checkpoints = str(self.checkpoints)
        protocol = get_protocol(self.protocol)
        self.directions = self.directions or protocol.normalization("resnet20")
        self.resolution = protocol.resolution if self.resolution is None else self.resolution
        self.distance = protocol.distance if self.distance is None else self.distance
        if not self.seeds:
            raise ValueError("give at least one seed")
        if self.resolution < 3:
            raise ValueError("the resolution must be at least 3 points per axis")
        if self.checkpoints is not None and self.data in (None, "digits"):
            raise ValueError(
                "--checkpoints: the authors' ResNets are CIFAR-10 networks; the study needs "
                "CIFAR-10's python batches: --data CIFAR_DIR (CIFAR-10 cannot be downloaded "
                "here)"
            )


#: Table columns and headers (both definitions of each metric: see the PINN study's).
COLUMNS = {
    "model": "model",
    "seed": "seed",
    "TestAccuracy": "test accuracy",
    "TrainLoss": "train loss",
    "top_eigenvalue": "top eigenvalue",
    "trace": "trace",
    **steps.topology_headers("random", "rand"),
    **steps.topology_headers("hessian", "Hess"),
}
CSV_EXTRA = ("residual", "TestLoss", "trace_stderr", *steps.extra_topology_columns())


def run_resnet_study(config: ResnetConfig, log: Callable[[str], None] = print) -> steps.Study:
    """Run (or reuse) every step of the ResNet study into ``config.out``; write tables,
    figure."""
    out, progress = steps.prepare_output(config.out), config.progress
    study = steps.Study()
    networks: dict[str, dict] = {}
    analysis = steps.ModelAnalysis(
        resolution=config.resolution,
        distance=config.distance,
        hessian_steps=config.hessian_steps,
        top_k=config.top_k,
        directions=config.directions,
        loss_key={
            "loss_samples": config.loss_samples,
            "hessian_samples": config.hessian_samples,
            "data": config.data,
        },
        progress=progress,
    )
    for seed, residual, trained in _models(config, study, log, progress):
        name = f"{trained.metadata['Model']}_seed{seed}"
        if config.connect:
            networks.setdefault(trained.metadata["Model"], {})[seed] = trained
        row = {"model": trained.metadata["Model"], "residual": float(residual), "seed": seed}
        row.update({k: trained.metadata[k] for k in ("TestAccuracy", "TrainLoss", "TestLoss")})
        numbers, _ = steps.analyse_model(
            trained, analysis, name=name, seed=seed, out=out, study=study
        )
        row.update(numbers)
        study.rows.append(row)
        log(
            f"lltk study: {name}: accuracy {row['TestAccuracy']:.3f}, top eigenvalue "
            f"{row['top_eigenvalue']:.4g}, trace {row['trace']:.4g}, saddles "
            f"{row['random_saddles']:g} (random) / {row['hessian_saddles']:g} (Hessian)"
        )
    study.claims = resnet_claims(study.rows)
    if config.connect:
        from lltk.study import connectivity

        connectivity.connect_step(
            networks, study, out, "resnet", "model", config.connect_points, progress, log
        )
    steps.finish_study(
        study,
        "resnet",
        steps.record(config),
        out,
        lambda: _write_tables(study, config, out),
        (lambda: _render(study, out, log)) if config.render else None,
    )
    return study


def _models(config: ResnetConfig, study: steps.Study, log, progress: bool):
    """(seed, residual, trained) of every model: trained (sampling's cache) for each seed
    with and without skips, or each ResNet-20 checkpoint of ``config.checkpoints``."""
    from lltk.sampling.resnet import train_resnet

    if config.checkpoints is not None:

        def models(path: Path) -> list[str]:
            plain = "no_skip" in path.name or "noskip" in path.name
            return ["resnet20-noskip", "resnet20"] if plain else ["resnet20", "resnet20-noskip"]

        loaded = steps.checkpoint_models(
            Path(config.checkpoints),
            models,
            log,
            data=config.data,
            loss_samples=config.loss_samples,
            hessian_samples=config.hessian_samples,
        )
        for _, model, trained in loaded:
            yield int(trained.metadata["Seed"]), model == "resnet20", trained
        return
    for seed in config.seeds:
        for residual in (True, False):
            with steps.timed(study.timings, "train"):
                trained = train_resnet(
                    residual=residual,
                    data=config.data,
                    seed=seed,
                    epochs=config.epochs,
                    loss_samples=config.loss_samples,
                    shortcut=config.shortcut,
                    hessian_samples=config.hessian_samples,
                    progress=progress,
                )
            yield seed, residual, trained


def resnet_claims(
    rows: list[dict], pair: tuple[str, ...] = ("seed",), within: tuple[str, ...] = ()
) -> list[Claim]:
    """The study's ResNet claims checked on ``rows`` (rows of the same ``pair`` values
    compared with and without skips), the topological ones judged on the paper's
    definitions with the other definitions beside: without skips, more saddles and a
    lower average persistence; saddles inversely related to the average persistence and
    to the ML metrics present in the rows (test accuracy, top Hessian eigenvalue, trace;
    "inversely" as the study states it, for each of them). Directions without a pair are
    left out; ``within`` adds the saddles-persistence correlation inside each value of
    those columns to the evidence."""
    claims = []
    for kind, label in (("random", "random directions"), ("hessian", "Hessian directions")):
        sub = [r for r in rows if f"{kind}_saddles" in r]
        keys = [{tuple(r[k] for k in pair) for r in sub if r["residual"] == v} for v in (0, 1)]
        if not keys[0] & keys[1]:
            continue
        for metric, other, text, more in (
            ("saddles", "saddles_deg", "more saddles", True),
            ("avg_persistence", "avg_persistence_ms", "lower average persistence", False),
        ):
            judge = partial(
                paired_claim,
                sub,
                label=f"without skips, {text} ({label})",
                split="residual",
                base=1.0,
                other=0.0,
                more=more,
                pair=pair,
            )
            claims.append(both_definitions(judge, f"{kind}_{metric}", f"{kind}_{other}"))
        saddles = f"saddle count ({label})"
        judge = partial(spearman_claim, sub, label=saddles, sign=-1, relation="average persistence")
        paper = (f"{kind}_saddles", f"{kind}_avg_persistence")
        claim = both_definitions(
            judge, paper, (f"{kind}_saddles_deg", f"{kind}_avg_persistence_ms")
        )
        for group in within:
            claim.evidence += "; " + spearman_within(sub, *paper, group)
        claims.append(claim)
        for column, name in ML_METRICS.items():
            if all(column in r for r in sub):
                judge = partial(spearman_claim, sub, column, label=saddles, sign=-1, relation=name)
                claims.append(both_definitions(judge, f"{kind}_saddles", f"{kind}_saddles_deg"))
    return claims


#: The ML metrics the study relates the saddle count to, by column.
ML_METRICS = {
    "TestAccuracy": "test accuracy",
    "top_eigenvalue": "the top Hessian eigenvalue",
    "trace": "the Hessian trace",
}


def _write_tables(study: steps.Study, config: ResnetConfig, out: Path) -> dict[str, Path]:
    from lltk.study import figures
    from lltk.study.tables import write_results

    files = write_results(
        out,
        "resnet",
        "ResNet-20 study (with and without residual connections)",
        steps.record(config),
        study.rows,
        COLUMNS,
        CSV_EXTRA,
        study.claims,
    )
    files["figure"] = figures.resnet_figure(study.rows, out / "resnet_metrics.png")
    if study.barriers:
        from lltk.study.connectivity import write_barriers

        files.update(write_barriers(study.barriers, study.rows, out, "resnet", "model"))
    return files


def _render(study: steps.Study, out: Path, log: Callable[[str], None]) -> Path | None:
    """Figure 2 of the first seed: a column per variant (and a 900-pixel-wide copy)."""
    from lltk.study.figures import shrink

    seed = study.rows[0]["seed"]
    paths = [
        out / "landscapes" / f"{r['model']}_seed{seed}_random.vti"
        for r in study.rows
        if r["seed"] == seed
    ]
    figure = steps.render_figure(paths, out / "render", log)
    if figure is not None:
        shrink(figure, out / "render" / "figure_small.png", 900, len(paths))
    return figure
