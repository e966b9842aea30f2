"""The ResNet study: ResNet-20 with and without residual connections over seeds.

For each (skips or not, seed): train (sampling's cache), test accuracy, PyHessian's top
eigenvalue and trace, the random- and Hessian-direction 2-D landscapes and their merge
trees' numbers. Claims (Xie, Geniesse et al. 2024): without skips, more saddles and a
lower average persistence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from lltk.study import steps
from lltk.study.tables import Claim


@dataclass
class ResnetConfig:
    """Sizes of the ResNet study (defaults chosen to run within 60 minutes on 2 cores)."""

    seeds: tuple[int, ...] = (0, 123, 123456, 2023)
    data: str | None = None
    epochs: int = 10
    loss_samples: int = 64
    resolution: int = 21
    distance: float = 1.0
    hessian_steps: int = 10
    top_k: int = 2
    render: bool = True


@dataclass
class ResnetStudy:
    """What a run produced: one row per (variant, seed), claims, files, step timings."""

    rows: list[dict] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    recomputed: list[str] = field(default_factory=list)


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


def run_resnet_study(
    config: ResnetConfig, out: Path, log: Callable[[str], None] = print, progress: bool = False
) -> ResnetStudy:
    """Run (or reuse) every step of the ResNet study into ``out``; write tables, figure."""
    from sampling.resnet import train_resnet

    if not config.seeds:
        raise ValueError("give at least one seed")
    if config.resolution < 3:
        raise ValueError("the resolution must be at least 3 points per axis")
    out = steps.prepare_output(out)
    study = ResnetStudy()
    for seed in config.seeds:
        for residual in (True, False):
            with steps.timed(study.timings, "train"):
                trained = train_resnet(
                    residual=residual,
                    data=config.data,
                    seed=seed,
                    epochs=config.epochs,
                    loss_samples=config.loss_samples,
                    progress=progress,
                )
            name = f"{trained.metadata['Model']}_seed{seed}"
            row = {"model": trained.metadata["Model"], "residual": float(residual), "seed": seed}
            row.update({k: trained.metadata[k] for k in ("TestAccuracy", "TrainLoss", "TestLoss")})
            numbers, _ = steps.analyse_model(
                trained,
                name,
                seed,
                out,
                config.resolution,
                config.distance,
                config.hessian_steps,
                config.top_k,
                study.timings,
                study.recomputed,
                progress,
                loss_key={"loss_samples": config.loss_samples, "data": config.data},
            )
            row.update(numbers)
            study.rows.append(row)
            log(
                f"lltk study: {name}: accuracy {row['TestAccuracy']:.3f}, top eigenvalue "
                f"{row['top_eigenvalue']:.4g}, trace {row['trace']:.4g}, saddles "
                f"{row['random_saddles']:g} (random) / {row['hessian_saddles']:g} (Hessian)"
            )
    study.claims = resnet_claims(study.rows)
    steps.finish_study(
        study,
        "resnet",
        asdict(config),
        out,
        lambda: _write_tables(study, config, out),
        (lambda: _render(study, out, log)) if config.render else None,
    )
    return study


def compare_claim(rows: list[dict], column: str, label: str, more: bool) -> Claim:
    """ "Without skips, ``label`` is higher (``more``) or lower": the means over seeds
    differ that way and so do most seeds' pairs (same seed with and without skips)."""
    skip = {r["seed"]: float(r[column]) for r in rows if r["residual"] == 1.0}
    noskip = {r["seed"]: float(r[column]) for r in rows if r["residual"] == 0.0}
    seeds = sorted(set(skip) & set(noskip))
    if not seeds:
        return Claim(f"without skips, {label}", "no paired seeds", False)
    a = np.array([skip[s] for s in seeds])
    b = np.array([noskip[s] for s in seeds])
    sign = 1 if more else -1
    wins = int(np.sum(sign * (b - a) > 0))
    text = (
        f"mean {b.mean():.4g} without vs {a.mean():.4g} with skips; "
        f"{wins} of {len(seeds)} seeds agree"
    )
    ok = sign * (b.mean() - a.mean()) > 0 and wins > len(seeds) / 2
    return Claim(f"without skips, {label}", text, bool(ok))


def resnet_claims(rows: list[dict]) -> list[Claim]:
    """The study's ResNet claims checked on ``rows``."""
    return [
        compare_claim(rows, "random_saddles", "more saddles (random directions)", True),
        compare_claim(rows, "hessian_saddles", "more saddles (Hessian directions)", True),
        compare_claim(rows, "random_avg_persistence", "lower average persistence (random)", False),
        compare_claim(
            rows, "hessian_avg_persistence", "lower average persistence (Hessian)", False
        ),
    ]


def _write_tables(study: ResnetStudy, config: ResnetConfig, out: Path) -> dict[str, Path]:
    from lltk.study import figures
    from lltk.study.tables import write_results

    files = write_results(
        out,
        "resnet",
        "ResNet-20 study (with and without residual connections)",
        asdict(config),
        study.rows,
        COLUMNS,
        CSV_EXTRA,
        study.claims,
    )
    files["figure"] = figures.resnet_figure(study.rows, out / "resnet_metrics.png")
    return files


def _render(study: ResnetStudy, out: Path, log: Callable[[str], None]) -> Path | None:
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
