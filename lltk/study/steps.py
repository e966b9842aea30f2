"""The cached steps every study runs: Hessian figures, landscapes, topology metrics.

Each step writes one file and skips its work when that file already holds the result of
the same inputs:

- Hessian figures: ``<cache>/<stem>_hessian.npz``, keyed by the trained weights and the
  PyHessian settings;
- landscapes: the ``.vti`` itself, reused when its FieldData matches (the conventions'
  keys plus ``StudyKey``, a digest of the weights, directions, grid and whatever else
  defines the loss (``loss_key``, e.g. the number of images it averages);
- topology metrics: ``<metrics>/<stem>.json``, keyed by the landscape file's digest and
  :data:`METRICS_VERSION`.

Trained models are cached by :mod:`sampling` (``$LLTK_CACHE``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from lltk import vtkxml
from lltk.atomic import atomic_write, writable_folder
from lltk.study.tables import Claim


def digest(*parts: Any) -> str:
    """A short sha256 of arrays (their bytes), strings and JSON-able values."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(json.dumps(part, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def file_digest(path: str | os.PathLike) -> str:
    """sha256 (first 16 hex digits) of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def write_json(path: Path, obj: Any) -> Path:
    """Write ``obj`` as JSON atomically (temporary file renamed into place)."""
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
    return path


def read_json(path: Path) -> Any | None:
    """The JSON in ``path``, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


@dataclass
class Hessian:
    """The Hessian figures a study keeps: top eigenpairs, trace (with its standard error)
    and the SLQ density."""

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    trace: float
    trace_stderr: float
    density_grid: np.ndarray
    density: np.ndarray

    def metadata(self) -> dict[str, Any]:
        """FieldData figures as the conventions name them."""
        from lltk.sampling.hessian import hessian_metadata

        return hessian_metadata(self.eigenvalues, self.trace, self.trace_stderr)


def hessian_step(
    trained, path: Path, top_k: int, steps: int, seed: int, loss_key: dict | None = None
) -> Hessian:
    """PyHessian's figures for ``trained`` (a :class:`lltk.sampling.closure.Trained`), cached in
    ``path`` (.npz) under a key of the weights, the settings and ``loss_key``."""
    from lltk.sampling.directions import flatten

    theta = flatten(trained.params).double().numpy()
    settings = {"top_k": top_k, "steps": steps, "seed": seed}
    key = digest(theta, settings if loss_key is None else {**settings, "loss": loss_key})
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as z:
                if str(z["key"]) == key:
                    return Hessian(
                        z["eigenvalues"],
                        z["eigenvectors"],
                        float(z["trace"]),
                        float(z["trace_stderr"]),
                        z["density_grid"],
                        z["density"],
                    )
        except (OSError, ValueError, KeyError):
            pass
    from lltk.sampling.hessian import hessian_figures

    fig = hessian_figures(
        trained.model,
        trained.extras.get("hessian_loss_fn", trained.loss_fn),
        top_k=top_k,
        seed=seed,
        max_iter=steps,
        trace_iter=steps,
        lanczos_steps=steps,
    )
    grid, density = fig.density()
    result = Hessian(
        fig.eigenvalues,
        fig.eigenvectors.double().numpy(),
        fig.trace,
        fig.trace_stderr,
        grid,
        density,
    )
    with atomic_write(path) as f:
        np.savez(
            f,
            key=np.array(key),
            eigenvalues=result.eigenvalues,
            eigenvectors=result.eigenvectors,
            trace=np.array(result.trace),
            trace_stderr=np.array(result.trace_stderr),
            density_grid=grid,
            density=density,
        )
    return result


def _same(stored: vtkxml.FieldValue | None, wanted: Any) -> bool:
    if stored is None:
        return False
    if isinstance(wanted, str) or isinstance(stored, str):
        return stored == wanted
    a = np.atleast_1d(np.asarray(stored, np.float64)).ravel()
    b = np.atleast_1d(np.asarray(wanted, np.float64)).ravel()
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True))


def landscape_is_current(path: Path, expected: dict[str, Any]) -> bool:
    """Whether ``path`` exists and its FieldData holds every ``expected`` key and value."""
    if not path.is_file():
        return False
    try:
        fd = vtkxml.read(path).field_data
    except (vtkxml.VTKFileError, OSError, ValueError):
        return False
    return all(_same(fd.get(k), v) for k, v in expected.items())


