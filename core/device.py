"""Pick the torch device the app computes on, and describe it in a few words.

Order: the ``RNN_EXPLORER_DEVICE`` environment variable when set (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``),
else CUDA if available, else Apple MPS if available, else CPU. An override naming a device this machine does not
have is an operator mistake, so it fails loudly instead of silently running somewhere else.
"""

from __future__ import annotations

import os

import torch

__all__ = ["ENVIRONMENT_VARIABLE", "select_device", "describe_device"]

ENVIRONMENT_VARIABLE = "RNN_EXPLORER_DEVICE"


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def select_device() -> torch.device:
    """The device to use: the env override if set, else CUDA, then MPS, then CPU.

    Raises:
        ValueError: the override is not a device string torch understands, or not cpu / cuda / mps.
        RuntimeError: the override names a device this machine does not have.
    """
    override = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not override:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(override.lower())
    except RuntimeError as error:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={override!r} is not a device (use cpu, cuda, cuda:N or mps)") from error
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(f"{ENVIRONMENT_VARIABLE}={override!r} but CUDA is not available on this machine")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise RuntimeError(f"{ENVIRONMENT_VARIABLE}={override!r} but only "
                               f"{torch.cuda.device_count()} CUDA device(s) exist")
    elif device.type == "mps":
        if not _mps_available():
            raise RuntimeError(f"{ENVIRONMENT_VARIABLE}={override!r} but Apple MPS is not available on this machine")
    elif device.type != "cpu":
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={override!r}: only cpu, cuda, cuda:N and mps are supported")
    return device


def describe_device(device: torch.device | str) -> str:
    """A short human string: ``"CPU"``, ``"CUDA:0 (NVIDIA H100 80GB HBM3)"``, ``"Apple MPS"``."""
    device = torch.device(device)
    if device.type == "cuda":
        index = torch.cuda.current_device() if device.index is None else device.index
        return f"CUDA:{index} ({torch.cuda.get_device_name(index)})"
    if device.type == "mps":
        return "Apple MPS"
    if device.type == "cpu":
        return "CPU"
    return str(device).upper()
