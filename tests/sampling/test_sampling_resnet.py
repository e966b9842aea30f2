"""ResNet-20 with and without skips, its offline data, training cache and CLI."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lltk import vtkxml  # noqa: E402
from lltk.cli import main  # noqa: E402
from lltk.sampling import data, directions, landscape, resnet  # noqa: E402


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LLTK_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def fake_cifar(tmp_path):
    """A folder laid out like cifar-10-batches-py, 12 random images per batch."""
    root = tmp_path / "cifar" / "cifar-10-batches-py"
    root.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in (*data.CIFAR_TRAIN, data.CIFAR_TEST):
        batch = {
            b"data": rng.integers(0, 256, size=(12, 3072), dtype=np.uint8),
            b"labels": list(rng.integers(0, 10, size=12)),
        }
        (root / name).write_bytes(pickle.dumps(batch))
    return root.parent


def test_resnet20_option_b_is_the_authors():
    """The study authors' RESNET20.py with skips: a strided 1 x 1 convolution and batch
    norm where the shape changes, 272,474 parameters; without skips no shortcut at all."""
    with_skip, no_skip = resnet.ResNet20(), resnet.ResNet20(residual=False)
    assert sum(p.numel() for p in with_skip.parameters()) == 272_474
    assert sum(p.numel() for p in no_skip.parameters()) == 269_722
    shortcuts = [
        m.weight.shape
        for m in with_skip.modules()
        if isinstance(m, torch.nn.Conv2d) and m.kernel_size == (1, 1)
    ]
    assert shortcuts == [(32, 16, 1, 1), (64, 32, 1, 1)]
    x = torch.randn(2, 3, 32, 32)
    with_skip.eval()
    assert with_skip(x).shape == (2, 10)
    with pytest.raises(ValueError, match="shortcut"):
        resnet.ResNet20(shortcut="C")


def test_resnet20_has_he_et_al_parameter_count():
    # He et al. 2016, Table 6: ResNet-20 has 0.27 M parameters (269,722 with option A + BN).
    with_skip, no_skip = resnet.ResNet20(shortcut="A"), resnet.ResNet20(residual=False)
    count = sum(p.numel() for p in with_skip.parameters())
    assert count == 269_722
    shapes = [p.shape for p in with_skip.parameters()]
    assert shapes == [p.shape for p in no_skip.parameters()]
    no_skip.load_state_dict(with_skip.state_dict())
    x = torch.randn(2, 3, 32, 32)
    with_skip.eval(), no_skip.eval()
    assert with_skip(x).shape == (2, 10)
    assert not torch.allclose(with_skip(x), no_skip(x))
    convs = [
        m
        for m in resnet.ResNet20(batch_norm=False, shortcut="A").modules()
        if isinstance(m, torch.nn.Conv2d)
    ]
    assert len(convs) == 19 and all(c.bias is not None for c in convs)


def test_digits_are_32x32_and_split():
    d = data.load_digits32()
    assert d.x_train.shape[1:] == (3, 32, 32) and len(d.y_train) + len(d.y_test) == 1797
    assert len(d.y_test) == 360 and set(d.y_test.tolist()) == set(range(10))
    assert abs(float(d.x_train.mean())) < 1e-4


def test_cifar_batches_load_and_bad_folders_are_named(fake_cifar, tmp_path):
    d = data.load_cifar10(fake_cifar)
    assert d.x_train.shape == (60, 3, 32, 32) and d.x_test.shape == (12, 3, 32, 32)
    with pytest.raises(FileNotFoundError, match="not found"):
        data.load_cifar10(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="data_batch_1"):
        data.load_cifar10(tmp_path)
    (fake_cifar / "cifar-10-batches-py" / "test_batch").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="not a CIFAR-10 python batch"):
        data.load_cifar10(fake_cifar)


@pytest.mark.slow
def test_train_cache_and_landscape(fake_cifar):
    kwargs = dict(data=str(fake_cifar), epochs=1, batch_size=16, loss_samples=6, progress=False)
    first = resnet.train_resnet(residual=False, **kwargs)
    again = resnet.train_resnet(residual=False, **kwargs)
    for k, v in first.params.items():
        assert torch.equal(v, again.params[k])
    meta = first.metadata
    assert meta["Model"] == "resnet20-noskip" and meta["Residual"] == 0.0
    assert 0.0 <= meta["TestAccuracy"] <= 1.0 and np.isfinite(meta["TestLoss"])
    dirs = directions.random_directions(first.model, 2, seed=0)
    a = landscape.sample_landscape(first.loss_fn, first.params, dirs, 3, 0.5, progress=False)
    b = landscape.sample_landscape(
        first.loss_fn, first.params, dirs, 3, 0.5, vectorized=False, progress=False
    )
    np.testing.assert_allclose(a.loss, b.loss, rtol=1e-2)


@pytest.mark.slow
def test_cli_resnet(fake_cifar, tmp_path, capsys):
    out = tmp_path / "r.vti"
    argv = ["sample", "resnet20", "--data", str(fake_cifar), "--epochs", "1", "--loss-samples", "4"]
    assert main([*argv, "--resolution", "3", "--quiet", "--out", str(out)]) == 0
    fd = vtkxml.read(out).field_data
    assert fd["Model"] == "resnet20" and fd["Residual"][0] == 1.0 and "TestAccuracy" in fd
    assert not (tmp_path / "r_solution.vti").exists()
    capsys.readouterr()
    assert main(["train", "resnet20", "--data", str(tmp_path / "none"), "--quiet"]) == 2
    assert "CIFAR-10 data folder not found" in capsys.readouterr().err


def test_authors_directions():
    """loss-lens' random_plain(normalization='layer', random='normal'): every parameter
    tensor of each direction has the norm of its weights (biases and batch norm too), the
    whole direction the norm of all weights; the raw second draw is orthogonal to the first,
    so the two normalised directions are far from parallel; seeded."""
    model = resnet.ResNet20(num_classes=10)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))  # no zero tensors (batch-norm shifts start at 0)
    weights = {k: v.detach() for k, v in model.named_parameters()}
    dirs = directions.authors_directions(model, seed=4)
    theta = directions.flatten(weights)
    assert dirs.shape == (2, theta.numel())
    for row in dirs:
        parts = directions.unflatten(row, weights)
        for name, w in weights.items():
            assert float(parts[name].norm()) == pytest.approx(float(w.norm()), rel=1e-4)
        assert float(row.norm()) == pytest.approx(float(theta.norm()), rel=1e-5)
    cosine = float(dirs[0] @ dirs[1] / (dirs[0].norm() * dirs[1].norm()))
    assert abs(cosine) < 0.05
    assert torch.equal(dirs, directions.authors_directions(model, seed=4))
    assert not torch.equal(dirs, directions.authors_directions(model, seed=5))