def landscape_step(
    trained,
    path: Path,
    directions_kind: str,
    dirs: np.ndarray,
    resolution: int,
    distance: float,
    seed: int,
    hessian: Hessian | None,
    progress: bool = False,
    loss_key: dict | None = None,
    normalization: str | None = None,
    published: bool = False,
) -> tuple[Path, bool]:
    """Sample and write the landscape of ``trained`` along the rows of ``dirs`` unless
    ``path`` already holds it; returns the path and whether it was (re)computed.
    ``normalization`` names how ``dirs`` were scaled (FieldData ``Normalization``;
    default: ``filter`` for random directions, ``none`` for the others). ``published``:
    the loss-lens protocol's landscape (a PINN's published loss on the sequential grid,
    :mod:`lltk.sampling.losslens`) instead of the training loss."""
    import torch

    from lltk.sampling import export, landscape
    from lltk.sampling.directions import flatten

    theta = flatten(trained.params).double().numpy()
    if normalization is None:
        normalization = "filter" if directions_kind == "random" else "none"
    meta = {
        **trained.metadata,
        "Directions": directions_kind,
        "Normalization": normalization,
        "Seed": float(seed),
        "StudyKey": digest(
            theta,
            np.asarray(dirs, np.float64),
            [resolution, distance] if loss_key is None else [resolution, distance, loss_key],
            *(["published"] if published else []),
        ),
    }
    if published:
        meta["LandscapeLoss"] = "published"
    if hessian is not None:
        meta.update(hessian.metadata())
    expected = {**meta, "Dimension": float(len(dirs)), "Resolution": float(resolution)}
    expected["Distance"] = float(distance)
    if landscape_is_current(path, expected):
        return path, False
    export.check_output(path, len(dirs))
    loss_fn = trained.loss_fn
    if published:
        from lltk.sampling.losslens import published_loss

        loss_fn = published_loss(trained.model, trained.extras["convection_data"])
    result = landscape.sample_landscape(
        loss_fn,
        trained.params,
        torch.as_tensor(np.asarray(dirs), dtype=torch.float32),
        resolution,
        distance,
        vectorized=trained.vectorized,
        state_path=path.with_name(f".{path.name}.lltk-state.npz"),
        progress=progress,
        sequential=published,
    )
    if hessian is not None:
        export.write_density(path, hessian.density_grid, hessian.density)
    if "solution" in trained.extras:
        export.write_solution(path, trained.extras["solution"])
    export.write_landscape(path, result, meta)
    landscape.discard_state(path.with_name(f".{path.name}.lltk-state.npz"))
    return path, True


#: Names the metric definitions of :func:`lltk.topology.metrics.landscape_metrics`: a
#: new one recomputes the cached topology numbers.
METRICS_VERSION = "all-pairs-dimensions-2"


def topology_step(landscape: Path, out: Path) -> dict[str, float]:
    """The study's topological numbers of ``landscape`` (minima, saddles, persistence
    statistics under both definitions: :func:`lltk.topology.metrics.landscape_metrics`),
    cached in ``out`` (.json)."""
    key = f"{file_digest(landscape)}-{METRICS_VERSION}"
    cached = read_json(out)
    if isinstance(cached, dict) and cached.get("landscape_digest") == key:
        metrics = cached.get("metrics")
        if isinstance(metrics, dict) and all(
            isinstance(metrics.get(k), int | float) for k in TOPOLOGY_COLUMNS
        ):
            return metrics  # a damaged cache is recomputed
    from lltk.landscape import read_landscape
    from lltk.topology import persistence_pairs
    from lltk.topology.metrics import dimension_metrics, landscape_metrics

    field = read_landscape(landscape, "Loss")
    diagram = persistence_pairs(field.values, field.domain)
    metrics = landscape_metrics(diagram)
    dims = field.domain.dims
    metrics.update(dimension_metrics(diagram, len(dims) if dims is not None else 1))
    metrics["InvalidCount"] = float(field.invalid_count)
    write_json(out, {"landscape": str(landscape), "landscape_digest": key, "metrics": metrics})
    return metrics


#: The topological numbers a study row keeps, by their ``landscape_metrics`` key.
#: ``saddles`` and ``avg_persistence`` are the paper's definitions (type-1 saddles, every
#: pair); ``saddles_deg`` and ``avg_persistence_ms`` the others (degenerate saddles too,
#: minimum-saddle pairs only).
TOPOLOGY_COLUMNS = {
    "MinimaCount": "minima",
    "Type1SaddleCount": "saddles",
    "SaddleCount": "saddles_deg",
    "AllPairsAveragePersistence": "avg_persistence",
    "AveragePersistence": "avg_persistence_ms",
    "AllPairsTotalPersistence": "total_persistence",
    "TotalPersistence": "total_persistence_ms",
    "MaxPersistence": "max_persistence_ms",
}
DIRECTIONS = ("random", "hessian")
#: Table headers of the main topology columns, both definitions side by side.
_HEADERS = {
    "minima": "minima",
    "saddles": "saddles",
    "saddles_deg": "saddles +deg.",
    "avg_persistence": "avg pers.",
    "avg_persistence_ms": "avg pers. (m-s)",
}


