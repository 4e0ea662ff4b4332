r"""The shipped lesson model: a learned word table, then the lesson's own recurrent module, then a readout.

Shapes (V = vocabulary size, D = 3, H = 4, O = 2, the step-by-step lessons' sizes)::

    x_t = E[token_t]                               (D,)    E: embedding.weight (V, D)
    h_t = RNN / LSTM / GRU step(x_t, state)        (H,)    the lesson's nn.RNN(3, 4) / nn.LSTM(3, 4) / nn.GRU(3, 4)
    o_t = W_hy h_t + b_y                           (O,)    readout: nn.Linear(4, 2), logits for "was" / "were"
    ŷ_t = softmax(o_t)                             (O,)

The recurrent module is an ordinary torch module with the lesson's sizes, so the lessons run it through the same
trace and the same formulas as their random models: only the weights and the word vectors change.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from core.lessons.trained.grammar import LABELS, VOCABULARY, token_id

KINDS = ("rnn", "lstm", "gru")
INPUT_SIZE, HIDDEN_SIZE = 3, 4  # the step-by-step lessons' D and H (RNNStepConfig, LSTMStepConfig, GRUStepConfig)
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class AgreementModel(nn.Module):
    """Embedding (V, D) → recurrent (D → H) → Linear (H → 2). ``forward`` takes ids (T, N), returns logits (T, N, 2)."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind
        self.embedding = nn.Embedding(len(VOCABULARY), INPUT_SIZE)
        self.recurrent = MODULES[kind](INPUT_SIZE, HIDDEN_SIZE)
        self.readout = nn.Linear(HIDDEN_SIZE, len(LABELS))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        output, _ = self.recurrent(self.embedding(tokens))  # (T, N, H)
        return self.readout(output)  # (T, N, 2)

    def embed(self, tokens: list[str] | tuple[str, ...]) -> torch.Tensor:
        """The word vectors x_1 … x_T for typed tokens, (T, D); unknown words read as ``<unk>``."""
        ids = torch.tensor([token_id(token) for token in tokens], dtype=torch.long)
        return self.embedding.weight.detach()[ids].clone()


def initialise(model: AgreementModel, generator: torch.Generator) -> AgreementModel:
    """Draw every parameter from ``generator``: N(0, 1) word vectors, U(-1/√H, 1/√H) for the rest (torch's rule)."""
    bound = 1.0 / math.sqrt(HIDDEN_SIZE)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.startswith("embedding"):
                parameter.normal_(generator=generator)
            else:
                parameter.uniform_(-bound, bound, generator=generator)
    return model
