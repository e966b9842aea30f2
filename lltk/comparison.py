"""``lltk compare``: distances between landscapes' persistence diagrams, written as CSV
and heat maps, with their MDS (:func:`compare` on a :class:`CompareConfig`)."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lltk.atomic import atomic_write, output_set, writable_folder
from lltk.errors import UserError
from lltk.landscape import read_landscape
from lltk.study.figures import _pyplot
from lltk.topology.distance import (
    classical_mds,
    distance_matrices,
    domain_kind,
    landscape_diagram,
)

#: How the figures name the pair sets and metrics.
PAIR_TITLES = {"min-saddle": "minimum-saddle pairs", "all": "all pairs"}
METRIC_TITLES = {
    "bottleneck": "bottleneck",
    "wasserstein1": "Wasserstein p=1",
    "wasserstein2": "Wasserstein p=2",
}


@dataclass(kw_only=True)
class CompareConfig:
    """What ``lltk compare`` compares: two or more landscape files (``inputs``), their
    point array ``array`` (None: ``Loss``, else the only one-component array), each mapped
    to [0, 1] first with ``normalize``; the files go to the folder ``out``."""

    inputs: tuple[Path, ...]
    array: str | None = None
    normalize: bool = False
    out: Path

    def __post_init__(self) -> None:
        self.inputs, self.out = tuple(Path(p) for p in self.inputs), Path(self.out)
        if len(self.inputs) < 2:
            raise UserError("give at least two landscapes to compare")


def compare(config: CompareConfig, log: Callable[[str], None] = print) -> list[Path]:
    """Read and check every landscape, then write the distance matrices of their
    persistence diagrams and their MDS into ``config.out``; the files written.

    A bowl (no minimum-saddle pair) against a landscape of four minima whose pairs have
    persistence 3, 2 and 2: the bottleneck distance is half the largest, 1.5.

    >>> import tempfile
    >>> import numpy as np
    >>> from lltk import vtkxml
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = []
    ...     for name, loss in (("bowl", [4, 1, 4, 1, 0, 1, 4, 1, 4]),
    ...                        ("four", [0, 3, 1, 3, 4, 3, 1, 3, 0])):
    ...         image = vtkxml.image_data({"Loss": np.array(loss, float)}, (3, 3))
    ...         paths.append(vtkxml.write(Path(folder) / f"{name}.vti", image))
    ...     written = compare(CompareConfig(inputs=paths, out=Path(folder) / "cmp"))
    ...     rows = (Path(folder) / "cmp" / "distances.csv").read_text().splitlines()
    >>> sorted(p.name for p in written)
    ['distances.csv', 'distances.png', 'mds.csv', 'mds.png']
    >>> rows[2]
    'min-saddle,bottleneck,raw,Loss,bowl,four,1.5'
    """
    diagrams, spans, first = [], [], None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for path in config.inputs:
            field = read_landscape(path, config.array)
            kind = (field.name, domain_kind(field.domain))
            if first is None:
                first = (path, *kind)
            elif kind[0] != first[1]:
                raise UserError(
                    f"{path}: its array is {kind[0]!r}, {first[0]}'s {first[1]!r}: choose one "
                    "array for all with --array"
                )
            elif kind[1] != first[2]:
                raise UserError(
                    f"{path} is a {kind[1]} landscape, {first[0]} a {first[2]}: compare "
                    "landscapes of one dimension and kind"
                )
            diagram, span = landscape_diagram(field.values, field.domain, config.normalize)
            diagrams.append(diagram)
            spans.append(span)
    for message in sorted({str(w.message) for w in caught}):
        log(f"lltk compare: warning: {message}")
    labels = [p.stem for p in config.inputs]
    if len(set(labels)) < len(labels):  # the same name in several folders
        labels = [str(p) for p in config.inputs]
    writable_folder(config.out, f"to {config.out}")  # once every input was read and checked
    matrices = distance_matrices(diagrams, spans)
    if not all(np.isfinite(m).all() for m in matrices.values()):
        raise UserError(
            "a distance between these diagrams overflows float64: rescale the losses, or "
            "compare with --normalize"
        )
    losses = "normalized" if config.normalize else "raw"
    return write_comparison(config.out, labels, matrices, losses, array=first[1])


def _write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with atomic_write(path, "w") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_comparison(
    out: Path,
    labels: Sequence[str],
    matrices: dict[tuple[str, str], np.ndarray],
    losses: str,
    array: str = "Loss",
) -> list[Path]:
    """Write ``distances.csv`` (every ordered pair of every matrix), ``mds.csv``,
    ``distances.png`` and ``mds.png`` into ``out``; ``losses`` ("raw" or "normalized")
    is recorded in each CSV row and in the figures' titles."""
    out = Path(out)
    rows, mds_rows, embeddings = [], [], {}
    for (pairs, metric), d in matrices.items():
        rows += [
            [pairs, metric, losses, array, a, b, repr(float(d[i, j]))]
            for i, a in enumerate(labels)
            for j, b in enumerate(labels)
        ]
        embeddings[pairs, metric] = xy = classical_mds(d)
        mds_rows += [
            [pairs, metric, losses, label, repr(float(x)), repr(float(y))]
            for label, (x, y) in zip(labels, xy, strict=True)
        ]
    header = ["Pairs", "Metric", "Losses", "Array", "A", "B", "Distance"]
    names = ("distances.csv", "mds.csv", "distances.png", "mds.png")
    with output_set(out / name for name in names):  # all four or none
        return [
            _write_csv(out / "distances.csv", header, rows),
            _write_csv(
                out / "mds.csv", ["Pairs", "Metric", "Losses", "Landscape", "X", "Y"], mds_rows
            ),
            heat_maps(out / "distances.png", labels, matrices, losses),
            mds_figure(out / "mds.png", labels, embeddings, losses),
        ]


