"""Lesson 8: every architecture runs a real seeded LSTM; the animated states are torch's own numbers."""

import numpy as np
import pytest
import torch
from torch import nn

from core.lessons import architectures
from core.lessons.architectures import (ARCHITECTURES, END, HIDDEN_SIZE, INPUT_SIZE, MAX_GENERATED, MIN_GENERATED,
                                        START, run_architecture)
from core.seeding import seeded_module
from core.sequence_input import embed_tokens

TOKENS = ["the", "film", "was", "long", "but", "wonderful"]
LABELS = ["alpha", "beta", "gamma", "delta"]


def _fused(seed, bidirectional=False):
    """The encoder the lesson builds, rebuilt independently from the same seed."""
    lstm = seeded_module(lambda: nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, batch_first=True, bidirectional=bidirectional),
                         seed)
    x = embed_tokens(TOKENS, INPUT_SIZE, seed)[None]  # (1, seq_len, input)
    with torch.no_grad():
        output, state = lstm(x)
    return lstm, x, output, state


@pytest.mark.parametrize("kind", ARCHITECTURES)
def test_every_architecture_is_consistent(kind):
    run = run_architecture(kind, TOKENS, seed=3, labels=LABELS)
    rows, columns = run.states.shape
    assert rows == run.bands * HIDDEN_SIZE and run.hidden_size == HIDDEN_SIZE
    assert len(run.input_labels) == len(run.output_labels) == len(run.output_probability) == columns
    assert run.max_abs_diff < 1e-5
    assert all(0 <= reveal.column < columns for reveal in run.reveals)
    emitted = {reveal.column for reveal in run.reveals if reveal.emits}
    assert emitted == {column for column, label in enumerate(run.output_labels) if label}
    probabilities = run.output_probability[sorted(emitted)]
    assert np.all((probabilities > 0) & (probabilities <= 1))
    assert np.all(np.isnan(np.delete(run.output_probability, sorted(emitted))))
    assert np.all(np.abs(run.states) < 1)  # h = o ⊙ tanh(c)
    for band in range(run.bands):  # every state the heatmap shows is revealed by some frame
        covered = {reveal.column for reveal in run.reveals if reveal.band in (band, -1)}
        assert covered == set(range(columns))


def test_many_to_one_classifies_from_the_last_state():
    run = run_architecture("many_to_one", TOKENS, seed=5, labels=["negative", "positive"])
    lstm, x, output, (h_n, _) = _fused(5)
    np.testing.assert_allclose(run.states, output[0].T.numpy(), atol=1e-6)
    head = seeded_module(lambda: nn.Linear(HIDDEN_SIZE, 2), 6)
    with torch.no_grad():
        probabilities = torch.softmax(head(h_n[-1]), dim=-1)[0]
    assert run.output_labels[:-1] == ("",) * (len(TOKENS) - 1)
    assert run.output_labels[-1] == ["negative", "positive"][int(probabilities.argmax())]
    assert run.output_probability[-1] == pytest.approx(float(probabilities.max()), abs=1e-6)
    assert dict(run.shapes) == {"inputs": (1, 6, INPUT_SIZE), "outputs": (1, 6, HIDDEN_SIZE),
                                "h_n": (1, 1, HIDDEN_SIZE), "last_hidden": (1, HIDDEN_SIZE), "logits": (1, 2)}
    assert [reveal.stage for reveal in run.reveals] == ["read"] * 6 + ["classify"]


def test_many_to_many_tags_every_position():
    run = run_architecture("many_to_many", TOKENS, seed=2, labels=LABELS)
    _, _, output, _ = _fused(2)
    head = seeded_module(lambda: nn.Linear(HIDDEN_SIZE, len(LABELS)), 3)
    with torch.no_grad():
        expected = [LABELS[int(index)] for index in head(output)[0].argmax(dim=-1)]
    assert list(run.output_labels) == expected
    np.testing.assert_allclose(run.states, output[0].T.numpy(), atol=1e-6)


def test_bidirectional_bands_are_the_two_halves_of_the_fused_output():
    run = run_architecture("bidirectional", TOKENS, seed=4, labels=LABELS)
    _, _, output, (h_n, _) = _fused(4, bidirectional=True)
    np.testing.assert_allclose(run.states[:HIDDEN_SIZE], output[0, :, :HIDDEN_SIZE].T.numpy(), atol=1e-6)
    np.testing.assert_allclose(run.states[HIDDEN_SIZE:], output[0, :, HIDDEN_SIZE:].T.numpy(), atol=1e-6)
    # The backward direction's final state is the one at position 0, the forward's at the last position.
    np.testing.assert_allclose(run.states[HIDDEN_SIZE:, 0], h_n[1, 0].numpy(), atol=1e-6)
    np.testing.assert_allclose(run.states[:HIDDEN_SIZE, -1], h_n[0, 0].numpy(), atol=1e-6)
    order = [(reveal.stage, reveal.column) for reveal in run.reveals]
    seq_len = len(TOKENS)
    assert order[:seq_len] == [("forward", t) for t in range(seq_len)]
    assert order[seq_len:2 * seq_len] == [("backward", t) for t in reversed(range(seq_len))]
    assert order[2 * seq_len:] == [("concat", t) for t in range(seq_len)]
    assert run.reveals[-1].shape == (1, 2 * HIDDEN_SIZE) and run.bands == 2


