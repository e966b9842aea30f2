"""Study tables (CSV and Markdown) and the claims checked on them."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
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


def markdown_table(rows: Sequence[dict], columns: Sequence[str], headers: Sequence[str]) -> str:
    """A GitHub Markdown table of ``columns`` under ``headers``."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


@dataclass
class Claim:
    """A claim of the study, the evidence we computed and whether it reproduced."""

    claim: str
    evidence: str
    reproduced: bool


def spearman_claim(rows: Sequence[dict], x: str, y: str, label: str) -> Claim:
    """ "``label`` grows with ``x``": reproduced when Spearman's rho > 0 at p < 0.05."""
    from scipy.stats import spearmanr

    xs = np.array([float(r[x]) for r in rows])
    ys = np.array([float(r[y]) for r in rows])
    ok = np.isfinite(ys)
    if ok.sum() < 3 or np.ptp(ys[ok]) == 0:
        return Claim(f"{label} grows with {x}", "too few distinct values", False)
    rho, p = spearmanr(xs[ok], ys[ok])
    return Claim(
        f"{label} grows with {x}",
        f"Spearman rho = {rho:.2f} (p = {p:.2g}, n = {int(ok.sum())})",
        bool(rho > 0 and p < 0.05),
    )


def claims_markdown(claims: Sequence[Claim]) -> str:
    """The claims as a Markdown table."""
    lines = ["| claim | evidence | reproduced |", "|---|---|---|"]
    lines += [f"| {c.claim} | {c.evidence} | {'yes' if c.reproduced else 'no'} |" for c in claims]
    return "\n".join(lines) + "\n"


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
        "\n## Claims\n",
        claims_markdown(claims),
    ]
    markdown = out / f"{name}_results.md"
    markdown.write_text("\n".join(md))
    return {
        "csv": write_csv(out / f"{name}_results.csv", rows, [*columns, *csv_extra]),
        "markdown": markdown,
    }
