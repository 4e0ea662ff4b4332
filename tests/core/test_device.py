"""Device choice: the env override wins; otherwise CUDA, then MPS, then CPU."""

import pytest
import torch

from core import device as device_module
from core.device import ENVIRONMENT_VARIABLE, describe_device, select_device


@pytest.fixture
def machine(monkeypatch):
    """Pretend hardware: set ``machine(cuda=2, mps=False)`` to choose what this machine has."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)

    def configure(cuda: int = 0, mps: bool = False):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
        monkeypatch.setattr(device_module, "_mps_available", lambda: mps)

    return configure


def test_preference_order_without_override(machine):
    machine(cuda=1, mps=True)
    assert select_device() == torch.device("cuda")
    machine(cuda=0, mps=True)
    assert select_device() == torch.device("mps")
    machine(cuda=0, mps=False)
    assert select_device() == torch.device("cpu")


def test_environment_override(machine, monkeypatch):
    machine(cuda=2, mps=True)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "cpu")
    assert select_device() == torch.device("cpu")
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, " CUDA:1 ")
    assert select_device() == torch.device("cuda", 1)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "mps")
    assert select_device() == torch.device("mps")
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "")
    assert select_device() == torch.device("cuda")


def test_override_errors(machine, monkeypatch):
    machine(cuda=1, mps=False)
    for value, error, message in (("tpu", ValueError, "not a device"), ("meta", ValueError, "only cpu"),
                                  ("cuda:3", RuntimeError, "1 CUDA device"), ("mps", RuntimeError, "MPS")):
        monkeypatch.setenv(ENVIRONMENT_VARIABLE, value)
        with pytest.raises(error, match=message):
            select_device()
    machine(cuda=0)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "cuda")
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        select_device()


def test_describe_device(monkeypatch):
    assert describe_device("cpu") == "CPU"
    assert describe_device(torch.device("mps")) == "Apple MPS"
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: f"Test GPU {index}")
    assert describe_device("cuda:1") == "CUDA:1 (Test GPU 1)"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_real_cuda_device(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    assert select_device().type == "cuda"
    assert describe_device(select_device()).startswith("CUDA:0 (")
