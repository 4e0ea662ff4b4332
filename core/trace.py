"""Re-run a torch RNN / LSTM / GRU step by step and keep every gate value.

:func:`trace` takes a real ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (or ``*Cell``) and recomputes its forward pass
one time step at a time with the module's own weights (``core.steps``), in plain differentiable torch ops. The
result (:class:`Trace`) holds the same ``output`` / ``h_n`` / ``c_n`` as the fused module (within 1e-5 in
float32, 1e-10 in float64) plus every gate at every position, layer and direction.

Shape letters::

    L = num_layers      D = 2 if bidirectional else 1      T = seq_len      N = batch size
    H = hidden_size     P = proj_size if proj_size > 0 else hidden_size (LSTM only; P = H otherwise)

Semantics worth knowing:

* Dropout between layers is NOT applied: the trace always computes eval-mode semantics, which equal the
  module's forward in ``eval()`` (or with ``dropout=0``).
* ``lengths`` behaves like ``pack_padded_sequence(..., enforce_sorted=False)``: positions at or past a
  sequence's length give ``output = 0`` and are zero in every gate tensor; ``h_n`` / ``c_n`` come from each
  sequence's last real step; the backward direction starts at each sequence's own last real step from ``h_0``.
* Unbatched inputs give unbatched ``output`` / ``h_n`` / ``c_n`` like the module, but ``gates`` keep a batch
  axis of size 1 so every page can index them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from core.steps import gru_step, lstm_step, rnn_step
from core.weights import LayerWeights, is_cell, layer_weights, module_kind

__all__ = ["Trace", "trace"]


@dataclass(frozen=True)
class Trace:
    """Everything one forward pass computed.

    Attributes:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        output: like the module's output: (T, N, D*P), (N, T, D*P) when batch_first, (T, D*P) unbatched;
            (N, P) / (P,) for a *Cell module (its new hidden state).
        h_n: (L*D, N, P) or (L*D, P) unbatched; the new hidden state for a *Cell module.
        c_n: (L*D, N, H) like h_n for an LSTM, else ``None``.
        gates: name -> (L, D, T, N, H), indexed by sequence position for both directions. LSTM:
            ``input, forget, candidate, output, cell, hidden`` (``hidden`` is (…, P)); GRU: ``reset, update,
            new, hidden``; RNN: ``hidden``; plus the pre-activations ``pre_<gate>`` (RNN: ``pre_hidden``).
            *Cell modules: L = D = T = 1.
        lengths: the (N,) lengths used for masking, or ``None``.
        step_hidden: ``step_hidden[layer][direction][t]`` is the very (N, P) tensor carried from position t to
            the next step (the graph node autograd differentiates through); ``core.gradients`` uses it.
        step_cell: the same for the LSTM cell state; empty for RNN / GRU.
    """

    kind: str
    output: Tensor
    h_n: Tensor
    c_n: Tensor | None
    gates: dict[str, Tensor]
    lengths: Tensor | None = None
    step_hidden: tuple = field(default=(), repr=False, compare=False)
    step_cell: tuple = field(default=(), repr=False, compare=False)

    @property
    def num_layers(self) -> int:
        return self.gates["hidden"].shape[0]

    @property
    def num_directions(self) -> int:
        return self.gates["hidden"].shape[1]

    @property
    def seq_len(self) -> int:
        return self.gates["hidden"].shape[2]

    def gate(self, name: str, layer: int = 0, direction: int = 0, sample: int = 0) -> Tensor:
        """One gate's values for one sample, (T, H): rows are sequence positions."""
        if name not in self.gates:
            raise KeyError(f"no gate {name!r} in a {self.kind} trace; available: {sorted(self.gates)}")
        return self.gates[name][layer, direction, :, sample]  # (seq_len, hidden)


