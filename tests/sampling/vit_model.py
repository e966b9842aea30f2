"""A small vision transformer as a user's model (``python:tests/sampling/vit_model.py:make``):
what a researcher brings beside CNNs, written out here rather than downloaded.

32 x 32 images cut into 4 x 4 patches (64 tokens) embedded by a linear layer, a class
token and learned positions, two pre-norm encoder blocks (4-head self-attention, MLP of
twice the width), layer norm, a linear classifier; 64 seeded images and labels, weights as
seeded (the benchmark times evaluations, not accuracy).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class Block(nn.Module):
    """Pre-norm transformer block: x + attention(norm(x)), then x + MLP(norm(x))."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(
            nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width)
        )

    def forward(self, x: Tensor) -> Tensor:
        """(N, tokens, width) to the same shape."""
        n, t, w = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(n, t, 3, self.heads, w // self.heads).unbind(2)
        q, k, v = (a.transpose(1, 2) for a in (q, k, v))
        att = torch.softmax(q @ k.transpose(-1, -2) / (w // self.heads) ** 0.5, dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(n, t, w))
        return x + self.mlp(self.norm2(x))


class TinyViT(nn.Module):
    """A vision transformer for 3 x 32 x 32 images."""

    def __init__(self, width: int = 32, depth: int = 2, heads: int = 4, classes: int = 10):
        super().__init__()
        self.embed = nn.Linear(3 * 4 * 4, width)
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        self.pos = nn.Parameter(0.02 * torch.randn(1, 65, width))
        self.blocks = nn.Sequential(*(Block(width, heads) for _ in range(depth)))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def forward(self, images: Tensor) -> Tensor:
        """Class logits of (N, 3, 32, 32) images."""
        n = images.shape[0]
        patches = images.unfold(2, 4, 4).unfold(3, 4, 4)  # (N, 3, 8, 8, 4, 4)
        tokens = self.embed(patches.permute(0, 2, 3, 1, 4, 5).reshape(n, 64, 48))
        x = torch.cat([self.cls.expand(n, -1, -1), tokens], dim=1) + self.pos
        return self.head(self.norm(self.blocks(x))[:, 0])


def make() -> tuple[nn.Module, list[tuple[Tensor, Tensor]], nn.Module]:
    """(model, batches, loss) as lltk's contract asks."""
    torch.manual_seed(0)
    model = TinyViT()
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(64, 3, 32, 32, generator=gen)
    y = torch.randint(0, 10, (64,), generator=gen)
    return model, [(x, y)], nn.CrossEntropyLoss()
