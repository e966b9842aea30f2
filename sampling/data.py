"""Image classification data for the ResNets, offline: digits (default) or CIFAR-10 batches.

``digits``: scikit-learn's bundled 8 x 8 digits (1797 images), upsampled bilinearly to
32 x 32 and repeated on 3 channels, split 80/20 stratified by a fixed seed. ``cifar10``:
the python pickles ``data_batch_1..5`` and ``test_batch`` of the user's local copy (the
folder itself or its ``cifar-10-batches-py`` subfolder). Both are standardised per channel
with the training split's statistics.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from lltk.sampling.safeload import load_pickle_file

# What CIFAR-10's python batches hold: dicts of bytes, lists, numpy arrays and scalars.
CIFAR_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): np.core.multiarray._reconstruct,
    ("numpy.core.multiarray", "scalar"): np.core.multiarray.scalar,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}
#: The per-channel mean and std the authors' CIFAR-10 networks were trained with.
AUTHORS_CIFAR_NORMALIZATION = ((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))
CIFAR_TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR_TEST = "test_batch"


@dataclass
class ImageData:
    """Train and test images (N, 3, 32, 32) float32 and labels (N,) int64."""

    name: str
    x_train: Tensor
    y_train: Tensor
    x_test: Tensor
    y_test: Tensor


def load_digits32(seed: int = 0) -> ImageData:
    """scikit-learn's digits at 32 x 32 on 3 channels, an 80/20 stratified split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = torch.tensor(digits.images / 16.0, dtype=torch.float32)[:, None]
    x = torch.nn.functional.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False)
    x = x.repeat(1, 3, 1, 1).numpy()
    y = digits.target.astype(np.int64)
    tr, te = train_test_split(np.arange(len(y)), test_size=0.2, random_state=seed, stratify=y)
    return _standardised("digits", x[tr], y[tr], x[te], y[te])


def find_cifar(folder: str | os.PathLike) -> Path:
    """The folder holding CIFAR-10's python batches; FileNotFoundError names what is missing."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"CIFAR-10 data folder not found: {folder}")
    for cand in (folder, folder / "cifar-10-batches-py"):
        if all((cand / name).is_file() for name in (*CIFAR_TRAIN, CIFAR_TEST)):
            return cand
    missing = [n for n in (*CIFAR_TRAIN, CIFAR_TEST) if not (folder / n).is_file()]
    raise FileNotFoundError(
        f"{folder} does not hold the CIFAR-10 python batches (missing {', '.join(missing)}; "
        "download cifar-10-python.tar.gz yourself and unpack it there)"
    )


def _cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    batch = load_pickle_file(path, CIFAR_GLOBALS, "a CIFAR-10 python batch", encoding="bytes")
    try:
        x = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
        y = np.asarray(batch[b"labels"], dtype=np.int64)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"{path} is not a CIFAR-10 python batch ({exc})") from None
    return x.astype(np.float32) / 255.0, y


def load_cifar10(
    folder: str | os.PathLike,
    normalization: tuple[tuple[float, ...], tuple[float, ...]] | None = None,
) -> ImageData:
    """CIFAR-10 from the local python batches (no download), standardised per channel
    with the training split's statistics, or with ``normalization`` = (mean, std)
    (e.g. :data:`AUTHORS_CIFAR_NORMALIZATION`)."""
    root = find_cifar(folder)
    parts = [_cifar_batch(root / n) for n in CIFAR_TRAIN]
    x_test, y_test = _cifar_batch(root / CIFAR_TEST)
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    return _standardised("cifar10", x_train, y_train, x_test, y_test, normalization)


def load_images(data: str | os.PathLike | None, seed: int = 0) -> ImageData:
    """``None`` or ``"digits"``: the digits; anything else: a CIFAR-10 folder."""
    if data is None or str(data) == "digits":
        return load_digits32(seed)
    return load_cifar10(data)


def _standardised(
    name: str,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    normalization: tuple[tuple[float, ...], tuple[float, ...]] | None = None,
) -> ImageData:
    if normalization is None:
        mean = x_train.mean(axis=(0, 2, 3), keepdims=True)
        std = x_train.std(axis=(0, 2, 3), keepdims=True) + 1e-8
    else:
        mean, std = (np.asarray(v, np.float32).reshape(1, -1, 1, 1) for v in normalization)
    return ImageData(
        name=name,
        x_train=torch.tensor((x_train - mean) / std, dtype=torch.float32),
        y_train=torch.tensor(y_train),
        x_test=torch.tensor((x_test - mean) / std, dtype=torch.float32),
        y_test=torch.tensor(y_test),
    )
