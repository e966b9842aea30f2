"""The README's Python examples run as written (issue 29). What a reader fills in gets a
small stand-in (``MyNet``, ``x``, ``y``, ``loss_4d``, ``my_model.pt``); the examples for
pvpython (``paraview.simple``, ``lltk.render``) run there, in tests/paraview and
tests/cli/test_render.py."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
#: What marks each Python example of the README, and whether it runs here.
EXAMPLES = {
    "MyNet()": "sample a landscape",
    'vtkxml.read("my_landscape.vti")': "its topology",
    "loss_4d": "an n-D diagram",
    "# my_model.py": "a model for lltk sample python:",
    "from paraview.simple import": "pvpython",
    "from lltk.render import": "pvpython",
}


def examples() -> list[str]:
    """The README's ```python blocks."""
    return re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), re.S)


def example(marker: str) -> str:
    """The one example that holds ``marker``."""
    found = [code for code in examples() if marker in code]
    assert len(found) == 1, f"{len(found)} README examples hold {marker!r}"
    return found[0]


def test_every_example_is_known():
    unknown = [code for code in examples() if not any(m in code for m in EXAMPLES)]
    assert examples() and not unknown, f"a README example no test runs: {unknown}"


@pytest.mark.slow
def test_sample_a_landscape_then_its_topology(tmp_path, monkeypatch, capsys):
    torch = pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    x, y = torch.randn(32, 2), torch.randint(0, 3, (32,))
    exec(example("MyNet()"), {"MyNet": lambda: net, "x": x, "y": y})
    capsys.readouterr()
    exec(example('vtkxml.read("my_landscape.vti")'), {})
    printed = capsys.readouterr().out

    from lltk import vtkxml

    ds = vtkxml.read("my_landscape.vti")
    loss = ds.point_data["Loss"].reshape(41, 41)
    with torch.no_grad():
        centre = torch.nn.functional.cross_entropy(net(x), y).item()
    assert ds.field_data["Model"] == "mynet"
    assert loss[20, 20] == pytest.approx(centre, rel=1e-5)  # the trained weights: the centre
    nodes, pairs = re.fullmatch(r"(\d+) tree nodes, (\d+) persistence pairs\n", printed).groups()
    assert int(nodes) >= 2 and int(pairs) >= 1


def test_an_nd_diagram():
    rng = np.random.default_rng(0)
    namespace = {"loss_4d": rng.random((4, 4, 4, 4))}
    exec(example("loss_4d"), namespace)
    dimension = namespace["diagram"].dimension
    assert set(dimension.tolist()) <= {0, 1, 2, 3} and (namespace["h2"] == (dimension == 2)).all()
    assert np.count_nonzero(dimension == 0) >= 1


def test_a_model_for_lltk_sample_python(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    from lltk.sampling.usermodel import load_user_model

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_model.py").write_text(example("# my_model.py"))
    shapes = {"0.weight": (32, 64), "0.bias": (32,), "2.weight": (10, 32), "2.bias": (10,)}
    torch.save({k: torch.zeros(s) for k, s in shapes.items()}, tmp_path / "my_model.pt")
    trained = load_user_model(f"python:{tmp_path / 'my_model.py'}:make")
    # zero weights give every class the same score: the cross-entropy is ln 10
    assert trained.metadata["TrainLoss"] == pytest.approx(math.log(10), rel=1e-6)
