"""The PINN study's distance column: each beta's persistence diagram against beta = 1's
(or, for another swept coefficient ``key`` such as a reaction PINN's rho, against its
value 1).

:func:`add_distance_column` reads the study's landscapes (``out/landscapes/<stem>_<kind>.vti``,
:func:`lltk.study.pinn.stem`) and adds to every row the distance between its diagram and
the reference beta's diagram of the same seed; :func:`distance_figure` draws it against
beta. Both are separate from the study's tables so that they can be wired in where the
rows are complete (before the tables are written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from lltk.study.figures import _pyplot
from lltk.topology.distance import METRICS, PAIR_SETS, diagram_distance, diagram_points


def distance_column(kind: str, metric: str, reference: float, key: str = "beta") -> str:
    """The column's name, e.g. ``random_wasserstein2_to_beta1``."""
    return f"{kind}_{metric}_to_{key}{reference:g}"


def add_distance_column(
    rows: Sequence[dict],
    out: Path,
    stem: Callable[[float, int], str],
    kind: str = "random",
    metric: str = "wasserstein2",
    pairs: str = "min-saddle",
    reference: float = 1.0,
    key: str = "beta",
) -> str:
    """Add the column :func:`distance_column` to each row (keys ``key``, ``seed``): the
    ``metric`` distance between the ``pairs`` of its ``kind`` landscape
    (``out/landscapes/<stem(value, seed)>_<kind>.vti``) and those of the
    ``reference`` value of ``key`` with the same seed, losses normalised to [0, 1] (the landscapes'
    loss scales differ by orders of magnitude across beta). Rows whose seed has no
    reference landscape get NaN. Returns the column's name."""
    from lltk.landscape import read_landscape
    from lltk.topology.distance import landscape_diagram

    def points(beta: float, seed: int):
        path = Path(out) / "landscapes" / f"{stem(beta, seed)}_{kind}.vti"
        field = read_landscape(path, "Loss")
        diagram, span = landscape_diagram(field.values, field.domain, normalize=True)
        return diagram_points(diagram, PAIR_SETS[pairs], span)

    column = distance_column(kind, metric, reference, key)
    seeds = {int(r["seed"]) for r in rows}
    references = {
        s: points(reference, s)
        for s in seeds
        if (Path(out) / "landscapes" / f"{stem(reference, s)}_{kind}.vti").is_file()
    }
    for row in rows:
        ref = references.get(int(row["seed"]))
        row[column] = (
            float("nan")
            if ref is None
            else diagram_distance(
                points(float(row[key]), int(row["seed"])), ref, METRICS[metric]
            )
        )
    return column


def distance_figure(rows: Sequence[dict], column: str, path: Path, key: str = "beta") -> Path:
    """The distance to the reference against ``key`` (beta): the mean over seeds, each seed
    a dot."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.6), constrained_layout=True)
    xs = np.array([float(r[key]) for r in rows])
    ys = np.array([float(r[column]) for r in rows])
    betas = np.unique(xs)
    ax.plot(betas, [np.nanmean(ys[xs == b]) for b in betas], "o-", ms=4)
    if len(xs) > len(betas):
        ax.plot(xs, ys, ".", alpha=0.4)
    kind, metric, ref = column.split("_", 2)
    ax.set_xlabel(key)
    ax.set_ylabel(f"{metric} distance ({kind} directions)")
    ax.set_title(f"Persistence-diagram distance {ref.replace('_', ' ').replace(key, f'{key} = ')}")
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)
