r"""The toy grammar the lesson models learn: keep the number of the latest subject, to pick "was" or "were".

The tutorial's agreement example: in "the cat , which already ate a lot , was full" the verb "was" needs "cat",
many words back. Here every sentence is a run of words in which nouns (singular "cat" or plural "cats") appear
between fillers ("the", "old", ",", "very" …). The label of step t is the verb the next word would need::

    label_t = 0 ("was")   if the latest noun among x_1 … x_t is singular
              1 ("were")  if it is plural
              undefined   before the first noun (those steps are left out of the loss and of the accuracy)

So a model has to store a noun's number when it sees one, keep it across any number of fillers, and replace it
when a new noun comes: exactly the tutorial's "forget the old subject, store the new one, output what the next
word needs". Chinese verbs do not agree with their subject, so the toy grammar is English in both languages.

Any word the grammar does not know reads as the filler ``<unk>`` (training replaces some fillers with it).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

SINGULAR_NOUNS = ("cat", "dog", "bird", "child", "fox", "teacher")
PLURAL_NOUNS = ("cats", "dogs", "birds", "children", "foxes", "teachers")
FILLERS = ("the", "a", ",", ".", "which", "old", "very", "tired", "small", "and", "ate", "much", "full",
           "happy", "loud", "hungry", "quite", "slept", "today", "was", "were")
UNKNOWN = "<unk>"
VOCABULARY = (UNKNOWN, *FILLERS, *SINGULAR_NOUNS, *PLURAL_NOUNS)
LABELS = ("was", "were")  # output index 0 and 1: the verb the latest subject needs
NO_LABEL = -1  # steps before the first noun

SINGULAR, PLURAL = 0, 1
DEFAULT_SENTENCE = "the cat , old and tired , was full . the dogs were"  # 12 tokens: the RNN lesson's limit


def token_id(token: str) -> int:
    """Index of ``token`` in :data:`VOCABULARY`; unknown words (after lower-casing) are ``<unk>``."""
    token = token.lower()
    return VOCABULARY.index(token) if token in VOCABULARY else 0


def noun_number(token: str) -> int | None:
    """``SINGULAR`` / ``PLURAL`` for a noun of the grammar, ``None`` for anything else."""
    token = token.lower()
    if token in SINGULAR_NOUNS:
        return SINGULAR
    if token in PLURAL_NOUNS:
        return PLURAL
    return None


def labels_of(tokens: list[str] | tuple[str, ...]) -> tuple[int, ...]:
    """The verb each step needs: the latest noun's number so far, or ``NO_LABEL`` before the first noun."""
    labels, current = [], NO_LABEL
    for token in tokens:
        number = noun_number(token)
        current = current if number is None else number
        labels.append(current)
    return tuple(labels)


@dataclass(frozen=True)
class Batch:
    """A batch of generated sentences. ``tokens`` (T, N) vocabulary ids, ``labels`` (T, N) in {-1, 0, 1}."""

    tokens: torch.Tensor
    labels: torch.Tensor


def sample_batch(generator: torch.Generator, batch_size: int, seq_len: int,
                 noun_rate: float = 0.18, unknown_rate: float = 0.1) -> Batch:
    """``batch_size`` random sentences of ``seq_len`` words, drawn from ``generator`` only.

    Each word is a noun with probability ``noun_rate`` (singular or plural, even odds), otherwise a filler; a
    filler is replaced by ``<unk>`` with probability ``unknown_rate`` so unseen words act as fillers too.
    """
    shape = (seq_len, batch_size)
    is_noun = torch.rand(shape, generator=generator) < noun_rate
    plural = torch.rand(shape, generator=generator) < 0.5
    noun_index = torch.randint(len(SINGULAR_NOUNS), shape, generator=generator)
    filler_index = torch.randint(len(FILLERS), shape, generator=generator)
    unknown = torch.rand(shape, generator=generator) < unknown_rate

    first_noun = 1 + len(FILLERS)
    noun_ids = first_noun + noun_index + plural.long() * len(SINGULAR_NOUNS)
    filler_ids = torch.where(unknown, torch.zeros_like(filler_index), 1 + filler_index)
    tokens = torch.where(is_noun, noun_ids, filler_ids)  # (T, N)

    labels = torch.full(shape, NO_LABEL, dtype=torch.long)
    current = torch.full((batch_size,), NO_LABEL, dtype=torch.long)
    for step in range(seq_len):
        current = torch.where(is_noun[step], plural[step].long(), current)
        labels[step] = current
    return Batch(tokens=tokens, labels=labels)
