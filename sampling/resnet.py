"""ResNet-20 for 32 x 32 images (He et al. 2016, CIFAR variant), with or without skips.

A 3 x 3 convolution to 16 channels, three stages of three basic blocks (16, 32, 64
channels; stride 2 at the start of stages 2 and 3), global average pooling, a linear
classifier. Where the shape changes, the shortcut is He et al.'s option B by default, as in
the study authors' ``RESNET20.py``: a strided 1 x 1 convolution and batch norm (272,474
parameters with skips, 269,722 without); option A (strided subsampling and zero channel
padding, no parameters) stays available. ``residual=False`` drops the shortcuts (Li et
al.'s "no-short" networks). Batch norm is optional; without it the convolutions carry
biases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.nn import functional

from lltk.sampling.cache import cache_path, check_cache_writable, load_model_state, save_checkpoint
from lltk.sampling.closure import Trained, model_loss_closure
from lltk.sampling.data import load_images


def _conv(cin: int, cout: int, stride: int, batch_norm: bool) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=not batch_norm)


def _norm(channels: int, batch_norm: bool) -> nn.Module:
    return nn.BatchNorm2d(channels) if batch_norm else nn.Identity()


SHORTCUTS = ("B", "A")


class BasicBlock(nn.Module):
    """Two 3 x 3 convolutions; the input added back when ``residual``, through a 1 x 1
    convolution and batch norm (``shortcut`` "B") or subsampled and zero-padded ("A")
    where the shape changes."""

    def __init__(
        self,
        cin: int,
        cout: int,
        stride: int,
        residual: bool,
        batch_norm: bool,
        shortcut: str = "B",
    ) -> None:
        super().__init__()
        self.conv1 = _conv(cin, cout, stride, batch_norm)
        self.bn1 = _norm(cout, batch_norm)
        self.conv2 = _conv(cout, cout, 1, batch_norm)
        self.bn2 = _norm(cout, batch_norm)
        self.residual = residual
        self.stride = stride
        self.pad = cout - cin
        self.downsample = None
        if residual and shortcut == "B" and (stride > 1 or cin != cout):
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=not batch_norm),
                _norm(cout, batch_norm),
            )

    def forward(self, x: Tensor) -> Tensor:
        """conv-bn-relu-conv-bn (+ shortcut) -relu."""
        out = self.bn2(self.conv2(functional.relu(self.bn1(self.conv1(x)))))
        if self.residual:
            if self.downsample is not None:
                short = self.downsample(x)
            else:
                short = x[:, :, :: self.stride, :: self.stride] if self.stride > 1 else x
                if self.pad:
                    pad = (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2)
                    short = functional.pad(short, pad)
            out = out + short
        return functional.relu(out)


class ResNet20(nn.Module):
    """ResNet-20 (3 stages x 3 blocks, 16/32/64 channels) for 32 x 32 inputs."""

    def __init__(
        self,
        num_classes: int = 10,
        residual: bool = True,
        batch_norm: bool = True,
        width: int = 16,
        in_channels: int = 3,
        shortcut: str = "B",
    ) -> None:
        super().__init__()
        if shortcut not in SHORTCUTS:
            raise ValueError(f"shortcut must be one of {SHORTCUTS}, not {shortcut!r}")
        self.conv = _conv(in_channels, width, 1, batch_norm)
        self.bn = _norm(width, batch_norm)
        blocks, cin = [], width
        for stage in range(3):
            cout = width * 2**stage
            for i in range(3):
                stride = 2 if stage > 0 and i == 0 else 1
                blocks.append(BasicBlock(cin, cout, stride, residual, batch_norm, shortcut))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: Tensor) -> Tensor:
        """Class logits of images (N, C, 32, 32)."""
        out = self.blocks(functional.relu(self.bn(self.conv(x))))
        return self.fc(out.mean(dim=(2, 3)))


def _batches(
    x: Tensor, y: Tensor, size: int, gen: torch.Generator
) -> Iterator[tuple[Tensor, Tensor]]:
    order = torch.randperm(len(y), generator=gen).to(y.device)
    for s in range(0, len(y), size):
        idx = order[s : s + size]
        yield x[idx], y[idx]


def evaluate(model: nn.Module, x: Tensor, y: Tensor, batch: int = 500) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` (eval mode) on ``x, y``."""
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for s in range(0, len(y), batch):
            out = model(x[s : s + batch])
            loss += float(functional.cross_entropy(out, y[s : s + batch], reduction="sum"))
            correct += int((out.argmax(1) == y[s : s + batch]).sum())
    return loss / len(y), correct / len(y)


