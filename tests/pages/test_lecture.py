"""Lecture mode through app.py in AppTest: start a room, follow it, wrong keys, unknown and ended rooms.

Lecturer and students are separate AppTest sessions of one process, so they share the server's room registry as
real sessions do. (Fragments' timers do not fire in AppTest: each ``run()`` stands for the next poll.)
"""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from pages.kit.lecture import CODE_KEY, SECRET_KEY, rooms
from pages.kit.registry import BY_NAME

ROOT = Path(__file__).resolve().parents[2]


def open_app(lang="en", **query) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state["lang"] = lang
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def go_to(app: AppTest, page: str) -> None:
    app.switch_page(str(BY_NAME[page].script.relative_to(ROOT)))
    app.run()
    assert not app.exception, app.exception


def start_lecture(app: AppTest) -> tuple[str, str]:
    app.button(key="lecture.start").click().run()
    assert not app.exception, app.exception
    code, secret = app.session_state[CODE_KEY], app.session_state[SECRET_KEY]
    assert app.query_params["lecture"] == code and app.query_params["key"] == secret
    return code, secret


def text_of(app: AppTest) -> str:
    return " ".join(element.value for element in [*app.markdown, *app.warning, *app.info, *app.subheader]
                    if isinstance(element.value, str))


def test_the_lecturer_gets_a_room_with_a_link_and_a_qr_code():
    lecturer = open_app()
    code, secret = start_lecture(lecturer)
    assert rooms().is_presenter(code, secret)
    sidebar = " ".join(element.value for element in lecturer.sidebar.subheader)
    assert code in sidebar
    assert lecturer.sidebar.code[0].value.endswith(f"/?lecture={code}")
    assert len(lecturer.sidebar.get("image")) == 1  # the QR code
    assert "0 following" in " ".join(element.value for element in lecturer.sidebar.markdown)


def test_a_student_follows_page_and_inputs_in_their_own_language():
    lecturer = open_app()
    code, secret = start_lecture(lecturer)
    go_to(lecturer, "rnn_step")
    lecturer.text_input(key="rnn_step.text").set_value("rain falls on the old town").run()
    lecturer.slider(key="rnn_step.step").set_value(4).run()
    assert rooms().look(code, key=secret).published.view.as_dict()["rnn_step.step"] == 4

    student = open_app("zh", lecture=code)
    student.run()  # the poll after the first view: the switch to the lecturer's page
    assert student.session_state["rnn_step.text"] == "rain falls on the old town"
    assert student.slider(key="rnn_step.step").value == 4
    assert "正在跟随讲师" in text_of(student)
    assert any("\u4e00" <= character <= "\u9fff" for character in student.title[0].value)
    lecturer.run()
    assert "1 following" in " ".join(element.value for element in lecturer.sidebar.markdown)


def test_a_wrong_key_is_a_follower_and_cannot_drive():
    lecturer = open_app()
    code, secret = start_lecture(lecturer)
    go_to(lecturer, "rnn_step")
    published = rooms().look(code, key=secret).published
    intruder = open_app(lecture=code, key="not-the-key")
    assert CODE_KEY in intruder.session_state and SECRET_KEY not in intruder.session_state
    assert "key" not in intruder.query_params  # a wrong key does not stay in the address
    assert not [button for button in intruder.sidebar.button if button.key == "lecture.end"]
    intruder.run()
    intruder.slider(key="rnn_step.step").set_value(1).run()
    assert rooms().look(code, key=secret).published == published


def test_unknown_and_malformed_codes_leave_the_app_working():
    for code, expected in (("XXXXX", "There is no lecture XXXXX"), ("<b>hi</b>", "That lecture link is not valid")):
        app = open_app(lecture=code)
        assert expected in text_of(app)
        assert "lecture" not in app.query_params
        assert app.title and CODE_KEY not in app.session_state


