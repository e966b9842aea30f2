"""The landscapes of one folder as ``lltk serve`` shows them: their table and their MDS.

A folder is any tree of ``.vti``/``.vtu`` landscapes, or the output of ``lltk study
pinn|resnet`` (``landscapes/`` beside ``<study>_results.csv``). Every file found under the
folder is read once, read-only, with :func:`lltk.landscape.read_landscape`; its numbers
are the study's (:func:`lltk.topology.metrics.landscape_metrics` of its persistence
diagram, the FieldData the sampler wrote, else the study table's row), and the global view
is the classical MDS of the Wasserstein-2 distances between the landscapes'
minimum-saddle diagrams, losses normalised (``lltk compare``'s and the study's distance).
A study run with ``--connect`` leaves ``<study>_barriers.csv`` beside its tables: its
pairwise loss barriers between the seeds of each beta or variant
(:func:`lltk.study.connectivity.read_barriers`), or why they cannot be read.

Only regular files whose real path lies under the folder are listed: a symbolic link
that leads out of it is skipped, and :meth:`Catalog.entry` resolves a name only among
the listed ones, so nothing outside the folder is ever read or served.
"""

from __future__ import annotations

import csv
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lltk.topology.field import LandscapeField

#: File endings the catalog lists.
LANDSCAPE_SUFFIXES = (".vti", ".vtu")
#: Files beside a landscape that are not landscapes (``lltk.sampling.export``'s names).
SIDE_FILES = ("_solution.vti",)
#: Table columns (key, header); the study's definitions (``lltk.study.steps``).
COLUMNS = (
    ("label", "landscape"),
    ("group", "β / variant"),
    ("seed", "seed"),
    ("directions", "directions"),
    ("saddles", "saddles"),
    ("avg_persistence", "avg pers."),
    ("avg_persistence_ms", "avg pers. (m-s)"),
    ("error", "rel. error / accuracy"),
    ("top_eigenvalue", "top eigenvalue"),
    ("trace", "trace"),
)


@dataclass
class Entry:
    """One landscape file: its name under the folder, its numbers, or why it is unreadable."""

    name: str
    path: Path
    numbers: dict[str, object] = field(default_factory=dict)
    landscape: LandscapeField | None = None
    diagram_points: object | None = None
    error: str | None = None

    @property
    def label(self) -> str:
        """The file's stem, as tables and figures name it."""
        return Path(self.name).stem


