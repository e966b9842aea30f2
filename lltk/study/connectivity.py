"""Mode connectivity across a study (``lltk study pinn|resnet --connect``): the loss
barrier (:mod:`lltk.sampling.connect`) on the linear path between every two seeds' networks
of each beta or variant, as a CSV, a heat map and claims.

Each pair is cached as ``connect/<group>_<seed a>_<seed b>.json``, keyed by both networks'
weights and the number of points. The path's loss is the first seed's; for the ResNets
(its training images) with the batch-norm statistics recomputed at every point on those
images (:func:`lltk.sampling.closure.batch_norm_loss`), as Garipov et al. and Frankle et
al. do. A pair counts as linearly connected when its barrier is at most the mean of its
two end losses: the loss never more than doubles on the way (Frankle et al. ask for a
barrier within the noise; the networks' own loss is the scale used here).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lltk.study import steps
from lltk.study.tables import Claim, markdown_table, spearman_claim, write_csv

if TYPE_CHECKING:
    from lltk.sampling.closure import Trained

#: Names the path's loss in each pair's cache key (batch-norm statistics recomputed).
LOSS = "path-loss-2"
#: Columns of ``<study>_barriers.csv``.
COLUMNS = ("group", "seed_a", "seed_b", "barrier", "path_max", "end_a", "end_b", "connected")
#: The rule :func:`linearly_connected` applies, in words (tables and the web page state it).
CONNECTED_RULE = (
    "linearly connected: barrier ≤ the mean of the two end losses "
    "(the loss never more than doubles on the way)"
)


def linearly_connected(barrier: float, end_a: float, end_b: float) -> bool:
    """A pair counts as linearly connected when its barrier is at most the mean of its
    two end losses (:data:`CONNECTED_RULE`)."""
    return bool(barrier <= (end_a + end_b) / 2)


def read_barriers(path: Path) -> list[dict]:
    """The rows of a ``<study>_barriers.csv`` (:data:`COLUMNS`) as :func:`barrier_rows`
    made them: the group a number (beta) where it reads as one, else its name (variant).
    Raises ValueError naming the file and the first thing wrong in it."""
    import csv

    path = Path(path)
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise ValueError(f"{path.name}: no column {', '.join(missing)}")
            raw = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path.name}: cannot be read ({exc})") from exc
    rows = []
    for line, r in enumerate(raw, start=2):
        try:
            group: object = float(r["group"])
        except ValueError:
            group = r["group"]
        try:
            rows.append(
                {
                    "group": group,
                    "seed_a": int(r["seed_a"]),
                    "seed_b": int(r["seed_b"]),
                    **{c: float(r[c]) for c in ("barrier", "path_max", "end_a", "end_b")},
                    "connected": int(r["connected"]),
                }
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path.name}, line {line}: not a barrier row ({exc})") from exc
    if not rows:
        raise ValueError(f"{path.name}: no barrier rows")
    return rows


def barrier_rows(
    networks: dict[object, dict[int, Trained]],
    out: Path,
    points: int,
    timings: dict[str, float],
    recomputed: list[str],
    progress: bool = False,
) -> list[dict]:
    """One row per pair of seeds within each group (``networks[group][seed]``)."""
    from lltk.sampling.connect import flat, linear_path, path_loss

    rows = []
    for group, by_seed in networks.items():
        for sa, sb in combinations(by_seed, 2):
            a, b = by_seed[sa], by_seed[sb]
            path = out / "connect" / f"{group}_{sa}_{sb}.json"
            key = steps.digest(flat(a).cpu().numpy(), flat(b).cpu().numpy(), points, LOSS)
            stored = steps.read_json(path)
            if not (isinstance(stored, dict) and stored.get("key") == key):
                loss_fn, vectorized = path_loss(a)
                with steps.timed(timings, "connect"):
                    result = linear_path(
                        loss_fn,
                        a.params,
                        b.params,
                        points,
                        vectorized=vectorized,
                        progress=progress,
                    )
                stored = {
                    "key": key,
                    "barrier": result.barrier,
                    "path_max": float(np.nanmax(result.loss)),
                    "ends": result.loss[[0, -1]].tolist(),
                    "loss": result.loss.tolist(),
                }
                steps.write_json(path, stored)
                recomputed.append(str(path))
            end_a, end_b = stored["ends"]
            rows.append(
                {
                    "group": group,
                    "seed_a": sa,
                    "seed_b": sb,
                    "barrier": stored["barrier"],
                    "path_max": stored["path_max"],
                    "end_a": end_a,
                    "end_b": end_b,
                    "connected": int(linearly_connected(stored["barrier"], end_a, end_b)),
                }
            )
    return rows


def write_barriers(
    rows: Sequence[dict], study_rows: Sequence[dict], out: Path, name: str, group_key: str
) -> dict[str, Path]:
    """``<name>_barriers.csv`` (one row per pair), the heat map ``<name>_barriers.png`` and
    ``<name>_barriers.md`` (the summary per group and each group's matrix)."""
    files = {"barriers": write_csv(out / f"{name}_barriers.csv", rows, COLUMNS)}
    files["barrier_figure"] = barrier_figure(rows, out / f"{name}_barriers.png", group_key)
    md = [
        f"# Loss barriers between seeds ({name})\n",
        summary_markdown(group_summary(rows, study_rows, group_key), group_key),
    ]
    for group, (seeds, m) in matrices(rows).items():
        table = [
            {"seed": s, **{str(t): m[i, j] for j, t in enumerate(seeds)}}
            for i, s in enumerate(seeds)
        ]
        md.append(f"\n{group_key} {group:g}:\n" if isinstance(group, float) else f"\n{group}:\n")
        md.append(markdown_table(table, ["seed", *map(str, seeds)], ["seed", *map(str, seeds)]))
    files["barriers_markdown"] = out / f"{name}_barriers.md"
    files["barriers_markdown"].write_text("\n".join(md))
    return files


def matrices(
    rows: Sequence[dict], column: str = "barrier"
) -> dict[object, tuple[list[int], np.ndarray]]:
    """Per group, its seeds and the symmetric matrix of ``column`` (the barrier, or
    ``connected``) over its pairs, 0 on the diagonal."""
    out = {}
    for group in dict.fromkeys(r["group"] for r in rows):
        sub = [r for r in rows if r["group"] == group]
        seeds = list(dict.fromkeys([s for r in sub for s in (r["seed_a"], r["seed_b"])]))
        m = np.zeros((len(seeds), len(seeds)))
        for r in sub:
            i, j = seeds.index(r["seed_a"]), seeds.index(r["seed_b"])
            m[i, j] = m[j, i] = r[column]
        out[group] = (seeds, m)
    return out


def colour_range(barriers: Sequence[float]) -> tuple[float, float]:
    """The log colour scale of barrier heat maps: the smallest and largest positive finite
    barrier, at least a decade apart."""
    values = np.asarray(barriers, float)
    positive = values[np.isfinite(values) & (values > 0)]
    lo, hi = (float(positive.min()), float(positive.max())) if positive.size else (1e-6, 1.0)
    return lo, max(hi, lo * 10)


def barrier_figure(rows: Sequence[dict], path: Path, label: str) -> Path:
    """The barrier matrices side by side, one per group, on one log colour scale."""
    from matplotlib.colors import LogNorm

    from lltk.study.figures import _pyplot

    plt = _pyplot()
    mats = matrices(rows)
    lo, hi = colour_range([r["barrier"] for r in rows])
    cols = min(5, len(mats))
    rows_ = -(-len(mats) // cols)
    fig, axes = plt.subplots(
        rows_,
        cols,
        figsize=(2.3 * cols + 1.2, 2.4 * rows_ + 0.4),
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.ravel()[len(mats) :]:
        ax.axis("off")
    image = None
    for ax, (group, (seeds, m)) in zip(axes.ravel(), mats.items(), strict=False):
        shown = np.where(m > 0, m, np.nan)
        image = ax.imshow(shown, norm=LogNorm(lo, hi), cmap="magma_r")
        for i in range(len(seeds)):
            for j in range(len(seeds)):
                if i != j:
                    text = f"{m[i, j]:.2g}"
                    colour = "white" if m[i, j] > math.sqrt(lo * hi) else "black"
                    ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
        ax.set_xticks(range(len(seeds)), [str(s) for s in seeds], fontsize=7)
        ax.set_yticks(range(len(seeds)), [str(s) for s in seeds], fontsize=7)
        name = f"{group:g}" if isinstance(group, float) else str(group)
        ax.set_title(f"{label} {name}", fontsize=9)
    if image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), label="loss barrier", shrink=0.9)
    fig.suptitle("Loss barrier on the linear path between seeds", fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def group_summary(rows: Sequence[dict], study_rows: Sequence[dict], group_key: str) -> list[dict]:
    """Per group: the mean and largest barrier, how many pairs are linearly connected,
    and the mean saddle count of its landscapes (random directions) from the study's rows."""
    out = []
    for group in dict.fromkeys(r["group"] for r in rows):
        sub = [r for r in rows if r["group"] == group]
        saddles = [float(r["random_saddles"]) for r in study_rows if r[group_key] == group]
        out.append(
            {
                group_key: group,
                "mean_barrier": float(np.mean([r["barrier"] for r in sub])),
                "max_barrier": float(np.max([r["barrier"] for r in sub])),
                "connected_pairs": f"{sum(r['connected'] for r in sub)}/{len(sub)}",
                "mean_random_saddles": float(np.mean(saddles)) if saddles else math.nan,
            }
        )
    return out


def barrier_claims(rows: Sequence[dict], study_rows: Sequence[dict], group_key: str) -> list[Claim]:
    """The seeds' barriers grow with ``group_key`` (when it is a number, as beta is), and
    the groups' mean barriers with their landscapes' mean saddle counts."""
    summary = group_summary(rows, study_rows, group_key)
    claims = []
    if all(isinstance(r["group"], int | float) for r in rows):
        pairs = [{**r, group_key: r["group"]} for r in rows]
        claims.append(spearman_claim(pairs, group_key, "barrier", "loss barrier between seeds"))
    claims.append(
        spearman_claim(
            summary,
            "mean_random_saddles",
            "mean_barrier",
            f"mean loss barrier between seeds (per {group_key})",
        )
    )
    return claims


def summary_markdown(summary: Sequence[dict], group_key: str) -> str:
    """The per-group summary as a Markdown table."""
    columns = (group_key, "mean_barrier", "max_barrier", "connected_pairs", "mean_random_saddles")
    headers = (group_key, "mean barrier", "max barrier", "linearly connected", "saddles (rand)")
    return markdown_table(summary, columns, headers)


def connect_step(
    networks: dict[object, dict[int, Trained]],
    study: steps.Study,
    out: Path,
    name: str,
    group_key: str,
    points: int,
    progress: bool,
    log: Callable[[str], None] = print,
) -> None:
    """Barriers of every pair, logged per group, into ``study.barriers`` (the rows for the
    tables), and their claims added to ``study.claims``."""
    rows = barrier_rows(networks, out, points, study.timings, study.recomputed, progress)
    for s in group_summary(rows, study.rows, group_key):
        log(
            f"lltk study: {group_key} {s[group_key]}: seeds' barriers mean "
            f"{s['mean_barrier']:.4g}, max {s['max_barrier']:.4g}, linearly connected "
            f"{s['connected_pairs']}"
        )
    study.barriers = rows
    study.claims += barrier_claims(rows, study.rows, group_key)
