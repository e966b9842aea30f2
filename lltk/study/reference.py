"""``lltk study reference DIR``: the study's metrics and claims on landscapes others computed.

Every ``.vti`` landscape of a folder (a point array ``Loss``; lltk's own ``*_solution.vti``
side files are skipped) gets the study's topological numbers under both definitions, and
the claims of both case studies are judged wherever the folder holds what they compare:

- ResNet-20 with and without skips (``resnet20_residual_*`` / ``resnet20_noresidual_*``,
  or lltk's FieldData ``Residual``), paired by seed and distance: without skips, more
  saddles and a lower average persistence; saddles inversely related to the average
  persistence (and to the ML metrics, where the files' FieldData carries them);
- the convection PINN at two or more betas (``pinn_*beta<B>*``), paired by seed: saddles
  and average persistence higher at the largest beta than at the smallest.

What a landscape is (model, skips, seed, distance, beta, directions) comes from lltk's
FieldData where present, else from its file name, as the authors name their files (e.g.
``resnet20_noresidual_seed123_d0.5.vti``, ``pinn_convection_beta50.0_seed0.vti``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from lltk.study import steps
from lltk.study.tables import Claim, both_definitions, paired_claim

#: Table columns and headers.
COLUMNS = {
    "name": "landscape",
    "model": "model",
    "seed": "seed",
    "distance": "d",
    "beta": "beta",
    "directions": "directions",
    "minima": "minima",
    "saddles": "saddles",
    "saddles_deg": "saddles +deg.",
    "avg_persistence": "avg pers.",
    "avg_persistence_ms": "avg pers. (m-s)",
}
CSV_EXTRA = ("residual", "total_persistence", "total_persistence_ms", "max_persistence_ms")
#: FieldData ML metrics a row keeps when a file carries them (column: FieldData key).
ML_FIELDS = {"TestAccuracy": "TestAccuracy", "trace": "HessianTrace"}


def landscape_files(folder: Path) -> list[Path]:
    """The folder's ``.vti`` landscapes, each read as ``lltk topology`` reads it (the point
    array ``Loss``) before anything is written; raises ValueError naming every file that
    cannot be."""
    from lltk.errors import UserError
    from lltk.landscape import read_landscape

    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder: {folder}")
    paths = sorted(p for p in folder.glob("*.vti") if not p.name.endswith("_solution.vti"))
    if not paths:
        raise ValueError(f"{folder}: no landscapes (.vti files with a point array 'Loss')")
    bad = []
    for path in paths:
        try:
            read_landscape(path, "Loss")
        except (UserError, OSError) as exc:
            bad.append(f"{path.name} ({str(exc).removeprefix(f'{path}: ')})")
    if bad:
        raise ValueError(f"{folder}: not landscapes: {', '.join(bad)}")
    return paths


def scalar(field_data: dict, key: str) -> float | None:
    """The first number of the FieldData entry ``key`` (None: absent, empty or text)."""
    value = field_data.get(key)
    if value is None or isinstance(value, str):
        return None
    flat = np.atleast_1d(np.asarray(value)).ravel()
    if not flat.size or flat.dtype.kind not in "biuf":
        return None
    return float(flat[0])


def describe(path: Path, field_data: dict) -> dict:
    """Model, skips, seed, distance, beta and directions of a landscape, from lltk's
    FieldData where present, else from the authors' file names."""
    name = path.stem

    def number(key: str, pattern: str) -> float | None:
        value = scalar(field_data, key)
        if value is not None:
            return value
        m = re.search(pattern, name)
        return float(m.group(1)) if m else None

    model = field_data.get("Model")
    model = (model.strip() or None) if isinstance(model, str) else None
    residual = scalar(field_data, "Residual")
    if model is None:
        lowered = name.lower()
        family = next((f for f in ("resnet20", "pinn", "vit") if lowered.startswith(f)), "")
        if family == "resnet20":
            residual = 0.0 if re.search(r"no_?(residual|skip)", lowered) else 1.0
            model = "resnet20" if residual else "resnet20-noskip"
        else:
            model = family or "other"
    elif model.startswith("resnet20") and residual is None:
        residual = 0.0 if model.endswith("noskip") else 1.0
    directions = field_data.get("Directions")
    if not isinstance(directions, str) or not directions.strip():
        directions = "hessian" if "hessian" in name.lower() else "random"
    return {
        "name": name,
        "model": model,
        "residual": residual,
        "seed": number("Seed", r"seed(\d+)"),
        "distance": number("Distance", r"_d(\d+(?:\.\d+)?)"),
        "beta": number("Beta", r"beta(\d+(?:\.\d+)?)"),
        "directions": directions,
    }