def test_an_ended_lecture_tells_its_students_and_frees_them():
    lecturer = open_app()
    code, _ = start_lecture(lecturer)
    student = open_app("zh", lecture=code)
    lecturer.sidebar.button(key="lecture.end").click().run()
    assert CODE_KEY not in lecturer.session_state and "lecture" not in lecturer.query_params
    student.run()
    assert f"课堂 {code} 已经结束" in text_of(student)
    assert CODE_KEY not in student.session_state
    late = open_app(lecture=code)
    assert f"The lecture {code} has ended" in text_of(late)


def test_presenter_layout_enlarges_type_for_the_session():
    from pages.kit.presenter import SCALE

    plain, presenting = open_app(), open_app(present="1")
    assert SCALE >= 1.25
    assert not [element for element in plain.get("html") if "font-size" in element.value]
    assert [element for element in presenting.get("html") if f"font-size: {SCALE * 100:.0f}%" in element.value]
    go_to(presenting, "rnn_step")  # the navigation drops query parameters: the session keeps the layout
    assert presenting.query_params["present"] == "1"
    assert [element for element in presenting.get("html") if "font-size" in element.value]


def test_page_specific_controls_follow_too():
    lecturer = open_app()
    code, _ = start_lecture(lecturer)
    go_to(lecturer, "gradients")
    radius = lecturer.slider(key="gradients.radius")
    chosen = radius.max if radius.value != radius.max else radius.min
    radius.set_value(chosen).run()
    student = open_app(lecture=code)
    student.run()
    assert not student.exception, student.exception
    assert student.slider(key="gradients.radius").value == chosen


def test_the_class_answers_a_question_once_and_sees_the_reveal():
    lecturer = open_app()
    code, secret = start_lecture(lecturer)
    go_to(lecturer, "rnn_step")
    ask = [button for button in lecturer.button if button.key.endswith(".class_ask")]
    assert ask, "the lecturer can ask the class each Check-yourself question"
    question_id = ask[0].key.removesuffix(".class_ask")
    ask[0].click().run()
    poll = rooms().look(code, key=secret).poll
    assert poll.question_id == question_id and poll.answered == 0

    student = open_app("zh", lecture=code)
    student.run()
    assert not [button for button in student.button if button.key.endswith(".class_ask")]  # students cannot ask
    student.radio(key=f"{question_id}.choice").set_value(poll.correct_index).run()
    student.button(key=f"{question_id}.class_answer").click().run()
    assert not student.exception, student.exception
    lecturer.run()
    assert rooms().look(code, key=secret).poll.counts[poll.correct_index] == 1
    assert "1 answered" in " ".join(caption.value for caption in lecturer.caption)
    assert not [button for button in student.button if button.key.endswith(".class_answer")]  # one answer each

    lecturer.button(key=f"{question_id}.class_reveal").click().run()
    student.run()
    assert any("正确答案" in box.value for box in student.success)


# -- decks ------------------------------------------------------------------------------------------------------


def build_deck(lecturer: AppTest) -> None:
    """Two views of the lecturer's: /rnn_step at t = 2, then /lstm_step."""
    go_to(lecturer, "rnn_step")
    lecturer.text_input(key="rnn_step.text").set_value("the cat sat on the mat").run()
    lecturer.slider(key="rnn_step.step").set_value(2).run()
    lecturer.button(key="lecture.deck_add").click().run()
    go_to(lecturer, "lstm_step")
    lecturer.button(key="lecture.deck_add").click().run()
    assert not lecturer.exception, lecturer.exception