def trace(module: nn.Module, inputs: Tensor, state=None, lengths=None) -> Trace:
    """Recompute ``module(inputs, state)`` step by step and return a :class:`Trace`.

    Args:
        module: nn.RNN / nn.LSTM / nn.GRU (any num_layers, bidirectional, batch_first, bias, tanh/relu,
            LSTM proj_size) or nn.RNNCell / nn.LSTMCell / nn.GRUCell.
        inputs: (T, N, H_in), (N, T, H_in) if batch_first, or (T, H_in) unbatched; a cell takes
            (N, H_in) or (H_in,).
        state: optional, as the module takes it: h_0 (L*D, N, P), or ``(h_0, c_0)`` for an LSTM with
            c_0 (L*D, N, H); zeros when omitted. A cell takes h (N, H) or ``(h, c)``.
        lengths: optional (N,) ints in [1, T]: the real length of each padded sequence.
    """
    kind = module_kind(module)
    if is_cell(module):
        if lengths is not None:
            raise ValueError("lengths only apply to whole-sequence modules, not to a *Cell")
        return _trace_cell(module, kind, inputs, state)

    batched = _check_input(module, inputs)
    x = inputs if batched else inputs.unsqueeze(1)
    if batched and module.batch_first:
        x = x.transpose(0, 1)
    seq_len, batch_size = x.shape[0], x.shape[1]  # x: (seq_len, batch, input)
    num_directions = 2 if module.bidirectional else 1
    projected_size = getattr(module, "proj_size", 0) or module.hidden_size
    hidden_0, cell_0 = _initial_state(module, kind, state, batched, x, num_directions, projected_size)
    mask = _length_mask(lengths, seq_len, batch_size, x.device)  # (seq_len, batch, 1) or None

    layer_input = x  # (seq_len, batch, input)
    final_hidden, final_cell, layer_gates, step_hidden, step_cell = [], [], [], [], []
    for layer in range(module.num_layers):
        direction_outputs, direction_gates, layer_hidden, layer_cell = [], [], [], []
        for direction in range(num_directions):
            index = layer * num_directions + direction
            run = _run_direction(
                module, kind, layer_input, layer_weights(module, layer, direction), mask, reverse=direction == 1,
                hidden=hidden_0[index], cell=None if cell_0 is None else cell_0[index],
            )
            output, gates, hidden_steps, cell_steps, hidden, cell = run
            direction_outputs.append(output)
            direction_gates.append(gates)
            layer_hidden.append(hidden_steps)
            layer_cell.append(cell_steps)
            final_hidden.append(hidden)
            final_cell.append(cell)
        layer_input = torch.cat(direction_outputs, dim=-1)  # (seq_len, batch, D*P)
        layer_gates.append({name: torch.stack([g[name] for g in direction_gates]) for name in direction_gates[0]})
        step_hidden.append(tuple(layer_hidden))
        step_cell.append(tuple(layer_cell))

    gates = {name: torch.stack([g[name] for g in layer_gates]) for name in layer_gates[0]}  # (L, D, T, N, H)
    output = layer_input  # (seq_len, batch, D*P)
    h_n = torch.stack(final_hidden)  # (L*D, batch, P)
    c_n = torch.stack(final_cell) if kind == "lstm" else None  # (L*D, batch, H)
    if batched and module.batch_first:
        output = output.transpose(0, 1)  # (batch, seq_len, D*P)
    if not batched:
        output, h_n = output.squeeze(1), h_n.squeeze(1)
        c_n = None if c_n is None else c_n.squeeze(1)
    return Trace(
        kind=kind, output=output, h_n=h_n, c_n=c_n, gates=gates,
        lengths=None if mask is None else mask.squeeze(-1).sum(0),
        step_hidden=tuple(step_hidden), step_cell=tuple(step_cell) if kind == "lstm" else (),
    )


def _run_direction(module, kind: str, layer_input: Tensor, weights: LayerWeights, mask: Tensor | None,
                   reverse: bool, hidden: Tensor, cell: Tensor | None):
    """One layer, one direction. Returns (output (T, N, P), gates name -> (T, N, H), per-step hidden tensors,
    per-step cell tensors, final hidden (N, P), final cell (N, H) or None)."""
    seq_len = layer_input.shape[0]
    positions = range(seq_len - 1, -1, -1) if reverse else range(seq_len)
    outputs: list[Tensor | None] = [None] * seq_len
    records: list[dict[str, Tensor] | None] = [None] * seq_len
    hidden_steps: list[Tensor | None] = [None] * seq_len
    cell_steps: list[Tensor | None] = [None] * seq_len
    for t in positions:
        if kind == "lstm":
            step = lstm_step(layer_input[t], hidden, cell, weights)
        elif kind == "gru":
            step = gru_step(layer_input[t], hidden, weights)
        else:
            step = rnn_step(layer_input[t], hidden, weights, module.nonlinearity)
        if mask is None:
            hidden, cell = step["hidden"], step.get("cell")
            outputs[t] = hidden
        else:
            # Past a sequence's end the state is carried unchanged (a packed sequence never visits it), so the
            # backward direction really starts at each sequence's own last step from h_0.
            real = mask[t]  # (batch, 1)
            hidden = torch.where(real, step["hidden"], hidden)  # (batch, P)
            if kind == "lstm":
                cell = torch.where(real, step["cell"], cell)  # (batch, H)
            step = {name: torch.where(real, value, torch.zeros_like(value)) for name, value in step.items()}
            outputs[t] = step["hidden"]
        records[t] = step
        hidden_steps[t], cell_steps[t] = hidden, cell
    gates = {name: torch.stack([record[name] for record in records]) for name in records[0]}  # (T, N, H)
    output = torch.stack(outputs)  # (seq_len, batch, P)
    return output, gates, tuple(hidden_steps), tuple(cell_steps) if kind == "lstm" else (), hidden, cell


