"""Asking the class: the lecturer pushes one question, each follower answers once, the room counts.

The room stores no text at all: the question travels as its id (each student's page finds the wording, in the
student's own language, from the lesson it follows) and an answer is a choice index under an anonymous follower id.
Nothing a student types can reach another student; the projector only ever shows counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from core.lecture.errors import AnswerRefused, LectureError

MAX_CHOICES = 8
QUESTION_ID_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
FOLLOWER_ID_PATTERN = re.compile(r"[A-Za-z0-9_\-]{8,64}")


@dataclass(frozen=True)
class ClassQuestion:
    """What the room needs to know of a lesson's check-yourself question: which one, how many choices, which is right.

    ``question_id`` names the question in the lesson (``"rnn_step.hidden_sign"``); ``correct_index`` is 0-based.
    """

    question_id: str
    choice_count: int
    correct_index: int

    def __post_init__(self):
        if not isinstance(self.question_id, str) or not QUESTION_ID_PATTERN.fullmatch(self.question_id):
            raise LectureError("question id: not an id")
        if not isinstance(self.choice_count, int) or not 2 <= self.choice_count <= MAX_CHOICES:
            raise LectureError(f"a question has 2 to {MAX_CHOICES} choices")
        if not isinstance(self.correct_index, int) or not 0 <= self.correct_index < self.choice_count:
            raise LectureError("the correct index is not one of the choices")

    @classmethod
    def from_choices(cls, question_id: str, choices: Sequence[str], correct_index: int) -> "ClassQuestion":
        """From a lesson question's choices (only their number is kept) and its correct index."""
        return cls(question_id=question_id, choice_count=len(choices), correct_index=correct_index)


@dataclass(frozen=True)
class PollResult:
    """One question's state as a screen shows it.

    ``counts[i]`` is how many followers chose choice ``i``. A follower sees neither the counts nor the correct index
    until the lecturer reveals them (a running tally would steer the late answers); ``answered`` is always there.
    ``my_answer`` is the asking follower's own choice (None if they have not answered, and for the lecturer).
    """

    question_id: str
    choice_count: int
    answered: int
    counts: tuple[int, ...] | None
    revealed: bool
    correct_index: int | None
    my_answer: int | None = None


def is_follower_id(follower_id: object) -> bool:
    """An anonymous follower id is a random URL-safe token the page makes per session (8–64 characters)."""
    return isinstance(follower_id, str) and FOLLOWER_ID_PATTERN.fullmatch(follower_id) is not None


class Poll:
    """One pushed question and its answers. Not thread-safe by itself: the registry's lock guards it."""

    def __init__(self, question: ClassQuestion, max_answers: int):
        self.question = question
        self.max_answers = max_answers
        self.revealed = False
        self._answers: dict[str, int] = {}

    def answer(self, follower_id: str, choice: int) -> None:
        """Record one follower's choice; a second answer, a closed poll or a bad index is refused."""
        if self.revealed:
            raise AnswerRefused("the answer is already revealed")
        if not is_follower_id(follower_id):
            raise AnswerRefused("not a follower id")
        if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < self.question.choice_count:
            raise AnswerRefused("not one of the choices")
        if follower_id in self._answers:
            raise AnswerRefused("this follower already answered")
        if len(self._answers) >= self.max_answers:
            raise AnswerRefused("the room has taken as many answers as it can count")
        self._answers[follower_id] = choice

    def result(self, follower_id: str | None = None, presenter: bool = False) -> PollResult:
        """The poll as ``follower_id`` (or the lecturer, ``presenter=True``) may see it."""
        counts = [0] * self.question.choice_count
        for choice in self._answers.values():
            counts[choice] += 1
        visible = self.revealed or presenter
        return PollResult(
            question_id=self.question.question_id,
            choice_count=self.question.choice_count,
            answered=len(self._answers),
            counts=tuple(counts) if visible else None,
            revealed=self.revealed,
            correct_index=self.question.correct_index if visible else None,
            my_answer=self._answers.get(follower_id) if follower_id is not None else None,
        )
