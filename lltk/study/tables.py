"""Study tables (CSV and Markdown) and the claims checked on them."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def write_csv(path: Path, rows: Sequence[dict], columns: Sequence[str]) -> Path:
    """One line per row, the given columns (full float precision)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in columns])
    return path


def _csv_value(value: object) -> object:
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else value


def fmt(value: object) -> str:
    """A number as a table shows it: 4 significant digits, integers plain."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    v = float(value)
    if math.isnan(v):
        return "nan"
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.4g}"


def cell(text: str) -> str:
    """Text as one Markdown table cell: ``|`` escaped, line breaks as spaces (a landscape
    named ``a|b`` must not add a column)."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(rows: Sequence[dict], columns: Sequence[str], headers: Sequence[str]) -> str:
    """A GitHub Markdown table of ``columns`` under ``headers``."""
    lines = ["| " + " | ".join(map(cell, headers)) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(fmt(r.get(c))) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


@dataclass
class Claim:
    """A claim of the study, the evidence we computed and whether it reproduced (judged
    on the paper's definition of each metric); ``other`` is the verdict and evidence
    under the other definition, where the claim involves one."""

    claim: str
    evidence: str
    reproduced: bool
    other: str = ""


def spearman_claim(
    rows: Sequence[dict], x: str, y: str, label: str, sign: int = 1, relation: str = ""
) -> Claim:
    """ "``label`` grows with ``x``" (``sign`` 1) or "is inversely related to ``x``"
    (``sign`` -1; ``relation`` names ``x`` in the claim): reproduced when Spearman's
    rho has that sign at p < 0.05."""
    from scipy.stats import spearmanr

    text = f"{label} grows with {x}" if sign > 0 else f"{label} inversely related to {relation}"
    xs = np.array([float(r[x]) for r in rows])
    ys = np.array([float(r[y]) for r in rows])
    ok = np.isfinite(ys) & np.isfinite(xs)
    if ok.sum() < 3 or np.ptp(ys[ok]) == 0 or np.ptp(xs[ok]) == 0:
        return Claim(text, "too few distinct values", False)
    rho, p = spearmanr(xs[ok], ys[ok])
    return Claim(
        text,
        f"Spearman rho = {rho:.2f} (p = {p:.2g}, n = {int(ok.sum())})",
        bool(sign * rho > 0 and p < 0.05),
    )


def spearman_within(rows: Sequence[dict], x: str, y: str, group: str) -> str:
    """Spearman's rho of ``x`` and ``y`` within each value of ``group`` (groups of at
    least 3 rows with distinct values), as "within each <group>: rho a to b (k groups)"."""
    from scipy.stats import spearmanr

    rhos = []
    for value in sorted({r[group] for r in rows}):
        sub = [r for r in rows if r[group] == value]
        xs = np.array([float(r[x]) for r in sub])
        ys = np.array([float(r[y]) for r in sub])
        if len(sub) >= 3 and np.ptp(xs) > 0 and np.ptp(ys) > 0:
            rhos.append(spearmanr(xs, ys)[0])
    if not rhos:
        return f"within each {group}: too few rows"
    return f"within each {group}: rho {min(rhos):.2f} to {max(rhos):.2f} ({len(rhos)} groups)"


def paired_claim(
    rows: Sequence[dict],
    column: str,
    label: str,
    split: str,
    base: float,
    other: float,
    more: bool,
    pair: Sequence[str] = ("seed",),
) -> Claim:
    """ "At ``split`` = ``other``, ``column`` is higher (``more``) or lower than at
    ``base``": the means differ that way and so do most pairs of rows that agree on the
    ``pair`` columns (e.g. the same seed with and without skips)."""
    groups: dict[float, dict[tuple, float]] = {base: {}, other: {}}
    for r in rows:
        if float(r[split]) in groups:
            groups[float(r[split])][tuple(r[k] for k in pair)] = float(r[column])
    keys = sorted(set(groups[base]) & set(groups[other]))
    if not keys:
        return Claim(label, f"no {'/'.join(pair)} with both {split} values", False)
    a = np.array([groups[base][k] for k in keys])
    b = np.array([groups[other][k] for k in keys])
    sign = 1 if more else -1
    wins = int(np.sum(sign * (b - a) > 0))
    text = (
        f"mean {a.mean():.4g} at {split} {base:g} vs {b.mean():.4g} at {other:g}; "
        f"{wins} of {len(keys)} pairs agree"
    )
    return Claim(label, text, bool(sign * (b.mean() - a.mean()) > 0 and wins > len(keys) / 2))


def both_definitions(
    judge: Callable[..., Claim], paper: str | tuple[str, ...], other: str | tuple[str, ...]
) -> Claim:
    """``judge(*columns)`` (a :class:`Claim`) on the paper's column(s), with its verdict on
    the ``other`` definition's column(s) beside it."""
    claim = judge(*((paper,) if isinstance(paper, str) else paper))
    alt = judge(*((other,) if isinstance(other, str) else other))
    claim.other = f"{'yes' if alt.reproduced else 'no'}: {alt.evidence}"
    return claim


def claims_markdown(claims: Sequence[Claim]) -> str:
    """The claims as a Markdown table (the other definition's verdict in a last column)."""
    lines = [
        "| claim | evidence (paper's definitions) | reproduced | other definition |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {cell(c.claim)} | {cell(c.evidence)} | {'yes' if c.reproduced else 'no'} "
        f"| {cell(c.other)} |"
        for c in claims
    ]
    return "\n".join(lines) + "\n"


#: What the topology columns mean, under every results table.
DEFINITIONS_NOTE = (
    '\n"saddles" are the join tree\'s saddles of TTK type 1 and "avg pers." the average '
    "persistence of every pair TTK's diagram holds (the global minimum-maximum pair "
    'included): the paper\'s definitions, on which the claims are judged. "saddles +deg." '
    'adds the degenerate saddles (type 4), "avg pers. (m-s)" averages the minimum-saddle '
    "pairs only (0 for a single basin).\n"
)


def write_results(
    out: Path,
    name: str,
    title: str,
    settings: dict,
    rows: Sequence[dict],
    columns: dict[str, str],
    csv_extra: Sequence[str],
    claims: Sequence[Claim],
) -> dict[str, Path]:
    """``<name>_results.csv`` (``columns`` and ``csv_extra``) and ``<name>_results.md``
    (title, settings, the table of ``columns`` under their headers, the claims)."""
    md = [
        f"# {title}\n",
        f"Settings: {settings}\n",
        markdown_table(rows, list(columns), list(columns.values())),
        DEFINITIONS_NOTE,
        "\n## Claims\n",
        claims_markdown(claims),
    ]
    markdown = out / f"{name}_results.md"
    markdown.write_text("\n".join(md))
    return {
        "csv": write_csv(out / f"{name}_results.csv", rows, [*columns, *csv_extra]),
        "markdown": markdown,
    }