def train_resnet(
    residual: bool = True,
    batch_norm: bool = True,
    data: str | None = None,
    seed: int = 0,
    epochs: int = 10,
    batch_size: int = 128,
    lr: float = 0.1,
    train_subset: int | None = None,
    loss_samples: int = 512,
    shortcut: str = "B",
    hessian_samples: int | None = None,
    use_cache: bool = True,
    progress: bool = True,
    device: str | torch.device = "cpu",
    recorder: Callable[[int, nn.Module], None] | None = None,
) -> Trained:
    """Train (or load from the cache) a ResNet-20 with SGD (momentum 0.9, weight decay 5e-4,
    cosine learning rate); the landscape's loss is the cross-entropy on the first
    ``loss_samples`` training images, with batch-norm statistics frozen (eval mode);
    with ``hessian_samples``, ``extras["hessian_loss_fn"]`` is the same loss on that
    many images (the study's Hessian: the authors use 1,024). A ``recorder``
    (:class:`lltk.sampling.trajectory.Recorder`) gets the model before training and after
    every ``recorder.every``-th and the last epoch (it trains even when cached).
    """
    from tqdm import tqdm

    for name, value in (
        ("epochs", epochs),
        ("batch_size", batch_size),
        ("loss_samples", loss_samples),
        ("hessian_samples", 1 if hessian_samples is None else hessian_samples),
    ):
        if value < (0 if name == "epochs" else 1):
            raise ValueError(f"{name} must be positive, not {value}")
    images = load_images(data, seed)
    x, y = images.x_train.to(device), images.y_train.to(device)
    x_test, y_test = images.x_test.to(device), images.y_test.to(device)
    if train_subset is not None:
        x, y = x[:train_subset], y[:train_subset]
    hyper = {
        "residual": residual,
        "batch_norm": batch_norm,
        "seed": seed,
        "epochs": epochs,
        "batch_size": batch_size,
        "lr": lr,
        "n_train": len(y),
        "data": images.name,
    }
    if residual:  # the shortcut changes only the network with skips (option A: former key)
        hyper.update({} if shortcut == "A" else {"shortcut": shortcut})
    if images.name != "digits":
        hyper["data_sum"] = float(x[:256].sum())
    torch.manual_seed(seed)
    model = ResNet20(
        num_classes=int(images.y_train.max()) + 1,
        residual=residual,
        batch_norm=batch_norm,
        shortcut=shortcut,
    ).to(device)
    path = cache_path("resnet20", hyper)
    if use_cache and path.is_file() and recorder is None:
        load_model_state(model, path)
    else:
        if use_cache:
            check_cache_writable()
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(epochs, 1))
        gen = torch.Generator().manual_seed(seed)
        steps = epochs * -(-len(y) // batch_size)
        if recorder is not None:
            recorder(0, model)
        with tqdm(total=steps, desc="train resnet20", disable=not progress) as bar:
            for epoch in range(1, epochs + 1):
                model.train()
                for xb, yb in _batches(x, y, batch_size, gen):
                    opt.zero_grad()
                    loss = functional.cross_entropy(model(xb), yb)
                    loss.backward()
                    opt.step()
                    bar.update()
                    bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
                sched.step()
                if recorder is not None and (epoch % recorder.every == 0 or epoch == epochs):
                    recorder(epoch, model)
        if use_cache:
            save_checkpoint(model, hyper, path)
    metadata = {
        "Model": "resnet20" if residual else "resnet20-noskip",
        "Residual": float(residual),
        "BatchNorm": float(batch_norm),
        "Width": 16.0,
        "Shortcut": shortcut if residual else "none",
        "Seed": float(seed),
    }
    data = (x, y, x_test, y_test)
    checkpoint = path if use_cache else None
    return trained_resnet(model, data, loss_samples, hessian_samples, metadata, checkpoint)


def trained_resnet(
    model: nn.Module,
    data: tuple[Tensor, Tensor, Tensor, Tensor],
    loss_samples: int,
    hessian_samples: int | None,
    metadata: dict,
    checkpoint: Path | None = None,
) -> Trained:
    """A trained (or loaded) ResNet as the sampler needs it: eval mode, train and test
    loss and accuracy added to ``metadata``; the landscape's loss is the cross-entropy on
    the first ``loss_samples`` training images of ``data`` (x, y, x_test, y_test); with
    ``hessian_samples``, ``extras["hessian_loss_fn"]`` is the same loss on that many;
    ``checkpoint`` is the file holding the weights, if any."""
    x, y, x_test, y_test = data
    model.eval()
    train_loss, _ = evaluate(model, x, y)
    test_loss, test_acc = evaluate(model, x_test, y_test)
    n = min(loss_samples, len(y))
    loss_fn = model_loss_closure(model, [(x[:n], y[:n])], functional.cross_entropy)
    extras = {"loss_data": ([(x[:n], y[:n])], functional.cross_entropy)}
    if hessian_samples is not None:
        k = min(hessian_samples, len(y))
        extras["hessian_loss_fn"] = model_loss_closure(
            model, [(x[:k], y[:k])], functional.cross_entropy
        )
    metadata = {
        **metadata,
        "TrainLoss": train_loss,
        "TestLoss": test_loss,
        "TestAccuracy": test_acc,
    }
    return Trained(model, loss_fn, metadata, extras=extras, checkpoint=checkpoint)
