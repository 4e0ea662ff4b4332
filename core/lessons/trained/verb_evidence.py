"""Why "was" needs "cat": the trained agreement model's verb probability with the subject as written and with the
subject's number flipped, everything else the same.

The tutorial's example is "the cat , which already ate a lot , was full": the verb comes many words after its
subject. Each lesson model reads the words one by one and, at the word before the verb, gives
``ŷ = softmax(W_hy h_t + b_y)`` over ("was", "were"). Flipping "cat" to "cats" changes nothing the model reads in
between, so any change in P(was) there is carried by the memory alone, from the subject to the verb.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from core.lessons.trained.grammar import LABELS, PLURAL_NOUNS, SINGULAR_NOUNS, noun_number, token_id
from core.lessons.trained.load import trained_model

TUTORIAL_SENTENCE = "the cat , which already ate a lot , was full"
WAS = LABELS.index("was")


@dataclass(frozen=True)
class VerbEvidence:
    kind: str                 # "rnn", "lstm" or "gru": which shipped model read it
    tokens: tuple[str, ...]   # the sentence as written
    subject_step: int         # t of the subject noun (1-based)
    verb_step: int            # t of the verb; the prediction is read at the word before it
    subject: str
    flipped_subject: str      # the same noun with the other number ("cat" ↔ "cats")
    was_as_written: float     # P(was) at t = verb_step − 1 with the subject as written
    was_flipped: float        # the same with the flipped subject

    @property
    def distance(self) -> int:
        """Words between the subject and the verb's prediction: how long the memory must hold the number."""
        return self.verb_step - 1 - self.subject_step


def flip_number(noun: str) -> str:
    """cat ↔ cats (the grammar's nouns only)."""
    noun = noun.lower()
    if noun in SINGULAR_NOUNS:
        return PLURAL_NOUNS[SINGULAR_NOUNS.index(noun)]
    return SINGULAR_NOUNS[PLURAL_NOUNS.index(noun)]


def _was_probability(kind: str, tokens: list[str], step: int) -> float:
    """P(was) after reading tokens[:step] (``step`` 1-based)."""
    ids = torch.tensor([token_id(token) for token in tokens], dtype=torch.long)[:, None]  # (T, 1)
    with torch.no_grad():
        probabilities = torch.softmax(trained_model(kind)(ids)[:, 0], dim=-1)  # (T, 2)
    return float(probabilities[step - 1, WAS])


def verb_evidence(kind: str, sentence: str = TUTORIAL_SENTENCE) -> VerbEvidence | None:
    """The evidence on ``sentence``'s first verb (was/were) and the latest noun before it; None when it has neither."""
    tokens = sentence.split()
    verbs = [index for index, token in enumerate(tokens) if token.lower() in LABELS and index > 0]
    if not verbs:
        return None
    verb = verbs[0]  # 0-based
    nouns = [index for index in range(verb) if noun_number(tokens[index]) is not None]
    if not nouns:
        return None
    subject = nouns[-1]
    flipped = [*tokens[:subject], flip_number(tokens[subject]), *tokens[subject + 1:]]
    return VerbEvidence(kind=kind, tokens=tuple(tokens), subject_step=subject + 1, verb_step=verb + 1,
                        subject=tokens[subject], flipped_subject=flipped[subject],
                        was_as_written=_was_probability(kind, tokens, verb),
                        was_flipped=_was_probability(kind, flipped, verb))
