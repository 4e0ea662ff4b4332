"""Decks: JSON file and link round trips, strict refusals, and the lecturer's cursor."""

import base64
import json

import pytest

from core.lecture import (Deck, InvalidDeck, InvalidView, deck_from_json, deck_from_link, deck_to_json, deck_to_link,
                          make_view)
from core.lecture.decks import MAX_DECK_BYTES, MAX_LINK_CHARS, MAX_VIEWS
from tests.core.lecture_helpers import PAGES, follower_id, registry

DECK = Deck((
    make_view("home"),
    make_view("rnn_step", {"rnn_step.text": "我 爱 你", "rnn_step.seed": 7, "rnn_step.step": 2}),
    make_view("lstm_step", {"lstm_step.text": "the cat sat", "lstm_step.step": 3, "lstm_step.range": [0.5, 2.0],
                            "lstm_step.bias": True}),
))


def encoded(document) -> bytes:
    return json.dumps(document).encode("utf-8")


def link_of(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def test_json_and_link_round_trips_keep_every_view():
    assert deck_from_json(deck_to_json(DECK), PAGES) == DECK
    token = deck_to_link(DECK)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert deck_from_link(token, PAGES) == DECK
    assert DECK.views[2].as_dict()["lstm_step.range"] == (0.5, 2.0)
    assert json.loads(deck_to_json(DECK))["views"][1]["params"]["rnn_step.text"] == "我 爱 你"  # readable file


def test_a_hand_written_file_with_a_bom_loads():
    document = {"format": "rnn-explorer-deck", "version": 1, "views": [{"page": "gru_step"}]}
    assert deck_from_json(b"\xef\xbb\xbf" + encoded(document), PAGES) == Deck((make_view("gru_step"),))


VALID = {"format": "rnn-explorer-deck", "version": 1, "views": [{"page": "rnn_step", "params": {"rnn_step.step": 2}}]}


@pytest.mark.parametrize("document", [
    {**VALID, "format": "something-else"},
    {**VALID, "version": 2},
    {**VALID, "version": True},
    {**VALID, "extra": 1},
    {key: value for key, value in VALID.items() if key != "views"},
    {**VALID, "views": []},
    {**VALID, "views": [{"page": "rnn_step"}] * (MAX_VIEWS + 1)},
    {**VALID, "views": [{"page": "admin"}]},                           # unknown page
    {**VALID, "views": [{"page": "../etc/passwd"}]},
    {**VALID, "views": [{"page": "rnn_step", "script": "x"}]},          # unknown field in a view
    {**VALID, "views": [{"params": {}}]},
    {**VALID, "views": ["rnn_step"]},
    {**VALID, "views": [{"page": "rnn_step", "params": {"lang": "zh"}}]},           # the language is not a view's
    {**VALID, "views": [{"page": "rnn_step", "params": {"key": "secret"}}]},        # nor a presenter secret
    {**VALID, "views": [{"page": "rnn_step", "params": {"a b": 1}}]},
    {**VALID, "views": [{"page": "rnn_step", "params": {"x": {"nested": 1}}}]},
    {**VALID, "views": [{"page": "rnn_step", "params": {"x": "t" * 1001}}]},
    {**VALID, "views": [{"page": "rnn_step", "params": {"x": list(range(17))}}]},
    {**VALID, "views": [{"page": "rnn_step", "params": {"x": 2**60}}]},
    {**VALID, "views": [{"page": "rnn_step", "params": {f"k{index}": 1 for index in range(33)}}]},
    [VALID],
])
def test_malformed_decks_are_refused_in_file_and_link(document):
    with pytest.raises(InvalidDeck):
        deck_from_json(encoded(document), PAGES)
    with pytest.raises(InvalidDeck):
        deck_from_link(link_of(encoded(document)), PAGES)


@pytest.mark.parametrize("data", [
    b"", b"not json", b"\xff\xfe\x00garbage", b'{"format": NaN}',
    b'{"format": "rnn-explorer-deck", "version": 1, "version": 1, "views": [{"page": "home"}]}',  # duplicate field
    b"[" * 50_000 + b"]" * 50_000,
    b" " * (MAX_DECK_BYTES + 1),
    encoded({**VALID, "views": [{"page": "rnn_step", "params": {"x": float("inf")}}]}),
])
def test_files_that_are_not_decks_are_refused(data):
    with pytest.raises(InvalidDeck):
        deck_from_json(data, PAGES)


@pytest.mark.parametrize("token", ["", "not base64!", "ab+cd/ef", "a" * (MAX_LINK_CHARS + 1), None, "QQ=="])
def test_links_that_are_not_decks_are_refused(token):
    with pytest.raises(InvalidDeck):
        deck_from_link(token, PAGES)


def test_a_deck_too_big_for_a_link_says_so():
    long_text = {f"rnn_step.text{index}": "x" * 1000 for index in range(10)}
    big = Deck(tuple(make_view("rnn_step", long_text) for _ in range(3)))
    with pytest.raises(InvalidDeck):
        deck_to_link(big)
    assert deck_from_json(deck_to_json(big), PAGES) == big  # the file still carries it


def test_views_refuse_bad_values_directly():
    for page, params in (("rnn_step", {"x": float("nan")}), ("Rnn Step", {}), ("rnn_step", {"x": object()}),
                         ("rnn_step", [("x", 1)]), (None, {})):
        with pytest.raises(InvalidView):
            make_view(page, params)
    assert make_view("rnn_step", {"b": 1, "a": 2}).params == (("a", 2), ("b", 1))  # one order, so views compare


def test_the_lecturer_moves_through_a_deck_and_followers_follow():
    rooms = registry()
    ticket = rooms.create()
    first = rooms.load_deck(ticket.code, ticket.secret, DECK)
    assert first.view == DECK.views[0]
    student = follower_id()
    assert rooms.look(ticket.code, follower_id=student).deck_position.index == 0
    assert rooms.move(ticket.code, ticket.secret, 1).view == DECK.views[1]
    assert rooms.move(ticket.code, ticket.secret, 5).view == DECK.views[2]  # stops at the last view
    assert rooms.move(ticket.code, ticket.secret, -9).view == DECK.views[0]  # and at the first
    state = rooms.look(ticket.code, follower_id=student)
    assert state.published.view == DECK.views[0] and state.published.version == 4
    assert (state.deck_position.index, state.deck_position.size) == (0, 3)
    with pytest.raises(InvalidView):
        rooms.load_deck(ticket.code, ticket.secret, Deck((make_view("train"),)))  # a page this app lacks
