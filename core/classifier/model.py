"""The text classifier: embedding -> (bidirectional) LSTM / GRU / RNN -> pooling -> linear, plus (wide & deep) a
sparse linear path over the text's hashed word and character n-grams."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
POOLINGS = ("last", "max", "mean", "max_mean")
BIGRAM_PRIME = 1_000_003  # spreads (previous, current) id pairs over the buckets
_WEIGHT_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")  # one layer, one direction of nn.LSTM/GRU/RNN


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
    pooling: str = "max"  # "last" final states, "max" / "mean" over every real token's output, or "max_mean" both
    bigram_buckets: int = 0  # hashed (previous, current) token-pair embeddings added to each token's; 0: none
    embedding_dropout: float = 0.0  # dropout on the input vectors (token + pair embeddings) while training
    subword_buckets: int = 0  # rows of hashed character n-gram embeddings (row 0: padding); 0: none
    wide: bool = False  # the linear layer also reads the mean of the input vectors (a bag of embeddings)
    ngram_buckets: int = 0  # rows of the sparse linear path over hashed word/character n-grams (row 0: padding)

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
        if not 0.0 <= self.dropout < 1.0 or not 0.0 <= self.embedding_dropout < 1.0:
            raise ValueError(f"dropout and embedding_dropout must be in [0, 1), got {self.dropout!r}, "
                             f"{self.embedding_dropout!r}")
        if not isinstance(self.bigram_buckets, int) or self.bigram_buckets < 0:
            raise ValueError(f"bigram_buckets must be an integer >= 0, got {self.bigram_buckets!r}")
        if not isinstance(self.subword_buckets, int) or self.subword_buckets < 0 or self.subword_buckets == 1:
            raise ValueError(f"subword_buckets must be 0 or an integer >= 2, got {self.subword_buckets!r}")
        if not isinstance(self.ngram_buckets, int) or self.ngram_buckets < 0 or self.ngram_buckets == 1:
            raise ValueError(f"ngram_buckets must be 0 or an integer >= 2, got {self.ngram_buckets!r}")
        if not isinstance(self.wide, bool):
            raise ValueError(f"wide must be True or False, got {self.wide!r}")

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def feature_size(self) -> int:
        """Size of one position's output vector (what a stacked layer reads): D*H."""
        return self.hidden_size * self.num_directions

    @property
    def pooled_size(self) -> int:
        """Size of the pooled vector the linear layer reads: D*H, or 2*D*H for "max_mean"."""
        return self.feature_size * (2 if self.pooling == "max_mean" else 1)

    def to_dict(self) -> dict:
        return asdict(self)


