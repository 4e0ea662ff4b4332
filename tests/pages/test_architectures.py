"""Lesson 8 page: each architecture animates a real run, in both languages, and follows the learner's input."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.lessons.architectures import ARCHITECTURES, run_architecture
from pages.kit.i18n import texts


def open_page(lang):
    app = AppTest.from_file("../../pages/lessons/architectures.py", default_timeout=60)
    app.session_state["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    return app


def figure_frames(app):
    return json.loads(app.get("plotly_chart")[0].proto.spec)["frames"]


@pytest.mark.parametrize("lang,title,agree", [("en", "Architectures", "max |Δ| vs torch.nn.LSTM"),
                                              ("zh", "网络结构", "与 torch.nn.LSTM 的最大误差")])
def test_first_view(lang, title, agree):
    app = open_page(lang)
    assert title in app.title[0].value
    assert app.segmented_control(key="architectures.view").value == "many_to_one"
    assert any(message.value.startswith(f"✓ {agree}") for message in app.success)
    tokens = app.text_input(key="architectures.text").value.split()
    assert len(figure_frames(app)) == len(tokens) + 1  # one frame per token, then the classification
    shapes = app.table[0].value
    assert shapes.iloc[0, 1] == f"(1, {len(tokens)}, 8)"
    emitted = app.dataframe[0].value
    assert len(emitted) == 1 and emitted.iloc[0, 0] == len(tokens)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_architecture_renders(lang):
    app = open_page(lang)
    tokens = app.text_input(key="architectures.text").value.split()
    for kind in ARCHITECTURES[1:]:
        app.segmented_control(key="architectures.view").set_value(kind)
        app.run()
        assert not app.exception, (kind, app.exception)
        assert any(message.value.startswith("✓") for message in app.success), kind
        frames = figure_frames(app)
        if kind == "bidirectional":
            assert len(frames) == 3 * len(tokens)
            assert app.table[0].value.iloc[2, 1] == f"(1, {len(tokens)}, 20)"  # [h_f ; h_b]
        if kind == "many_to_many":
            assert len(app.dataframe[0].value) == len(tokens)


def shown_emission(app) -> tuple[str, float]:
    """The many-to-one view's one emitted label and its probability, as the page's table shows them."""
    emitted = app.dataframe[0].value
    return emitted.iloc[0, 2], emitted.iloc[0, 3]


def core_emission(sentence: str, seed: int) -> tuple[str, float]:
    """The same label and probability from core, for the page's own label set."""
    labels = tuple(texts("architectures", "en")["labels"]["many_to_one"])
    run = run_architecture("many_to_one", tuple(sentence.split()), seed, labels)
    column = next(column for column, label in enumerate(run.output_labels) if label)
    return run.output_labels[column], float(run.output_probability[column])


def test_typing_a_sentence_and_changing_the_seed_recompute():
    app = open_page("en")
    app.text_input(key="architectures.text").set_value("a short test")
    app.run()
    assert app.table[0].value.iloc[0, 1] == "(1, 3, 8)"
    assert len(figure_frames(app)) == 3 + 1  # the new sentence's steps, then the classification
    label, probability = shown_emission(app)
    assert (label, pytest.approx(probability, abs=1e-6)) == core_emission("a short test", 0)
    app.number_input(key="architectures.seed").set_value(9)
    app.run()
    label, probability = shown_emission(app)
    assert (label, pytest.approx(probability, abs=1e-6)) == core_emission("a short test", 9)
    app.text_input(key="architectures.text").set_value("   ")
    app.run()
    assert not app.exception
    assert app.warning[0].value.startswith("Type at least one word")


def test_device_note_names_the_cpu_even_when_the_app_trains_elsewhere(monkeypatch):
    import torch

    monkeypatch.setattr("pages.kit.layout.select_device", lambda: torch.device("mps"))  # the app's default
    app = open_page("en")
    assert "Computed on: CPU" in [caption.value for caption in app.caption]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_application_map_covers_every_architecture_and_marks_the_chosen_one(lang):
    from core.lessons.architectures import ARCHITECTURES
    from pages.kit.i18n import texts

    app = open_page(lang)
    words = texts("architectures", lang)
    table = next(frame.value for frame in app.dataframe
                 if words["applications"]["task"] in frame.value.columns)
    assert [row["code"] for row in words["applications"]["rows"]] == list(ARCHITECTURES)
    shown = table[words["applications"]["architecture"]].tolist()
    assert shown[0] == "▶ " + words["names"][ARCHITECTURES[0]]
    app.segmented_control(key="architectures.view").set_value("seq2seq").run()
    table = next(frame.value for frame in app.dataframe if words["applications"]["task"] in frame.value.columns)
    assert [name for name in table[words["applications"]["architecture"]] if name.startswith("▶")] == [
        "▶ " + words["names"]["seq2seq"]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_trained_switch_runs_the_agreement_lstm_where_the_wiring_fits(lang):
    from core.lessons.architectures_trained import trained_architecture
    from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED

    app = open_page(lang)
    toggle = app.toggle(key="architectures.trained")
    assert toggle.label == texts("trained", lang)["switch"]
    toggle.set_value(True).run()
    assert not app.exception
    assert app.text_input(key="architectures.text").value == TRAINED
    expected = trained_architecture("many_to_one", TRAINED.split())
    assert shown_emission(app) == (expected.output_labels[-1], pytest.approx(expected.output_probability[-1]))
    assert app.table[0].value.iloc[0, 1] == f"(1, {len(TRAINED.split())}, 3)"  # the trained model's own sizes
    assert texts("architectures", lang)["trained_note"]["many_to_one"] in [caption.value for caption in app.caption]
    app.segmented_control(key="architectures.view").set_value("many_to_many").run()
    tags = app.dataframe[0].value.iloc[:, 2].tolist()
    assert tags == list(trained_architecture("many_to_many", TRAINED.split()).output_labels)
    assert tags[-1] == "were" and tags[2] == "was"  # "cat" then "dogs"
    app.segmented_control(key="architectures.view").set_value("seq2seq").run()
    assert not app.exception
    assert texts("architectures", lang)["trained_none"] in [caption.value for caption in app.caption]