def test_the_lecturer_lines_up_views_and_steps_through_them_with_the_class():
    from pages.kit.lecture_deck import DECK_KEY

    lecturer = open_app("zh")
    code, secret = start_lecture(lecturer)
    build_deck(lecturer)
    deck = lecturer.session_state[DECK_KEY]
    assert [view.page for view in deck.views] == ["rnn_step", "lstm_step"]
    assert deck.views[0].as_dict()["rnn_step.step"] == 2
    listed = " ".join(element.value for element in lecturer.sidebar.text)
    from pages.kit.i18n import texts
    titles = texts("common", "zh")["pages"]
    assert f"1. {titles['rnn_step']}" in listed and f"2. {titles['lstm_step']}" in listed

    # (AppTest keeps the page it last opened for a plain run(): each click's own run is the one to look at)
    lecturer.button(key="lecture.deck_next").click().run()  # first view: back to /rnn_step at t = 2
    assert not lecturer.exception, lecturer.exception
    assert lecturer.slider(key="rnn_step.step").value == 2
    published = rooms().look(code, key=secret).published.view
    assert published.page == "rnn_step" and published.as_dict()["rnn_step.step"] == 2
    student = open_app(lecture=code)
    student.run()
    assert student.slider(key="rnn_step.step").value == 2

    lecturer.button(key="lecture.deck_next").click().run()
    assert rooms().look(code, key=secret).published.view.page == "lstm_step"
    lecturer.button(key="lecture.deck_previous").click().run()
    assert lecturer.slider(key="rnn_step.step").value == 2
    assert rooms().look(code, key=secret).published.view.page == "rnn_step"
    student.run()
    student.run()
    assert student.slider(key="rnn_step.step").value == 2


def test_a_deck_saved_as_a_file_or_a_link_loads_again():
    from core.lecture import deck_to_json
    from pages.kit.lecture_deck import DECK_KEY

    lecturer = open_app()
    start_lecture(lecturer)
    build_deck(lecturer)
    deck = lecturer.session_state[DECK_KEY]
    assert lecturer.sidebar.get("download_button")  # "Save deck" downloads deck_to_json of this deck
    link = lecturer.sidebar.code[-1].value
    assert "/?deck=" in link

    second = open_app()
    start_lecture(second)
    second.file_uploader(key="lecture.deck_file").set_value(("deck.json", deck_to_json(deck), "application/json"))
    second.run()
    assert not second.exception, second.exception
    assert second.session_state[DECK_KEY] == deck

    third = open_app(deck=link.split("?deck=", 1)[1])
    assert "deck" not in third.query_params  # read once, then out of the address
    start_lecture(third)
    assert third.session_state[DECK_KEY] == deck
    assert "2. " in " ".join(element.value for element in third.sidebar.text)


def test_a_bad_deck_file_gets_one_message_and_keeps_the_deck():
    from pages.kit.lecture_deck import DECK_KEY

    lecturer = open_app("zh")
    start_lecture(lecturer)
    build_deck(lecturer)
    deck = lecturer.session_state[DECK_KEY]
    for content in (b"{not json", b'{"format": "rnn-explorer-deck", "version": 1, "views": [{"page": "nowhere"}]}'):
        lecturer.file_uploader(key="lecture.deck_file").set_value(("deck.json", content, "application/json"))
        lecturer.run()
        assert not lecturer.exception, lecturer.exception
        assert [box.value for box in lecturer.sidebar.error] == [texts_zh_invalid()]
        assert lecturer.session_state[DECK_KEY] == deck


def texts_zh_invalid() -> str:
    from pages.kit.i18n import texts
    return texts("lecture", "zh")["deck"]["invalid"]


def test_space_plays_the_time_step_one_a_second_and_the_class_follows():
    import time

    lecturer = open_app()
    code, secret = start_lecture(lecturer)
    go_to(lecturer, "rnn_step")
    lecturer.slider(key="rnn_step.step").set_value(1).run()
    play = lecturer.button(key="rnn_step.step.play")
    assert play.proto.shortcut.lower() == "space"
    play.click().run()
    assert lecturer.button(key="rnn_step.step.play").label == "▮▮ Pause"
    time.sleep(1.1)
    lecturer.run()  # the player's timer (AppTest does not fire it: this run stands for it)
    assert not lecturer.exception, lecturer.exception
    assert lecturer.slider(key="rnn_step.step").value == 2
    assert rooms().look(code, key=secret).published.view.as_dict()["rnn_step.step"] == 2
    student = open_app(lecture=code)
    student.run()
    assert student.slider(key="rnn_step.step").value == 2
    lecturer.button(key="rnn_step.step.play").click().run()  # pause
    time.sleep(1.1)
    lecturer.run()
    assert lecturer.slider(key="rnn_step.step").value == 2
    assert lecturer.button(key="rnn_step.step.play").label == "▶ Play"