class TextClassifier(nn.Module):
    r"""Classifies token-id sequences of different lengths.

    .. math::
        e_t = E[x_t] + B[(x_{t-1} \cdot P + x_t) \bmod K] + \frac{1}{|G_t|} \sum_{g \in G_t} Z[g], \qquad
        o_t = \mathrm{RNN}(e_1 \dots e_T)_t
        = [\overrightarrow{h}_t ; \overleftarrow{h}_t], \qquad
        \text{logits} = W\,\mathrm{dropout}(\mathrm{pool}(o_1 \dots o_T)) + b
        \;\Big[ + U\,\frac{1}{T} \sum_{t=1}^{T} e_t \Big]_{\text{wide}}
        \;\Big[ + \frac{1}{\sqrt{|F|}} \sum_{f \in F} V[f] \Big]_{\text{n-grams}}

    The second term (``bigram_buckets`` = K > 0, P a large prime, x_0 = <pad>) gives every pair of neighbouring
    tokens its own vector, hashed into K rows: for Chinese, read one character at a time, the pair is often the
    word (酒店, 服务); for English a short phrase ("not good"). Without it the recurrent layer must learn every
    pair from single-character embeddings, which small datasets do not teach well.

    The third term (``subword_buckets`` > 0) is fastText's subword vector: :math:`G_t` holds the hashed buckets of
    token t's character 2–4-grams (core.textdata.subwords; empty for a one-character token, so the term is 0). A
    word the vocabulary lacks reads as ``<unk>`` plus its n-grams, so "freee" and "winner!!" still look like
    "free" and "winner"; word dropout trains exactly that reading.

    The bracketed term (``wide``) is fastText's bag of embeddings beside the recurrent features: U (C x E, no
    bias, starting at zero) reads the mean of the text's input vectors, the same :math:`e_t` the recurrent layer
    reads. It is a linear model of which tokens occur, which a small training set teaches in a few steps; the
    recurrent path adds what order and context say. Explanations (``forward_embedded``) include both paths, and
    the gate traces show the recurrent one.

    The last bracketed term (``ngram_buckets`` > 0) is the "wide" half of wide & deep (Cheng et al., 2016): F holds
    the distinct buckets of the text's word 1–2-grams and character 1–4-grams (core.textdata.ngrams, the features of
    the TF-IDF baseline, read from the whole text), and V (``ngram_buckets`` x C, starting at zero) gives each one
    a vector of logits. Their sum over :math:`\sqrt{|F|}` is V applied to the L2-normalised binary feature vector,
    as the baseline's logistic regression reads its TF-IDF rows: a linear model that sees every n-gram whatever the
    vocabulary kept, while the recurrent path adds what order and context say. Training gives it a higher learning
    rate and its own cross-entropy (core.classifier.settings, NGRAM_LR_SCALE); explanations
    (core.classifier.explain) attribute the recurrent path and hold these logits fixed.

    Padding is never read: on CUDA the recurrent layer runs over a *packed* sequence
    (``pack_padded_sequence(..., enforce_sorted=False)``); elsewhere each direction runs over the
    padded batch, the backward one over each text reversed in place (faster on a CPU, same numbers).
    Either way each text's forward final state is taken at its own last token and the backward
    direction starts there, so the logits of a text do not depend on how much padding its batch has.

    Pooling:
        - ``last``: :math:`[\overrightarrow{h}_T ; \overleftarrow{h}_1]`, the top layer's final state
          of each direction (the backward final state is the one that has read the whole text).
        - ``max`` / ``mean``: element-wise max / mean of :math:`o_t` over the text's real tokens.
        - ``max_mean``: both side by side, :math:`[\max_t o_t ; \frac1T \sum_t o_t]` (2*D*H features).

    ``embedding_dropout`` zeroes input values at random while training (identity in eval mode).

    Shapes (N = batch size, L = longest text in the batch, E = embed_size, H = hidden_size,
    D = 2 if bidirectional else 1, C = num_classes):
        - token_ids: (N, L) int64, padded with 0; lengths: (N,) int64, every length >= 1
        - subword_ids: (N, L, S) int64 n-gram buckets per token, padded with 0 (S = most n-grams of a token)
        - ngram_ids: (N, F) int64 n-gram buckets per text, padded with 0 (F = most n-grams of a text in the batch)
        - embedded: (N, L, E); outputs: (N, L, D*H); pooled: (N, D*H), (N, 2*D*H) for max_mean; bag: (N, E);
          logits: (N, C)

    Attributes:
        embedding: ``nn.Embedding(vocab_size, embed_size, padding_idx=0)`` (row 0 stays zero)
        bigrams: ``nn.Embedding(bigram_buckets, embed_size)`` when bigram_buckets > 0
        subwords: ``nn.EmbeddingBag(subword_buckets, embed_size, mode="mean", padding_idx=0)`` when
            subword_buckets > 0 (row 0 stays zero and out of the mean)
        rnn: ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` with ``batch_first=True``; ``core.trace.trace``
            re-runs it step by step for the gate heatmaps
        classifier: ``nn.Linear(pooled size, C)``
        wide: ``nn.Linear(E, C, bias=False)`` when ``wide`` (U above)
        ngrams: ``nn.EmbeddingBag(ngram_buckets, C, mode="sum", padding_idx=0)`` when ngram_buckets > 0 (V above;
            row 0 stays zero)
    """

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_size, padding_idx=0)
        if config.bigram_buckets:
            self.bigrams = nn.Embedding(config.bigram_buckets, config.embed_size)
            nn.init.normal_(self.bigrams.weight, std=0.5)  # the token's own vector stays the larger part
        self.rnn = CELLS[config.cell](
            input_size=config.embed_size,
            hidden_size=config.hidden_size,
            num_layers=config.num_layers,
            batch_first=True,
            bidirectional=config.bidirectional,
            dropout=config.dropout if config.num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(config.dropout)
        self.embedding_dropout = nn.Dropout(config.embedding_dropout)
        self.classifier = nn.Linear(config.pooled_size, config.num_classes)
        if config.subword_buckets:
            # Made last, so every other weight starts as it would without n-grams (same seed, same draws): on
            # text with few multi-character tokens (Chinese) the model is then nearly the one without them.
            # Mean over a token's n-grams; bucket 0 (padding) is left out of the mean and never trained.
            self.subwords = nn.EmbeddingBag(config.subword_buckets, config.embed_size, mode="mean", padding_idx=0)
        if config.wide:
            # Starts at zero: the first steps are the recurrent model's, and the bag's weights grow only as far as
            # they help. Made after every other layer, so they all start as they would without it.
            self.wide = nn.Linear(config.embed_size, config.num_classes, bias=False)
            nn.init.zeros_(self.wide.weight)
        if config.ngram_buckets:
            # One logit vector per hashed n-gram, starting at zero (the first steps are the recurrent model's).
            # Made last, so every other weight starts as it would without it.
            self.ngrams = nn.EmbeddingBag(config.ngram_buckets, config.num_classes, mode="sum", padding_idx=0)
            nn.init.zeros_(self.ngrams.weight)

    def forward(self, token_ids: Tensor, lengths: Tensor, subword_ids: Tensor | None = None,
                ngram_ids: Tensor | None = None) -> Tensor:
        """Logits (N, C) for padded token ids (N, L), their lengths (N,) and, when the model has an n-gram
        table, each token's n-gram buckets (N, L, S) (core.classifier.batching.collate_subwords); with a
        linear n-gram path, each text's n-gram buckets (N, F) padded with 0 (collate_ngrams)."""
        logits = self.forward_embedded(self.embed(token_ids, subword_ids), lengths)
        if self.config.ngram_buckets:
            logits = logits + self.linear_logits(ngram_ids)
        return logits

    def linear_logits(self, ngram_ids: Tensor | None) -> Tensor:
        """The sparse linear path (N, C): the sum of each text's n-gram rows over the square root of their count
        (an L2-normalised binary feature vector times V); 0 for a text with no n-grams."""
        if ngram_ids is None:
            raise ValueError("this model has a linear n-gram path: pass ngram_ids of shape (N, F)")
        present = (ngram_ids != 0).to(self.ngrams.weight.dtype)  # (N, F)
        scale = present.sum(dim=1, keepdim=True).clamp(min=1.0).rsqrt()  # (N, 1)
        return self.ngrams(ngram_ids, per_sample_weights=present * scale)  # (N, C)

    def embed(self, token_ids: Tensor, subword_ids: Tensor | None = None) -> Tensor:
        """Input vectors (N, L, E): token embeddings plus, when configured, hashed token-pair embeddings and the
        mean of the token's hashed character n-gram embeddings (subword_ids (N, L, S), 0 = padding)."""
        embedded = self.embedding(token_ids)  # (N, L, E)
        if self.config.bigram_buckets:
            previous = nn.functional.pad(token_ids[:, :-1], (1, 0), value=0)  # (N, L): <pad> before the first
            embedded = embedded + self.bigrams((previous * BIGRAM_PRIME + token_ids) % self.config.bigram_buckets)
        if self.config.subword_buckets:
            if subword_ids is None or subword_ids.shape[:2] != token_ids.shape:
                raise ValueError("this model reads character n-grams: pass subword_ids of shape (N, L, S)")
            batch, length, width = subword_ids.shape
            grams = self.subwords(subword_ids.reshape(batch * length, width))  # (N*L, E); all-padding rows: 0
            embedded = embedded + grams.reshape(batch, length, -1)
        return self.embedding_dropout(embedded)  # identity in eval mode

    def forward_embedded(self, embedded: Tensor, lengths: Tensor) -> Tensor:
        """Logits from embeddings (N, L, E): the entry point attribution methods differentiate."""
        logits = self.classifier(self.dropout(self.features(embedded, lengths)))  # (N, C)
        if self.config.wide:
            logits = logits + self.wide(self.bag(embedded, lengths))
        return logits

    def bag(self, embedded: Tensor, lengths: Tensor) -> Tensor:
        """Mean of each text's input vectors over its real tokens (N, E): what the wide path reads."""
        lengths = lengths.to(embedded.device)
        mask = torch.arange(embedded.shape[1], device=embedded.device)[None, :] < lengths[:, None]  # (N, L)
        return (embedded * mask[..., None]).sum(dim=1) / lengths[:, None].to(embedded.dtype)  # (N, E)

    def features(self, embedded: Tensor, lengths: Tensor, packed: bool | None = None) -> Tensor:
        """Pooled recurrent features (N, D*H), or (N, 2*D*H) for "max_mean", before dropout and the linear layer.

        packed: run over a packed sequence (True) or per direction over the padded batch (False);
        None picks packed on CUDA and per-direction elsewhere. Both give the same numbers.
        """
        if packed is None:
            packed = embedded.device.type == "cuda"
        lengths = lengths.to(embedded.device)
        run = self._run_packed if packed else self._run_per_direction
        outputs, finals = run(embedded, lengths)  # (N, L, D*H) zero past each end; (N, D*H)
        if self.config.pooling == "last":
            return finals
        positions = torch.arange(embedded.shape[1], device=embedded.device)  # (L,)
        mask = positions[None, :] < lengths[:, None]  # (N, L)
        pooled = []
        if self.config.pooling in ("max", "max_mean"):
            pooled.append(outputs.masked_fill(~mask[..., None], float("-inf")).max(dim=1).values)  # (N, D*H)
        if self.config.pooling in ("mean", "max_mean"):
            pooled.append(outputs.sum(dim=1) / lengths[:, None].to(outputs.dtype))  # (N, D*H)
        return pooled[0] if len(pooled) == 1 else torch.cat(pooled, dim=-1)  # (N, D*H) or (N, 2*D*H)

    def _run_packed(self, embedded: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        """The whole stack in one call over a packed sequence (cuDNN's fastest path)."""
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_outputs, state = self.rnn(packed)
        outputs, _ = pad_packed_sequence(packed_outputs, batch_first=True,
                                         total_length=embedded.shape[1])  # (N, L, D*H), zeros past ends
        hidden_n = state[0] if isinstance(state, tuple) else state  # (num_layers*D, N, H)
        finals = torch.cat(list(hidden_n[-self.config.num_directions:]), dim=-1)  # (N, D*H)
        return outputs, finals

    def _run_per_direction(self, embedded: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        """Each layer and direction over the padded batch with `self.rnn`'s own weights.

        On a CPU a packed sequence whose texts differ in length runs about half as fast as a plain
        padded batch, and length-bucketed batches carry little padding. The forward direction never
        reads the padding before a real token; the backward direction reads each text reversed in
        place (its own last token first), so it never reads padding either.
        """
        function = {"lstm": torch.lstm, "gru": torch.gru, "rnn": torch.rnn_tanh}[self.config.cell]
        batch_size, seq_len, _ = embedded.shape
        positions = torch.arange(seq_len, device=embedded.device)  # (L,)
        last = (lengths - 1)[:, None, None]  # (N, 1, 1): index of each text's last token
        reverse = lengths[:, None] - 1 - positions[None, :]  # (N, L): position t reads position len-1-t
        reverse = torch.where(reverse >= 0, reverse, positions[None, :])  # padding stays where it is
        mask = (positions[None, :] < lengths[:, None])[..., None]  # (N, L, 1)
        hidden_0 = embedded.new_zeros(1, batch_size, self.config.hidden_size)  # (1, N, H)
        state_0 = (hidden_0, hidden_0) if self.config.cell == "lstm" else hidden_0
        layer_input = embedded  # (N, L, E) then (N, L, D*H)
        for layer in range(self.config.num_layers):
            if layer > 0:
                layer_input = nn.functional.dropout(layer_input, self.rnn.dropout, self.training)
            directions, finals = [], []
            for direction in range(self.config.num_directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                weights = [getattr(self.rnn, name + suffix) for name in _WEIGHT_NAMES]
                flip = reverse[..., None].expand_as(layer_input) if direction else None
                source = layer_input.gather(1, flip) if direction else layer_input
                output = function(source, state_0, weights, True, 1, 0.0, self.training, False, True)[0]  # (N, L, H)
                finals.append(output.gather(1, last.expand(-1, 1, output.shape[-1]))[:, 0])  # (N, H)
                directions.append(output.gather(1, reverse[..., None].expand_as(output)) if direction else output)
            layer_input = torch.cat(directions, dim=-1) * mask  # (N, L, D*H), zero past each end
        return layer_input, torch.cat(finals, dim=-1)


def count_parameters(config: ClassifierConfig) -> int:
    """Number of weights a `TextClassifier(config)` has, computed without building it.

    Lets a bundle loader refuse an absurd configuration before allocating any memory.
    """
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[config.cell]
    total = (config.vocab_size + config.bigram_buckets + config.subword_buckets) * config.embed_size
    for layer in range(config.num_layers):
        layer_input = config.embed_size if layer == 0 else config.feature_size
        per_direction = gates * config.hidden_size * (layer_input + config.hidden_size + 2)
        total += per_direction * config.num_directions
    wide = config.embed_size * config.num_classes if config.wide else 0
    ngrams = config.ngram_buckets * config.num_classes
    return total + config.pooled_size * config.num_classes + config.num_classes + wide + ngrams
