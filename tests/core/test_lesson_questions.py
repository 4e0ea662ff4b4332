"""Check-yourself questions: each correct answer equals an independent recomputation (plain torch, by hand)."""

import json
import math
import re
import tomllib
from pathlib import Path

import pytest
import torch
from torch import nn

from core.lessons.gradients import ChainSetup, build_model, random_inputs
from core.lessons.lstm_step import build_lstm
from core.lessons.gru_step import build_gru
from core.lessons.why_sequences import build_feedforward
from core.lessons.questions import LESSONS, questions_for
from core.lessons.rnn_step import build_network
from core.lessons.trained.load import trained_model
from core.sequence_input import embed_tokens

TEXT_ROOT = Path(__file__).resolve().parents[2] / "assets" / "text"
SENTENCE, SEED = "the quick brown fox jumps over", 5


def answer(question):
    return question.choices[question.correct]


def by_name(lesson, **parameters):
    return {question.name: question for question in questions_for(lesson, **parameters)}


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_has_two_to_four_well_formed_questions_with_texts(lesson):
    questions = questions_for(lesson, SENTENCE, SEED)
    assert 2 <= len(questions) <= 4
    for lang in ("en", "zh"):
        with open(TEXT_ROOT / lang / "questions.toml", "rb") as handle:
            table = tomllib.load(handle)
        for question in questions:
            assert 0 <= question.correct < len(question.choices) and len(set(question.choices)) == len(question.choices)
            facts = dict(question.facts)
            texts = table[question.lesson][question.name]
            for key in ("prompt", "reveal"):
                names = set(re.findall(r"(?<!{){(\w+)}(?!})", texts[key]))
                assert names <= set(facts), (question.id, key, names - set(facts))
                texts[key].format(**facts)
            if question.choices_are_keys:
                assert all(choice in table["choices"] for choice in question.choices)
            json.dumps(question.as_dict(), ensure_ascii=False)


def test_rnn_step_answers_match_the_torch_rnn():
    questions = by_name("rnn_step", sentence=SENTENCE, seed=SEED)
    assert answer(questions["zero_term"]) == "term_hidden"  # h_0 = 0
    assert answer(questions["hidden_weights"]) == str(4 * 4)
    rnn, readout = build_network(SEED)
    with torch.no_grad():
        output, _ = rnn(embed_tokens(SENTENCE.split(), 3, SEED))
        probabilities = torch.softmax(readout(output[-1]), dim=-1)
    assert questions["last_output"].correct == int(probabilities.argmax())


def test_trained_rnn_step_question_names_the_verb_the_model_picks():
    question = by_name("rnn_step", sentence="the dog , very old , slept . the cats", seed=0, trained=True)["last_output"]
    assert answer(question) == "ŷ[1] (were)"


def test_why_sequences_answers():
    questions = by_name("why_sequences", sentence=SENTENCE, seed=SEED)
    rnn, _ = build_network(SEED)
    tokens = SENTENCE.split()
    with torch.no_grad():
        original = rnn(embed_tokens(tokens, 3, SEED))[0][-1]
        changed = rnn(embed_tokens(["zebra", *tokens[1:]], 3, SEED))[0][-1]
        window = build_feedforward(4, SEED)  # reads the last 4 words, concatenated: the first word is outside
        window_original = window(embed_tokens(tokens[-4:], 3, SEED).reshape(-1))
        window_changed = window(embed_tokens((["zebra", *tokens[1:]])[-4:], 3, SEED).reshape(-1))
    rnn_moved, window_moved = bool((original - changed).norm() > 1e-6), bool((window_original - window_changed).norm() > 1e-6)
    expected = {(True, False): "only_rnn", (False, True): "only_window_net", (True, True): "both_change",
                (False, False): "neither_changes"}[(rnn_moved, window_moved)]
    assert answer(questions["memory"]) == expected == "only_rnn"  # the recurrent connection carries it, the window cannot
    assert "only_window_net" in questions["memory"].choices
    assert answer(questions["parameters"]) == str(4 * 3 + 4 * 4 + 4 + 4)  # W_xh, W_hh, two biases


def test_bptt_answers_match_autograd():
    questions = by_name("bptt", sentence=SENTENCE, seed=SEED)
    rnn, readout = build_network(SEED)
    x = embed_tokens(SENTENCE.split(), 3, SEED)
    hidden, states = torch.zeros(4), []
    for t in range(len(x)):
        hidden = torch.tanh(rnn.weight_ih_l0 @ x[t] + rnn.bias_ih_l0 + rnn.weight_hh_l0 @ hidden + rnn.bias_hh_l0)
        hidden.retain_grad()
        states.append(hidden)
    logits = readout(states[-1])
    logits.retain_grad()
    nn.functional.cross_entropy(logits[None], torch.tensor([1])).backward()
    norms = {t + 1: float(state.grad.norm()) for t, state in enumerate(states)}
    offered = [int(choice.split("= ")[1]) for choice in questions["largest_gradient"].choices]
    assert answer(questions["largest_gradient"]) == f"t = {max(offered, key=norms.get)}"
    assert float(answer(questions["logit_gradient"])) == pytest.approx(float(logits.grad[1]), abs=5e-4)