def test_seq2seq_decoder_starts_from_the_encoder_context():
    run = run_architecture("seq2seq", TOKENS, seed=7, labels=LABELS)
    seq_len = len(TOKENS)
    assert run.divider == seq_len
    _, _, output, (h_n, c_n) = _fused(7)
    np.testing.assert_allclose(run.states[:, :seq_len], output[0].T.numpy(), atol=1e-6)
    vocabulary = LABELS + [END, START]
    cell, embedding, _ = architectures._decoder(7 + 3, len(vocabulary), len(vocabulary) - 1)
    with torch.no_grad():
        first, _ = cell(embedding(torch.tensor([len(vocabulary) - 1])), (h_n[0], c_n[0]))
    np.testing.assert_allclose(run.states[:, seq_len], first[0].numpy(), atol=1e-6)
    assert run.input_labels[seq_len] == START
    assert [run.step_of(column) for column in range(len(run.input_labels))] == [
        *range(1, seq_len + 1), *range(1, len(run.input_labels) - seq_len + 1)]  # the decoder counts from 1 again
    words = [label for label in run.output_labels if label]
    assert run.input_labels[seq_len + 1:] == tuple(words[:-1])  # each emitted word is fed back in
    assert START not in words


def test_one_to_many_feeds_words_back_and_respects_length_limits():
    for seed in range(4):
        run = run_architecture("one_to_many", TOKENS, seed=seed, labels=LABELS)
        words = list(run.output_labels)
        assert run.input_labels == ("v",) + tuple(words[:-1])
        assert MIN_GENERATED < len(words) <= MAX_GENERATED
        assert END not in words[:MIN_GENERATED]
        assert END not in words[:-1]


def test_a_different_sentence_or_seed_changes_the_states():
    base = run_architecture("many_to_one", TOKENS, seed=0, labels=LABELS)
    other_sentence = run_architecture("many_to_one", TOKENS[:-1] + ["terrible"], seed=0, labels=LABELS)
    other_seed = run_architecture("many_to_one", TOKENS, seed=1, labels=LABELS)
    np.testing.assert_array_equal(base.states[:, :-1], other_sentence.states[:, :-1])  # same prefix, same states
    assert not np.allclose(base.states[:, -1], other_sentence.states[:, -1])
    assert not np.allclose(base.states, other_seed.states)


def test_bad_requests_are_refused():
    with pytest.raises(ValueError, match="unknown architecture"):
        run_architecture("tree", TOKENS, 0, LABELS)
    with pytest.raises(ValueError, match="no tokens"):
        run_architecture("many_to_one", [], 0, LABELS)


def test_trained_wirings_emit_the_verb_the_grammar_needs():
    """Many-to-many and many-to-one of the shipped agreement LSTM: its labels are the model's own forward pass,
    and after the first noun they are the verb the grammar asks for."""
    from core.lessons.architectures_trained import TRAINED_ARCHITECTURES, trained_architecture
    from core.lessons.trained.grammar import LABELS, NO_LABEL, labels_of, token_id
    from core.lessons.trained.load import trained_model

    tokens = "the cat , old and tired , was full . the dogs were".split()
    model = trained_model("lstm")
    with torch.no_grad():
        probabilities = torch.softmax(model(torch.tensor([[token_id(token)] for token in tokens])), dim=-1)[:, 0]
    tagged = trained_architecture("many_to_many", tokens)
    assert tagged.max_abs_diff < 1e-5 and tagged.states.shape == (4, len(tokens))
    for position, needed in enumerate(labels_of(tokens)):
        index = int(probabilities[position].argmax())
        assert tagged.output_labels[position] == LABELS[index]
        assert tagged.output_probability[position] == pytest.approx(float(probabilities[position, index]), abs=1e-6)
        if needed != NO_LABEL:
            assert tagged.output_labels[position] == LABELS[needed]
    classified = trained_architecture("many_to_one", tokens)
    assert classified.output_labels == ("",) * (len(tokens) - 1) + ("were",)
    assert classified.output_probability[-1] == pytest.approx(tagged.output_probability[-1], abs=1e-6)
    assert dict(classified.shapes)["inputs"] == (1, len(tokens), 3)
    assert set(TRAINED_ARCHITECTURES) == {"many_to_one", "many_to_many"}
    with pytest.raises(ValueError):
        trained_architecture("seq2seq", tokens)
