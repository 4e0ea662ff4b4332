"""Lesson 1 page: both languages, one RNN over several lengths, memory of an early word, bad input handled."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.lessons.why_sequences import compare_lengths, probe_memory
from pages.kit.i18n import texts
from tests.pages.page_app import page_opener

open_page = page_opener("why_sequences")
DEFAULTS = ("我 爱 北京 天安门", "the cat sat on the mat today", "hello world")


def metric_values(app: AppTest) -> list[str]:
    return [metric.value for metric in app.metric]


@pytest.mark.parametrize("lang, title", [("en", "Why sequences?"), ("zh", "为什么需要序列模型？")])
def test_first_view(lang, title):
    app = open_page(lang)
    assert app.title[0].value == title
    assert sum("torch.nn.RNN" in box.value and "✓" in box.value for box in app.success) == 2
    t = texts("why_sequences", lang)
    defaults = tuple(t["default_sentences"])
    assert [box.value for box in app.text_input][:3] == list(defaults)
    if lang == "zh":  # a Chinese view opens on Chinese sentences, not a mix of languages
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in sentence) for sentence in defaults)
    comparison = compare_lengths(defaults, seed=0, window=4)
    lengths = app.dataframe[1].value
    assert lengths.iloc[:, 1].tolist() == [4, 7, 2]
    assert lengths.iloc[0, 2] == "[" + ", ".join(f"{v:.3f}" for v in comparison.runs[0].final_hidden) + "]"
    assert "∅" in lengths.iloc[2, 3]  # the short sentence is padded for the feed-forward net
    assert metric_values(app)[:2] == ["36", "52"]
    probe = probe_memory(defaults[1], 1, t["memory"]["replacement_default"], seed=0, window=4)  # first longer than 4
    assert probe.window_tokens == tuple(defaults[1].split()[-4:]) and probe.tokens[1] not in probe.window_tokens
    assert metric_values(app)[2:] == [f"{probe.final_gap:.4f}", "0.0000"]
    captions = " ".join(caption.value for caption in app.caption)
    assert f"{probe.changed_gap:.3f}" in captions and f"{probe.final_gap:.3f}" in captions  # computed, not typed
    animations = [spec for spec in (json.loads(c.proto.spec) for c in app.get("plotly_chart")) if spec.get("frames")]
    assert [len(spec["frames"]) for spec in animations] == [7]  # the longest sentence, step by step


def test_changing_sentences_and_the_memory_probe_recomputes():
    app = open_page("en")
    before = app.dataframe[1].value.iloc[:, 2].tolist()
    app.text_input(key="why_sequences.s3").set_value("a much longer third sentence than before here it is").run()
    assert not app.exception
    after = app.dataframe[1].value
    assert after.iloc[2, 1] == 10 and after.iloc[:2, 2].tolist() == before[:2]
    animations = [spec for spec in (json.loads(c.proto.spec) for c in app.get("plotly_chart")) if spec.get("frames")]
    assert len(animations[0]["frames"]) == 10
    first_gap = metric_values(app)[2]
    assert app.selectbox(key="why_sequences.position").options == ["1 · the", "2 · cat", "3 · sat"]  # before the window
    app.selectbox(key="why_sequences.position").set_value(2).run()
    probe = probe_memory(DEFAULTS[1], 2, "dog", seed=0, window=4)
    assert metric_values(app)[2] == f"{probe.final_gap:.4f}" != first_gap
    assert metric_values(app)[3] == "0.0000"


def test_bad_input_gets_messages():
    app = open_page("zh")
    app.text_input(key="why_sequences.swap").set_value("两 个").run()
    assert not app.exception and any("一个词" in box.value for box in app.warning)
    app.text_input(key="why_sequences.s2").set_value("你好 世界").run()  # now no sentence is longer than the window
    assert not app.exception and any("超过 4 个词" in box.value for box in app.info)
    for key in ("why_sequences.s1", "why_sequences.s2", "why_sequences.s3"):
        app.text_input(key=key).set_value("")
    app.run()
    assert not app.exception and app.warning[0].value.startswith("请至少输入一句")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_example_titles_carry_the_numbers_of_the_data_they_title(lang):
    """Duration, tone and base count are formatted in from the arrays drawn, never typed (issue 11)."""
    import json

    from core.lessons.why_sequences import SAMPLE_RATE, TONE_HZ, sequence_examples

    app = open_page(lang)
    data = sequence_examples("我 爱 北京 天安门", 0)
    titles = [json.loads(chart.proto.spec)["layout"].get("title", {}).get("text", "") for chart in app.get("plotly_chart")]
    duration = f"{len(data.audio) / SAMPLE_RATE * 1000:g}"
    assert any(duration in title and f"{TONE_HZ:g} Hz" in title and str(SAMPLE_RATE) in title for title in titles)
    assert any(f"{len(data.dna)} " in title and "NM_000207.3" in title for title in titles)
    assert duration == "10" and len(data.dna) == 60  # what the data holds today