def inside(root: Path, path: Path) -> bool:
    """True when ``path``'s real location (symbolic links followed) is under ``root``."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


def landscape_files(root: Path) -> list[Path]:
    """The ``.vti``/``.vtu`` files under ``root`` (hidden folders and side files skipped,
    links out of ``root`` skipped), sorted by name."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(folder) / name
            if (
                name.endswith(LANDSCAPE_SUFFIXES)
                and not name.startswith(".")
                and not name.endswith(SIDE_FILES)
                and path.is_file()
                and inside(root, path)
            ):
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _float(value: object) -> float | None:
    try:
        out = float(np.asarray(value, np.float64).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return None
    return out if np.isfinite(out) else None


def names_from_file(stem: str, meta: dict) -> dict[str, object]:
    """β or variant, seed and directions from the FieldData the sampler writes, else
    from the file name (``..._beta7_seed0_random``, ``resnet20_residual_seed0_d0.1``)."""
    beta = _float(meta.get("Beta"))
    if beta is None and (m := re.search(r"beta(\d+(?:\.\d+)?)", stem)):
        beta = float(m.group(1))
    seed = _float(meta.get("Seed"))
    if seed is None and (m := re.search(r"seed(\d+)", stem)):
        seed = float(m.group(1))
    model = meta.get("Model")
    variant = str(model) if isinstance(model, str) else re.split(r"_seed\d+|_beta", stem)[0]
    directions = meta.get("Directions")
    if not isinstance(directions, str):
        directions = next((d for d in ("random", "hessian3d", "hessian") if d in stem), "")
    return {
        "group": f"β = {beta:g}" if beta is not None else variant,
        "beta": beta,
        "variant": variant,
        "seed": int(seed) if seed is not None else None,
        "directions": directions,
    }


def study_rows(root: Path) -> list[dict[str, str]]:
    """The rows of every ``<study>_results.csv`` directly in ``root``."""
    rows = []
    for table in sorted(root.glob("*_results.csv")):
        if inside(root, table):
            with open(table, newline="") as f:
                rows += list(csv.DictReader(f))
    return rows


def _study_row(rows: list[dict[str, str]], names: dict) -> dict[str, str]:
    """The study table's row of the same model (β or model, and seed), if any."""
    for row in rows:
        same_seed = names["seed"] is not None and _float(row.get("seed")) == names["seed"]
        same_model = (
            _float(row.get("beta")) == names["beta"]
            if names["beta"] is not None
            else row.get("model") == names["variant"]
        )
        if same_seed and same_model:
            return row
    return {}


def _numbers(stem: str, meta: dict, metrics: dict, row: dict[str, str]) -> dict[str, object]:
    names = names_from_file(stem, meta)
    error = _float(meta.get("TestRelError"))
    if error is None:
        error = _float(meta.get("TestAccuracy"))
    if error is None:
        error = _float(row.get("TestRelError", row.get("TestAccuracy")))
    eigen = _float(meta.get("HessianTopEigenvalues"))
    trace = _float(meta.get("HessianTrace"))
    return {
        **names,
        "label": stem,
        "saddles": metrics["Type1SaddleCount"],
        "avg_persistence": metrics["AllPairsAveragePersistence"],
        "avg_persistence_ms": metrics["AveragePersistence"],
        "error": error,
        "top_eigenvalue": eigen if eigen is not None else _float(row.get("top_eigenvalue")),
        "trace": trace if trace is not None else _float(row.get("trace")),
    }


def read_entry(root: Path, path: Path, array: str | None, rows: list[dict[str, str]]) -> Entry:
    """One landscape read and measured; an unreadable one keeps its error message."""
    from lltk import vtkxml
    from lltk.errors import UserError
    from lltk.landscape import read_landscape
    from lltk.topology import persistence_pairs
    from lltk.topology.distance import PAIR_SETS, diagram_points, landscape_diagram
    from lltk.topology.metrics import landscape_metrics

    entry = Entry(path.relative_to(root).as_posix(), path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            landscape = read_landscape(path, array)
            meta = vtkxml.read(path).field_data
            diagram, span = landscape_diagram(landscape.values, landscape.domain, True)
            if landscape.invalid_count:  # the study counts on the values as read
                metrics = landscape_metrics(persistence_pairs(landscape.values, landscape.domain))
            else:
                metrics = landscape_metrics(diagram)
    except (UserError, OSError, ValueError) as exc:
        entry.error = " ".join(str(exc).replace(f"{root}{os.sep}", "").split())
        entry.numbers = {"label": entry.label, **names_from_file(entry.label, {})}
        return entry
    entry.landscape = landscape
    entry.diagram_points = diagram_points(diagram, PAIR_SETS["min-saddle"], span)
    names = names_from_file(entry.label, meta)
    entry.numbers = _numbers(entry.label, meta, metrics, _study_row(rows, names))
    dims = landscape.domain.dims
    if dims is not None and len(dims) == 3:  # the study's 3-D Hessian landscapes
        entry.numbers["directions"] = f"{entry.numbers['directions']} (3-D)".strip()
    return entry


@dataclass
class Barriers:
    """The study's ``*_barriers.csv`` files: their rows, or why they cannot be read."""

    files: list[str]
    rows: list[dict] = field(default_factory=list)
    error: str | None = None

    def group_of(self, entry: Entry) -> object | None:
        """The barrier group of a landscape: its beta, else its variant; None if absent."""
        beta, variant = entry.numbers.get("beta"), entry.numbers.get("variant")
        for group in dict.fromkeys(r["group"] for r in self.rows):
            if group == beta if beta is not None else group == variant:
                return group
        return None


def read_barrier_files(root: Path) -> Barriers | None:
    """Every ``*_barriers.csv`` directly in ``root`` (None when there is none)."""
    from lltk.study.connectivity import read_barriers

    files = [p for p in sorted(root.glob("*_barriers.csv")) if p.is_file() and inside(root, p)]
    if not files:
        return None
    barriers = Barriers([p.name for p in files])
    try:
        barriers.rows = [row for p in files for row in read_barriers(p)]
    except ValueError as exc:
        barriers.error = str(exc)
    return barriers


@dataclass
class Catalog:
    """Every landscape under ``root`` with its numbers, the MDS of the readable ones and
    the study's loss barriers between seeds (None without a barriers file)."""

    root: Path
    entries: list[Entry]
    mds: dict[str, tuple[float, float]]
    barriers: Barriers | None = None

    def entry(self, name: object) -> Entry | None:
        """The listed entry called ``name`` (a name sent by a browser), else None."""
        return next((e for e in self.entries if e.name == name), None)

    def barrier_matrix(self, entry: Entry) -> tuple[object, list[int], np.ndarray, np.ndarray]:
        """The group of ``entry`` with its seeds, barrier matrix and linearly-connected
        matrix (:func:`lltk.study.connectivity.matrices`); KeyError when the barriers
        have no such group."""
        from lltk.study.connectivity import matrices

        group = self.barriers.group_of(entry) if self.barriers is not None else None
        if group is None:
            raise KeyError(entry.numbers.get("group"))
        rows = [r for r in self.barriers.rows if r["group"] == group]
        seeds, barrier = matrices(rows)[group]
        _, connected = matrices(rows, "connected")[group]
        return group, seeds, barrier, connected.astype(bool)


def mds_of(entries: list[Entry]) -> dict[str, tuple[float, float]]:
    """Classical MDS of the Wasserstein-2 distances between the readable landscapes of the
    most common domain kind (distances between a 2-D and a 3-D landscape mean nothing)."""
    from lltk.topology.distance import METRICS, classical_mds, distance_matrix, domain_kind

    readable = [e for e in entries if e.landscape is not None]
    if len(readable) < 2:
        return {e.name: (0.0, 0.0) for e in readable}
    kinds = [domain_kind(e.landscape.domain) for e in readable]
    common = max(set(kinds), key=kinds.count)
    chosen = [e for e, k in zip(readable, kinds, strict=True) if k == common]
    if len(chosen) < 2:
        return {e.name: (0.0, 0.0) for e in chosen}
    d = distance_matrix([e.diagram_points for e in chosen], METRICS["wasserstein2"])
    xy = classical_mds(d)
    return {e.name: (float(x), float(y)) for e, (x, y) in zip(chosen, xy, strict=True)}


def load_catalog(root: Path, array: str | None = "Loss") -> Catalog:
    """Read every landscape under ``root`` (see the module docstring)."""
    root = Path(root)
    rows = study_rows(root)
    entries = [read_entry(root, path, array, rows) for path in landscape_files(root)]
    return Catalog(root, entries, mds_of(entries), read_barrier_files(root))