def _trace_cell(module: nn.RNNCellBase, kind: str, inputs: Tensor, state) -> Trace:
    if inputs.dim() not in (1, 2):
        raise ValueError(f"{type(module).__name__} expects (batch, input_size) or (input_size,) inputs, "
                         f"got shape {tuple(inputs.shape)}")
    if inputs.shape[-1] != module.input_size:
        raise ValueError(f"inputs have {inputs.shape[-1]} features but the cell's input_size is {module.input_size}")
    batched = inputs.dim() == 2
    x = inputs if batched else inputs.unsqueeze(0)  # (batch, input)
    zeros = x.new_zeros(x.shape[0], module.hidden_size)  # (batch, hidden)
    if state is None:
        hidden, cell = zeros, (zeros if kind == "lstm" else None)
    else:
        hidden, cell = state if kind == "lstm" else (state, None)
        if not batched:
            hidden = hidden.unsqueeze(0)
            cell = None if cell is None else cell.unsqueeze(0)
    for name, value in (("hidden", hidden), ("cell", cell)):
        if value is not None and value.shape != zeros.shape:
            raise ValueError(f"{name} state has shape {tuple(value.shape)}, expected {tuple(zeros.shape)}")
    weights = layer_weights(module)
    if kind == "lstm":
        step = lstm_step(x, hidden, cell, weights)
    elif kind == "gru":
        step = gru_step(x, hidden, weights)
    else:
        step = rnn_step(x, hidden, weights, module.nonlinearity)
    gates = {name: value[None, None, None] for name, value in step.items()}  # (1, 1, 1, batch, hidden)
    new_hidden, new_cell = step["hidden"], step.get("cell")
    if not batched:
        new_hidden = new_hidden.squeeze(0)
        new_cell = None if new_cell is None else new_cell.squeeze(0)
    return Trace(kind=kind, output=new_hidden, h_n=new_hidden, c_n=new_cell, gates=gates,
                 step_hidden=(((step["hidden"],),),),
                 step_cell=(((step["cell"],),),) if kind == "lstm" else ())


def _check_input(module: nn.RNNBase, inputs: Tensor) -> bool:
    """Validate the sequence input; True when it is batched."""
    if not isinstance(inputs, Tensor) or not inputs.is_floating_point():
        raise TypeError("inputs must be a floating-point tensor")
    if inputs.dim() not in (2, 3):
        raise ValueError(f"{type(module).__name__} expects 3-D (batched) or 2-D (unbatched) inputs, "
                         f"got shape {tuple(inputs.shape)}")
    if inputs.shape[-1] != module.input_size:
        raise ValueError(f"inputs have {inputs.shape[-1]} features but the module's input_size is "
                         f"{module.input_size}")
    if inputs.shape[1 if inputs.dim() == 3 and module.batch_first else 0] == 0:
        raise ValueError("inputs have zero time steps")
    return inputs.dim() == 3


def _initial_state(module, kind, state, batched, x, num_directions, projected_size):
    """(h_0 (L*D, N, P), c_0 (L*D, N, H) or None), zeros where not given."""
    batch_size = x.shape[1]
    num_states = module.num_layers * num_directions
    hidden_shape = (num_states, batch_size, projected_size)
    cell_shape = (num_states, batch_size, module.hidden_size)
    if kind == "lstm":
        hidden, cell = (None, None) if state is None else state
    else:
        if isinstance(state, (tuple, list)):
            raise TypeError(f"{type(module).__name__} takes a single h_0 tensor as state, not a tuple")
        hidden, cell = state, None
    if hidden is not None and not batched:
        hidden, cell = hidden.unsqueeze(1), None if cell is None else cell.unsqueeze(1)
    hidden = x.new_zeros(hidden_shape) if hidden is None else hidden
    if kind == "lstm":
        cell = x.new_zeros(cell_shape) if cell is None else cell
    for name, value, shape in (("h_0", hidden, hidden_shape), ("c_0", cell, cell_shape)):
        if value is not None and tuple(value.shape) != shape:
            raise ValueError(f"{name} has shape {tuple(value.shape)}, expected {shape} "
                             "(num_layers * num_directions, batch, size)")
    return hidden, cell


def _length_mask(lengths, seq_len: int, batch_size: int, device) -> Tensor | None:
    """(seq_len, batch, 1) booleans, True at real (non-padding) positions; None without lengths."""
    if lengths is None:
        return None
    lengths = torch.as_tensor(lengths, device=device).reshape(-1)
    if lengths.is_floating_point() or lengths.numel() != batch_size:
        raise ValueError(f"lengths must be {batch_size} integers (one per sequence), got {tuple(lengths.shape)}")
    if bool((lengths < 1).any()) or bool((lengths > seq_len).any()):
        raise ValueError(f"every length must be between 1 and seq_len={seq_len}, got {lengths.tolist()}")
    positions = torch.arange(seq_len, device=device)  # (seq_len,)
    return (positions[:, None] < lengths[None, :])[..., None]  # (seq_len, batch, 1)
