"""The text classifier: embedding -> (bidirectional) LSTM / GRU / RNN -> pooling -> linear."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
POOLINGS = ("last", "max", "mean")


@dataclass(frozen=True)
class ClassifierConfig:
    """Shape of a `TextClassifier`; saved in every bundle so the weights can be checked against it."""

    vocab_size: int  # tokens in the vocabulary, <pad> (id 0) and <unk> (id 1) included
    num_classes: int  # labels the classifier chooses between
    cell: str = "lstm"  # "lstm", "gru" or "rnn" (tanh)
    bidirectional: bool = True  # also read the text right-to-left; the two readings are concatenated
    num_layers: int = 1  # stacked recurrent layers
    embed_size: int = 128  # size of each token's embedding vector
    hidden_size: int = 128  # hidden state size per direction
    dropout: float = 0.3  # on the pooled features (and between stacked layers)
    pooling: str = "max"  # "last" final states, "max" / "mean" over every real token's output

    def __post_init__(self):
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {self.cell!r}")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {self.pooling!r}")
        for name in ("vocab_size", "num_layers", "embed_size", "hidden_size"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)!r}")
        if self.vocab_size < 2:
            raise ValueError("vocab_size counts <pad> and <unk>, so it is at least 2")
        if not isinstance(self.num_classes, int) or self.num_classes < 2:
            raise ValueError(f"num_classes must be an integer >= 2, got {self.num_classes!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def feature_size(self) -> int:
        """Size of the pooled vector the linear layer reads."""
        return self.hidden_size * self.num_directions

    def to_dict(self) -> dict:
        return asdict(self)


class TextClassifier(nn.Module):
    r"""Classifies token-id sequences of different lengths.

    .. math::
        e_t = E[x_t], \qquad o_t = \mathrm{RNN}(e_1 \dots e_T)_t
        = [\overrightarrow{h}_t ; \overleftarrow{h}_t], \qquad
        \text{logits} = W\,\mathrm{dropout}(\mathrm{pool}(o_1 \dots o_T)) + b

    The recurrent layer runs over a *packed* sequence, so padding is neither computed nor read:
    each text's forward final state is taken at its own last token, and the backward direction
    starts at that token too. The logits of a text do not depend on how much padding its batch has.

    Pooling:
        - ``last``: :math:`[\overrightarrow{h}_T ; \overleftarrow{h}_1]`, the top layer's final state
          of each direction (the backward final state is the one that has read the whole text).
        - ``max`` / ``mean``: element-wise max / mean of :math:`o_t` over the text's real tokens.

    Shapes (N = batch size, L = longest text in the batch, E = embed_size, H = hidden_size,
    D = 2 if bidirectional else 1, C = num_classes):
        - token_ids: (N, L) int64, padded with 0; lengths: (N,) int64, every length >= 1
        - embedded: (N, L, E); outputs: (N, L, D*H); pooled: (N, D*H); logits: (N, C)

    Attributes:
        embedding: ``nn.Embedding(vocab_size, embed_size, padding_idx=0)`` (row 0 stays zero)
        rnn: ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` with ``batch_first=True``; ``core.trace.trace``
            re-runs it step by step for the gate heatmaps
        classifier: ``nn.Linear(D*H, C)``
    """

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_size, padding_idx=0)
        self.rnn = CELLS[config.cell](
            input_size=config.embed_size,
            hidden_size=config.hidden_size,
            num_layers=config.num_layers,
            batch_first=True,
            bidirectional=config.bidirectional,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(config.feature_size, config.num_classes)

    def forward(self, token_ids: Tensor, lengths: Tensor) -> Tensor:
        """Logits (N, C) for padded token ids (N, L) and their lengths (N,)."""
        return self.forward_embedded(self.embedding(token_ids), lengths)  # (N, L, E) in

    def forward_embedded(self, embedded: Tensor, lengths: Tensor) -> Tensor:
        """Logits from embeddings (N, L, E): the entry point attribution methods differentiate."""
        return self.classifier(self.dropout(self.features(embedded, lengths)))  # (N, C)

    def features(self, embedded: Tensor, lengths: Tensor) -> Tensor:
        """Pooled recurrent features (N, D*H) before dropout and the linear layer."""
        lengths_cpu = lengths.detach().to("cpu", torch.int64)  # packing wants lengths on the CPU
        packed = pack_padded_sequence(embedded, lengths_cpu, batch_first=True, enforce_sorted=False)
        packed_outputs, state = self.rnn(packed)
        if self.config.pooling == "last":
            hidden_n = state[0] if isinstance(state, tuple) else state  # (num_layers*D, N, H)
            top = hidden_n[-self.config.num_directions:]  # (D, N, H): forward, then backward
            return torch.cat(list(top), dim=-1)  # (N, D*H)
        outputs, _ = pad_packed_sequence(packed_outputs, batch_first=True,
                                         total_length=embedded.shape[1])  # (N, L, D*H), zeros past ends
        positions = torch.arange(embedded.shape[1], device=embedded.device)  # (L,)
        mask = positions[None, :] < lengths.to(embedded.device)[:, None]  # (N, L)
        if self.config.pooling == "max":
            outputs = outputs.masked_fill(~mask[..., None], float("-inf"))
            return outputs.max(dim=1).values  # (N, D*H)
        counts = mask.sum(dim=1, keepdim=True).to(outputs.dtype)  # (N, 1)
        return outputs.sum(dim=1) / counts  # (N, D*H); padded outputs are zero, so the sum is exact


def count_parameters(config: ClassifierConfig) -> int:
    """Number of weights a `TextClassifier(config)` has, computed without building it.

    Lets a bundle loader refuse an absurd configuration before allocating any memory.
    """
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[config.cell]
    total = config.vocab_size * config.embed_size
    for layer in range(config.num_layers):
        layer_input = config.embed_size if layer == 0 else config.feature_size
        per_direction = gates * config.hidden_size * (layer_input + config.hidden_size + 2)
        total += per_direction * config.num_directions
    return total + config.feature_size * config.num_classes + config.num_classes
