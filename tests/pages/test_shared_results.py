"""A lesson page and its "Check yourself" questions compute the lesson's model once per new sentence.

The page and the questions both read :mod:`core.lessons.shared_results`; these tests count the calls of the model
computation underneath during one rerun with a sentence and seed no other test uses (the caches are per process).
"""

import pytest

import core.lessons.shared_results as shared_results
from core.lessons.bptt import MAX_TOKENS
from core.lessons.questions import questions_for
from core.sequence_input import split_tokens
from tests.pages.page_app import page_opener


def counted(monkeypatch, name: str) -> list:
    """Replace ``shared_results.<name>`` with a wrapper that records each call's positional arguments."""
    calls, original = [], getattr(shared_results, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(shared_results, name, wrapper)
    return calls


@pytest.mark.parametrize("page, computation, seed", [("rnn_step", "run_lesson", 90_101),
                                                     ("lstm_step", "lstm_walkthrough_of", 90_102),
                                                     ("gru_step", "gru_walkthrough_of", 90_103)])
def test_a_new_sentence_runs_the_lesson_model_once_for_page_and_questions(monkeypatch, page, computation, seed):
    app = page_opener(page, timeout=60)("en")
    calls = counted(monkeypatch, computation)
    sentence = "heron quill marsh lantern"
    app.text_input(key=f"{page}.text").set_value(sentence)
    app.number_input(key=f"{page}.seed").set_value(seed)
    app.run()
    assert not app.exception
    assert [args[:2] for args in calls] == [(sentence, seed)]  # the page's run; the questions read it from the cache
    shown = [radio.options for radio in app.radio]
    expected = questions_for(page, sentence, seed, False)
    assert len(shown) == len(expected)  # and the page showed the questions of that very run


def test_gru_questions_read_the_table_the_page_drew(monkeypatch):
    page_opener("gru_step", timeout=60)("en")
    calls = counted(monkeypatch, "cell_facts")
    questions_for("gru_step", "otter reed pebble", 90_104, False)
    assert calls == []  # the default sizes' LSTM and GRU columns came from the page's run


def test_bptt_questions_share_the_last_step_view(monkeypatch):
    app = page_opener("bptt", timeout=60)("en")
    calls = counted(monkeypatch, "backward_pass")
    sentence = "kestrel willow meadow brook"
    app.text_input(key="bptt.text").set_value(sentence)
    app.number_input(key="bptt.seed").set_value(90_105)
    app.run()
    last = len(split_tokens(sentence, MAX_TOKENS))
    assert [args[:2] for args in calls] == [(sentence, None), (sentence, last - 1)]  # the page's view, the questions'
    app.selectbox(key="bptt.loss").set_value(last).run()  # "L_T only": the view the questions ask about
    assert not app.exception
    assert len(calls) == 2  # the page found the questions' pass in the cache
