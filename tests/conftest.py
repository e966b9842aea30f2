"""Shared fixtures: where TTK's reference outputs are, and how to run pvpython."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: pvpython's driver scripts run at import: not modules to collect (``--doctest-modules``).
collect_ignore_glob = ["paraview/pvpython/*"]
#: TTK's own outputs on 53 real loss landscapes, beside the checkout (never copied in).
TTK_REFERENCE = Path(os.environ.get("LLTK_TTK_REFERENCE", REPO.parent / "shared" / "ttk-reference"))

#: The study authors' own networks (PINN .pt, ResNet .pkl), beside the checkout.
LOSS_LENS = Path(os.environ.get("LLTK_LOSS_LENS", REPO.parent / "shared" / "loss-lens"))


def gudhi_lower_star(dims: tuple[int, ...], vertex_filtration) -> list[tuple]:
    """gudhi's finite pairs (dimension, birth, death), death > birth, of the lower-star
    filtration of the grid ``dims``: its Kuhn triangulation (x reversed, lltk's and
    TTK's) from the top simplices, every simplex filtered by its highest vertex."""
    import gudhi
    import numpy as np

    from lltk.topology import grid_domain

    top = grid_domain(dims).simplices(len(dims))
    st = gudhi.SimplexTree()
    st.insert_batch(top.T.astype(np.int64), np.full(len(top), -np.inf))
    for v, f in enumerate(vertex_filtration):
        st.assign_filtration([v], float(f))
    st.make_filtration_non_decreasing()
    pairs = st.persistence(homology_coeff_field=2, min_persistence=-1)
    return [(dim, b, d) for dim, (b, d) in pairs if d > b and np.isfinite(d)]


def reference_cases() -> list[str]:
    """Stems of the reference landscapes (empty where the folder is absent)."""
    if not TTK_REFERENCE.is_dir():
        return []
    return sorted(p.stem for p in TTK_REFERENCE.glob("*.vti"))


@pytest.fixture
def ttk_reference() -> Path:
    """The reference folder, or a skip that says why it is missing."""
    if not TTK_REFERENCE.is_dir():
        pytest.skip(
            f"TTK reference outputs not found at {TTK_REFERENCE} "
            "(they live in ../shared/ttk-reference beside the checkout; "
            "set LLTK_TTK_REFERENCE to another copy)"
        )
    return TTK_REFERENCE


def skip_without_ttk(reason: str) -> None:
    """Skip a TTK parity test where TTK is not built; with ``LLTK_REQUIRE_TTK=1`` (CI, after
    ``make ttk``) fail instead, so that a CI run proves parity rather than skipping it."""
    if os.environ.get("LLTK_REQUIRE_TTK") == "1":
        pytest.fail(f"{reason}, but LLTK_REQUIRE_TTK=1 requires TTK's parity tests to run")
    pytest.skip(reason)


def write_cifar(folder: Path, n: int = 12) -> Path:
    """A tiny CIFAR-10 folder in its python-batches layout: ``n`` random images per batch."""
    import pickle

    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
            b"labels": [int(v) for v in rng.integers(0, 10, n)],
        }
        (folder / name).write_bytes(pickle.dumps(batch))
    return folder


@pytest.fixture
def loss_lens() -> Path:
    """The authors' networks folder, or a skip that says why it is missing."""
    if not (LOSS_LENS / "pinn").is_dir():
        pytest.skip(
            f"the authors' networks not found at {LOSS_LENS} (they live in "
            "../shared/loss-lens beside the checkout; set LLTK_LOSS_LENS to another copy)"
        )
    return LOSS_LENS


@pytest.fixture(scope="session")
def pvpython() -> list[str]:
    """The command prefix that runs pvpython without a screen."""
    exe = shutil.which("pvpython")
    if exe is None:
        pytest.skip("pvpython not found (make test installs Debian's paraview)")
    if os.environ.get("DISPLAY"):
        return [exe]
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.skip("xvfb-run not found (make test installs Debian's xvfb)")
    return [xvfb, "-a", exe]


