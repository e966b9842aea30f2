"""``lltk study pinn|resnet --checkpoints DIR``: the study on trained networks, no training
(the authors' PINNs from ../shared, reaction PINNs in their layout that the test writes;
ResNets in the authors' layout on a tiny CIFAR-10 folder the test writes)."""

from __future__ import annotations

import csv
import json

import pytest

torch = pytest.importorskip("torch")

from conftest import write_authors_pinn, write_cifar  # noqa: E402

from lltk import vtkxml  # noqa: E402
from lltk.cli import main  # noqa: E402
from lltk.sampling.resnet import ResNet20  # noqa: E402


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))


SMALL = ["--resolution", "5", "--hessian-steps", "3", "--no-render"]


def test_pinn_study_on_the_authors_checkpoints(loss_lens, tmp_path, capsys):
    folder = tmp_path / "ck"
    folder.mkdir()
    for beta in ("1.0", "50.0"):
        (src,) = (loss_lens / "pinn").glob(f"*_beta{beta}_*_seed0.pt")
        (folder / src.name).symlink_to(src)
    (folder / "notes.pt").write_text("not a checkpoint")
    out = tmp_path / "study"
    argv = ["study", "pinn", "--checkpoints", str(folder), "--out", str(out), *SMALL]
    assert main([*argv, "--profile-betas", ""]) == 0
    printed = capsys.readouterr().out
    assert "skipping notes.pt" in printed
    for sub, protocol in (("training", "authors"), ("published", "loss-lens")):
        run = json.loads((out / sub / "pinn_run.json").read_text())
        assert run["config"]["protocol"] == protocol
        assert (out / sub / "pinn_results.md").is_file()
        ds = vtkxml.read(out / sub / "landscapes" / "pinn_beta50_seed0_random.vti")
        fd = ds.field_data
        assert fd["CheckpointKind"] == "authors" and fd["Beta"][0] == 50.0
        size = (40, 40, 1) if protocol == "loss-lens" else (5, 5, 1)
        assert ds.dimensions == size
        assert fd.get("LandscapeLoss") == ("published" if protocol == "loss-lens" else None)


def test_pinn_study_on_reaction_checkpoints_sweeps_rho(tmp_path, capsys):
    """A folder of the authors' reaction PINNs: the same study over rho, its rows, tables,
    claims and landscapes named by rho; no claim of a failure at beta = 7."""
    folder = tmp_path / "ck"
    folder.mkdir()
    for rho in (1.0, 2.0, 3.0):
        name = f"pretrained_reaction_u0sin(x)_nu0.0_beta0.0_rho{rho}_Nf20_seed0.pt"
        write_authors_pinn(folder / name, "reaction", coefficients={"rho": rho}, seed=int(rho))
    out = tmp_path / "study"
    argv = ["study", "pinn", "--checkpoints", str(folder), "--out", str(out), *SMALL]
    assert main([*argv, "--protocol", "authors"]) == 0
    printed = capsys.readouterr().out
    assert "lltk study: rho 2 seed 0: rel error" in printed
    run = json.loads((out / "pinn_run.json").read_text())
    assert run["config"]["system"] == "reaction" and run["config"]["coefficients"] == [1, 2, 3]
    assert run["config"]["betas"] == []
    results = (out / "pinn_results.md").read_text()
    assert "PINN study (reaction, rho sweep)" in results and "grows with rho" in results
    assert "fails around beta = 7" not in results
    with open(out / "pinn_results.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [float(r["rho"]) for r in rows] == [1.0, 2.0, 3.0]
    assert all(0 < float(r["TestCoverage"]) < 1 for r in rows)
    assert float(rows[0]["random_wasserstein2_to_rho1"]) == 0.0
    ds = vtkxml.read(out / "landscapes" / "pinn_reaction_rho2_seed0_random.vti")
    assert ds.field_data["System"] == "reaction" and ds.field_data["Rho"][0] == 2.0
    assert (out / "pinn_metrics.png").is_file() and (out / "pinn_distance_to_rho1.png").is_file()


def test_checkpoints_of_several_systems_are_refused(tmp_path, capsys):
    folder = tmp_path / "ck"
    folder.mkdir()
    write_authors_pinn(folder / "a_seed0.pt", "reaction", coefficients={"rho": 1.0})
    write_authors_pinn(folder / "b_seed0.pt", "diffusion", coefficients={"nu": 1.0})
    out = tmp_path / "study"
    rc = main(["study", "pinn", "--checkpoints", str(folder), "--out", str(out), *SMALL])
    err = capsys.readouterr().err
    assert rc == 2 and "several systems (diffusion, reaction)" in err, err
    assert len(err.strip().splitlines()) == 1


def test_checkpoints_folder_without_a_usable_file_is_refused(tmp_path, capsys):
    folder = tmp_path / "ck"
    folder.mkdir()
    (folder / "a.pt").write_bytes(b"\x80\x02junk")
    out = tmp_path / "study"
    rc = main(["study", "pinn", "--checkpoints", str(folder), "--out", str(out), *SMALL])
    err = capsys.readouterr().err
    assert rc == 2 and "no usable checkpoint" in err and len(err.strip().splitlines()) == 1


def authors_state(residual: bool) -> dict:
    """lltk's ResNet-20 weights under the authors' DataParallel names."""
    out = {}
    for key, value in ResNet20(residual=residual).state_dict().items():
        head, _, rest = key.partition(".")
        if head == "blocks":
            block, _, rest = rest.partition(".")
            name = f"layer{int(block) // 3 + 1}.{int(block) % 3}.{rest}"
        else:
            name = {"conv": "conv1", "bn": "bn1"}.get(head, head) + "." + rest
        out[f"module.{name}"] = value
    return out


def test_resnet_study_on_authors_checkpoints_needs_cifar(tmp_path, capsys):
    folder = tmp_path / "ck"
    folder.mkdir()
    torch.manual_seed(0)
    torch.save(authors_state(True), folder / "cifar10_resnet20_7.pkl")
    torch.save(authors_state(False), folder / "cifar10_resnet20_no_skip_7.pkl")
    out = tmp_path / "study"
    argv = ["study", "resnet", "--checkpoints", str(folder), "--out", str(out), *SMALL]
    argv += ["--hessian-samples", "8", "--loss-samples", "8"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--data CIFAR_DIR" in err and len(err.strip().splitlines()) == 1
    assert main([*argv, "--data", str(write_cifar(tmp_path / "cifar"))]) == 0
    rows = (out / "resnet_results.csv").read_text().splitlines()
    assert len(rows) == 3 and "resnet20-noskip" in rows[2] + rows[1]
    run = json.loads((out / "resnet_run.json").read_text())
    assert run["config"]["protocol"] == "authors" and run["config"]["directions"] == "authors"
    fd = vtkxml.read(out / "landscapes" / "resnet20_seed7_random.vti").field_data
    assert fd["DataNormalization"] == "authors" and fd["Checkpoint"] == "cifar10_resnet20_7.pkl"
