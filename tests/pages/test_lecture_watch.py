"""The followers' watch: the long-poll route answers a changed mark at once and holds an unchanged one; a follower's
page carries the watcher with the room's mark, and nobody else's page does.

The route is called as Starlette calls it (a request built from an ASGI scope); the browser side is covered by
tests/browser/test_lecture.py, which follows a lecturer through it.
"""

import asyncio
import json
import time

import pytest
from starlette.requests import Request

from pages.kit import lecture_watch
from pages.kit.lecture import rooms
from pages.kit.lecture_watch import GONE, watch_routes
from tests.deploy.coroutines import run_coroutine  # asyncio.run on its own thread (Playwright's loop in the suite)
from tests.pages.test_lecture import go_to, open_app, start_lecture


def ask(**query) -> tuple[dict, float]:
    """One GET of the watch route; its JSON answer and how long it took to come."""
    route = watch_routes()[0]
    query_string = "&".join(f"{name}={value}" for name, value in query.items()).encode()
    request = Request({"type": "http", "method": "GET", "path": route.path, "query_string": query_string,
                       "headers": []})
    started = time.perf_counter()
    response = run_coroutine(route.endpoint(request))
    assert response.headers["cache-control"] == "no-store"
    return json.loads(response.body), time.perf_counter() - started


@pytest.fixture
def short_hold(monkeypatch):
    monkeypatch.setattr(lecture_watch, "HOLD_SECONDS", 0.5)


def test_a_changed_mark_comes_back_at_once_and_an_unchanged_one_is_held(short_hold):
    ticket = rooms().create()
    follower = "watcher-test-follower-1"
    answer, seconds = ask(lecture=ticket.code, follower=follower, after="stale")
    assert answer["mark"] == rooms().mark(ticket.code) and seconds < 0.4
    answer, seconds = ask(lecture=ticket.code, follower=follower, after=answer["mark"])
    assert answer["mark"] == rooms().mark(ticket.code) and seconds >= 0.5  # nothing changed: held to the end
    assert rooms().look(ticket.code, key=ticket.secret).followers == 1  # asking counts the follower


def test_a_change_while_held_ends_the_wait(short_hold, monkeypatch):
    monkeypatch.setattr(lecture_watch, "HOLD_SECONDS", 5.0)
    ticket = rooms().create()
    before = rooms().mark(ticket.code)

    async def publish_later() -> None:
        await asyncio.sleep(0.3)
        from core.lecture import make_view
        rooms().publish(ticket.code, ticket.secret, make_view("rnn_step", {"rnn_step.step": 3}))

    async def both():
        request = Request({"type": "http", "method": "GET", "path": "/lecture-watch", "headers": [],
                           "query_string": f"lecture={ticket.code}&after={before}".encode()})
        started = time.perf_counter()
        response, _ = await asyncio.gather(watch_routes()[0].endpoint(request), publish_later())
        return json.loads(response.body), time.perf_counter() - started

    answer, seconds = run_coroutine(both())
    assert answer["mark"] != before and answer["mark"] == rooms().mark(ticket.code)
    assert 0.3 <= seconds < 1.5


def test_unknown_and_hostile_codes_answer_gone(short_hold):
    for code in ("ZZZZZ", "%3Cscript%3E", ""):
        answer, seconds = ask(lecture=code, after="x")
        assert answer == {"mark": GONE} and seconds < 0.4
    answer, seconds = ask(lecture="ZZZZZ", after=GONE)  # already told: held, no busy loop of answers
    assert answer == {"mark": GONE} and seconds >= 0.5


def watchers(app) -> list[dict]:
    return [json.loads(element.proto.json) for element in app.get("bidi_component")]


def test_only_a_follower_page_carries_the_watcher_with_the_room_mark():
    lecturer = open_app()
    assert watchers(lecturer) == []
    code, secret = start_lecture(lecturer)
    go_to(lecturer, "rnn_step")
    assert watchers(lecturer) == []
    student = open_app(lecture=code)
    student.run()
    [data] = watchers(student)
    assert data["mark"] == rooms().mark(code)
    assert data["url"].startswith(f"lecture-watch?lecture={code}&follower=")
    lecturer.slider(key="rnn_step.step").set_value(3).run()
    assert rooms().mark(code) != data["mark"]  # what the student's browser now gets back, and reruns for
    student.run()
    assert student.slider(key="rnn_step.step").value == 3
    assert watchers(student)[0]["mark"] == rooms().mark(code)
