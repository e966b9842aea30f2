"""``lltk study pinn|resnet --checkpoints DIR``: the study on trained networks, no training
(the authors' PINNs from ../shared; ResNets in the authors' layout on a tiny CIFAR-10
folder the test writes)."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from conftest import write_cifar  # noqa: E402

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
