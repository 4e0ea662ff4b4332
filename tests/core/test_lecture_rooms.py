"""The room registry: presenter rights, published views, followers, expiry, limits, and many threads at once."""

import threading

import pytest

from core.lecture import (ClassQuestion, InvalidDeck, InvalidView, NotPresenter, RoomEnded, RoomsFull, UnknownRoom,
                          make_view)
from core.lecture.codes import CODE_ALPHABET, new_secret
from tests.core.lecture_helpers import FakeClock, follower_id, registry


def view(page="rnn_step", **params):
    return make_view(page, {f"{page}.{name}": value for name, value in params.items()})


def test_presenter_changes_the_view_and_followers_see_it():
    rooms = registry()
    ticket = rooms.create()
    assert set(ticket.code) <= set(CODE_ALPHABET)
    assert rooms.look(ticket.code).published is None
    published = rooms.publish(ticket.code, ticket.secret, view(text="the cat sat", step=2))
    seen = rooms.look(ticket.code.lower(), follower_id=follower_id())  # a code typed in lower case still works
    assert seen.published == published and published.version == 1
    assert seen.published.view.as_dict() == {"rnn_step.step": 2, "rnn_step.text": "the cat sat"}
    assert not seen.presenter and rooms.look(ticket.code, key=ticket.secret).presenter


def test_version_grows_only_when_the_view_changes():
    rooms = registry()
    ticket = rooms.create()
    first = rooms.publish(ticket.code, ticket.secret, view(step=2))
    assert rooms.publish(ticket.code, ticket.secret, view(step=2)).version == first.version
    second = rooms.publish(ticket.code, ticket.secret, view(step=3))
    third = rooms.publish(ticket.code, ticket.secret, view("lstm_step", step=3))
    assert (first.version, second.version, third.version) == (1, 2, 3)


def test_wrong_key_is_a_follower_who_cannot_drive():
    rooms = registry()
    ticket, other = rooms.create(), rooms.create()
    rooms.publish(ticket.code, ticket.secret, view(step=2))
    for wrong in (None, "", new_secret(), other.secret, ticket.secret[:-1], 42):
        assert not rooms.is_presenter(ticket.code, wrong)
        assert not rooms.look(ticket.code, key=wrong).presenter
        for change in (lambda: rooms.publish(ticket.code, wrong, view(step=5)),
                       lambda: rooms.end(ticket.code, wrong),
                       lambda: rooms.reveal(ticket.code, wrong),
                       lambda: rooms.move(ticket.code, wrong, 1)):
            with pytest.raises(NotPresenter):
                change()
    assert rooms.look(ticket.code).published.view == view(step=2)
    assert not rooms.look(ticket.code).ended


def test_unknown_and_hostile_codes_are_unknown_rooms():
    rooms = registry()
    rooms.create()
    for code in ("ACDEF", "nope", "", None, "<img src=x>", "A" * 5_000):
        with pytest.raises(UnknownRoom):
            rooms.look(code)
        assert not rooms.is_presenter(code, "anything")


def test_views_on_unknown_pages_are_refused():
    rooms = registry()
    ticket = rooms.create()
    with pytest.raises(InvalidView):
        rooms.publish(ticket.code, ticket.secret, make_view("admin"))
    with pytest.raises(InvalidView):
        rooms.publish(ticket.code, ticket.secret, {"page": "rnn_step"})
    with pytest.raises(InvalidDeck):
        rooms.move(ticket.code, ticket.secret, 1)  # no deck loaded yet


def test_followers_are_counted_within_the_window_and_forgotten_after():
    clock = FakeClock()
    rooms = registry(clock, follower_window=10.0)
    ticket = rooms.create()
    students = [follower_id() for _ in range(5)]
    for student in students:
        rooms.look(ticket.code, follower_id=student)
    rooms.look(ticket.code, follower_id=students[0])  # the same student polling again is still one follower
    rooms.look(ticket.code, key=ticket.secret, follower_id=follower_id())  # the lecturer is not a follower
    rooms.look(ticket.code, follower_id="short")  # not an anonymous id: reads, is not counted
    assert rooms.look(ticket.code, key=ticket.secret).followers == 5
    clock.advance(6)
    for student in students[:2]:
        rooms.look(ticket.code, follower_id=student)
    clock.advance(6)  # 12 s after the first three polled, 6 s after the last two
    assert rooms.look(ticket.code, key=ticket.secret).followers == 2
    clock.advance(11)
    assert rooms.look(ticket.code, key=ticket.secret).followers == 0


def test_followers_beyond_the_cap_are_not_counted():
    rooms = registry(max_followers=3)
    ticket = rooms.create()
    for _ in range(10):
        rooms.look(ticket.code, follower_id=follower_id())
    assert rooms.look(ticket.code, key=ticket.secret).followers == 3


