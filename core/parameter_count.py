"""Where a module's parameters live: every tensor's name, shape and count, and the totals per block.

Shared by lesson 7 (the text classifier's size) and lesson 9 (LSTM against Transformer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from torch import nn


@dataclass(frozen=True)
class ParameterTable:
    """Every parameter tensor of a module: name, shape, count; plus their sum per block."""

    names: tuple[str, ...]  # from named_parameters()
    shapes: tuple[tuple[int, ...], ...]
    counts: tuple[int, ...]
    groups: tuple[str, ...]  # per tensor: "embedding", "rnn.l0", "rnn.l1", …, "classifier"

    @property
    def total(self) -> int:
        return sum(self.counts)

    def group_totals(self) -> dict[str, int]:
        """Parameter count per block, in the module's order."""
        totals: dict[str, int] = {}
        for group, count in zip(self.groups, self.counts):
            totals[group] = totals.get(group, 0) + count
        return totals


def parameter_table(module: nn.Module, root: str | None = None) -> ParameterTable:
    """Read ``module.named_parameters()``, grouped by top-level submodule; recurrent tensors also by layer (both
    directions together). Tensors owned by ``module`` itself are grouped under ``root`` (default: its class name)."""
    root = root or type(module).__name__
    names, shapes, counts, groups = [], [], [], []
    for name, parameter in module.named_parameters():
        names.append(name)
        shapes.append(tuple(parameter.shape))
        counts.append(parameter.numel())
        block = name.split(".")[0] if "." in name else root
        layer = re.search(r"_l(\d+)", name)
        groups.append(f"{block}.l{layer.group(1)}" if layer else block)
    return ParameterTable(tuple(names), tuple(shapes), tuple(counts), tuple(groups))


@dataclass(frozen=True)
class LayerCount:
    """The closed-form parameter count of one LSTM layer (with biases), from its sizes."""

    layer: int  # 0-based layer index
    directions: int  # 2 when bidirectional
    hidden_size: int
    input_size: int  # what the layer reads: embed size for layer 0, directions × hidden above it

    @property
    def count(self) -> int:
        """directions × 4 gates × hidden × (input + hidden + 2): W_ih, W_hh and the two bias vectors per gate."""
        return self.directions * 4 * self.hidden_size * (self.input_size + self.hidden_size + 2)

    @property
    def latex(self) -> str:
        """The count written out with this layer's sizes, e.g. ``L_1: 2 × 4 × 256 × (128 + 256 + 2) = 790{,}528``."""
        return (rf"\text{{L}}_{self.layer + 1}:\; {self.directions} \times 4 \times {self.hidden_size} \times "
                rf"({self.input_size} + {self.hidden_size} + 2) = {self.count:,}".replace(",", "{,}"))


def lstm_layer_counts(lstm: nn.LSTM) -> tuple[LayerCount, ...]:
    """One :class:`LayerCount` per layer, with each layer's input size read off its ``weight_ih``."""
    if not lstm.bias or lstm.proj_size:
        raise ValueError("the closed form covers LSTMs with biases and without projections")
    directions = 2 if lstm.bidirectional else 1
    return tuple(LayerCount(layer, directions, lstm.hidden_size, getattr(lstm, f"weight_ih_l{layer}").shape[1])
                 for layer in range(lstm.num_layers))
