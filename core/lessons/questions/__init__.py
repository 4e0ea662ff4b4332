"""Check yourself: predict-then-reveal questions whose answers are computed from each lesson's own model.

A :class:`Question` is plain data (strings and ints), so the page can show it and the lecture mode can push it to a
class as JSON (:meth:`Question.as_dict`). Texts live in ``assets/text/{en,zh}/questions.toml``:

* ``[<lesson>.<name>]`` holds ``prompt`` and ``reveal``, both ``str.format`` templates over the question's ``facts``;
* ``[choices]`` holds the words of choices given as keys (``choices_are_keys``); number choices are shown as they are.

Nothing here is typed: every correct index and every fact is computed when the question is built, from the lesson's
model on the page's current inputs (sentence, seed, trained switch), or from the formula the lesson teaches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

LESSONS = ("why_sequences", "rnn_step", "bptt", "gradients", "lstm_step", "gru_step", "code", "architectures",
           "summary")


@dataclass(frozen=True)
class Question:
    """One predict-then-reveal question."""

    id: str  # "<lesson>.<name>": also the TOML table of its prompt and reveal texts
    lesson: str
    choices: tuple[str, ...]  # numbers / symbols shown as they are, or keys of [choices] when choices_are_keys
    choices_are_keys: bool
    correct: int  # index into choices
    facts: tuple[tuple[str, str], ...]  # (name, formatted value): the numbers that prove the answer

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]

    def fact(self, name: str) -> str:
        return dict(self.facts)[name]

    def as_dict(self) -> dict:
        """JSON-ready form (lists instead of tuples) for pushing to a class."""
        data = asdict(self)
        data["choices"] = list(self.choices)
        data["facts"] = {name: value for name, value in self.facts}
        return data


def number_choices(correct: float, distractors: Sequence[float], format_number: Callable[[float], str]):
    """Choices ascending by value, duplicates (as printed) dropped: (texts, index of the correct one)."""
    values = sorted({format_number(value): value for value in (correct, *distractors)}.items(), key=lambda kv: kv[1])
    texts = tuple(text for text, _ in values)
    return texts, texts.index(format_number(correct))


def fixed(decimals: int) -> Callable[[float], str]:
    """A formatter with ``decimals`` decimals that never prints ``-0.00``."""
    def format_number(value: float) -> str:
        text = f"{value:.{decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    return format_number


def scientific(value: float) -> str:
    """Three significant digits, plain below 10⁴ and above 10⁻³, else mantissa e exponent."""
    return f"{value:.3g}"


def questions_for(lesson: str, sentence: str | None = None, seed: int = 0, trained: bool = False,
                  **parameters) -> tuple[Question, ...]:
    """The Check-yourself questions of ``lesson`` on the page's current inputs.

    ``sentence``/``seed``/``trained`` are the lesson's own controls (ignored by lessons without them); further
    keyword ``parameters`` go to that lesson's builder (e.g. ``setup`` for the gradients lesson).
    """
    from core.lessons.questions import gates, gradients, practice, reading  # late: each imports torch models

    builders = {
        "why_sequences": reading.why_sequences, "rnn_step": reading.rnn_step,
        "bptt": gradients.bptt, "gradients": gradients.gradients,
        "lstm_step": gates.lstm_step, "gru_step": gates.gru_step,
        "code": practice.code, "architectures": practice.architectures, "summary": practice.summary,
    }
    if lesson not in builders:
        raise ValueError(f"no questions for lesson {lesson!r}; expected one of {LESSONS}")
    return builders[lesson](sentence=sentence, seed=seed, trained=trained, **parameters)