def run_driver(
    pvpython: list[str], driver: str, cfg: dict, tmp_path: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    """Run the pvpython script ``driver`` with ``cfg`` (written as JSON, its path the
    script's last argument; the repository root comes before it), five minutes at most."""
    (tmp_path / "cfg.json").write_text(json.dumps(cfg))
    (tmp_path / "driver.py").write_text(driver)
    return subprocess.run(
        [*pvpython, str(tmp_path / "driver.py"), str(REPO), str(tmp_path / "cfg.json")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def write_authors_pinn(
    path: Path,
    system: str = "reaction",
    *,
    coefficients: dict[str, float] | None = None,
    hidden: tuple[int, ...] = (6, 6),
    n_f: int = 20,
    seed: int = 0,
    **state,
) -> Path:
    """An authors' PINN file as their ``main_pbc.py`` saves it (``torch.save`` of a whole
    ``net_pbc.PhysicsInformedNN_pbc`` whose ``dnn`` is a ``net_pbc.DNN`` of ``layer_k``
    Linear and ``activation_k`` Tanh), with a small random network, their training
    tensors for ``u0 = sin x`` (``n_f`` collocation points), beta, nu, rho from
    ``coefficients`` (others 0) and no optimizer; ``state`` replaces attributes."""
    import collections
    import itertools
    import sys
    import types

    import numpy as np
    import torch

    from lltk.sampling.pinn import convection_data

    module = types.ModuleType("net_pbc")

    class DNN(torch.nn.Module):
        def __init__(self, widths: tuple[int, ...]) -> None:
            super().__init__()
            self.depth = len(widths) - 1
            self.activation = torch.nn.Tanh
            layers = []
            for i, (a, b) in enumerate(itertools.pairwise(widths)):
                layers.append((f"layer_{i}", torch.nn.Linear(a, b)))
                if i < self.depth - 1:
                    layers.append((f"activation_{i}", torch.nn.Tanh()))
            self.layers = torch.nn.Sequential(collections.OrderedDict(layers))

    class PhysicsInformedNN_pbc:  # noqa: N801 (the authors' name)
        pass

    for cls in (DNN, PhysicsInformedNN_pbc):
        cls.__module__, cls.__qualname__ = "net_pbc", cls.__name__
        setattr(module, cls.__name__, cls)
    torch.manual_seed(seed)
    x = np.linspace(0, 2 * np.pi, 256, endpoint=False)
    t = np.linspace(0, 1, 100)

    def column(a) -> torch.Tensor:
        return torch.tensor(np.asarray(a, np.float64).reshape(-1, 1), dtype=torch.float32)

    f = convection_data(0.0, n_f).x_collocation
    obj = PhysicsInformedNN_pbc()
    obj.__dict__.update(
        system=system, x_u=column(x), t_u=column(0 * x), u=column(np.sin(x)),
        x_f=f[:, :1].clone(), t_f=f[:, 1:].clone(), x_bc_lb=column(0 * t), t_bc_lb=column(t),
        x_bc_ub=column(0 * t + 2 * np.pi), t_bc_ub=column(t), net="DNN",
        dnn=DNN((2, *hidden, 1)), layers=[2, *hidden, 1], beta=0.0, nu=0.0, rho=0.0,
        G=torch.zeros(n_f, 1), L=1.0, lr=1.0, optimizer_name="LBFGS", loss_style="mean",
        iter=0,
    )  # fmt: skip
    obj.__dict__.update({k: float(v) for k, v in (coefficients or {}).items()})
    obj.__dict__.update(state)
    sys.modules["net_pbc"] = module
    try:
        torch.save(obj, path)
    finally:
        del sys.modules["net_pbc"]
    return path


@pytest.fixture
def one_torch_thread(tmp_path, monkeypatch):
    """One torch thread and a cache of the test's own for the test's duration."""
    import torch

    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """``lltk ARGV`` in this process: its status, stdout and stderr."""
    from lltk.cli import main

    rc = main(argv)
    captured = capsys.readouterr()
    return rc, captured.out, captured.err
