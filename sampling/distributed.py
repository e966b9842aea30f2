"""Split a landscape over processes started by torchrun, SLURM's srun or by hand.

Each rank evaluates its share of the grid's chunks (:func:`lltk.sampling.landscape.chunk_share`)
on its own device and keeps its own resumable state. The ranks talk on the CPU over gloo,
and only outside the sampling loop: before it, to wait for rank 0's checkpoint, receive
its Hessian directions and check that they agree on the arguments, the model, the
directions and the losses of the first chunk (digests); after it, when rank 0 gathers the
losses and writes the landscape. GPUs evaluate but never exchange tensors, so no NCCL is
needed. A rank that dies is noticed at the next exchange; torchrun (and ``srun
--kill-on-bad-exit``) stop the others with SIGTERM, which :meth:`Ranks.stop_on_sigterm`
turns into an orderly stop that saves the finished chunks.

Ranks come from torchrun's ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` (or the same set by
hand) with ``MASTER_ADDR``/``MASTER_PORT``; else from an ``srun`` step's
``SLURM_PROCID``, ``SLURM_STEP_NUM_TASKS``, ``SLURM_LOCALID`` (``MASTER_ADDR`` must then
be exported, ``MASTER_PORT`` defaults to 29500).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from lltk.environment import env_seconds
from lltk.sampling.landscape import LandscapeResult, chunk_points, chunk_share

T = TypeVar("T")
#: Whether this process joined a process group of several ranks (lltk.cli.run then leaves
#: without the interpreter's teardown, where gloo's threads can abort the process).
JOINED = False

#: Seconds a rank waits for the others at an exchange (``LLTK_DIST_TIMEOUT`` overrides):
#: long enough for rank 0 to train a model while the others wait for its checkpoint (at
#: most 30 days).
TIMEOUT = 6 * 3600.0


class RankError(RuntimeError):
    """The ranks disagree, lost contact or were stopped; the message says which."""


@dataclass(frozen=True)
class Launch:
    """Where this process stands among the ranks of one run."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0


def launch_from_environment(env: Mapping[str, str] = os.environ) -> Launch:
    """The launch torchrun's or an ``srun`` step's variables describe (one process else)."""
    if "WORLD_SIZE" in env:
        names = ("RANK", "WORLD_SIZE", "LOCAL_RANK")
    elif "SLURM_STEP_NUM_TASKS" in env and "SLURM_PROCID" in env:
        names = ("SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID")
    else:
        return Launch()
    try:
        rank, world = (int(env[name]) for name in names[:2])
        local = int(env.get(names[2], "0"))
    except (KeyError, ValueError):
        raise RankError(f"{', '.join(names[:2])} must be set to integers") from None
    if world < 1 or not 0 <= rank < world or local < 0:
        raise RankError(f"no rank {rank} among {world} ({', '.join(names)})")
    if world > 1 and "MASTER_ADDR" not in env:
        raise RankError(
            f"{world} ranks but no MASTER_ADDR: export the host of rank 0, e.g. "
            'MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)'
        )
    return Launch(rank, world, local)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for a rendezvous on this machine)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def local_torchrun(nproc: int) -> list[str]:
    """The command that starts ``nproc`` ranks of a module with torchrun on this machine
    only (127.0.0.1, a free port); append ``-m lltk sample ...``."""
    return [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nnodes",
        "1",
        "--nproc_per_node",
        str(nproc),
        "--master_addr",
        "127.0.0.1",
        "--master_port",
        str(free_port()),
    ]


def digest(*parts: object) -> str:
    """SHA-256 of arrays (their bytes, dtype and shape) and other values (their repr)."""
    h = hashlib.sha256()
    for part in parts:
        if hasattr(part, "detach"):
            part = part.detach().cpu().numpy()
        if isinstance(part, np.ndarray):
            h.update(repr((part.dtype.str, part.shape)).encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())
    return h.hexdigest()


