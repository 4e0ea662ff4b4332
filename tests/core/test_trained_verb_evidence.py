"""Why "was" needs "cat": the evidence is the shipped models' own probabilities, and it shows agreement at a distance."""

import pytest
import torch

from core.lessons.trained.grammar import PLURAL_NOUNS, SINGULAR_NOUNS, token_id
from core.lessons.trained.load import trained_model
from core.lessons.trained.verb_evidence import TUTORIAL_SENTENCE, flip_number, verb_evidence


def was_after(kind: str, tokens: list[str], step: int) -> float:
    """P(was) after ``step`` words, recomputed from the module's parts: embedding → recurrent → readout → softmax."""
    model = trained_model(kind)
    with torch.no_grad():
        inputs = model.embedding.weight[[token_id(token) for token in tokens]]  # (T, D)
        hidden, _ = model.recurrent(inputs)  # (T, H)
        return float(torch.softmax(model.readout.weight @ hidden[step - 1] + model.readout.bias, dim=-1)[0])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_the_verb_follows_the_far_subject_and_flips_with_it(kind):
    evidence = verb_evidence(kind)
    tokens = TUTORIAL_SENTENCE.split()
    assert evidence.subject == "cat" and evidence.flipped_subject == "cats"
    assert (evidence.subject_step, evidence.verb_step, evidence.distance) == (2, 10, 7)
    assert evidence.was_as_written == pytest.approx(was_after(kind, tokens, 9), abs=1e-6)
    flipped = [*tokens[:1], "cats", *tokens[2:]]
    assert evidence.was_flipped == pytest.approx(was_after(kind, flipped, 9), abs=1e-6)
    assert evidence.was_as_written > 0.9 and evidence.was_flipped < 0.1  # the trained models agree at a distance


def test_flip_and_sentences_without_evidence():
    assert [flip_number(flip_number(noun)) for noun in SINGULAR_NOUNS + PLURAL_NOUNS] == list(
        SINGULAR_NOUNS + PLURAL_NOUNS)
    assert verb_evidence("rnn", "the old cat slept") is None  # no verb
    assert verb_evidence("rnn", "the old , was full") is None  # no noun before the verb
    other = verb_evidence("rnn", "the old dogs were loud")
    assert other.subject == "dogs" and other.flipped_subject == "dog" and other.verb_step == 4
    assert other.was_as_written < 0.5 < other.was_flipped