@dataclass(kw_only=True)
class ReferenceConfig:
    """What ``lltk study reference`` runs: every .vti landscape of ``folder``, its
    results written to ``out``."""

    folder: Path
    out: Path = Path("out/study/reference")

    def __post_init__(self) -> None:
        self.folder, self.out = Path(self.folder), Path(self.out)


def run_reference(config: ReferenceConfig, log: Callable[[str], None] = print) -> steps.Study:
    """The metrics (both definitions) of every landscape in ``config.folder`` and the
    claims it allows, written to ``config.out`` (``reference_results.csv``/``.md``); the
    folder is checked whole before anything is written."""
    from lltk import vtkxml

    paths = landscape_files(config.folder)
    out = steps.prepare_output(config.out)
    study = steps.Study()
    for path in paths:
        with steps.timed(study.timings, "topology"):
            metrics = steps.topology_step(path, out / "metrics" / f"{path.stem}.json")
        fd = vtkxml.read(path).field_data
        row = describe(path, fd)
        row.update({col: metrics[key] for key, col in steps.TOPOLOGY_COLUMNS.items()})
        for column, key in ML_FIELDS.items():
            if scalar(fd, key) is not None:
                row[column] = scalar(fd, key)
        if scalar(fd, "HessianTopEigenvalues") is not None:
            row["top_eigenvalue"] = scalar(fd, "HessianTopEigenvalues")
        study.rows.append(row)
        log(
            f"lltk study: {row['name']}: saddles {row['saddles']:g} (type 1) / "
            f"{row['saddles_deg']:g} (+deg.), avg persistence {row['avg_persistence']:.4g} "
            f"(all pairs) / {row['avg_persistence_ms']:.4g} (min-saddle)"
        )
    study.claims = reference_claims(study.rows)
    folder = config.folder
    steps.finish_study(
        study, "reference", {"folder": str(folder)}, out, lambda: _write(study, folder, out), None
    )
    return study


def _by_kind(rows: list[dict]) -> list[dict]:
    """Rows with their topology numbers also under ``<directions>_<column>``, the keys
    the study's claims read."""
    cols = list(steps.TOPOLOGY_COLUMNS.values())
    return [{**r, **{f"{r['directions']}_{c}": r[c] for c in cols}} for r in rows]


def reference_claims(rows: list[dict]) -> list[Claim]:
    """The claims of both case studies that ``rows`` allow (see the module docstring)."""
    from lltk.study.resnet import resnet_claims

    claims = []
    resnet = _by_kind([r for r in rows if r["residual"] is not None])
    if resnet:
        claims += resnet_claims(resnet, pair=("seed", "distance"), within=("distance", "seed"))
    pinn = _by_kind([r for r in rows if r["model"] == "pinn" and r["beta"] is not None])
    for kind, label in (("random", "random directions"), ("hessian", "Hessian directions")):
        sub = [r for r in pinn if r["directions"] == kind]
        kind_betas = sorted({r["beta"] for r in sub})
        if len(kind_betas) < 2:
            continue
        lo, hi = kind_betas[0], kind_betas[-1]
        for metric, other, name in (
            ("saddles", "saddles_deg", "saddle count"),
            ("avg_persistence", "avg_persistence_ms", "average persistence"),
        ):
            judge = partial(
                paired_claim,
                sub,
                label=f"PINN: {name} ({label}) grows with beta ({lo:g} vs {hi:g})",
                split="beta",
                base=lo,
                other=hi,
                more=True,
            )
            claims.append(both_definitions(judge, f"{kind}_{metric}", f"{kind}_{other}"))
    if not claims:
        note = "no ResNet-20 with and without skips, no PINN at two betas"
        claims.append(Claim("no claim can be judged on this folder", note, False))
    return claims


def _write(study: steps.Study, folder: Path, out: Path) -> dict[str, Path]:
    from lltk.study.tables import write_results

    return write_results(
        out,
        "reference",
        f"The study's metrics and claims on the landscapes of {folder}",
        {"folder": str(folder), "landscapes": len(study.rows)},
        study.rows,
        COLUMNS,
        CSV_EXTRA,
        study.claims,
    )