@pytest.mark.parametrize("radius", [0.8, 1.6])
def test_gradient_answers(radius):
    setup = ChainSetup(radius=radius, seed=SEED)
    questions = by_name("gradients", setup=setup)
    assert float(answer(questions["halving"])) == pytest.approx(0.5**10, rel=1e-3)
    assert float(answer(questions["tanh_slope"])) == pytest.approx(1 - math.tanh(2.0) ** 2, abs=5e-4)
    rnn = build_model(setup)
    inputs = random_inputs(30, setup)
    with torch.no_grad():
        hidden, _ = rnn(inputs)
    product = torch.eye(setup.hidden_size, dtype=torch.float64)
    for t in range(29, 0, -1):  # ∂h_T/∂h_1 = Π diag(1 − h_t²) W_hh for t = T … 2
        product = product @ (torch.diag(1 - hidden[t] ** 2) @ rnn.weight_hh_l0.detach())
    grows = float(torch.linalg.matrix_norm(product, ord=2)) > 1
    assert answer(questions["chain_fate"]) == ("grows" if grows else "shrinks")


def lstm_forget_by_hand(module, x):
    hidden, cell, rows = torch.zeros(4), torch.zeros(4), []
    for t in range(len(x)):
        pre = module.weight_ih_l0 @ x[t] + module.bias_ih_l0 + module.weight_hh_l0 @ hidden + module.bias_hh_l0
        i, f, g, o = pre.chunk(4)
        cell = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
        hidden = torch.sigmoid(o) * torch.tanh(cell)
        rows.append(torch.sigmoid(f))
    return torch.stack(rows).detach()


@pytest.mark.parametrize("trained", [False, True])
def test_lstm_answers_match_a_hand_computed_lstm(trained):
    sentence = "the cat , old and tired , was full . the dogs were" if trained else SENTENCE
    questions = by_name("lstm_step", sentence=sentence, seed=SEED, trained=trained)
    model = trained_model("lstm") if trained else None
    module = model.recurrent if trained else build_lstm(SEED)
    x = model.embed(sentence.split()) if trained else embed_tokens(sentence.split(), 3, SEED)
    forget = lstm_forget_by_hand(module, x)
    step = int(questions["smallest_forget"].fact("step")) - 1
    assert step == (11 if trained else len(x) - 1)  # the new subject "dogs", or the last word
    assert answer(questions["smallest_forget"]) == str(int(forget[step].argmin()))
    assert answer(questions["parameters"]) == str(4 * (4 * 3 + 4 * 4 + 4 + 4))
    shifted = torch.nn.LSTM(3, 4)
    shifted.load_state_dict(module.state_dict())
    with torch.no_grad():
        shifted.bias_hh_l0[4:8] += 2.0  # either bias vector: they are summed
    raised = lstm_forget_by_hand(shifted, x)
    assert answer(questions["forget_bias"]) == ("rises" if raised.mean() > forget.mean() else "falls")


def test_gru_answers_match_a_hand_computed_gru():
    questions = by_name("gru_step", sentence=SENTENCE, seed=SEED)
    assert answer(questions["saved_parameters"]) == str(4 * 9 * 4 - 3 * 9 * 4)
    gru = build_gru(SEED).requires_grad_(False)
    x = embed_tokens(SENTENCE.split(), 3, SEED)
    hidden = torch.zeros(4)
    for t in range(len(x)):
        previous = hidden
        xr, xz, xn = (gru.weight_ih_l0 @ x[t] + gru.bias_ih_l0).chunk(3)
        hr, hz, hn = (gru.weight_hh_l0 @ hidden + gru.bias_hh_l0).chunk(3)
        z = torch.sigmoid(xz + hz)
        n = torch.tanh(xn + torch.sigmoid(xr + hr) * hn)
        hidden = (1 - z) * n + z * hidden
    unit = int(questions["update_mix"].fact("unit"))
    assert unit == int((z - 0.5).abs().argmax())
    old, new = float(z[unit] * previous[unit]), float((1 - z[unit]) * n[unit])
    assert answer(questions["update_mix"]) == ("new_state" if abs(new) > abs(old) else "old_state")
    assert float(answer(questions["tutorial_update"])) == pytest.approx(1 - float(z[unit]), abs=5e-3)


def test_code_architecture_and_summary_answers_follow_the_formulas():
    code = by_name("code")
    layer0 = 2 * 4 * 256 * (128 + 256 + 2)
    layer1 = 2 * 4 * 256 * (2 * 256 + 256 + 2)
    assert answer(code["classifier_parameters"]) == f"{10_000 * 128 + layer0 + layer1 + 512 * 5 + 5:,}"
    lstm = nn.LSTM(2, 3, num_layers=2, bidirectional=True)
    with torch.no_grad():
        output, (h_n, _) = lstm(torch.randn(4, 1, 2))
    assert torch.allclose(h_n[-1, 0], output[0, 0, 3:])  # torch: h_n[-1] is the top layer's backward direction
    assert answer(code["last_state"]) == "last_layer_backward"
    assert answer(code["weight_shape"]) == str((4 * 256, 128))

    architectures = by_name("architectures")
    assert answer(architectures["bidirectional_width"]) == "20"
    assert answer(architectures["output_count"]) == "1 / 5"

    summary = by_name("summary")
    assert answer(summary["attention_growth"]) == f"{(512 // 256) ** 2}×"
    rnn_count, lstm_count = 64 * 64 * 2 + 2 * 64, 4 * (64 * 64 * 2 + 2 * 64)  # W_ih, W_hh, two biases per block
    assert answer(summary["lstm_size"]) == f"{lstm_count // rnn_count}×"
