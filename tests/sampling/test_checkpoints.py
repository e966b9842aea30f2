"""Checkpoints in, no training: the audited torch-archive reader, the authors' PINN and
ResNet files, lltk's own checkpoints and plain state dicts, and the loss-lens protocol
regenerating the authors' published landscapes (against ../shared)."""

from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from conftest import TTK_REFERENCE, run_cli, write_cifar  # noqa: E402

from lltk import vtkxml  # noqa: E402
from lltk.sampling.authors import read_pinn, resnet_state_dict  # noqa: E402
from lltk.sampling.checkpoint import load_trained  # noqa: E402
from lltk.sampling.resnet import ResNet20  # noqa: E402
from lltk.sampling.safeload import load_torch_archive, torch_tensor_globals  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def torch_archive(path: Path, data_pkl: bytes, storages: dict[str, bytes] | None = None) -> Path:
    """A torch-style zip archive holding ``data_pkl`` (and raw storages)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/byteorder", "little")
        for key, raw in (storages or {}).items():
            z.writestr(f"archive/data/{key}", raw)
    return path


class _Planted:
    """Unpickled by a plain loader, this writes the file ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('executed')",))


def test_malicious_checkpoint_is_refused_and_nothing_runs(tmp_path, capsys):
    marker = tmp_path / "marker.txt"
    payload = pickle.dumps({"model": _Planted(marker)}, protocol=2)
    pickle.loads(payload)  # a plain unpickler runs it: the test can fail
    assert marker.read_text() == "executed"
    marker.unlink()
    evil = torch_archive(tmp_path / "evil.pt", payload)
    for model in ("pinn", "resnet20", "resnet20-noskip"):
        argv = ["sample", model, "--checkpoint", str(evil), "--out", str(tmp_path / "x.vti")]
        rc, _, err = run_cli([*argv, "--data", str(tmp_path)], capsys)
        assert rc == 2 and len(err.strip().splitlines()) == 1, err
        assert "refuses the global __builtin__.exec" in err, err
        assert not marker.exists() and not (tmp_path / "x.vti").exists()
    # The same pickle as a bare file (not a torch archive) is refused before unpickling.
    bare = tmp_path / "bare.pt"
    bare.write_bytes(payload)
    rc, _, err = run_cli(["sample", "pinn", "--checkpoint", str(bare), "--out", "x.vti"], capsys)
    assert rc == 2 and "not a torch zip archive" in err and not marker.exists()


def test_torch_archive_reads_what_torch_load_reads(tmp_path):
    state = ResNet20(residual=False).state_dict()
    path = tmp_path / "sd.pt"
    torch.save({"model": state, "hyper": {"seed": 3, "tags": ["a", 1.5, None]}}, path)
    ours = load_torch_archive(path, torch_tensor_globals(), "a checkpoint")
    theirs = torch.load(path, map_location="cpu", weights_only=True)
    assert ours["hyper"] == theirs["hyper"]
    assert list(ours["model"]) == list(theirs["model"])
    for key, value in theirs["model"].items():
        assert ours["model"][key].dtype == value.dtype
        assert torch.equal(ours["model"][key], value), key


