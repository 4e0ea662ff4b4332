"""Lesson 7 page: sources shown are the running code, the gradient check reacts to its controls, both languages."""

import inspect
import textwrap

import pytest
from streamlit.testing.v1 import AppTest

from core.custom_lstm import CustomLSTM
from core.numpy_cells import NumpyLSTMCell


def open_page(lang):
    app = AppTest.from_file("../../pages/lessons/code.py", default_timeout=60)
    app.session_state["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("lang,title,passed", [("en", "The code", "agree with autograd"), ("zh", "代码实现", "一致")])
def test_page_shows_sources_checks_and_counts(lang, title, passed):
    app = open_page(lang)
    assert title in app.title[0].value
    listings = [block.value.strip() for block in app.code]
    for function in (NumpyLSTMCell.step, NumpyLSTMCell.step_backward, CustomLSTM.forward):
        assert textwrap.dedent(inspect.getsource(function)).strip() in listings
    check = app.table[0].value
    assert len(check) == 7 and set(check.iloc[:, 3]) == {"✓"}
    assert any(passed in message.value for message in app.success)
    assert any("torch.nn.LSTM" in message.value for message in app.success)  # CustomLSTM agreement
    assert "3,650,053" in [metric.value for metric in app.metric]
    assert len(app.get("plotly_chart")) == 4  # check, loop replay, speed, parameters


def test_changing_the_sizes_reruns_the_check():
    app = open_page("en")
    before = app.table[0].value
    app.number_input(key="code.hidden").set_value(7)
    app.number_input(key="code.input").set_value(2)
    app.run()
    assert not app.exception
    after = app.table[0].value
    shapes = dict(zip(after.iloc[:, 0], after.iloc[:, 1]))
    assert shapes["∂L/∂W"] == "(28, 9)" and shapes["∂L/∂x_t"] == "(4, 2)"
    assert list(after.iloc[:, 2]) != list(before.iloc[:, 2])
    assert set(after.iloc[:, 3]) == {"✓"}


def test_changing_the_lstm_sizes_recompares_and_retimes():
    app = open_page("en")
    assert any("makes **20** `nn.LSTMCell` calls" in element.value for element in app.markdown)
    app.number_input(key="code.layers").set_value(2)
    app.number_input(key="code.seq_len").set_value(12)
    app.run()
    assert not app.exception
    assert any("makes **24** `nn.LSTMCell` calls" in element.value for element in app.markdown)
    assert all(float(gap) < 1e-5 for gap in app.table[1].value.iloc[:, 1])
    assert app.metric[0].value.endswith("×") and float(app.metric[0].value[:-1]) > 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_training_step_section_shows_the_models_numbers(lang):
    from core.lessons.classifier_step import classifier_step
    from pages.kit.i18n import texts

    app = open_page(lang)
    words, step = texts("code", lang)["training"], classifier_step(0)
    shapes = next(frame.value for frame in app.dataframe if words["tensor"] in frame.value.columns)
    assert shapes[words["shape"]].tolist() == [str(shape) for shape in step.shapes.values()]
    stages = next(frame.value for frame in app.dataframe if words["stage"] in frame.value.columns)
    assert stages[words["value"]].tolist() == [f"{step.zeroed_grad:.1f}", f"{step.loss_before:.4f}",
                                               f"{step.grad_norm:.4f}", f"{step.clipped_norm:.4f}",
                                               f"{step.loss_after:.4f}"]
    assert any("TextClassifier.features" in box.value for box in app.success)
