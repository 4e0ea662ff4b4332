r"""How far back a gradient reaches in the shipped lesson models, against the very same models before training.

For a loss read at step T, backpropagation multiplies one step Jacobian per step between T and t. This module
measures the norm of that whole product on a sentence, in float64::

    RNN, GRU:  ‖∂h_T/∂h_t‖₂ = ‖J_T J_{T-1} ⋯ J_{t+1}‖₂       J_k = ∂h_k/∂h_{k-1}   (H, H), H = 4
    LSTM:      ‖∂C_T/∂C_t‖₂                                   every path through the gates (the memory is Cₜ)

for t = 1 … T, once with the trained weights and once with the weights the training started from:
:func:`untrained_model` redraws them with the build script's seed, so "before training" is that exact model, not
some other random one. Words the grammar does not know read as ``<unk>``, as in training.

Arrays are indexed by position t − 1 = 0 … T − 1; entry T − 1 is the identity, norm 1.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from core.gradients import each_through_time, jacobian_products
from core.lessons.trained.build import SEEDS
from core.lessons.trained.grammar import noun_number
from core.lessons.trained.load import trained_model
from core.lessons.trained.network import KINDS, AgreementModel, initialise
from core.lessons.trained.verb_evidence import TUTORIAL_SENTENCE


@dataclass(frozen=True)
class Reach:
    """‖∂s_T/∂s_t‖₂ (s = h, or C for the LSTM) over t = 1 … T, trained and before training."""

    kind: str                 # "rnn", "lstm" or "gru"
    tokens: tuple[str, ...]   # x_1 … x_T: the sentence up to the loss step
    trained: np.ndarray       # (T,) with the shipped weights
    untrained: np.ndarray     # (T,) with the weights training started from

    @property
    def loss_step(self) -> int:
        """T, 1-based."""
        return len(self.tokens)

    def ratio(self, position: int) -> float:
        """trained / untrained at 0-based ``position`` (inf when the untrained chain underflowed to 0)."""
        before, after = float(self.untrained[position]), float(self.trained[position])
        return after / before if before > 0 else float("inf")


def untrained_model(kind: str) -> AgreementModel:
    """The ``kind`` lesson model as training found it: :func:`initialise` with the build script's seed."""
    if kind not in KINDS:
        raise ValueError(f"no lesson model of kind {kind!r}; expected one of {KINDS}")
    return initialise(AgreementModel(kind), torch.Generator().manual_seed(SEEDS[kind])).eval()


def state_reach(model: AgreementModel, tokens: list[str] | tuple[str, ...]) -> np.ndarray:
    """(T,) ‖∂s_T/∂s_t‖₂ for T = len(tokens): the hidden chain (RNN, GRU), the cell chain with every path (LSTM)."""
    if not tokens:
        raise ValueError("the sentence has no tokens")
    recurrent = copy.deepcopy(model.recurrent).double()  # a private float64 copy: the shipped model stays read-only
    inputs = model.embed(tokens).double()  # (T, D)
    if model.kind != "lstm":
        products = jacobian_products(recurrent, inputs)  # (T, H, H) ∂h_T/∂h_t
        return torch.linalg.matrix_norm(products, ord=2).numpy()
    # row j of ∂C_T/∂C_t for every t: the gradient of the loss C_T[j] (all rows from one trace)
    losses = [lambda traced, unit=unit: traced.c_n[0, unit] for unit in range(recurrent.hidden_size)]
    rows = [gradients.cell[:, 0] for gradients in each_through_time(recurrent, inputs, losses)]  # each (T, H)
    jacobians = torch.stack(rows, dim=1)  # (T, H, H)
    return torch.linalg.matrix_norm(jacobians, ord=2).detach().numpy()


def reach(kind: str, tokens: list[str] | tuple[str, ...]) -> Reach:
    """Measure both models on ``tokens`` (the loss is read at the last of them)."""
    tokens = tuple(tokens)
    return Reach(kind=kind, tokens=tokens, trained=state_reach(trained_model(kind), tokens),
                 untrained=state_reach(untrained_model(kind), tokens))


@dataclass(frozen=True)
class TutorialReach:
    """The three models on the tutorial's sentence, read up to its verb: how much reaches the subject."""

    tokens: tuple[str, ...]      # x_1 … x_T, T = the verb ("was")
    subject: int                 # 0-based position of the latest noun before the verb ("cat")
    reaches: tuple[Reach, ...]   # one per kind, in KINDS order

    @property
    def distance(self) -> int:
        """Steps from the subject to the verb."""
        return len(self.tokens) - 1 - self.subject


def tutorial_reach(sentence: str = TUTORIAL_SENTENCE) -> TutorialReach:
    """:func:`reach` of every kind on ``sentence`` up to its first "was"/"were" after a noun."""
    tokens = sentence.split()
    for verb, token in enumerate(tokens):
        nouns = [position for position in range(verb) if noun_number(tokens[position]) is not None]
        if token.lower() in ("was", "were") and nouns:
            return TutorialReach(tokens=tuple(tokens[: verb + 1]), subject=nouns[-1],
                                 reaches=tuple(reach(kind, tokens[: verb + 1]) for kind in KINDS))
    raise ValueError(f"no verb after a noun in {sentence!r}")