@pytest.mark.parametrize(
    "damage", ["truncate", "storage-short", "storage-missing", "shape-beyond", "storage-key"]
)
def test_damaged_archives_are_one_clear_error(tmp_path, damage):
    """A real torch archive reads; each damage is a ValueError naming the file."""
    good = tmp_path / "good.pt"
    torch.save({"w": torch.arange(6, dtype=torch.float32).reshape(2, 3)}, good)
    read = load_torch_archive(good, torch_tensor_globals(), "a checkpoint")
    assert torch.equal(read["w"], torch.arange(6.0).reshape(2, 3))
    with zipfile.ZipFile(good) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    pkl = next(n for n in entries if n.endswith("/data.pkl"))
    storage = pkl.replace("data.pkl", "data/0")
    if damage == "truncate":
        entries[pkl] = entries[pkl][: len(entries[pkl]) // 2]
    elif damage == "storage-short":
        entries[storage] = entries[storage][:8]
    elif damage == "storage-missing":
        del entries[storage]
    elif damage == "shape-beyond":  # size (2, 3) -> (3, 3) over a 6-value storage
        assert entries[pkl].count(b"K\x02K\x03\x86") == 1
        entries[pkl] = entries[pkl].replace(b"K\x02K\x03\x86", b"K\x03K\x03\x86")
    else:  # the storage key points outside data/
        key = b"X\x01\x00\x00\x000"
        assert key in entries[pkl]
        entries[pkl] = entries[pkl].replace(key, b"X\x04\x00\x00\x00../x")
    path = tmp_path / "d.pt"
    with zipfile.ZipFile(path, "w") as z:
        for name, raw in entries.items():
            z.writestr(name, raw)
    with pytest.raises(ValueError, match=r"d\.pt is not a checkpoint"):
        load_torch_archive(path, torch_tensor_globals(), "a checkpoint")


def authors_pinn_files(folder: Path) -> list[Path]:
    return sorted((folder / "pinn").glob("*.pt"))


def test_authors_pinn_files_read_to_their_training_loss(loss_lens):
    """Every authors' PINN: beta and seed as its name says, the network and tensors
    such that lltk's training loss at the weights is the final L-BFGS loss recorded in the
    file (the loss before L-BFGS's last step: within 0.1 %)."""
    files = authors_pinn_files(loss_lens)
    assert len(files) == 9
    for path in files:
        pinn = read_pinn(path)
        assert f"beta{pinn.beta}_" in path.name and path.stem.endswith(f"seed{pinn.seed}")
        assert pinn.hidden == (50, 50, 50, 50) and len(pinn.tensors["x_f"]) == 100
        trained = load_trained("pinn", path)
        assert trained.metadata["TrainLoss"] == pytest.approx(pinn.final_loss, rel=1e-3)


def published_cases() -> list[str]:
    return [
        p.stem
        for p in sorted(TTK_REFERENCE.glob("pinn_convection_*.vti"))
        if TTK_REFERENCE.is_dir()
    ]


@pytest.mark.parametrize("stem", published_cases() or ["(none)"])
def test_loss_lens_protocol_regenerates_the_published_landscape(stem, loss_lens, tmp_path, capsys):
    """``lltk sample pinn --checkpoint FILE --protocol loss-lens`` gives the published
    landscape to float32 rounding: max relative difference <= 2e-5, the same argmin,
    correlation >= 0.999999; the .vti records the protocol."""
    published = TTK_REFERENCE / f"{stem}.vti"
    if not published.is_file():
        pytest.skip(f"no published PINN landscape in {TTK_REFERENCE}")
    beta, seed = stem.removeprefix("pinn_convection_beta").split("_seed")
    (checkpoint,) = (loss_lens / "pinn").glob(f"*_beta{beta}_*_seed{seed}.pt")
    out = tmp_path / "p.vti"
    argv = ["sample", "pinn", "--checkpoint", str(checkpoint), "--protocol", "loss-lens"]
    rc, _, err = run_cli([*argv, "--out", str(out), "--quiet"], capsys)
    assert rc == 0, err
    ours, theirs = vtkxml.read(out), vtkxml.read(published)
    a, b = ours.point_data["Loss"], theirs.point_data["Loss"]
    assert ours.dimensions == theirs.dimensions == (40, 40, 1)
    assert np.max(np.abs(a - b) / np.abs(b)) <= 2e-5
    assert a.argmin() == b.argmin()
    assert np.corrcoef(a, b)[0, 1] >= 0.999999
    fd = ours.field_data
    assert fd["Protocol"] == "loss-lens" and fd["LandscapeLoss"] == "published"
    assert fd["Normalization"] == "loss-lens" and fd["Seed"][0] == float(seed)
    assert fd["CheckpointKind"] == "authors" and fd["Beta"][0] == float(beta)


def test_authors_resnets_load_into_lltks_resnet20(loss_lens):
    for name, residual, keys in (("cifar10_resnet20_0", True, 128),
                                 ("cifar10_resnet20_no_skip_123", False, 116)):  # fmt: skip
        path = loss_lens / "resnet20" / f"{name}.pkl"
        state = torch.load(path, map_location="cpu", weights_only=True)
        assert len(state) == keys and all(k.startswith("module.") for k in state)
        ours = load_torch_archive(
            loss_lens / "resnet20" / f"{name}.pkl", torch_tensor_globals(), "a state dict"
        )
        model = ResNet20(residual=residual)
        model.load_state_dict(resnet_state_dict(ours))  # strict: every key fits
        for key, value in resnet_state_dict(state).items():
            assert torch.equal(model.state_dict()[key], value), key


def authors_style_state(residual: bool, extra: dict | None = None) -> dict:
    """A ResNet-20 state dict under the authors' DataParallel names."""
    inverse = {}
    for key, value in ResNet20(residual=residual).state_dict().items():
        name = key.replace("conv.", "conv1.", 1) if key.startswith("conv.") else key
        name = name.replace("bn.", "bn1.", 1) if key.startswith("bn.") else name
        if key.startswith("blocks."):
            block = int(key.split(".")[1])
            rest = key.split(".", 2)[2]
            name = f"layer{block // 3 + 1}.{block % 3}.{rest}"
        inverse[f"module.{name}"] = value
    return {**inverse, **(extra or {})}


def test_authors_resnet_needs_cifar_and_samples_with_it(tmp_path, capsys):
    path = tmp_path / "cifar10_resnet20_no_skip_7.pkl"
    torch.save(authors_style_state(False), path)
    out = tmp_path / "r.vti"
    argv = ["sample", "resnet20-noskip", "--checkpoint", str(path), "--out", str(out)]
    rc, _, err = run_cli([*argv, "--quiet"], capsys)
    assert rc == 2 and "--data" in err and "CIFAR-10" in err and not out.exists()
    data = write_cifar(tmp_path / "cifar")
    rc, _, err = run_cli([*argv, "--data", str(data), "--resolution", "3", "--quiet"], capsys)
    assert rc == 0, err
    fd = vtkxml.read(out).field_data
    assert fd["Model"] == "resnet20-noskip" and fd["Seed"][0] == 7.0
    assert fd["CheckpointKind"] == "state_dict" and fd["DataNormalization"] == "authors"
    assert np.isfinite(vtkxml.read(out).point_data["Loss"]).all()


@pytest.mark.parametrize(
    ("model", "state", "message"),
    [
        ("resnet20", lambda: authors_style_state(False), "missing 12 keys"),
        (
            "resnet20-noskip",
            lambda: authors_style_state(
                False, {"module.layer1.3.conv1.weight": torch.zeros(16, 16, 3, 3)}
            ),
            "unexpected 1 key (layer1.3.conv1.weight)",
        ),
        ("pinn", lambda: {"net.0.weight": torch.zeros(5, 3), "net.0.bias": torch.zeros(5)},
         "does not fit the PINN"),
        ("pinn", lambda: {"x": 1}, "holds a dict"),
    ],
)  # fmt: skip
def test_checkpoint_that_does_not_fit_is_one_line(tmp_path, capsys, model, state, message):
    path = tmp_path / "c.pt"
    torch.save(state(), path)
    out = tmp_path / "x.vti"
    argv = ["sample", model, "--checkpoint", str(path), "--out", str(out), "--quiet"]
    rc, _, err = run_cli([*argv, "--data", str(write_cifar(tmp_path / "cifar"))], capsys)
    assert rc == 2 and len(err.strip().splitlines()) == 1, err
    assert message in err and not out.exists()


def test_lltk_checkpoint_and_state_dict_give_the_same_landscape(tmp_path, capsys):
    fast = ["--n-f", "30", "--max-iter", "3", "--beta", "3", "--quiet"]
    rc, _, err = run_cli(["train", "pinn", *fast], capsys)
    assert rc == 0, err
    (cached,) = (tmp_path / "cache").glob("pinn-*.pt")
    grid = ["--resolution", "5", "--quiet"]
    rc, _, err = run_cli(["sample", "pinn", *fast, *grid, "--out", str(tmp_path / "a.vti")], capsys)
    assert rc == 0, err
    rc, _, err = run_cli(
        ["sample", "pinn", "--checkpoint", str(cached), *grid, "--out", str(tmp_path / "b.vti")],
        capsys,
    )
    assert rc == 0, err
    state = load_torch_archive(cached, torch_tensor_globals(), "x")["model"]
    torch.save(state, tmp_path / "plain.pt")
    argv = ["sample", "pinn", "--checkpoint", str(tmp_path / "plain.pt"), "--beta", "3"]
    rc, _, err = run_cli([*argv, "--n-f", "30", *grid, "--out", str(tmp_path / "c.vti")], capsys)
    assert rc == 0, err
    a, b, c = (vtkxml.read(tmp_path / f"{k}.vti") for k in "abc")
    np.testing.assert_array_equal(a.point_data["Loss"], b.point_data["Loss"])
    np.testing.assert_array_equal(a.point_data["Loss"], c.point_data["Loss"])
    assert b.field_data["CheckpointKind"] == "lltk"
    assert c.field_data["CheckpointKind"] == "state_dict"


def test_nan_weights_make_an_invalid_landscape(tmp_path, capsys):
    from lltk.sampling.pinn import ConvectionPINN

    state = ConvectionPINN().state_dict()
    state["net.0.weight"][0, 0] = float("nan")
    torch.save(state, tmp_path / "nan.pt")
    out = tmp_path / "n.vti"
    argv = ["sample", "pinn", "--checkpoint", str(tmp_path / "nan.pt"), "--resolution", "3"]
    rc, stdout, err = run_cli([*argv, "--out", str(out), "--quiet"], capsys)
    assert rc == 0, err
    ds = vtkxml.read(out)
    assert not ds.point_data["Valid"].any() and ds.field_data["InvalidCount"][0] == 9
    assert "9 points had a NaN or inf loss" in stdout


@pytest.mark.parametrize(
    ("protocol", "resolution", "distance", "n_f"),
    [(None, 41, 1.0, 1000), ("lltk", 41, 1.0, 1000), ("authors", 40, 1.0, 100)],
)
def test_protocol_sets_every_default(tmp_path, capsys, protocol, resolution, distance, n_f):
    out = tmp_path / "p.vti"
    argv = ["sample", "pinn", "--max-iter", "0", "--quiet", "--out", str(out)]
    if protocol:
        argv += ["--protocol", protocol]
    rc, _, err = run_cli([*argv, "--dim", "1"], capsys)
    assert rc == 0, err
    fd = vtkxml.read(out).field_data
    assert fd["Protocol"] == (protocol or "lltk") and fd["Resolution"][0] == resolution
    assert fd["Distance"][0] == distance and fd["CollocationPoints"][0] == n_f


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--protocol", "loss-lens", "--resolution", "9"], "does not fit the loss-lens"),
        (["--protocol", "loss-lens", "--dim", "1"], "does not fit the loss-lens"),
        (["--protocol", "loss-lens", "--normalization", "filter"], "does not apply"),
        (["--checkpoint", "/nonexistent/c.pt"], "checkpoint not found"),
        (["--normalization", "authors", "--dim", "3"], "--dim 2 only"),
    ],
)
def test_protocol_and_checkpoint_bad_input(tmp_path, capsys, extra, message):
    out = tmp_path / "x.vti"
    rc, _, err = run_cli(["sample", "pinn", *extra, "--out", str(out), "--quiet"], capsys)
    assert rc == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_loss_lens_is_pinn_only(tmp_path, capsys):
    rc, _, err = run_cli(
        ["sample", "resnet20", "--protocol", "loss-lens", "--out", str(tmp_path / "x.vti")], capsys
    )
    assert rc == 2 and "PINN only" in err
    assert os.listdir(tmp_path) in ([], ["cache"])


def test_archive_larger_than_memory_is_refused_before_reading(tmp_path, monkeypatch):
    """An archive whose directory declares more than the memory there is (a zip bomb, or
    just too large) is refused, naming the file, before any entry is inflated."""
    from lltk import memory

    path = tmp_path / "big.pt"
    torch.save({"model": {"w": torch.zeros(4096)}}, path)
    assert load_torch_archive(path, torch_tensor_globals(), "a checkpoint")["model"]["w"].numel()
    monkeypatch.setattr(memory, "available_memory", lambda: 4096)
    read = []
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: read.append(a) or b"")
    with pytest.raises(ValueError, match=r"reading .*big\.pt needs about .* GiB, more than"):
        load_torch_archive(path, torch_tensor_globals(), "a checkpoint")
    assert not read
