"""Seeded randomness for a server shared by many sessions: every draw comes from a private ``torch.Generator``.

``torch.manual_seed`` sets the process-wide generator; two sessions computing at once would interleave their draws
and each get numbers that depend on the other. Here the seed alone fixes the result.

:func:`seeded_module` builds a module without drawing anything (on the meta device), then fills every parameter
with torch's own default initialisation for its layer type, drawn from a generator keyed by the seed, in the
order torch itself initialises them (submodules before the module that holds them, then registration order).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import TypeVar

import torch
from torch import nn

Module = TypeVar("Module", bound=nn.Module)


def generator(seed: int) -> torch.Generator:
    """A CPU generator seeded with ``seed``: pass it to ``torch.randn(…, generator=…)`` and friends."""
    return torch.Generator().manual_seed(int(seed))


def seeded_module(factory: Callable[[], Module], seed: int) -> Module:
    """``factory()`` with every parameter drawn from ``seed`` by torch's default rule for its layer.

    Layers with parameters must be one of: RNN / LSTM / GRU and their cells (U(−1/√H, 1/√H)), Linear
    (U(−1/√fan_in, 1/√fan_in), weight then bias), Embedding (N(0, 1)), LayerNorm (1 and 0), MultiheadAttention
    (Xavier-uniform in-projection, zero biases). Anything else raises ``TypeError``: no parameter is left to the
    global generator. The module comes back in eval mode.
    """
    with torch.device("meta"):  # constructing draws nothing: the meta device has no values
        module = factory()
    _allocate_on_cpu(module)
    draw = generator(seed)
    filled: set[int] = set()
    with torch.no_grad():
        for layer in _children_first(module):
            for parameter in _initialise(layer, draw):
                filled.add(id(parameter))
    missing = [name for name, parameter in module.named_parameters() if id(parameter) not in filled]
    if missing:
        raise TypeError(f"no seeded initialisation for parameters {missing}")
    return module.eval()


def _allocate_on_cpu(module: nn.Module) -> None:
    """Give every meta parameter real (uninitialised) CPU storage, by plain attribute assignment.

    ``Module.to_empty`` does the same but costs about a second the first time a process calls it; assignment is
    public API, and recurrent layers keep their flat weight list in step through their own ``__setattr__``.
    """
    for layer in module.modules():
        if any(buffer.is_meta for buffer in layer.buffers(recurse=False)):
            raise TypeError(f"no seeded initialisation for the buffers of {type(layer).__name__}")
        for name, parameter in list(layer.named_parameters(recurse=False)):
            setattr(layer, name, nn.Parameter(torch.empty(parameter.shape, dtype=parameter.dtype),
                                              requires_grad=parameter.requires_grad))


def _children_first(module: nn.Module) -> Iterator[nn.Module]:
    for child in module.children():
        yield from _children_first(child)
    yield module


def _initialise(layer: nn.Module, draw: torch.Generator) -> list[torch.Tensor]:
    """Fill ``layer``'s own parameters as its ``reset_parameters`` would; returns the tensors it filled."""
    own = list(layer.parameters(recurse=False))
    if isinstance(layer, (nn.RNNBase, nn.RNNCellBase)):
        bound = 1.0 / math.sqrt(layer.hidden_size)
        for parameter in own:
            parameter.uniform_(-bound, bound, generator=draw)
    elif isinstance(layer, nn.Linear):
        bound = 1.0 / math.sqrt(layer.in_features) if layer.in_features else 0.0
        for parameter in own:  # weight (kaiming-uniform with a = √5 gives this bound), then bias
            parameter.uniform_(-bound, bound, generator=draw)
    elif isinstance(layer, nn.Embedding):
        layer.weight.normal_(generator=draw)
        if layer.padding_idx is not None:
            layer.weight[layer.padding_idx].fill_(0)
    elif isinstance(layer, nn.LayerNorm):
        for parameter, value in zip(own, (1.0, 0.0)):
            parameter.fill_(value)
    elif isinstance(layer, nn.MultiheadAttention):
        if not layer._qkv_same_embed_dim:
            raise TypeError("seeded_module supports MultiheadAttention with one in-projection only")
        nn.init.xavier_uniform_(layer.in_proj_weight, generator=draw)
        if layer.in_proj_bias is not None:
            layer.in_proj_bias.zero_()
            layer.out_proj.bias.zero_()  # drawn with out_proj as a Linear, then zeroed like torch does
    elif own:
        raise TypeError(f"no seeded initialisation for {type(layer).__name__}")
    return own