def topology_headers(kind: str, label: str) -> dict[str, str]:
    """Table columns of ``kind``'s landscape (``<kind>_minima``...) and their headers,
    e.g. ``saddles (rand)``, the paper's definition of each metric beside the other."""
    return {f"{kind}_{c}": f"{h} ({label})" for c, h in _HEADERS.items()}


def extra_topology_columns() -> tuple[str, ...]:
    """The topology columns only the CSV keeps (totals, maxima) for every direction."""
    rest = [c for c in TOPOLOGY_COLUMNS.values() if c not in _HEADERS]
    return tuple(f"{kind}_{c}" for kind in DIRECTIONS for c in rest)


@dataclass(frozen=True, kw_only=True)
class ModelAnalysis:
    """What :func:`analyse_model` computes for every network of a study: the Hessian
    figures (``top_k`` eigenpairs, ``hessian_steps`` iterations) and the random- and
    Hessian-direction 2-D landscapes (``resolution`` points per axis, span ``distance``).

    ``directions``: ``filter`` (filter-normalised random directions, unit Hessian
    eigenvectors, ``alpha`` in ``[-distance, distance]``), ``authors`` (the study
    authors' random directions, :func:`lltk.sampling.directions.authors_directions`, and the
    Hessian eigenvectors, each scaled to the norm of the weights, ``alpha`` in
    ``[-distance/2, distance/2]``: the authors' span of ``distance`` times the norm) or
    ``loss-lens`` (a PINN's random-direction landscape as the authors published theirs,
    :mod:`lltk.sampling.losslens`: their directions, 40 x 40 grid in [-10, 10] and
    published loss; the Hessian-direction one as under ``filter``). ``loss_key``: what
    else decides the loss, for the caches (a ResNet's images and data).
    """

    resolution: int
    distance: float
    hessian_steps: int
    top_k: int
    directions: str = "filter"
    loss_key: dict | None = None
    progress: bool = False

    def __post_init__(self) -> None:
        if self.directions not in ("filter", "authors", "loss-lens"):
            raise ValueError(
                f"directions must be 'filter', 'authors' or 'loss-lens', not {self.directions!r}"
            )


def analyse_model(
    trained, analysis: ModelAnalysis, *, name: str, seed: int, out: Path, study: Study
) -> tuple[dict[str, float], Hessian]:
    """The Hessian figures, the random- and Hessian-direction 2-D landscapes of one
    trained model (``out/landscapes/<name>_<kind>.vti``) and their topology, as
    ``analysis`` says: a row of numbers (``top_eigenvalue``, ``trace``, ``trace_stderr``,
    ``<kind>_<metric>``) and the Hessian figures. Timings and the files sampled anew go
    to ``study``."""
    from lltk.sampling import losslens
    from lltk.sampling.directions import authors_directions, flatten, random_directions

    directions, loss_key, timings = analysis.directions, analysis.loss_key, study.timings
    authors = directions == "authors"
    span = analysis.distance / 2 if authors else analysis.distance
    norm = float(flatten(trained.params).double().norm())

    with timed(timings, "hessian"):
        hessian = hessian_step(
            trained,
            out / "cache" / f"{name}_hessian.npz",
            analysis.top_k,
            analysis.hessian_steps,
            seed,
            loss_key,
        )
    row = {
        "top_eigenvalue": float(hessian.eigenvalues[0]),
        "trace": hessian.trace,
        "trace_stderr": hessian.trace_stderr,
    }
    for kind in DIRECTIONS:
        published = kind == "random" and directions == "loss-lens"
        grid = (losslens.STEPS, losslens.DISTANCE) if published else (analysis.resolution, span)
        if published:
            dirs = losslens.directions(trained.params, seed).double().numpy()
        elif kind == "random" and authors:
            dirs = authors_directions(trained.model, seed).double().numpy()
        elif kind == "random":
            dirs = random_directions(trained.model, 2, seed, "filter").double().numpy()
        elif authors:
            dirs = hessian.eigenvectors[:2] * norm
        else:
            dirs = hessian.eigenvectors[:2]
        path = out / "landscapes" / f"{name}_{kind}.vti"
        normalization = "loss-lens" if published else None
        if authors:
            normalization = "layer-orthogonal" if kind == "random" else "weights-norm"
        with timed(timings, "sample"):
            _, fresh = landscape_step(
                trained,
                path,
                kind,
                dirs,
                *grid,
                seed,
                hessian,
                progress=analysis.progress,
                loss_key=loss_key,
                normalization=normalization,
                published=published,
            )
        if fresh:
            study.recomputed.append(str(path))
        with timed(timings, "topology"):
            metrics = topology_step(path, out / "metrics" / f"{path.stem}.json")
        for key, column in TOPOLOGY_COLUMNS.items():
            row[f"{kind}_{column}"] = metrics[key]
    return row, hessian


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the wall time of the ``with`` block to ``timings[name]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def render_figure(landscapes: list[Path], out: Path, log: Callable[[str], None]) -> Path | None:
    """Every view of ``landscapes`` and the sweep figure (a column per landscape) through
    :func:`lltk.render.render` into ``out``; skipped when the landscapes are unchanged
    since the last render. A failed render is reported through ``log`` (None returned)."""
    from lltk.render import RenderError, render

    stamp = out / "stamp.json"
    key = [file_digest(p) for p in landscapes]
    figure = out / "figure.png"
    if figure.is_file() and read_json(stamp) == key:
        return figure
    try:
        rendered = render(landscapes, out, figure=True)
    except (RenderError, FileNotFoundError, ValueError) as exc:
        log(f"lltk study: warning: the sweep figure was not rendered ({exc})")
        return None
    write_json(stamp, key)
    return rendered.figure


