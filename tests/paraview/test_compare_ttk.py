"""lltk compare's Wasserstein distance against TTK's ttkBottleneckDistance, where TTK
1.2.0 is installed (``make ttk``; ``$LLTK_TTK_PREFIX``, default
~/.local/share/lltk/ttk-1.2.0).

TTK counts a point's distance to the diagonal as its whole persistence: that is the L1
ground metric (``ground=1``), under which TTK's minimum-saddle W1 cost is the plain
Wasserstein-1 distance. (TTK's p = 2 cost takes the root of per-pair distances that
already carry one, and its bottleneck is the last matched pair's cost, so only W1 is a
quantity both define.)"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_driver, skip_without_ttk

from lltk.landscape import read_landscape
from lltk.topology.distance import diagram_points, landscape_diagram, wasserstein_distance

pytestmark = [pytest.mark.paraview, pytest.mark.slow]

PREFIX = Path(
    os.environ.get("LLTK_TTK_PREFIX", Path.home() / ".local" / "share" / "lltk" / "ttk-1.2.0")
)
CASES = [
    ("pinn_convection_beta1.0_seed0", "pinn_convection_beta50.0_seed0"),
    ("resnet20_residual_seed0_d1.0", "resnet20_noresidual_seed0_d1.0"),
    ("vit_clean_seed0_d1.0", "vit_corrupted_seed0_d1.0"),
]
DRIVER = r"""
import json, sys
from vtkmodules.vtkCommonDataModel import vtkMultiBlockDataSet
from vtkmodules.vtkIOXML import vtkXMLImageDataReader
import topologytoolkit as ttk

cfg = json.load(open(sys.argv[2]))
out = []
for a, b in cfg["cases"]:
    blocks = vtkMultiBlockDataSet()
    blocks.SetNumberOfBlocks(2)
    for i, f in enumerate((a, b)):
        r = vtkXMLImageDataReader()
        r.SetFileName(f)
        r.Update()
        pd = ttk.ttkPersistenceDiagram()
        pd.SetInputDataObject(0, r.GetOutput())
        pd.SetInputArrayToProcess(0, 0, 0, 0, "Loss")
        pd.Update()
        blocks.SetBlock(i, pd.GetOutput())
    bd = ttk.ttkBottleneckDistance()
    bd.SetInputDataObject(0, blocks)
    bd.SetPVAlgorithm(0)
    bd.SetWassersteinMetric("1")
    bd.SetTolerance(0)
    bd.SetUseOutputMatching(True)
    bd.Update()
    out.append(bd.GetOutput(1).GetFieldData().GetArray("MinSaddleCost").GetValue(0))
json.dump(out, open(cfg["out"], "w"))
"""


def test_wasserstein1_equals_ttk(pvpython, ttk_reference, tmp_path) -> None:
    module = PREFIX / "lib" / "python3" / "dist-packages" / "topologytoolkit"
    if not module.is_dir():
        skip_without_ttk(f"TTK not installed at {PREFIX} (make ttk, or set LLTK_TTK_PREFIX)")
    files = [[str(ttk_reference / f"{s}.vti") for s in case] for case in CASES]
    cfg = {"cases": files, "out": str(tmp_path / "ttk.json")}
    env = {
        "LD_LIBRARY_PATH": f"{PREFIX / 'lib'}:{os.environ.get('LD_LIBRARY_PATH', '')}",
        "PYTHONPATH": str(PREFIX / "lib" / "python3" / "dist-packages"),
    }
    run = run_driver(pvpython, DRIVER, cfg, tmp_path, env)
    assert run.returncode == 0, run.stderr[-2000:]
    ttk_costs = json.loads((tmp_path / "ttk.json").read_text())
    for (a, b), expected in zip(files, ttk_costs, strict=True):
        points = []
        for f in (a, b):
            field = read_landscape(Path(f), "Loss")
            diagram, _ = landscape_diagram(field.values, field.domain, normalize=False)
            points.append(diagram_points(diagram, (0,)).of(0))
        ours = wasserstein_distance(*points, 1.0, ground=1.0)
        assert ours == pytest.approx(expected, rel=1e-9), (a, b)
