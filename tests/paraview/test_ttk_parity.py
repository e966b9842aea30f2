"""With TTK itself loaded (``make ttk``), the four TTK-capable filters give the same
outputs with Backend = TTK as with Backend = lltk: every point and cell array, the
points and the cells, on random 2-D and 3-D fields with ties and on reference cases.

One pvpython run, in the environment ``lltk pvpython`` uses (lltk's plugins and TTK's);
skipped with the reason where TTK or pvpython is missing.
"""

from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import pytest
from conftest import REPO, TTK_REFERENCE, skip_without_ttk
from test_plugins import DRIVER

from lltk import ttk, vtkxml

pytestmark = [pytest.mark.paraview, pytest.mark.slow]

#: Reference landscapes: a PINN, a ResNet with many ties (859 values on 1600 vertices), a ViT.
REFERENCE = [
    "pinn_convection_beta1.0_seed0",
    "resnet20_noresidual_seed0_d0.05",
    "vit_corrupted_seed123_d3.0",
]
THRESHOLDS = (0.0, 0.05, 0.2)
TASKS = {
    "LossMergeTree": {"TreeType": "Join Tree"},
    "SplitTree": {"TreeType": "Split Tree"},
    "LossPersistenceDiagram": {},
    "LossCriticalPoints": {},
    **{f"Simplification{t}": {"PersistenceThreshold": t} for t in THRESHOLDS},
}
#: Filters run on the simplified field (they read its Loss_Order, as TTK's do).
CHAINED = ("LossMergeTree", "LossPersistenceDiagram", "LossCriticalPoints")

CHECK_PROXIES = r"""
from paraview import simple
from lltk.paraview import backend
print("PROXIES", {t: backend.ttk_proxy(simple, t) is not None for t in backend.TTK_PROXIES})
"""


def _filter(label: str) -> str:
    if label == "SplitTree":
        return "LossMergeTree"
    return "LossPersistenceSimplification" if label.startswith("Simplification") else label


def _filters() -> list:
    out = []
    for engine in ("lltk", "TTK"):
        for label, props in TASKS.items():
            out.append([f"{label}@{engine}", _filter(label), {**props, "Backend": engine}, None])
        for label in CHAINED:
            source = f"Simplification{THRESHOLDS[-1]}@{engine}"
            out.append([f"{label}~{engine}", label, {"Backend": engine}, source])
    return out


def _inputs(tmp) -> list[dict]:
    cases = []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        dims = (16, 13) if seed < 2 else (7, 6, 5)
        values = np.round(rng.uniform(0, 1, size=int(np.prod(dims))), 1)  # many ties
        path = vtkxml.write(tmp / f"random{seed}.vti", vtkxml.image_data({"Loss": values}, dims))
        cases.append({"name": f"random{seed}", "path": str(path), "filters": _filters()})
    for stem in REFERENCE:
        path = TTK_REFERENCE / f"{stem}.vti"
        if path.is_file():
            cases.append({"name": stem, "path": str(path), "filters": _filters()})
    return cases


@pytest.fixture(scope="module")
def parity(pvpython, tmp_path_factory):
    install = ttk.find()
    if install is None:
        skip_without_ttk(f"TTK is not installed in {ttk.prefix()} (make ttk builds it)")
    from lltk.commands.paraview import plugin_env

    tmp = tmp_path_factory.mktemp("ttk_parity")
    cases = _inputs(tmp)
    for case in cases:
        case["out"] = str(tmp / f"{case['name']}.npz")
    (tmp / "proxies.py").write_text(CHECK_PROXIES)
    (tmp / "cfg.json").write_text(json.dumps({"cases": cases, "summary": str(tmp / "s.json")}))
    env = plugin_env()
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(REPO)])
    runs = {}
    for script, args in ((tmp / "proxies.py", []), (DRIVER, [str(tmp / "cfg.json")])):
        proc = subprocess.run(
            [*pvpython, str(script), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            cwd=tmp,
        )
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
        runs[script.name] = proc.stdout + proc.stderr
    arrays = {}
    for case in cases:
        with np.load(case["out"]) as z:
            arrays.update({k: z[k] for k in z.files})
    summary = json.loads((tmp / "s.json").read_text())
    return [c["name"] for c in cases], arrays, summary, runs


def test_ttk_filters_load_under_both_names(parity):
    """TTK's own four filters are there (by their 1.2.0 or later proxy names)."""
    line = next(ln for ln in parity[3]["proxies.py"].splitlines() if ln.startswith("PROXIES"))
    assert line == (
        "PROXIES {'merge_tree': True, 'persistence_diagram': True, "
        "'critical_points': True, 'simplification': True}"
    )


def test_backend_ttk_ran(parity):
    names, _, summary, _ = parity
    for case in names:
        for label in [*TASKS, *(f"{c}~" for c in CHAINED)]:
            sep = "" if label.endswith("~") else "@"
            for engine, expect in (("lltk", "lltk"), ("TTK", "ttk")):
                key = f"{case}/{label}{sep}{engine}"
                assert summary[f"{key}|BackendUsed"].strip("'\"") == expect, key
                assert summary[f"{key}|0|lltkBackend"] == expect, key


@pytest.mark.parametrize("label", [*TASKS, *(f"{c}~" for c in CHAINED)])
def test_outputs_identical(parity, label):
    """Every array, the points and the cells of every output port, bit for bit."""
    names, arrays, _, _ = parity
    sep = "" if label.endswith("~") else "@"
    for case in names:
        ours = {
            k.split("|", 1)[1]: v
            for k, v in arrays.items()
            if k.startswith(f"{case}/{label}{sep}lltk|")
        }
        theirs = {
            k.split("|", 1)[1]: v
            for k, v in arrays.items()
            if k.startswith(f"{case}/{label}{sep}TTK|")
        }
        assert ours, f"{case}/{label}: no outputs"
        assert sorted(ours) == sorted(theirs), (case, label)
        for key, value in ours.items():
            np.testing.assert_array_equal(theirs[key], value, err_msg=f"{case}/{label} {key}")
