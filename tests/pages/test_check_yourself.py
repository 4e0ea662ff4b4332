"""Every lesson ends with "Check yourself" / "自测": its questions, unanswered, each revealed only after a choice."""

import pytest

from core.lessons.questions import questions_for
from tests.pages.page_app import page_opener


@pytest.mark.parametrize("lesson, lang", [("why_sequences", "zh"), ("bptt", "en"), ("code", "en"),
                                          ("architectures", "zh"), ("summary", "en")])
def test_lesson_ends_with_its_questions(lesson, lang):
    app = page_opener(lesson, timeout=60)(lang)
    assert app.header[-1].value == {"en": "Check yourself", "zh": "自测"}[lang]
    questions = questions_for(lesson, None, 0)
    assert len(app.radio) == len(questions) and all(radio.value is None for radio in app.radio)
    assert all(button.disabled for button in app.button if button.key and button.key.startswith("check."))
    last = len(questions) - 1
    app.radio[last].set_value((questions[last].correct + 1) % len(questions[last].choices)).run()
    [reveal] = [button for button in app.button if button.key and button.key.startswith("check.")
                and not button.disabled]
    reveal.click().run()
    assert not app.exception and app.warning  # a wrong prediction is answered with the computed answer
