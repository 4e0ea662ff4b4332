"""The shipped lesson models: they load from safetensors, still solve their task, and the script rebuilds them."""

import json

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from core.lessons import gru_step, lstm_step, rnn_step
from core.lessons.trained.build import MODELS_DIR, SCRIPT_VERSION, SEEDS, Recipe, model_name, train, weights_digest
from core.lessons.trained.grammar import (
    DEFAULT_SENTENCE, FILLERS, NO_LABEL, PLURAL_NOUNS, SINGULAR_NOUNS, VOCABULARY, labels_of, sample_batch, token_id,
)
from core.lessons.trained.load import load_model, read_card, trained_model
from core.lessons.trained.network import KINDS, AgreementModel


def test_labels_follow_the_latest_noun():
    tokens = "the cat , old , was full . the dogs were loud".split()
    assert labels_of(tokens) == (NO_LABEL, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1)
    assert labels_of(["Cats", "zebra", "dog"]) == (1, 1, 0)  # case ignored; an unknown word keeps the number
    assert token_id("zebra") == VOCABULARY.index("<unk>") and token_id("CAT") == VOCABULARY.index("cat")


def test_generated_labels_match_the_grammar():
    batch = sample_batch(torch.Generator().manual_seed(5), batch_size=20, seq_len=15)
    for column in range(20):
        words = [VOCABULARY[index] for index in batch.tokens[:, column].tolist()]
        assert batch.labels[:, column].tolist() == list(labels_of(words))
    nouns = set(SINGULAR_NOUNS) | set(PLURAL_NOUNS)
    assert not nouns & set(FILLERS)


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_model_still_solves_agreement_on_unseen_sentences(kind):
    model = load_model(kind)
    batch = sample_batch(torch.Generator().manual_seed(987_654), batch_size=200, seq_len=40)  # longer than trained
    with torch.no_grad():
        predicted = model(batch.tokens).argmax(-1)
    labelled = batch.labels != NO_LABEL
    accuracy = float((predicted[labelled] == batch.labels[labelled]).float().mean())
    assert accuracy >= 0.98, accuracy
    card = read_card(kind)
    assert card.kind == kind and card.seed == SEEDS[kind] and card.script_version == SCRIPT_VERSION
    assert card.accuracy >= 0.98


@pytest.mark.parametrize("kind", KINDS)
def test_card_fingerprint_matches_the_shipped_tensors(kind):
    state = {name: tensor.contiguous() for name, tensor in load_model(kind).state_dict().items()}
    assert weights_digest(state) == read_card(kind).sha256


def test_the_build_script_reproduces_the_smallest_model():
    model, accuracy = train("rnn", Recipe())
    shipped = load_model("rnn").state_dict()
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(tensor, shipped[name], atol=1e-3, rtol=0)  # same recipe, same seed
    assert accuracy == pytest.approx(read_card("rnn").accuracy, abs=0.01)


def test_loading_refuses_tensors_of_another_shape(tmp_path):
    state = {name: tensor.clone() for name, tensor in AgreementModel("gru").state_dict().items()}
    state["readout.weight"] = torch.zeros(3, 4)
    save_file(state, tmp_path / f"{model_name('gru')}.safetensors")
    with pytest.raises(ValueError, match="expected"):
        load_model("gru", tmp_path)
    with pytest.raises(ValueError):
        load_model("transformer")


def test_rnn_lesson_runs_the_trained_weights_and_predicts_the_verbs():
    lesson = rnn_step.run_lesson(DEFAULT_SENTENCE, seed=123, trained=True)
    model = trained_model("rnn")
    np.testing.assert_array_equal(lesson.weight_hidden, model.recurrent.weight_hh_l0.detach().numpy())
    ids = torch.tensor([token_id(token) for token in lesson.tokens])[:, None]  # (T, 1)
    with torch.no_grad():
        expected = torch.softmax(model(ids)[:, 0], dim=-1).numpy()
    np.testing.assert_allclose(lesson.outputs, expected, atol=1e-6)
    labels = np.array(labels_of(lesson.tokens))
    assert (lesson.outputs.argmax(1)[labels != NO_LABEL] == labels[labels != NO_LABEL]).all()
    other_seed = rnn_step.run_lesson(DEFAULT_SENTENCE, seed=7, trained=True)
    np.testing.assert_array_equal(lesson.hidden, other_seed.hidden)  # the seed only draws the random model


@pytest.mark.parametrize("module, kind", [(lstm_step, "lstm"), (gru_step, "gru")])
def test_gated_lessons_swap_in_the_trained_weights(module, kind):
    lesson = module.walkthrough(DEFAULT_SENTENCE, seed=0, trained=True)
    random = module.walkthrough(DEFAULT_SENTENCE, seed=0)
    model = trained_model(kind)
    with torch.no_grad():
        expected, _ = model.recurrent(model.embed(lesson.tokens))
    np.testing.assert_allclose(lesson.hidden, expected.numpy(), atol=1e-6)
    assert lesson.max_abs_diff < 1e-5
    assert not np.allclose(lesson.hidden, random.hidden)


def test_cards_are_valid_json_with_the_task():
    for kind in KINDS:
        data = json.loads((MODELS_DIR / f"{model_name(kind)}.json").read_text(encoding="utf-8"))
        assert data["labels"] == ["was", "were"] and "agreement" in data["task"]