def test_rooms_expire_after_lecturer_inactivity_even_while_followed():
    clock = FakeClock()
    rooms = registry(clock, expire_after=3 * 3600.0)
    ticket = rooms.create()
    student = follower_id()
    clock.advance(2 * 3600)
    rooms.publish(ticket.code, ticket.secret, view(step=2))  # the lecturer's change keeps it alive
    for _ in range(5):  # a student's open tab polls for 2 h 59 min 35 s: still the same room
        clock.advance(2159)
        assert rooms.look(ticket.code, follower_id=student).followers == 1
    clock.advance(10)  # but polling did not keep it alive: 3 h after the lecturer's last change it is gone
    with pytest.raises(UnknownRoom):
        rooms.look(ticket.code, follower_id=student)
    assert rooms.room_count() == 0


def test_ended_room_says_so_then_is_forgotten():
    clock = FakeClock()
    rooms = registry(clock, ended_kept_for=600.0)
    ticket = rooms.create()
    rooms.publish(ticket.code, ticket.secret, view(step=2))
    rooms.end(ticket.code, ticket.secret)
    state = rooms.look(ticket.code, follower_id=follower_id())
    assert state.ended and state.followers == 0
    with pytest.raises(RoomEnded):
        rooms.publish(ticket.code, ticket.secret, view(step=3))
    clock.advance(601)
    with pytest.raises(UnknownRoom):
        rooms.look(ticket.code)


def test_a_full_server_refuses_new_rooms_until_one_expires():
    clock = FakeClock()
    rooms = registry(clock, max_rooms=3, expire_after=3600.0)
    tickets = [rooms.create() for _ in range(3)]
    assert len({ticket.code for ticket in tickets}) == 3
    with pytest.raises(RoomsFull):
        rooms.create()
    clock.advance(1800)
    rooms.publish(tickets[0].code, tickets[0].secret, view(step=2))
    clock.advance(1801)  # the other two are idle for over an hour now
    assert rooms.create().code not in {ticket.code for ticket in tickets}
    assert rooms.room_count() == 2


def test_many_threads_at_once_keep_one_consistent_room():
    rooms = registry(max_followers=10_000)
    ticket = rooms.create()
    students = [follower_id() for _ in range(40)]
    versions_seen: list[list[int]] = [[] for _ in students]
    errors: list[BaseException] = []
    start = threading.Barrier(len(students) + 1)

    def lecturer():
        start.wait()
        for step in range(1, 201):
            rooms.publish(ticket.code, ticket.secret, view(step=step))

    def student(index):
        start.wait()
        try:
            for _ in range(200):
                published = rooms.look(ticket.code, follower_id=students[index]).published
                versions_seen[index].append(0 if published is None else published.version)
                with pytest.raises(NotPresenter):
                    rooms.publish(ticket.code, "guess", view(step=999))
        except BaseException as error:  # collected: an exception in a thread would otherwise pass silently
            errors.append(error)

    threads = [threading.Thread(target=lecturer)] + [threading.Thread(target=student, args=(index,))
                                                     for index in range(len(students))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    final = rooms.look(ticket.code, key=ticket.secret)
    assert final.published.version == 200 and final.published.view == view(step=200)
    assert final.followers == len(students)
    for seen in versions_seen:  # each follower sees versions only ever grow
        assert seen == sorted(seen)


def test_the_change_mark_moves_with_the_view_the_question_and_the_end_only():
    rooms = registry()
    ticket = rooms.create()
    student = follower_id()
    marks = [rooms.mark(ticket.code, student)]
    rooms.publish(ticket.code, ticket.secret, view(step=2))
    marks.append(rooms.mark(ticket.code, student))
    rooms.publish(ticket.code, ticket.secret, view(step=2))  # the same view again: nothing for followers to do
    assert rooms.mark(ticket.code, student) == marks[-1]
    rooms.push_question(ticket.code, ticket.secret, ClassQuestion.from_choices("rnn_step.hidden_sign", "ab", 0))
    marks.append(rooms.mark(ticket.code, student))
    rooms.answer(ticket.code, student, 1)  # answers and the reveal are the question's own business
    rooms.reveal(ticket.code, ticket.secret)
    assert rooms.mark(ticket.code, student) == marks[-1]
    rooms.end(ticket.code, ticket.secret)
    marks.append(rooms.mark(ticket.code, student))
    assert len(set(marks)) == len(marks) == 4
    assert rooms.look(ticket.code).mark == marks[-1]  # the state a page run sees carries the same mark
    with pytest.raises(UnknownRoom):
        rooms.mark("ZZZZZ")


def test_asking_for_the_mark_counts_a_follower_as_present():
    clock = FakeClock()
    rooms = registry(clock)
    ticket = rooms.create()
    rooms.mark(ticket.code, follower_id())
    rooms.mark(ticket.code, "not an id")  # what is not an anonymous id is not counted
    assert rooms.look(ticket.code, key=ticket.secret).followers == 1
    clock.advance(rooms.follower_window + 1)
    assert rooms.look(ticket.code, key=ticket.secret).followers == 0
