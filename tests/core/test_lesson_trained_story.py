"""The gate story's units and steps, recomputed from the trained weights by hand (no trace)."""

import numpy as np
import pytest
import torch

from core.lessons.trained.grammar import DEFAULT_SENTENCE
from core.lessons.trained.load import trained_model
from core.lessons.trained.story import gate_story, new_subject_step


def lstm_by_hand(model, tokens):
    """f, i, g, o, C, h per step (T, H) from torch's formulas and the module's own parameters."""
    lstm = model.recurrent
    x = model.embed(tokens)
    hidden, cell, rows = torch.zeros(4), torch.zeros(4), []
    for t in range(len(tokens)):
        pre = lstm.weight_ih_l0 @ x[t] + lstm.bias_ih_l0 + lstm.weight_hh_l0 @ hidden + lstm.bias_hh_l0
        i, f, g, o = pre.chunk(4)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        cell = f * cell + i * g
        hidden = o * torch.tanh(cell)
        rows.append([f, i, g, o, cell, hidden])
    return [torch.stack(column).detach().numpy() for column in zip(*rows)]


def gru_by_hand(model, tokens):
    """r, z, n, h per step (T, H)."""
    gru = model.recurrent
    x = model.embed(tokens)
    hidden, rows = torch.zeros(4), []
    for t in range(len(tokens)):
        xr, xz, xn = (gru.weight_ih_l0 @ x[t] + gru.bias_ih_l0).chunk(3)
        hr, hz, hn = (gru.weight_hh_l0 @ hidden + gru.bias_hh_l0).chunk(3)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        hidden = (1 - z) * n + z * hidden
        rows.append([r, z, n, hidden])
    return [torch.stack(column).detach().numpy() for column in zip(*rows)]


SENTENCES = [DEFAULT_SENTENCE, "a dog , very small , slept . the birds were", "the children were loud and the fox"]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_lstm_story_matches_a_hand_computed_lstm(sentence):
    tokens = sentence.split()
    story = gate_story("lstm", sentence)
    model = trained_model("lstm")
    f, i, g, o, cell, hidden = lstm_by_hand(model, tokens)
    nouns = [t for t, token in enumerate(tokens) if token in {"cat", "dog", "fox", "birds", "dogs", "children"}]
    s = story.subject_step - 1
    assert s == nouns[-1] and story.previous_subject_step - 1 == nouns[-2]
    assert story.forget.unit == int(f[s].argmin()) and story.forget.value == pytest.approx(f[s].min(), abs=1e-5)
    assert story.store.unit == int(np.abs(i[s] * g[s]).argmax())
    assert story.written == pytest.approx((i * g)[s, story.store.unit], abs=1e-5)
    assert story.carried_to == pytest.approx(cell[s - 1, story.forget.unit], abs=1e-5)
    assert story.replaced_by == pytest.approx(cell[s, story.forget.unit], abs=1e-5)
    gap = (model.readout.weight[1] - model.readout.weight[0]).detach().numpy()
    logits_last = model.readout(torch.from_numpy(hidden[-1])).detach()
    sign = 1.0 if int(logits_last.argmax()) == 1 else -1.0
    assert story.output.unit == int((sign * gap * hidden[-1]).argmax()) and story.contribution > 0
    assert story.output.value == pytest.approx(o[-1, story.output.unit], abs=1e-5)
    logits = model.readout(torch.from_numpy(hidden[-1])).detach()
    assert story.verb == ("was", "were")[int(logits.argmax())] == story.needed
    assert story.forget.value < 0.1 and abs(story.written) > 0.5  # the trained model really forgets and writes


def test_gru_story_matches_a_hand_computed_gru():
    tokens = DEFAULT_SENTENCE.split()
    story = gate_story("gru", DEFAULT_SENTENCE)
    r, z, n, hidden = gru_by_hand(trained_model("gru"), tokens)
    s = story.subject_step - 1
    assert tokens[s] == "dogs" and tokens[story.previous_subject_step - 1] == "cat"
    assert story.forget.unit == int(z[s].argmin())
    assert story.store.unit == int(np.abs((1 - z[s]) * n[s]).argmax())
    assert story.store.value == pytest.approx(1 - z[s, story.store.unit], abs=1e-5)
    assert story.carried_from == pytest.approx(hidden[s - 10, story.forget.unit], abs=1e-5)
    assert np.sign(story.carried_to) != np.sign(story.replaced_by)  # the unit's sign flips with the number
    assert story.correct


def test_sentences_without_a_noun_have_no_story_and_rnn_has_no_gates():
    assert gate_story("lstm", "the old and very tired") is None
    assert new_subject_step(("cat", "the", "cat")) == (2, 0)
    assert new_subject_step(("dog",)) == (0, None)
    with pytest.raises(ValueError):
        gate_story("rnn", DEFAULT_SENTENCE)
