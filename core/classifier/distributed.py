"""Data-parallel training across processes started by ``torchrun`` (DistributedDataParallel).

``torchrun --nproc_per_node N -m core.train DATA …`` starts N copies of the command line with ``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT`` set. Each copy builds the same split, vocabulary and
length-bucketed batches (same seed), then trains on its share of every batch:

    batch b (sorted by length inside its chunk) → rank r reads b[r::N]

so every rank gets texts of similar length (no rank waits for a longer one) and one optimisation step still
sees the whole batch: DDP averages the ranks' gradients, which equals the gradient of the batch's mean loss
when the shares are equal. Weights start equal (DDP broadcasts rank 0's) and receive equal updates, so every
rank validates the same model; decisions (stop, diverged, best epoch) are still agreed explicitly so that no
rank can leave the loop while another waits in an all-reduce. Only rank 0 reports, fits the baseline and
writes the bundle. Backend: gloo on CPU, nccl on CUDA.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch
from torch import distributed as dist
from torch import nn


@dataclass(frozen=True)
class Ranks:
    """This process's place among the training processes (rank 0 of 1 when not distributed)."""

    rank: int = 0
    world_size: int = 1

    @property
    def active(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def share(self, indices: np.ndarray) -> np.ndarray:
        """This rank's texts of one batch (every world_size-th, starting at its rank)."""
        return indices[self.rank::self.world_size]

    def whole_batches(self, batches: list[np.ndarray]) -> list[np.ndarray]:
        """The batches every rank has a share of (a last batch smaller than the world is dropped)."""
        return [batch for batch in batches if len(batch) >= self.world_size] if self.active else batches

    def any(self, flag: bool, device: torch.device) -> bool:
        """True on every rank when it is true on any rank."""
        if not self.active:
            return flag
        value = torch.tensor([1.0 if flag else 0.0], device=device)
        dist.all_reduce(value, op=dist.ReduceOp.MAX)
        return bool(value.item() > 0)

    def agree(self, value: float, device: torch.device) -> float:
        """Rank 0's value on every rank."""
        if not self.active:
            return value
        tensor = torch.tensor([value], dtype=torch.float64, device=device)
        dist.broadcast(tensor, src=0)
        return float(tensor.item())


def start(device: torch.device) -> Ranks:
    """Join the process group torchrun describes in the environment; a single process stays alone."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return Ranks()
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return Ranks(rank=dist.get_rank(), world_size=dist.get_world_size())


def wrap(model: nn.Module, ranks: Ranks, device: torch.device) -> nn.Module:
    """The module the training steps call: DDP around the model when distributed, else the model itself."""
    if not ranks.active:
        return model
    from torch.nn.parallel import DistributedDataParallel

    return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)


def wait_for_all(ranks: Ranks) -> None:
    """Every rank has finished its collective operations (call on success only: a rank that failed never comes).

    Tearing the gloo group down while another rank still had an operation in flight once aborted that rank at exit
    ("terminate called without an active exception", a clean-clone CI run) after training had succeeded."""
    if ranks.active and dist.is_initialized():
        dist.barrier()


def finish(ranks: Ranks) -> None:
    if ranks.active and dist.is_initialized():
        dist.destroy_process_group()


def local_device(name: str | None) -> str | None:
    """Under torchrun on a GPU machine each rank takes its own GPU (LOCAL_RANK); otherwise `name` unchanged."""
    local_rank = os.environ.get("LOCAL_RANK")
    if name is None and local_rank is not None and torch.cuda.is_available():
        return f"cuda:{int(local_rank) % torch.cuda.device_count()}"
    return name
