"""Study figures drawn with Debian's matplotlib (Agg): metrics against beta (Figure 6 of
Xie, Geniesse et al. 2024), the ResNet comparison, and topological landscape profiles."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


#: Panels of the PINN figure: (title, [(column, label)], log scale).
PINN_PANELS = (
    ("relative L2 error", [("TestRelError", None)], True),
    ("absolute error", [("TestAbsError", None)], True),
    ("top Hessian eigenvalue", [("top_eigenvalue", None)], True),
    ("Hessian trace", [("trace", None)], True),
    ("saddles (TTK type 1)", [("random_saddles", "random"), ("hessian_saddles", "Hessian")], False),
    (
        "average persistence (all pairs)",
        [("random_avg_persistence", "random"), ("hessian_avg_persistence", "Hessian")],
        True,
    ),
)


def _label_minor_log_ticks(ax) -> None:
    """Label the 2-9 x 10^k ticks too when a log axis spans under two decades (matplotlib
    labels only the powers of ten there, which leaves one or two labels)."""
    from matplotlib.ticker import LogFormatterSciNotation

    ax.yaxis.set_minor_formatter(
        LogFormatterSciNotation(labelOnlyBase=False, minor_thresholds=(2, 0.5))
    )


def pinn_metrics_figure(
    rows: Sequence[dict], path: Path, key: str = "beta", system: str = "convection"
) -> Path:
    """Each metric against ``key`` (beta; a diffusion PINN's nu, a reaction PINN's rho)
    (mean over seeds, every seed as a dot), one panel each; a metric with a
    ``<column>_stderr`` (the Hessian trace) gets +-1 standard error bars."""
    from matplotlib.ticker import NullLocator

    plt = _pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(11, 6), constrained_layout=True)
    betas = np.array(sorted({float(r[key]) for r in rows}))
    for ax, (title, series, log) in zip(axes.ravel(), PINN_PANELS, strict=True):
        for column, label in series:
            xs = np.array([float(r[key]) for r in rows])
            ys = np.array([float(r[column]) for r in rows])
            mean = np.array([ys[xs == b].mean() for b in betas])
            line = ax.plot(betas, mean, "o-", label=label, ms=4)[0]
            if len(xs) > len(betas):
                ax.plot(xs, ys, ".", color=line.get_color(), alpha=0.4)
            if all(f"{column}_stderr" in r for r in rows):  # a stochastic estimate: +- 1 SE
                err = np.array([float(r[f"{column}_stderr"]) for r in rows])
                ax.errorbar(xs, ys, yerr=err, fmt="none", ecolor=line.get_color(), capsize=2)
        values = np.array([float(r[c]) for r in rows for c, _ in series])
        if log and (values > 0).any() and (values >= 0).all():
            if (values > 0).all():
                ax.set_yscale("log")
                _label_minor_log_ticks(ax)
            else:  # zeros (no saddle): linear near 0, logarithmic above
                ax.set_yscale("symlog", linthresh=float(values[values > 0].min()))
        ax.set_title(title)
        ax.set_xlabel(key)
        if betas.min() > 0 and betas.max() >= 100 * betas.min():  # e.g. nu = 1e-5 ... 6
            ax.set_xscale("log")
            ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xticks(betas, [f"{b:g}" for b in betas], rotation=90, fontsize=7)
        else:
            ax.set_xticks(betas)
        ax.grid(alpha=0.3)
        if len(series) > 1:
            ax.legend(fontsize=8)
    name = "reaction-diffusion" if system == "rd" else system
    fig.suptitle(
        f"{name.capitalize()} PINN: errors, Hessian and loss-landscape topology against {key}"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


RESNET_PANELS = (
    ("test accuracy", "TestAccuracy"),
    ("top Hessian eigenvalue", "top_eigenvalue"),
    ("Hessian trace", "trace"),
    ("saddles, type 1 (random)", "random_saddles"),
    ("avg. persistence, all pairs (random)", "random_avg_persistence"),
    ("saddles, type 1 (Hessian)", "hessian_saddles"),
)


def resnet_figure(rows: Sequence[dict], path: Path) -> Path:
    """ResNet-20 with and without skips: every seed as a dot (the trace with +-1 standard
    error), the mean as a bar."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(RESNET_PANELS), figsize=(15, 3.2), constrained_layout=True)
    groups = (("with skips", 1.0), ("no skips", 0.0))
    for ax, (title, column) in zip(axes, RESNET_PANELS, strict=True):
        for i, (_, residual) in enumerate(groups):
            group = [r for r in rows if float(r["residual"]) == residual]
            if not group:
                continue
            ys = np.array([float(r[column]) for r in group])
            ax.bar(i, ys.mean(), color=f"C{i}", alpha=0.5)
            ax.plot(np.full(ys.size, i), ys, "k.")
            if all(f"{column}_stderr" in r for r in group):
                err = [float(r[f"{column}_stderr"]) for r in group]
                ax.errorbar(np.full(ys.size, i), ys, yerr=err, fmt="none", ecolor="k", capsize=2)
        ax.set_xticks([0, 1], [g[0] for g in groups])
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("ResNet-20 with and without residual connections (dots: seeds)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def profile_figure(landscape: Path, path: Path, title: str) -> Path:
    """The topological landscape profile of a (1-3-D grid) landscape: the loss of every
    vertex at its profile column, basins shaded by their mean loss, minima marked."""
    from lltk.landscape import read_landscape
    from lltk.topology import join_tree
    from lltk.topology.profile import landscape_profile

    plt = _pyplot()
    field = read_landscape(landscape, "Loss")
    values = field.plateau_values()
    tree = join_tree(values, field.domain)
    prof = landscape_profile(values, tree)
    curve = np.empty(values.size)
    curve[prof.position] = values
    fig, ax = plt.subplots(figsize=(7, 3.6), constrained_layout=True)
    cmap = plt.get_cmap("viridis")
    lo, hi = float(prof.mean.min()), float(prof.mean.max())
    for b in np.argsort(prof.stop - prof.start)[::-1]:
        shade = (prof.mean[b] - lo) / (hi - lo) if hi > lo else 0.5
        root = prof.branches.parent[b] < 0
        ax.fill_between(
            [prof.start[b], prof.stop[b] - 1], prof.floor[b], prof.rim[b],
            color=cmap(shade), alpha=0.15 if root else 0.6, lw=0.5, edgecolor="k",
        )  # fmt: skip
    ax.plot(np.arange(values.size), curve, color="k", lw=0.6)
    leaves = np.asarray(tree.node_vertex)[prof.branches.leaf]
    ax.plot(prof.position[leaves], values[leaves], "v", color="C3", ms=4, label="minima")
    ax.set_xlabel("profile position (basin width = region size)")
    ax.set_ylabel("loss")
    if values.min() > 0:
        ax.set_yscale("log")
    ax.set_title(f"{title}: {prof.branches.n_branches} basins")
    ax.legend(fontsize=8)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(lo, hi))
    fig.colorbar(sm, ax=ax, label="basin mean loss")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def shrink(
    src: Path, dst: Path, width: int, n_columns: int = 1, keep: Sequence[int] | None = None
) -> Path:
    """A smaller copy of the sweep figure ``src`` (``n_columns`` equal columns), keeping
    only the columns ``keep`` (default all), scaled to ``width`` pixels."""
    from PIL import Image

    with Image.open(src) as img:
        img = img.convert("RGB")
        w, h = img.size
        col = w // n_columns
        picked = range(n_columns) if keep is None else keep
        out = Image.new("RGB", (col * len(picked), h), "white")
        for i, c in enumerate(picked):
            out.paste(img.crop((c * col, 0, (c + 1) * col, h)), (i * col, 0))
    scale = width / out.size[0]
    out = out.resize((width, max(1, round(out.size[1] * scale))), Image.LANCZOS)
    dst.parent.mkdir(parents=True, exist_ok=True)
    out.save(dst, optimize=True)
    return dst
