r"""The tutorial's text classifier, small enough to print: its forward pass through ``h_n[-2]`` / ``h_n[-1]`` and one
annotated training step, on :class:`core.classifier.model.TextClassifier` itself.

Forward, for a batch of N texts of L tokens (all the same length here, so no padding)::

    e = E[ids]                                  (N, L, E)
    output, (h_n, c_n) = LSTM(e)                output (N, L, 2H), h_n (layers·2, N, H)
    h_n[-2]  = top layer, forward direction, after the last word   = output[:, L-1, :H]
    h_n[-1]  = top layer, backward direction, after the first word = output[:, 0, H:]
    logits = W [h_n[-2]; h_n[-1]] + b           (N, C)

One step: zero_grad → forward → loss → backward → clip_grad_norm_ → step.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from core.classifier.model import ClassifierConfig, TextClassifier
from core.seeding import generator, seeded_module

CONFIG = ClassifierConfig(vocab_size=20, num_classes=3, cell="lstm", bidirectional=True, num_layers=2, embed_size=5,
                          hidden_size=4, dropout=0.0, pooling="last")  # the tutorial's shape, tiny sizes
BATCH, LENGTH = 2, 6
MAX_NORM = 0.5  # clip_grad_norm_'s threshold: below the first step's norm, so the clip shows
LEARNING_RATE = 0.1


@dataclass(frozen=True)
class ClassifierStep:
    shapes: dict[str, tuple[int, ...]]  # name -> shape, in forward order
    forward_final_gap: float   # max |h_n[-2] − output[:, L−1, :H]|
    backward_final_gap: float  # max |h_n[-1] − output[:, 0, H:]|
    features_gap: float        # max |[h_n[-2]; h_n[-1]] − TextClassifier.features(…)|
    zeroed_grad: float         # Σ |grad| right after zero_grad (0)
    loss_before: float         # cross-entropy of the batch before the step
    grad_norm: float           # total gradient norm after backward
    clipped_norm: float        # after clip_grad_norm_(max_norm=MAX_NORM)
    loss_after: float          # the same batch's loss after optimizer.step()


def classifier_step(seed: int = 0) -> ClassifierStep:
    """Build the seeded classifier, run its forward pass by hand and through the class, then one SGD step."""
    model: TextClassifier = seeded_module(lambda: TextClassifier(CONFIG), seed)
    draw = generator(seed + 1)
    ids = torch.randint(2, CONFIG.vocab_size, (BATCH, LENGTH), generator=draw)  # (N, L), no <pad>
    labels = torch.randint(0, CONFIG.num_classes, (BATCH,), generator=draw)  # (N,)
    lengths = torch.full((BATCH,), LENGTH)
    hidden = CONFIG.hidden_size
    with torch.no_grad():
        embedded = model.embedding(ids)  # (N, L, E)
        output, (h_n, _) = model.rnn(embedded)  # (N, L, 2H), (layers·2, N, H)
        features = torch.cat([h_n[-2], h_n[-1]], dim=-1)  # (N, 2H)
        logits = model.classifier(features)  # (N, C)
        reference = model.features(embedded, lengths)  # (N, 2H) the class's own pooling
    shapes = {"ids": ids.shape, "embedded": embedded.shape, "output": output.shape, "h_n": h_n.shape,
              "h_n[-2]": h_n[-2].shape, "features": features.shape, "logits": logits.shape}

    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    optimizer.zero_grad(set_to_none=False)
    zeroed = sum(float(parameter.grad.abs().sum()) for parameter in model.parameters() if parameter.grad is not None)
    loss = nn.functional.cross_entropy(model(ids, lengths), labels)
    loss.backward()
    grad_norm = float(nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM))  # the norm before clipping
    clipped = float(torch.linalg.vector_norm(torch.stack([parameter.grad.norm() for parameter in model.parameters()])))
    optimizer.step()
    with torch.no_grad():
        after = float(nn.functional.cross_entropy(model(ids, lengths), labels))
    return ClassifierStep(
        shapes={name: tuple(shape) for name, shape in shapes.items()},
        forward_final_gap=float((h_n[-2] - output[:, -1, :hidden]).abs().max()),
        backward_final_gap=float((h_n[-1] - output[:, 0, hidden:]).abs().max()),
        features_gap=float((features - reference).abs().max()),
        zeroed_grad=zeroed, loss_before=loss.item(), grad_norm=grad_norm, clipped_norm=clipped, loss_after=after,
    )