class Ranks:
    """The ranks of one run: one process (every exchange a no-op) or a gloo group."""

    def __init__(self, launch: Launch) -> None:
        self.launch = launch
        if launch.world_size > 1:
            import torch.distributed as dist

            os.environ.setdefault("MASTER_PORT", "29500")
            timeout = env_seconds("LLTK_DIST_TIMEOUT", TIMEOUT, most=30 * 86400)
            self._call(
                "starting",
                dist.init_process_group,
                "gloo",
                init_method="env://",
                rank=launch.rank,
                world_size=launch.world_size,
                timeout=datetime.timedelta(seconds=timeout),
            )
            global JOINED
            JOINED = True

    @classmethod
    def from_environment(cls) -> Ranks:
        """The ranks the environment describes (see the module's docstring)."""
        return cls(launch_from_environment())

    @property
    def rank(self) -> int:
        """This process's rank."""
        return self.launch.rank

    @property
    def world_size(self) -> int:
        """How many ranks share the grid."""
        return self.launch.world_size

    @property
    def is_root(self) -> bool:
        """Whether this rank writes the landscape."""
        return self.launch.rank == 0

    def device(self, name: str) -> str:
        """A torch device name for this rank: a bare ``cuda`` becomes ``cuda:LOCAL_RANK``
        (modulo the GPUs this process sees, for launchers that give each rank its own)."""
        if name != "cuda" or self.world_size == 1:
            return name
        import torch

        return f"cuda:{self.launch.local_rank % max(1, torch.cuda.device_count())}"

    def close(self) -> None:
        """Leave the group (nothing for one process)."""
        if self.world_size > 1:
            import torch.distributed as dist

            if dist.is_initialized():
                dist.destroy_process_group()

    def __enter__(self) -> Ranks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A collective; a lost rank or timeout becomes a :class:`RankError`."""
        try:
            return fn(*args, **kwargs)
        except RuntimeError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise RankError(
                f"rank {self.rank} of {self.world_size} lost contact with the other ranks "
                f"while {what} ({first}); did one of them die?"
            ) from None

    def barrier(self, what: str = "waiting for the other ranks") -> None:
        """Wait for every rank."""
        if self.world_size > 1:
            import torch.distributed as dist

            self._call(what, dist.barrier)

    def agree(self, what: str, digests: dict[str, str]) -> None:
        """Raise the same :class:`RankError` on every rank unless all hold equal ``digests``."""
        if self.world_size == 1:
            return
        import torch.distributed as dist

        every: list[Any] = [None] * self.world_size
        self._call(f"comparing {what}", dist.all_gather_object, every, digests)
        for key in digests:
            values = [d[key] for d in every]
            if len(set(values)) > 1:
                groups: dict[str, list[int]] = {}
                for rank, value in enumerate(values):
                    groups.setdefault(value, []).append(rank)
                split = " vs ".join(
                    f"rank{'s' * (len(r) > 1)} {_ranges(r)}" for r in groups.values()
                )
                raise RankError(
                    f"the {self.world_size} ranks disagree on {key} ({split}); "
                    "start every rank with the same command, model and data"
                )

    def root_first(self, fn: Callable[[], T], what: str) -> T:
        """``fn()`` on rank 0, then on the others (e.g. train once, the rest read the cache)."""
        if self.is_root:
            value = fn()
        self.barrier(what)
        if not self.is_root:
            value = fn()
        return value

    def from_root(self, fn: Callable[[], T], what: str) -> T:
        """``fn()`` computed on rank 0 only and sent to every rank."""
        if self.world_size == 1:
            return fn()
        import torch.distributed as dist

        box = [fn() if self.is_root else None]
        self._call(what, dist.broadcast_object_list, box, src=0)
        return box[0]

    def gather(self, result: LandscapeResult, chunk_size: int) -> LandscapeResult | None:
        """Rank 0: the whole landscape from every rank's share; the others: None."""
        if self.world_size == 1:
            return result
        import torch.distributed as dist

        flat = result.flat_loss()
        total = flat.size
        n_chunks = -(-total // chunk_size)
        mine = chunk_points(total, chunk_size, chunk_share(n_chunks, self.rank, self.world_size))
        parts: list[Any] | None = [None] * self.world_size if self.is_root else None
        self._call("gathering the losses", dist.gather_object, flat[mine], parts, dst=0)
        if parts is None:
            return None
        for rank, values in enumerate(parts):
            share = chunk_share(n_chunks, rank, self.world_size)
            flat[chunk_points(total, chunk_size, share)] = values
        shape = result.loss.shape
        return LandscapeResult(
            loss=flat.reshape(shape, order="F"), alphas=result.alphas, distance=result.distance
        )

    @contextmanager
    def stop_on_sigterm(self) -> Iterator[None]:
        """Turn SIGTERM (torchrun or srun stopping the job) into a :class:`RankError`, so that
        ``finally`` blocks (the sampler's state save) run."""

        def stop(signum: int, _frame: object) -> None:
            raise RankError(
                f"rank {self.rank} of {self.world_size} stopped by signal {signum} "
                "(another rank failed, or the job was cancelled)"
            )

        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers belong to the main thread
            return
        previous = signal.signal(signal.SIGTERM, stop)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)


def _ranges(ranks: list[int]) -> str:
    """``[0, 1, 2, 5]`` as ``0-2, 5``."""
    out, start = [], ranks[0]
    for a, b in zip(ranks, [*ranks[1:], None], strict=True):
        if b != a + 1:
            out.append(f"{start}" if start == a else f"{start}-{a}")
            start = b
    return ", ".join(out)
