"""An LSTM unrolled by hand: a Python loop over time steps and stacked ``nn.LSTMCell`` layers.

It computes exactly what ``nn.LSTM`` computes (same equations, same weight layout), one cell call at a time, so the
loop a textbook draws is the loop that runs. The fused ``nn.LSTM`` does the same work in one kernel call per layer
(cuDNN on a GPU); the code lesson times the two against each other.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class CustomLSTM(nn.Module):
    r"""A multi-layer LSTM written as a loop over ``nn.LSTMCell`` layers.

    For each time step t and layer l (layer 0 reads x_t, layer l > 0 reads layer l-1's new hidden state)::

        i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
        f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
        o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        h_t = o_t ⊙ tanh(c_t)

    Args:
        input_size: features of each x_t.
        hidden_size: features of h_t and c_t.
        num_layers: stacked cells; the top layer's h_t is the output.
        dropout: dropout on each layer's output except the last (active only in training mode, like nn.LSTM).
        bias: whether the cells have the b_ih / b_hh biases.
        batch_first: inputs and outputs are (batch, seq_len, feature) instead of (seq_len, batch, feature).

    Inputs: x, state
        x: (seq_len, batch, input_size), or (batch, seq_len, input_size) when batch_first.
        state: optional ``(h_0, c_0)``, each (num_layers, batch, hidden_size); zeros when omitted.

    Outputs: output, (h_n, c_n)
        output: (seq_len, batch, hidden_size) (batch first when batch_first): the top layer's h_t for every t.
        h_n, c_n: (num_layers, batch, hidden_size): every layer's state after the last step.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, dropout: float = 0.0,
                 bias: bool = True, batch_first: bool = False):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.batch_first = batch_first
        self.cells = nn.ModuleList(
            nn.LSTMCell(input_size if layer == 0 else hidden_size, hidden_size, bias=bias)
            for layer in range(num_layers)
        )
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: Tensor, state: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        if x.dim() != 3:
            raise ValueError(f"CustomLSTM expects 3-D input, got shape {tuple(x.shape)}")
        if self.batch_first:
            x = x.transpose(0, 1)  # (seq_len, batch, input)
        seq_len, batch_size = x.shape[0], x.shape[1]
        if state is None:
            zeros = x.new_zeros(self.num_layers, batch_size, self.hidden_size)  # (layers, batch, hidden)
            state = (zeros, zeros)
        hidden = list(state[0].unbind(0))  # num_layers × (batch, hidden)
        cell = list(state[1].unbind(0))
        outputs = []
        for t in range(seq_len):
            layer_input = x[t]  # (batch, input)
            for layer, lstm_cell in enumerate(self.cells):
                hidden[layer], cell[layer] = lstm_cell(layer_input, (hidden[layer], cell[layer]))
                layer_input = hidden[layer]  # (batch, hidden)
                if layer < self.num_layers - 1:
                    layer_input = self.dropout(layer_input)
            outputs.append(layer_input)
        output = torch.stack(outputs)  # (seq_len, batch, hidden)
        if self.batch_first:
            output = output.transpose(0, 1)  # (batch, seq_len, hidden)
        return output, (torch.stack(hidden), torch.stack(cell))  # each (layers, batch, hidden)

    @classmethod
    def from_lstm(cls, module: nn.LSTM) -> "CustomLSTM":
        """A CustomLSTM holding copies of a unidirectional ``nn.LSTM``'s weights (same dtype and device).

        Both store the gates stacked i, f, g, o, so layer l's ``weight_ih_l{l}`` is cell l's ``weight_ih`` as is.
        """
        if not isinstance(module, nn.LSTM):
            raise TypeError(f"from_lstm needs an nn.LSTM, got {type(module).__name__}")
        if module.bidirectional:
            raise ValueError("CustomLSTM runs one direction; a bidirectional nn.LSTM cannot be copied")
        if module.proj_size:
            raise ValueError("CustomLSTM has no projection; an nn.LSTM with proj_size > 0 cannot be copied")
        with torch.device("meta"):  # every weight is replaced below: draw nothing from torch's global generator
            custom = cls(module.input_size, module.hidden_size, module.num_layers, dropout=module.dropout,
                         bias=module.bias, batch_first=module.batch_first)
        for layer, lstm_cell in enumerate(custom.cells):
            for name in ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if module.bias else ()):
                weights = getattr(module, f"{name}_l{layer}")  # same device and dtype, its own storage
                setattr(lstm_cell, name, nn.Parameter(weights.detach().clone(), requires_grad=weights.requires_grad))
        custom.train(module.training)
        return custom