@dataclass
class Study:
    """What a study run produced: its rows, the claims judged on them, the files written,
    the wall time of each step and the files it recomputed."""

    rows: list[dict] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    recomputed: list[str] = field(default_factory=list)
    #: With ``--connect``: the loss barrier of each pair of seeds (:mod:`lltk.study.connectivity`).
    barriers: list[dict] = field(default_factory=list)


@dataclass(kw_only=True)
class RunOptions:
    """How a study runs, not what it computes, in every model study's config: its folder
    ``out``, torch's ``threads`` (0: torch's default) and progress bars. Left out of the
    study's record (:func:`record`)."""

    out: Path
    threads: int = 1
    progress: bool = False

    def __post_init__(self) -> None:
        self.out = Path(self.out)
        if self.threads < 0:
            raise ValueError(f"--threads must be >= 0, not {self.threads}")


def record(config: Any) -> dict[str, Any]:
    """What a study's ``config`` (a dataclass) computes, as its run records it
    (``<study>_run.json``, the results' header): its fields but the :class:`RunOptions`."""
    run = {f.name for f in fields(RunOptions)}
    return {k: v for k, v in asdict(config).items() if k not in run}


def prepare_output(out: Path) -> Path:
    """Create the study folder ``out`` and check that it can be written, before any work."""
    return writable_folder(out, f"the study to {out}")


def finish_study(
    study: Study,
    name: str,
    config: dict[str, Any],
    out: Path,
    tables: Callable[[], dict[str, Path]],
    render: Callable[[], Path | None] | None,
) -> None:
    """The end of every study: write its tables, render Figure 2 when ``render`` is given,
    and record the run (config, timings, what was recomputed) in ``<name>_run.json``."""
    with timed(study.timings, "tables"):
        study.files.update(tables())
    if render is not None:
        with timed(study.timings, "render"):
            figure = render()
        if figure is not None:
            study.files["figure2"] = figure
    write_json(
        out / f"{name}_run.json",
        {"config": config, "timings_s": study.timings, "recomputed": study.recomputed},
    )


def checkpoint_models(
    folder: Path, models: Callable[[Path], list[str]], log: Callable[[str], None], **options: Any
) -> Iterator[tuple[Path, str, Any]]:
    """(file, model, trained) for each usable checkpoint (``*.pt``, ``*.pkl``) in
    ``folder``, loaded one at a time by :func:`lltk.sampling.checkpoint.load_trained` as
    the first of ``models(file)`` that fits, with ``options``. A file that fits none is
    reported through ``log`` and skipped; a ``ValueError`` when the folder has none usable."""
    from lltk.sampling.checkpoint import load_fitting

    if not folder.is_dir():
        raise FileNotFoundError(f"--checkpoints: no such folder: {folder}")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".pt", ".pkl") and p.is_file())
    used, reasons = 0, []
    for path in files:
        try:
            model, trained = load_fitting(path, models(path), **options)
        except ValueError as exc:
            reasons.append(str(exc))
            log(f"lltk study: skipping {path.name}: {exc}")
            continue
        used += 1
        yield path, model, trained
    if not used:
        found = f"{len(files)} .pt/.pkl files" if files else "no .pt or .pkl file"
        first = f"; first: {reasons[0]}" if reasons else ""
        raise ValueError(f"--checkpoints {folder}: no usable checkpoint ({found}{first})")
