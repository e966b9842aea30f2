"""The authors' other PINN systems (diffusion, reaction, reaction-diffusion): their
residuals against finite differences and exact solutions, their reference solutions
against scipy's ODE solvers, their files through ``lltk sample pinn --checkpoint``, and
(where the authors' repository is mirrored beside the checkout) their real networks
against the final training loss their files record."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from conftest import REPO, run_cli, write_authors_pinn  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

from lltk import vtkxml  # noqa: E402
from lltk.sampling import pinn  # noqa: E402
from lltk.sampling.checkpoint import load_trained  # noqa: E402
from lltk.sampling.pde import PdeSystem, reference_solution  # noqa: E402

#: The authors' repository (Vis4SciML/loss-lens) as a bare git mirror, if fetched.
MIRROR = Path(
    os.environ.get("LLTK_LOSS_LENS_REPO", REPO.parent / ".mirror" / "Vis4SciML+loss-lens" / "repo")
)
SAVED = "server/calculate/training_scripts/pinn/pbc_examples/saved_models"

SYSTEMS = [
    ("diffusion", {"nu": 3.0}),
    ("reaction", {"rho": 5.0}),
    ("rd", {"nu": 2.0, "rho": 5.0}),
    ("convection", {"beta": 4.0}),
]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def loss_at(model, data: pinn.PinnData) -> float:
    """lltk's loss of ``data`` at ``model``'s weights."""
    return float(pinn.pinn_loss(model, data)(dict(model.named_parameters())).detach())


def finite_difference_loss(model, data: pinn.PinnData, h: float = 1e-4) -> float:
    """The authors' training loss in float64 with every derivative a central finite
    difference of the network (step ``h``): no autograd anywhere."""
    beta, nu, rho = data.system.terms()
    dx = torch.tensor([h, 0.0], dtype=torch.float64)
    dt = torch.tensor([0.0, h], dtype=torch.float64)

    def u(xt):
        return model(xt).squeeze(-1)

    def u_x(xt):
        return (u(xt + dx) - u(xt - dx)) / (2 * h)

    with torch.no_grad():
        xc = data.x_collocation
        residual = (u(xc + dt) - u(xc - dt)) / (2 * h) + beta * u_x(xc)
        residual -= nu * (u(xc + dx) - 2 * u(xc) + u(xc - dx)) / h**2
        residual -= rho * u(xc) * (1 - u(xc))
        loss = torch.mean((u(data.x_initial) - data.u_initial) ** 2)
        loss += torch.mean((u(data.x_left) - u(data.x_right)) ** 2)
        if data.system.nu:
            loss += torch.mean((u_x(data.x_left) - u_x(data.x_right)) ** 2)
        return float(loss + torch.mean(residual**2))


@pytest.mark.parametrize(("system", "coefficients"), SYSTEMS)
def test_residual_autograd_matches_finite_differences(tmp_path, system, coefficients):
    """An authors'-layout file of each system: lltk's loss (reverse-mode input derivatives
    of the file's network, with the system's residual and periodic terms) equals the same
    loss assembled from finite differences, both in float64."""
    path = write_authors_pinn(tmp_path / "p.pt", system, coefficients=coefficients, seed=4)
    trained = load_trained("pinn", path)
    model = trained.model.double()
    data = trained.extras["convection_data"].to(dtype=torch.float64)
    ours = loss_at(model, data)
    assert ours == pytest.approx(finite_difference_loss(model, data), rel=1e-6)
    assert trained.metadata["System"] == system
    for key, value in coefficients.items():
        assert trained.metadata[key.capitalize()] == value


class _Solution(torch.nn.Module):
    """A closed-form solution ``(x, t) -> u`` as a module."""

    def __init__(self, formula):
        super().__init__()
        self.formula = formula
        self.unused = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))

    def forward(self, xt):
        return self.formula(xt[:, :1], xt[:, 1:]) + 0 * self.unused


@pytest.mark.parametrize(
    ("system", "u0", "formula"),
    [
        # heat equation: e^(-nu t) sin x
        (PdeSystem("diffusion", nu=0.7), torch.sin,
         lambda x, t: torch.exp(-0.7 * t) * torch.sin(x)),
        # convection-diffusion: e^(-nu t) sin(x - beta t)
        (PdeSystem("convection", beta=2.0, nu=0.3), torch.sin,
         lambda x, t: torch.exp(-0.3 * t) * torch.sin(x - 2 * t)),
        # logistic growth from a positive u0: u0 e^(rho t) / (1 - u0 + u0 e^(rho t))
        (PdeSystem("reaction", rho=3.0), lambda x: 0.5 + 0.25 * torch.sin(x),
         lambda x, t: (0.5 + 0.25 * torch.sin(x)) * torch.exp(3 * t)
         / (0.5 - 0.25 * torch.sin(x) + (0.5 + 0.25 * torch.sin(x)) * torch.exp(3 * t))),
        # the reaction-diffusion equation's spatially uniform solution: the logistic curve
        (PdeSystem("rd", nu=2.0, rho=5.0), lambda x: 0 * x + 0.2,
         lambda x, t: 0.2 * torch.exp(5 * t) / (0.8 + 0.2 * torch.exp(5 * t)) + 0 * x),
    ],
)  # fmt: skip
def test_exact_solutions_zero_the_loss(system, u0, formula):
    """Textbook solutions of each system make lltk's loss vanish; a wrong sign or a missing
    term in the residual would not."""
    base = pinn.convection_data(0.0, 200).to(dtype=torch.float64)
    x0 = base.x_initial[:, 0]
    data = pinn.PinnData(
        system=system,
        x_initial=base.x_initial,
        u_initial=u0(x0),
        x_left=base.x_left,
        x_right=base.x_right,
        x_collocation=base.x_collocation,
    )
    model = _Solution(formula)
    assert loss_at(model, data) < 1e-12  # 2 pi in float32 at the right boundary
    other = PdeSystem(system.name, beta=1.0, nu=1.0, rho=1.0)
    wrong = pinn.PinnData(**{**vars(data), "system": other})
    assert loss_at(model, wrong) > 1e-3


def test_reference_solutions_against_scipy():
    """The reference solutions: diffusion and convection-diffusion against the closed form,
    reaction pointwise and reaction-diffusion (method of lines, spectral) against scipy's
    solve_ivp; Lie splitting's error is first order in the grid's step (1/99)."""
    x = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    t = np.linspace(0, 1, 100)
    k = np.fft.fftfreq(64, 1 / 64)
    diffused = reference_solution(PdeSystem("convection", beta=3.0, nu=0.4), np.sin(x), t)
    np.testing.assert_allclose(diffused, np.exp(-0.4 * t)[:, None] * np.sin(x - 3 * t[:, None]),
                               atol=1e-12)  # fmt: skip
    u0 = 0.5 + 0.4 * np.sin(x)
    ours = reference_solution(PdeSystem("reaction", rho=4.0), u0, t)
    theirs = solve_ivp(lambda _, u: 4 * u * (1 - u), (0, 1), u0, t_eval=t, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(ours, theirs.y.T, atol=1e-8)
    for nu, rho in ((2.0, 5.0), (0.5, 3.0)):
        ours = reference_solution(PdeSystem("rd", nu=nu, rho=rho), u0, t)

        def rhs(_, u, nu=nu, rho=rho):
            return np.real(np.fft.ifft(-nu * k**2 * np.fft.fft(u))) + rho * u * (1 - u)

        theirs = solve_ivp(rhs, (0, 1), u0, t_eval=t, method="DOP853", rtol=1e-10, atol=1e-12)
        assert np.abs(ours - theirs.y.T).max() < 3e-3


def test_blow_up_is_no_solution():
    """With the authors' u0 = sin x the reaction solution blows up where sin x < 0: at
    t* = ln(1 - 1 / u0) / rho. The reference is NaN from there (the authors' formula goes on
    through infinity); reaction-diffusion's from the first grid time after scipy's
    solution passes 1e6."""
    x = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    t = np.linspace(0, 1, 100)
    ours = reference_solution(PdeSystem("reaction", rho=5.0), np.sin(x), t)
    with np.errstate(divide="ignore", invalid="ignore"):
        blow_up = np.where(np.sin(x) < 0, np.log(1 - 1 / np.sin(x)) / 5, np.inf)
    np.testing.assert_array_equal(np.isnan(ours), t[:, None] >= blow_up[None, :])
    assert np.isfinite(ours[:, np.sin(x) >= 0]).all()
    k = np.fft.fftfreq(64, 1 / 64)
    ours = reference_solution(PdeSystem("rd", nu=2.0, rho=5.0), np.sin(x), t)

    def rhs(_, u):
        return np.real(np.fft.ifft(-2 * k**2 * np.fft.fft(u))) + 5 * u * (1 - u)

    def large(_, u):
        return np.abs(u).max() - 1e6

    large.terminal = True
    theirs = solve_ivp(rhs, (0, 1), np.sin(x), method="LSODA", rtol=1e-8, atol=1e-10, events=large)
    first_nan = t[np.isnan(ours).any(axis=1)][0]
    assert 0 < first_nan - theirs.t[-1] <= t[1]


@pytest.mark.parametrize(("system", "coefficients"), SYSTEMS[:3])
def test_sample_authors_file_of_each_system(tmp_path, capsys, system, coefficients):
    """``lltk sample pinn --checkpoint FILE``: the file's system, its coefficients in the
    FieldData, the training loss at the grid's centre; ``--protocol loss-lens`` samples the
    published loss on the published grid."""
    path = write_authors_pinn(tmp_path / "p.pt", system, coefficients=coefficients)
    out = tmp_path / "l.vti"
    argv = ["sample", "pinn", "--checkpoint", str(path), "--resolution", "3", "--quiet"]
    rc, _, err = run_cli([*argv, "--out", str(out)], capsys)
    assert rc == 0, err
    ds = vtkxml.read(out)
    fd = ds.field_data
    assert fd["System"] == system and fd["CheckpointKind"] == "authors"
    assert fd["Nu"][0] == coefficients.get("nu", 0.0)
    assert fd["Rho"][0] == coefficients.get("rho", 0.0)
    assert ds.point_data["Loss"][4] == pytest.approx(fd["TrainLoss"][0], rel=1e-5)
    solution = vtkxml.read(tmp_path / "l_solution.vti").point_data
    coverage = np.isfinite(solution["u_exact"]).mean()
    assert fd["TestCoverage"][0] == pytest.approx(coverage)
    assert (coverage == 1.0) == (system == "diffusion")
    published = tmp_path / "published.vti"
    argv = ["sample", "pinn", "--checkpoint", str(path), "--protocol", "loss-lens", "--quiet"]
    rc, _, err = run_cli([*argv, "--out", str(published)], capsys)
    assert rc == 0, err
    ds = vtkxml.read(published)
    assert ds.dimensions == (40, 40, 1) and ds.field_data["LandscapeLoss"] == "published"
    assert ds.field_data["System"] == system and np.isfinite(ds.point_data["Loss"]).all()


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"system": "heat"}, "unknown system 'heat'"),
        ({"x_f": torch.zeros(7, 1)}, "x_f has 7 rows, t_f 20"),
        ({"G": torch.ones(20, 1)}, "a source term G other than 0"),
        ({"rho": float("nan")}, "rho is not a finite number"),
        ({"loss_style": "sum"}, "loss_style 'sum'"),
    ],
)
def test_authors_file_that_does_not_fit_is_one_line(tmp_path, capsys, state, message):
    state = {"system": "reaction", **state}
    path = write_authors_pinn(tmp_path / "p.pt", coefficients={"rho": 2.0}, **state)
    out = tmp_path / "x.vti"
    rc, _, err = run_cli(["sample", "pinn", "--checkpoint", str(path), "--out", str(out)], capsys)
    assert rc == 2 and len(err.strip().splitlines()) == 1, err
    assert message in err and not out.exists()


def mirrored_files(tmp_path: Path) -> list[Path]:
    """The authors' diffusion, reaction and reaction-diffusion PINNs, copied out of the
    mirrored repository into ``tmp_path``; a skip that says why where it is absent."""
    git = shutil.which("git")
    if git is None or not MIRROR.is_dir():
        pytest.skip(
            f"the authors' repository is not mirrored at {MIRROR} (a bare git clone of "
            "Vis4SciML/loss-lens; set LLTK_LOSS_LENS_REPO to another)"
        )
    names = subprocess.run(
        [git, "--git-dir", str(MIRROR), "ls-tree", "--name-only", "HEAD", f"{SAVED}/"],
        capture_output=True, text=True, check=True,
    ).stdout.split("\n")  # fmt: skip
    files = []
    for name in names:
        if name.endswith(".pt") and "_convection_" not in name:
            blob = subprocess.run(
                [git, "--git-dir", str(MIRROR), "show", f"HEAD:{name}"],
                capture_output=True, check=True,
            ).stdout  # fmt: skip
            files.append(tmp_path / Path(name).name)
            files[-1].write_bytes(blob)
    return files


def test_authors_networks_of_every_system_read_to_their_training_loss(tmp_path):
    """All 26 of the authors' diffusion, reaction and reaction-diffusion PINNs: lltk's
    training loss at the file's weights is the final L-BFGS loss their training recorded
    in it (within 0.1 %, the loss before L-BFGS's last step); the diffusion networks are
    within 5 % relative L2 error of the heat equation's solution, the reaction and
    reaction-diffusion ones meet solutions that blow up (their reference is NaN on part of
    the test grid)."""
    files = mirrored_files(tmp_path)
    assert len(files) == 26
    for path in files:
        trained = load_trained("pinn", path)
        meta = trained.metadata
        assert f"_{meta['System']}_" in path.name
        assert f"_nu{meta['Nu']}_" in path.name and f"_rho{meta['Rho']}_" in path.name
        assert meta["TrainLoss"] == pytest.approx(meta["CheckpointFinalLoss"], rel=1e-3)
        if meta["System"] == "diffusion":
            assert meta["TestRelError"] < 0.05 and meta["TestCoverage"] == 1.0
        else:
            assert meta["TestCoverage"] < 1.0
