"""Asking the class: one answer per student, counts per choice, the reveal, and nothing typed is kept."""

import pytest

from core.lecture import AnswerRefused, ClassQuestion, LectureError, NotPresenter, RoomEnded
from tests.core.lecture_helpers import follower_id, registry

QUESTION = ClassQuestion.from_choices("rnn_step.hidden_sign", ("positive", "negative", "zero"), correct_index=1)


def open_room():
    rooms = registry()
    ticket = rooms.create()
    rooms.push_question(ticket.code, ticket.secret, QUESTION)
    return rooms, ticket


def test_only_the_choice_count_and_answer_leave_the_lesson():
    assert (QUESTION.question_id, QUESTION.choice_count, QUESTION.correct_index) == ("rnn_step.hidden_sign", 3, 1)
    for bad in (dict(choices=("only one",), correct_index=0), dict(choices=("a", "b"), correct_index=2),
                dict(choices=("a", "b"), correct_index=-1), dict(choices=tuple("abcdefghi"), correct_index=0)):
        with pytest.raises(LectureError):
            ClassQuestion.from_choices("q", **bad)
    with pytest.raises(LectureError):
        ClassQuestion("what is <b>this</b>?", 2, 0)  # an id, never free text


def test_each_student_answers_once_and_the_lecturer_sees_counts():
    rooms, ticket = open_room()
    students = [follower_id() for _ in range(6)]
    for student, choice in zip(students, (1, 1, 0, 1, 2, 1)):
        rooms.answer(ticket.code, student, choice)
    with pytest.raises(AnswerRefused):
        rooms.answer(ticket.code, students[0], 0)  # changing one's mind is a second answer
    poll = rooms.look(ticket.code, key=ticket.secret).poll
    assert poll.counts == (1, 4, 1) and poll.answered == 6 and poll.correct_index == 1 and poll.my_answer is None


def test_followers_see_neither_counts_nor_answer_until_the_reveal():
    rooms, ticket = open_room()
    student, other = follower_id(), follower_id()
    rooms.answer(ticket.code, other, 2)
    before = rooms.look(ticket.code, follower_id=student).poll
    assert (before.counts, before.correct_index, before.my_answer, before.answered) == (None, None, None, 1)
    rooms.answer(ticket.code, student, 1)
    assert rooms.look(ticket.code, follower_id=student).poll.my_answer == 1
    with pytest.raises(NotPresenter):
        rooms.reveal(ticket.code, "not the key")
    rooms.reveal(ticket.code, ticket.secret)
    after = rooms.look(ticket.code, follower_id=student).poll
    assert (after.counts, after.correct_index, after.revealed) == ((0, 1, 1), 1, True)
    with pytest.raises(AnswerRefused):
        rooms.answer(ticket.code, follower_id(), 1)  # answering closes with the reveal


@pytest.mark.parametrize("choice", [3, -1, True, 1.0, "1", None])
def test_answers_outside_the_choices_are_refused(choice):
    rooms, ticket = open_room()
    with pytest.raises(AnswerRefused):
        rooms.answer(ticket.code, follower_id(), choice)
    assert rooms.look(ticket.code, key=ticket.secret).poll.answered == 0


def test_bad_follower_ids_no_question_and_ended_rooms_refuse_answers():
    rooms, ticket = open_room()
    for bad_id in ("short", "x" * 65, "has space in it", None, "<script>alert(1)</script>"):
        with pytest.raises(AnswerRefused):
            rooms.answer(ticket.code, bad_id, 0)
    rooms.close_question(ticket.code, ticket.secret)
    assert rooms.look(ticket.code).poll is None
    with pytest.raises(AnswerRefused):
        rooms.answer(ticket.code, follower_id(), 0)
    rooms.end(ticket.code, ticket.secret)
    with pytest.raises(RoomEnded):
        rooms.answer(ticket.code, follower_id(), 0)


def test_a_new_question_starts_with_no_answers_and_answers_are_capped():
    rooms = registry(max_followers=2)
    ticket = rooms.create()
    rooms.push_question(ticket.code, ticket.secret, QUESTION)
    rooms.answer(ticket.code, follower_id(), 0)
    rooms.answer(ticket.code, follower_id(), 0)
    with pytest.raises(AnswerRefused):
        rooms.answer(ticket.code, follower_id(), 0)
    second = ClassQuestion("rnn_step.tanh_range", 2, 0)
    rooms.push_question(ticket.code, ticket.secret, second)
    poll = rooms.look(ticket.code, key=ticket.secret).poll
    assert (poll.question_id, poll.counts, poll.revealed) == ("rnn_step.tanh_range", (0, 0), False)
