"""User text made literal: each escaper is checked by decoding its output back and by what it leaves active."""

import html
import re
import string

import pytest

from core.escape import WORD_JOINER, latex_text, markdown_text, plotly_text

HOSTILE = [
    "[ok](https://example.com)", r"$\Huge{BIG}$", ":red[red]", 'I don\'t say "yes" & no', "<b>bold</b> <a href=x>",
    "**strong** _em_ `code` # heading", "www.example.com user@example.com", "50% of {x} ~ y^2 #1 a_b \\ c", "我爱北京",
]
LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
                 "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


@pytest.mark.parametrize("text", HOSTILE)
def test_plotly_text_round_trips_and_leaves_no_tag(text):
    escaped = plotly_text(text)
    assert html.unescape(escaped) == text
    assert "<" not in escaped and ">" not in escaped
    assert escaped.count('"') == text.count('"')  # quotes stay quotes: plotly.js would print "&quot;" as it is


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_escapes_every_punctuation_mark_once(text):
    escaped = markdown_text(text)
    assert re.sub(r"\\(.)", r"\1", escaped).replace(WORD_JOINER, "") == text  # without the escapes: the text
    unescaped_marks = re.sub(r"\\.", "", escaped)  # what is left once every escaped pair is dropped
    assert not any(mark in string.punctuation for mark in unescaped_marks)  # nothing left to open a link, $, :red[


def test_markdown_text_breaks_links_math_colours_and_lines():
    assert markdown_text("[ok](https://example.com)") == "\\[ok\\]\\(https\u2060\\:\\/\\/example\\.com\\)"
    assert markdown_text(r"$\Huge{BIG}$") == r"\$\\Huge\{BIG\}\$"
    assert markdown_text(":red[red]") == r"\:red\[red\]"
    assert markdown_text("one\n# two") == r"one \# two"  # no new block from a line break


@pytest.mark.parametrize("address", ["https://evil.example/x", "HTTP://EVIL.EXAMPLE", "www.evil.example",
                                     "Www.evil.example", "user@evil.example", "ftp://evil.example", "mailto:a@b.co",
                                     "xmpp:a@b.co"])
def test_markdown_text_leaves_no_address_a_link_finder_could_match(address):
    # GFM finds bare links after the escapes are read (the browser suite shows it: tests/browser/test_train_files.py)
    shown = re.sub(r"\\(.)", r"\1", markdown_text(f"see {address} now"))
    assert shown.replace(WORD_JOINER, "") == f"see {address} now"
    assert not re.search(r"(?i)(https?|ftp|mailto|xmpp):|\bwww\.|[\w.+-]@\w", shown)


@pytest.mark.parametrize("text", HOSTILE)
def test_latex_text_spells_every_special_character(text):
    escaped = latex_text(text)
    decoded = escaped
    for character, spelling in LATEX_SPECIAL.items():
        decoded = decoded.replace(spelling, "\0" + str(ord(character)) + "\0")
    decoded = re.sub(r"\0(\d+)\0", lambda match: chr(int(match.group(1))), decoded)
    assert decoded == text
    stripped = escaped
    for spelling in LATEX_SPECIAL.values():
        stripped = stripped.replace(spelling, "")
    assert not set(stripped) & set(LATEX_SPECIAL)  # no bare command, group, math or alignment character left
