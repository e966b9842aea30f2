"""The PINN study: the convection PINN over beta, its errors, Hessian and topology.

For each (beta, seed): train (sampling's cache), PyHessian's top eigenvalues, trace and
spectral density, the random-direction and Hessian-direction 2-D landscapes, their merge
trees' numbers (minima, saddles, persistence); optionally a 3-D Hessian-direction
landscape and its topological landscape profile; optionally (``hessian_dim``) an n-D
Hessian-direction landscape (n >= 4, a grid .vtu) and its pairs of every dimension.
Then a table, the claims, the metric
figure (Figure 6 of Xie, Geniesse et al. 2024) and the per-beta views (their Figure 2).

A folder of checkpoints of another system of the authors' code (``--checkpoints``:
diffusion, reaction or reaction-diffusion PINNs, :mod:`lltk.sampling.pde`) is studied
the same way over that system's coefficient (nu, rho, nu:
:data:`lltk.sampling.pde.SWEPT_COEFFICIENT`) in place of beta; the claim of a failure at
beta = 7 and the 3-D profiles (``profile_betas``) are convection's only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np

from lltk.sampling.protocols import STUDY_DEFAULT, get_protocol
from lltk.study import steps
from lltk.study.distances import add_distance_column, distance_column, distance_figure
from lltk.study.tables import Claim, both_definitions, spearman_claim

#: Relative L2 error above which a PINN is said to fail (the paper's failed runs are O(1)).
FAILURE_REL_ERROR = 0.1


@dataclass(kw_only=True)
class PinnConfig(steps.RunOptions):
    """What ``lltk study pinn`` runs, checked when built: the authors' protocol where their
    code states it (100 collocation points drawn with seed 0 for every training seed, 40 x
    40 landscapes), the rest chosen to run within 30 minutes on 2 cores;
    ``collocation_seed=None`` draws the collocation points with each training seed.
    ``n_f``, ``resolution`` and ``distance`` left None take the protocol's values.

    >>> config = PinnConfig(betas=(1.0, 7.0), protocol="lltk", out="out/study/small")
    >>> config.n_f, config.resolution, config.figure_betas
    (1000, 41, (1.0, 4.0, 7.0, 10.0))
    """

    betas: tuple[float, ...] = tuple(float(b) for b in range(1, 11))
    seeds: tuple[int, ...] = (0, 1, 2)
    n_f: int | None = None
    collocation_seed: int | None = 0
    max_iter: int = 1000
    resolution: int | None = None
    distance: float | None = None
    hessian_steps: int = 50
    top_k: int = 3
    profile_betas: tuple[float, ...] = (1.0, 7.0, 10.0)
    profile_resolution: int = 21
    #: n of the n-D Hessian-direction landscape per network (0: none) and its points per axis
    hessian_dim: int = 0
    hessian_dim_resolution: int = 11
    render: bool = True
    #: Loss barriers between the seeds of each beta (``--connect``), on paths of so many points.
    connect: bool = False
    connect_points: int = 25
    #: Columns of the compact Figure 2 (``render/figure_small.png``), those in ``betas``
    #: (None: 1, 4, 7, 10; 1, 10, 30, 50 for the authors' checkpoints).
    figure_betas: tuple[float, ...] | None = None
    #: :mod:`lltk.sampling.protocols` name (None: ``authors``; for ``checkpoints``, both
    #: ``authors`` and ``loss-lens``, :func:`each_protocol`); ``loss-lens``: the
    #: random-direction landscapes as the authors published theirs (their directions,
    #: grid and loss).
    protocol: str | None = None
    #: A folder of trained PINNs (the authors' ``.pt`` files, lltk's checkpoints) to study
    #: instead of training; their betas and seeds replace ``betas`` and ``seeds``.
    checkpoints: str | None = None
    #: The PDE system of the studied PINNs (another than convection from --checkpoints
    #: only) and, for another, the values of its swept coefficient (nu or rho).
    system: str = "convection"
    coefficients: tuple[float, ...] = ()
    out: Path = Path("out/study/pinn")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.checkpoints is not None:
            self.checkpoints = str(self.checkpoints)
        if self.figure_betas is None:
            authors = self.checkpoints is not None
            self.figure_betas = (1.0, 10.0, 30.0, 50.0) if authors else (1.0, 4.0, 7.0, 10.0)
        if self.protocol is None and self.checkpoints is None:
            self.protocol = STUDY_DEFAULT
        if self.protocol is not None:
            protocol = get_protocol(self.protocol)
            self.n_f = protocol.n_f if self.n_f is None else self.n_f
            self.resolution = protocol.resolution if self.resolution is None else self.resolution
            if self.distance is None:  # the loss-lens grid is fixed; D spans the Hessian ones
                self.distance = 1.0 if protocol.name == "loss-lens" else protocol.distance
        _check(self)


def each_protocol(config: PinnConfig) -> list[tuple[str, PinnConfig]]:
    """The runs of ``config`` and what each is: itself, or, for a folder of checkpoints
    without a protocol, the training landscapes (the authors' protocol) in
    ``out/training`` and the published ones (loss-lens) in ``out/published``."""
    if config.protocol is not None:
        return [("", config)]
    return [
        (
            f"{folder} landscapes ({name} protocol) in {config.out / folder}",
            replace(config, protocol=name, out=config.out / folder),
        )
        for name, folder in (("authors", "training"), ("loss-lens", "published"))
    ]


def stem(value: float, seed: int, key: str = "beta", system: str = "convection") -> str:
    """File stem of one model, e.g. ``pinn_beta7_seed0`` (landscapes add ``_random``...);
    another system's names its coefficient ``key``: ``pinn_reaction_rho5_seed0``."""
    if system == "convection":
        return f"pinn_beta{value:g}_seed{seed}"
    return f"pinn_{system}_{key}{value:g}_seed{seed}"


def run_pinn_study(config: PinnConfig, log: Callable[[str], None] = print) -> steps.Study:
    """Run (or reuse) every step of the PINN study into ``config.out``; write tables and
    figures. ``config`` names one protocol (:func:`each_protocol`)."""
    if config.protocol is None:
        raise ValueError(
            "name a protocol (lltk.study.run studies a folder of checkpoints under each)"
        )
    out, progress = steps.prepare_output(config.out), config.progress
    study = steps.Study()
    networks: dict[float, dict] = {}
    analysis = steps.ModelAnalysis(
        resolution=config.resolution,
        distance=config.distance,
        hessian_steps=config.hessian_steps,
        top_k=max(config.top_k, config.hessian_dim),
        directions="loss-lens" if config.protocol == "loss-lens" else "filter",
        progress=progress,
    )
    first_seed = None
    system, models = _models(config, study, log, progress)
    key = sweep_key(system)
    name = partial(stem, key=key, system=system)
    for value, seed, trained in models:
        first_seed = seed if first_seed is None else first_seed
        if config.connect:
            networks.setdefault(value, {})[seed] = trained
        row = {key: value, "seed": seed}
        row.update({k: trained.metadata[k] for k in _PINN_METRICS})
        numbers, hessian = steps.analyse_model(
            trained, analysis, name=name(value, seed), seed=seed, out=out, study=study
        )
        row.update(numbers)
        if config.hessian_dim:
            with steps.timed(study.timings, f"hessian{config.hessian_dim}d"):
                row.update(
                    _nd_landscape(trained, hessian, name(value, seed), seed, config, out, study)
                )
        study.rows.append(row)
        log(_row_line(row, key))
        if system == "convection" and value in config.profile_betas and seed == first_seed:
            with steps.timed(study.timings, "profile"):
                _profile(trained, hessian, value, seed, config, out, study, progress)
    if config.checkpoints is not None:  # the files' betas and seeds, in the run's record
        values = tuple(sorted({float(r[key]) for r in study.rows}))
        config = replace(
            config,
            betas=values if system == "convection" else (),
            seeds=tuple(sorted({int(r["seed"]) for r in study.rows})),
            system=system,
            coefficients=() if system == "convection" else values,
        )
    add_distance_column(study.rows, out, name, key=key)
    study.claims = pinn_claims(study.rows, key)
    if config.connect:
        from lltk.study import connectivity

        connectivity.connect_step(
            networks, study, out, "pinn", key, config.connect_points, progress, log
        )
    steps.finish_study(
        study,
        "pinn",
        steps.record(config),
        out,
        lambda: _write_tables(study, config, out, key),
        (lambda: render_sweep(study, config, out, log)) if config.render else None,
    )
    return study


_PINN_METRICS = ("TrainLoss", "TestAbsError", "TestRelError", "TestLinfError", "TestCoverage")
#: Each landscape's distance to beta = 1's (lltk.study.distances: Wasserstein-2 between
#: the minimum-saddle pairs of the random-direction landscapes, losses normalised).
DISTANCE_COLUMN = "random_wasserstein2_to_beta1"
#: Table columns and headers, in order. "saddles" and "avg pers." are the paper's
#: definitions (TTK type-1 saddles; every persistence pair), "+deg." and "(m-s)" the
#: others (degenerate saddles too; minimum-saddle pairs only).
COLUMNS = {
    "beta": "beta",
    "seed": "seed",
    "TrainLoss": "train loss",
    "TestAbsError": "abs error",
    "TestRelError": "rel error",
    "top_eigenvalue": "top eigenvalue",
    "trace": "trace",
    **steps.topology_headers("random", "rand"),
    **steps.topology_headers("hessian", "Hess"),
    DISTANCE_COLUMN: "W2 to beta=1 (rand)",
}
CSV_EXTRA = (
    "TestLinfError",
    "TestCoverage",
    "trace_stderr",
    "hessian3d_saddles",
    "hessian3d_saddles_deg",
    "hessian3d_avg_persistence",
    "hessian3d_avg_persistence_ms",
    *steps.extra_topology_columns(),
)


def sweep_key(system: str) -> str:
    """The coefficient a study of ``system``'s PINNs sweeps: ``beta`` (convection), ``nu``
    (diffusion, reaction-diffusion) or ``rho`` (reaction)."""
    from lltk.sampling.pde import SWEPT_COEFFICIENT

    return SWEPT_COEFFICIENT[system]


def _models(config: PinnConfig, study: steps.Study, log, progress: bool):
    """The system and the (coefficient, seed, trained) of every model of the study: the
    convection PINN trained (sampling's cache) over ``betas`` x ``seeds``, or each PINN
    checkpoint of ``config.checkpoints`` ordered by seed and its system's coefficient
    (beta for convection); a ``ValueError`` when the folder mixes systems."""
    if config.checkpoints is None:
        return "convection", _trained(config, study, progress)
    with steps.timed(study.timings, "load"):
        found = [
            t
            for _, _, t in steps.checkpoint_models(
                Path(config.checkpoints), lambda _: ["pinn"], log
            )
        ]
    systems = sorted({str(t.metadata.get("System", "convection")) for t in found})
    if len(systems) > 1:
        raise ValueError(
            f"--checkpoints {config.checkpoints} holds PINNs of several systems "
            f"({', '.join(systems)}); study one system's folder at a time"
        )
    key = sweep_key(systems[0])
    models = [(float(t.metadata[key.capitalize()]), int(t.metadata["Seed"]), t) for t in found]
    return systems[0], sorted(models, key=lambda m: (m[1], m[0]))


def _trained(config: PinnConfig, study: steps.Study, progress: bool):
    """(beta, seed, trained) of the convection PINN over ``betas`` x ``seeds``."""
    from lltk.sampling.models import train_model

    for beta in config.betas:
        for seed in config.seeds:
            with steps.timed(study.timings, "train"):
                trained = train_model(
                    "pinn",
                    progress=progress,
                    beta=beta,
                    seed=seed,
                    n_f=config.n_f,
                    max_iter=config.max_iter,
                    collocation_seed=config.collocation_seed,
                )
            yield beta, seed, trained


def nd_columns(n: int) -> tuple[str, ...]:
    """The study's columns of the n-D Hessian landscape, per homology dimension."""
    kinds = ("pairs", "avg_persistence", "avg_persistence_all")
    return tuple(f"hessian{n}d_H{k}_{kind}" for k in range(n) for kind in kinds)


def _nd_landscape(trained, hessian, name, seed, config, out, study) -> dict[str, float]:
    """The n-D Hessian-direction landscape (top-n eigenvectors) of the model ``name`` and
    its per-dimension numbers (:func:`lltk.topology.metrics.dimension_metrics`)."""
    n = config.hessian_dim
    path = out / "landscapes" / f"{name}_hessian{n}d.vtu"
    _, fresh = steps.landscape_step(
        trained,
        path,
        "hessian",
        hessian.eigenvectors[:n],
        config.hessian_dim_resolution,
        config.distance,
        seed,
        hessian,
    )
    if fresh:
        study.recomputed.append(str(path))
    metrics = steps.topology_step(path, out / "metrics" / f"{path.stem}.json")
    names = ("PairCount", "AveragePersistence", "AllPairsAveragePersistence")
    values = [metrics[f"H{k}{name}"] for k in range(n) for name in names]
    return dict(zip(nd_columns(n), values, strict=True))


def _check(config: PinnConfig) -> None:
    if config.checkpoints is None and not config.betas:  # else the files' betas
        raise ValueError("give at least one beta")
    if config.checkpoints is None and not config.seeds:
        raise ValueError("give at least one seed")
    bad = [b for b in config.betas if not (np.isfinite(b) and b >= 0)]
    if bad:
        raise ValueError(f"beta must be a non-negative number, not {bad[0]}")
    if (config.resolution or 3) < 3 or config.profile_resolution < 3:
        raise ValueError("the resolution must be at least 3 points per axis")
    if config.hessian_steps < 1:
        raise ValueError(f"--hessian-steps must be >= 1, not {config.hessian_steps}")
    if config.hessian_dim and not 2 <= config.hessian_dim <= 6:
        raise ValueError(f"--hessian-dim must be 2 to 6 (0: none), not {config.hessian_dim}")
    if config.hessian_dim and config.hessian_dim_resolution < 3:
        raise ValueError("--hessian-dim-resolution must be at least 3 points per axis")


def _row_line(row: dict, key: str = "beta") -> str:
    return (
        f"lltk study: {key} {row[key]:g} seed {row['seed']}: rel error "
        f"{row['TestRelError']:.3g}, top eigenvalue {row['top_eigenvalue']:.4g}, trace "
        f"{row['trace']:.4g}, saddles {row['random_saddles']:g} (random) / "
        f"{row['hessian_saddles']:g} (Hessian), avg persistence "
        f"{row['random_avg_persistence']:.3g} / {row['hessian_avg_persistence']:.3g}"
    )


def pinn_claims(rows: list[dict], key: str = "beta") -> list[Claim]:
    """The study's PINN claims checked on ``rows`` (see ``docs/results.md``): the failure
    around beta = 7 (convection's), and every metric growing with beta (or another
    system's coefficient ``key``); the topological ones judged on the paper's definitions,
    the other definitions beside."""
    claims = [failure_claim(rows)] if key == "beta" else []
    found = (re.fullmatch(r"hessian(\d+)d_H0_pairs", column) for column in rows[0])
    n = next((int(m.group(1)) for m in found if m), 0)
    for k in range(1, n):
        for kind, name in (("pairs", "pair count"), ("avg_persistence", "average persistence")):
            label = f"H{k} {name} ({n}-D Hessian directions)"
            claims.append(spearman_claim(rows, key, f"hessian{n}d_H{k}_{kind}", label))
    for kind, label in (("random", "random directions"), ("hessian", "Hessian directions")):
        for metric, other, name in (
            ("saddles", "saddles_deg", "saddle count"),
            ("avg_persistence", "avg_persistence_ms", "average persistence"),
        ):
            judge = partial(spearman_claim, rows, key, label=f"{name} ({label})")
            claims.append(both_definitions(judge, f"{kind}_{metric}", f"{kind}_{other}"))
    for column, label in (
        ("TestRelError", "relative error"),
        ("TestAbsError", "absolute error"),
        ("top_eigenvalue", "top Hessian eigenvalue"),
        ("trace", "Hessian trace"),
    ):
        claims.append(spearman_claim(rows, key, column, label))
    return claims


def failure_claim(rows: list[dict]) -> Claim:
    """ "The PINN fails around beta = 7" (its relative error jumps there): the largest
    ratio between the mean relative errors of consecutive betas is reached at a beta in
    [6, 8]. The evidence also names the first beta whose error exceeds
    :data:`FAILURE_REL_ERROR`."""
    betas = sorted({float(r["beta"]) for r in rows})
    mean = np.array(
        [np.mean([r["TestRelError"] for r in rows if float(r["beta"]) == b]) for b in betas]
    )
    listing = ", ".join(f"{b:g}: {e:.3g}" for b, e in zip(betas, mean, strict=True))
    failing = [b for b, e in zip(betas, mean, strict=True) if e > FAILURE_REL_ERROR]
    first = f"{failing[0]:g}" if failing else "none"
    if len(betas) < 2:
        return Claim("the PINN fails around beta = 7", f"one beta only ({listing})", False)
    ratio = mean[1:] / np.maximum(mean[:-1], 1e-300)
    k = int(np.argmax(ratio))
    text = (
        f"largest jump: x{ratio[k]:.3g} from beta {betas[k]:g} to {betas[k + 1]:g}; first beta "
        f"with rel. error > {FAILURE_REL_ERROR:g}: {first} (rel. error by beta: {listing})"
    )
    return Claim("the PINN fails around beta = 7", text, 6 <= betas[k + 1] <= 8)


def _write_tables(
    study: steps.Study, config: PinnConfig, out: Path, key: str = "beta"
) -> dict[str, Path]:
    from lltk.study import figures
    from lltk.study.tables import write_results

    distance = distance_column("random", "wasserstein2", 1.0, key)
    columns = {key: key, **COLUMNS, distance: f"W2 to {key}=1 (rand)"}
    if key != "beta":
        del columns["beta"], columns[DISTANCE_COLUMN]
    files = write_results(
        out,
        "pinn",
        f"PINN study ({config.system}, {key} sweep)",
        steps.record(config),
        study.rows,
        columns,
        (*CSV_EXTRA, *(nd_columns(config.hessian_dim) if config.hessian_dim else ())),
        study.claims,
    )

    files["metrics_figure"] = figures.pinn_metrics_figure(
        study.rows, out / "pinn_metrics.png", key, config.system
    )
    if study.barriers:
        from lltk.study.connectivity import write_barriers

        files.update(write_barriers(study.barriers, study.rows, out, "pinn", key))
    files["distance_figure"] = distance_figure(
        study.rows, distance, out / f"pinn_distance_to_{key}1.png", key
    )
    return files


def render_sweep(
    study: steps.Study, config: PinnConfig, out: Path, log: Callable[[str], None]
) -> Path | None:
    """Figure 2: the views of the first seed's random-direction landscapes, a column per
    beta (or another system's coefficient), and a compact copy with the columns of
    ``config.figure_betas`` (convection's)."""
    from lltk.study.figures import shrink

    key = sweep_key(config.system)
    seed = study.rows[0]["seed"]
    betas = [r[key] for r in study.rows if r["seed"] == seed]
    paths = [
        out / "landscapes" / f"{stem(b, seed, key, config.system)}_random.vti" for b in betas
    ]
    figure = steps.render_figure(paths, out / "render", log)
    if figure is not None:
        keep = [i for i, b in enumerate(betas) if b in config.figure_betas]
        keep = keep if config.system == "convection" and keep else None
        shrink(figure, out / "render" / "figure_small.png", 1600, len(betas), keep)
    return figure


def _profile(trained, hessian, beta, seed, config, out, study, progress) -> None:
    """A 3-D Hessian-direction landscape and its topological landscape profile."""
    from lltk.study import figures

    if len(hessian.eigenvectors) < 3:
        raise ValueError("the 3-D landscape needs --top-k >= 3 Hessian eigenvectors")
    path = out / "landscapes" / f"{stem(beta, seed)}_hessian3d.vti"
    _, fresh = steps.landscape_step(
        trained,
        path,
        "hessian",
        hessian.eigenvectors[:3],
        config.profile_resolution,
        config.distance,
        seed,
        hessian,
        progress,
    )
    if fresh:
        study.recomputed.append(str(path))
    metrics = steps.topology_step(path, out / "metrics" / f"{path.stem}.json")
    png = out / "profiles" / f"{path.stem}_profile.png"
    if fresh or not png.is_file():
        figures.profile_figure(path, png, f"PINN beta = {beta:g}, 3-D Hessian directions")
    study.files[f"profile_beta{beta:g}"] = png
    for key, column in steps.TOPOLOGY_COLUMNS.items():
        if column in ("saddles", "saddles_deg", "avg_persistence", "avg_persistence_ms"):
            study.rows[-1][f"hessian3d_{column}"] = metrics[key]
