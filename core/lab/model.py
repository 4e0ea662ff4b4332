r"""The model every lab cell trains: one recurrent layer read out at the last step.

.. math::
    h_1, \dots, h_T = \mathrm{cell}(x_1, \dots, x_T), \qquad \hat y = W_{out} h_T + b_{out}

Shapes: inputs (batch, seq_len, input_size) -> prediction (batch, output_size). The recurrent layer is torch's
own ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (``batch_first=True``), so training uses the fused kernels and the
recordings (``core.trace``) re-run exactly these weights.

Initialisations (``init``):
    default        torch's own: every weight and bias ~ U(-1/√H, 1/√H).
    orthogonal     each gate's W_hh block is a random orthogonal matrix (all singular values 1, so a linear
                   recurrence neither shrinks nor grows a gradient at the start); other weights as default.
    identity       RNN only: W_hh = I and zero biases (Le et al. 2015); h_t starts out copying h_{t-1}.
    forget_bias_1  LSTM only: the forget gate's bias b_if + b_hf = 1, so f_t ≈ σ(1) ≈ 0.73 at the start
                   instead of 0.5 (Jozefowicz et al. 2015): the cell forgets more slowly.
An init that does not apply to a cell leaves it at torch's default; :func:`build_model` says which one was used.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

RECURRENT_MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
APPLIES_TO = {"default": ("rnn", "lstm", "gru"), "orthogonal": ("rnn", "lstm", "gru"),
              "identity": ("rnn",), "forget_bias_1": ("lstm",)}


class LabModel(nn.Module):
    """A recurrent layer (``recurrent``) and a linear readout of its last hidden state (``readout``)."""

    def __init__(self, cell: str, input_size: int, hidden_size: int, output_size: int):
        super().__init__()
        if cell not in RECURRENT_MODULES:
            raise ValueError(f"cell must be one of {tuple(RECURRENT_MODULES)}, got {cell!r}")
        self.cell = cell
        self.recurrent = RECURRENT_MODULES[cell](input_size, hidden_size, batch_first=True)
        self.readout = nn.Linear(hidden_size, output_size)

    def forward(self, inputs: Tensor) -> Tensor:
        output, _ = self.recurrent(inputs)  # (batch, seq_len, hidden)
        return self.readout(output[:, -1])  # (batch, output_size)


def build_model(cell: str, input_size: int, hidden_size: int, output_size: int, init: str,
                seed: int) -> tuple[LabModel, str]:
    """A freshly initialised model and the name of the init it really got (``"default"`` where ``init``
    does not apply to this cell). The same ``seed`` always gives the same weights."""
    if init not in APPLIES_TO:
        raise ValueError(f"init must be one of {tuple(APPLIES_TO)}, got {init!r}")
    # Seeding here, not once per run, gives each cell the same weights whichever cells train beside it.
    torch.manual_seed(seed)
    model = LabModel(cell, input_size, hidden_size, output_size)
    applied = init if cell in APPLIES_TO[init] else "default"
    recurrent = model.recurrent
    with torch.no_grad():
        if applied == "orthogonal":
            for block in recurrent.weight_hh_l0.chunk(_num_gates(cell)):  # (hidden, hidden) views
                nn.init.orthogonal_(block)
        elif applied == "identity":
            recurrent.weight_hh_l0.copy_(torch.eye(hidden_size))  # (hidden, hidden)
            recurrent.bias_ih_l0.zero_()
            recurrent.bias_hh_l0.zero_()
        elif applied == "forget_bias_1":
            # torch adds two biases; the forget block is the second of the four (i, f, g, o).
            recurrent.bias_ih_l0[hidden_size:2 * hidden_size].fill_(1.0)
            recurrent.bias_hh_l0[hidden_size:2 * hidden_size].zero_()
    return model, applied


def _num_gates(cell: str) -> int:
    return {"rnn": 1, "lstm": 4, "gru": 3}[cell]
