"""One time step of each recurrent cell, in plain torch ops, returning every intermediate by name.

Shapes: ``x`` (batch, input_size); ``hidden`` / ``cell`` (batch, hidden_size) — ``hidden`` is
(batch, proj_size) for a projected LSTM. Each function returns ``dict[name, Tensor]`` with every tensor
(batch, hidden_size); the names are the ones :class:`core.trace.Trace` stores in ``gates``.
The weights come from :func:`core.weights.layer_weights` (torch's stacked layout, gate order in
``core.weights.GATE_ORDER``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from core.weights import LayerWeights


def _affine(x: Tensor, hidden: Tensor, weights: LayerWeights) -> tuple[Tensor, Tensor]:
    """``(W_ih x + b_ih, W_hh h + b_hh)``, each (batch, G * hidden_size), kept apart for the GRU."""
    from_input = F.linear(x, weights.weight_ih, weights.bias_ih)  # (batch, G*hidden)
    from_hidden = F.linear(hidden, weights.weight_hh, weights.bias_hh)  # (batch, G*hidden)
    return from_input, from_hidden


def rnn_step(x: Tensor, hidden: Tensor, weights: LayerWeights, nonlinearity: str = "tanh") -> dict[str, Tensor]:
    r"""Elman RNN: :math:`h_t = \phi(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})`, φ = tanh or relu.

    Returns ``pre_hidden`` (the argument of φ) and ``hidden``.
    """
    from_input, from_hidden = _affine(x, hidden, weights)
    pre_hidden = from_input + from_hidden  # (batch, hidden)
    activation = torch.tanh if nonlinearity == "tanh" else torch.relu
    return {"pre_hidden": pre_hidden, "hidden": activation(pre_hidden)}


def lstm_step(x: Tensor, hidden: Tensor, cell: Tensor, weights: LayerWeights) -> dict[str, Tensor]:
    r"""LSTM, torch's equations (gate blocks stacked i, f, g, o)::

        i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)        input gate
        f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)        forget gate
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)     candidate (the tutorial's C̃_t)
        o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)        output gate
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        h_t = o_t ⊙ tanh(c_t)            (times W_hr when proj_size > 0)

    Returns ``pre_input``, ``pre_forget``, ``pre_candidate``, ``pre_output`` (the arguments of σ / tanh),
    ``input``, ``forget``, ``candidate``, ``output``, ``cell`` and ``hidden``.
    """
    from_input, from_hidden = _affine(x, hidden, weights)
    pre_input, pre_forget, pre_candidate, pre_output = (from_input + from_hidden).chunk(4, dim=-1)
    input_gate = torch.sigmoid(pre_input)  # (batch, hidden)
    forget_gate = torch.sigmoid(pre_forget)  # (batch, hidden)
    candidate = torch.tanh(pre_candidate)  # (batch, hidden)
    output_gate = torch.sigmoid(pre_output)  # (batch, hidden)
    new_cell = forget_gate * cell + input_gate * candidate  # (batch, hidden)
    new_hidden = output_gate * torch.tanh(new_cell)  # (batch, hidden)
    if weights.weight_hr is not None:
        new_hidden = F.linear(new_hidden, weights.weight_hr)  # (batch, proj)
    return {
        "pre_input": pre_input, "pre_forget": pre_forget,
        "pre_candidate": pre_candidate, "pre_output": pre_output,
        "input": input_gate, "forget": forget_gate, "candidate": candidate, "output": output_gate,
        "cell": new_cell, "hidden": new_hidden,
    }


def gru_step(x: Tensor, hidden: Tensor, weights: LayerWeights) -> dict[str, Tensor]:
    r"""GRU, torch's equations (gate blocks stacked r, z, n)::

        r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)               reset gate
        z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)               update gate
        n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))    new (candidate) state
        h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}                       z weights the OLD state

    Returns ``pre_reset``, ``pre_update``, ``pre_new`` (the argument of tanh above), ``reset``,
    ``update``, ``new`` and ``hidden``.
    """
    from_input, from_hidden = _affine(x, hidden, weights)
    input_reset, input_update, input_new = from_input.chunk(3, dim=-1)
    hidden_reset, hidden_update, hidden_new = from_hidden.chunk(3, dim=-1)
    pre_reset = input_reset + hidden_reset  # (batch, hidden)
    pre_update = input_update + hidden_update  # (batch, hidden)
    reset_gate = torch.sigmoid(pre_reset)  # (batch, hidden)
    update_gate = torch.sigmoid(pre_update)  # (batch, hidden)
    pre_new = input_new + reset_gate * hidden_new  # (batch, hidden)
    new = torch.tanh(pre_new)  # (batch, hidden)
    new_hidden = (1 - update_gate) * new + update_gate * hidden  # (batch, hidden)
    return {
        "pre_reset": pre_reset, "pre_update": pre_update, "pre_new": pre_new,
        "reset": reset_gate, "update": update_gate, "new": new, "hidden": new_hidden,
    }