def _panels(plt, keys: list[tuple[str, str]]):
    pair_sets = list(dict.fromkeys(k[0] for k in keys))
    metrics = list(dict.fromkeys(k[1] for k in keys))
    fig, axes = plt.subplots(
        len(pair_sets),
        len(metrics),
        figsize=(4.2 * len(metrics), 3.9 * len(pair_sets)),
        constrained_layout=True,
        squeeze=False,
    )
    return fig, {(p, m): axes[i, j] for i, p in enumerate(pair_sets) for j, m in enumerate(metrics)}


def _tick_labels(labels: Sequence[str]) -> list[str]:
    """The labels themselves when short, else their numbers (1, 2, ...) and a key."""
    if max(len(label) for label in labels) <= 12:
        return list(labels)
    return [str(i + 1) for i in range(len(labels))]


def _key(fig, labels: Sequence[str], ticks: list[str]) -> None:
    """Under the panels: which number is which landscape (when numbers stand in)."""
    if ticks != list(labels):
        text = "   ".join(f"{t}: {label}" for t, label in zip(ticks, labels, strict=True))
        fig.supxlabel(text, fontsize=8, wrap=True)


def heat_maps(
    path: Path, labels: Sequence[str], matrices: dict[tuple[str, str], np.ndarray], losses: str
) -> Path:
    """One heat map per (pair set, metric), the distances written in the cells."""
    plt = _pyplot()
    fig, axes = _panels(plt, list(matrices))
    n = len(labels)
    ticks = _tick_labels(labels)
    for key, d in matrices.items():
        ax = axes[key]
        image = ax.imshow(d, cmap="viridis", vmin=0.0)
        fig.colorbar(image, ax=ax, shrink=0.8)
        ax.set_title(f"{METRIC_TITLES[key[1]]}, {PAIR_TITLES[key[0]]}", fontsize=10)
        ax.set_xticks(range(n), ticks, rotation=0 if ticks != list(labels) else 60, fontsize=7)
        ax.set_yticks(range(n), ticks, fontsize=7)
        if n <= 8:
            top = d.max() if d.max() > 0 else 1.0
            for i, j in np.ndindex(n, n):
                colour = "black" if d[i, j] > 0.6 * top else "white"
                ax.text(j, i, f"{d[i, j]:.2g}", ha="center", va="center", fontsize=6, color=colour)
    fig.suptitle(f"Persistence-diagram distances ({losses} losses)")
    _key(fig, labels, ticks)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def mds_figure(
    path: Path, labels: Sequence[str], embeddings: dict[tuple[str, str], np.ndarray], losses: str
) -> Path:
    """One 2-D MDS scatter per (pair set, metric), each landscape labelled."""
    plt = _pyplot()
    fig, axes = _panels(plt, list(embeddings))
    colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.9, len(labels)))
    ticks = _tick_labels(labels)
    for key, xy in embeddings.items():
        ax = axes[key]
        ax.scatter(xy[:, 0], xy[:, 1], c=colours, s=30, zorder=2)
        for label, (x, y) in zip(ticks, xy, strict=True):
            ax.annotate(label, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
        ax.set_title(f"{METRIC_TITLES[key[1]]}, {PAIR_TITLES[key[0]]}", fontsize=10)
        ax.set_aspect("equal", adjustable="datalim")
        ax.margins(0.25)
        ax.grid(alpha=0.3)
        ax.set_xlabel("MDS 1")
        ax.set_ylabel("MDS 2")
    fig.suptitle(f"Classical MDS of the diagram distances ({losses} losses)")
    _key(fig, labels, ticks)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
