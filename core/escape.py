"""User text made literal for each place a page shows it: Plotly labels, Markdown prose and LaTeX.

A sentence typed by a learner, or carried in a shared link, is data: it must never become a link, a colour, a giant
formula or markup. Each target has exactly one function here, and text is escaped exactly once, where it meets
its target (escaping twice shows the escape itself, e.g. ``&quot;`` on a chart).
"""

from __future__ import annotations

import html
import re

# CommonMark lets a backslash make any ASCII punctuation literal. Escaping all of it also breaks what Streamlit adds
# on top of Markdown ($…$ math, :red[…] colours, :emoji: codes).
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GFM's bare links are found after the escapes are read: in Streamlit 1.67 (Chromium) "https\:\/\/x", "www\.x" and
# "a\@b\.c" still became links. An invisible word joiner (U+2060) between a scheme and its colon, after "www" and
# before "@" leaves nothing a link finder matches, and the text reads the same.
WORD_JOINER = "\u2060"
_LINK_SCHEME = re.compile(r"(?i)(https?|ftp|mailto|xmpp)(?=\\:)")
_LINK_WWW = re.compile(r"(?i)\b(www)(?=\\\.)")

# Inside \text{…} these characters are commands or group delimiters; each gets its text-mode spelling.
_LATEX_TEXT = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
}


def plotly_text(value: object) -> str:
    """``value`` as literal text in a Plotly title, label, tick, hover or slider step.

    Plotly reads a small HTML subset (``<b>``, ``<a href>``, ``&amp;`` …): ``<``, ``>`` and ``&`` are escaped. Quotes
    stay as they are: plotly.js does not decode ``&quot;``, so escaping them would print the entity.
    """
    return html.escape(str(value), quote=False)


def markdown_text(value: object) -> str:
    """``value`` as literal text inside ``st.markdown`` prose: every ASCII punctuation mark backslash-escaped, line
    breaks folded to spaces (a user's text must not open a heading, a list or a new paragraph), and a word joiner
    inside every web or mail address (:data:`WORD_JOINER`), which Markdown would otherwise turn into a link."""
    flat = " ".join(str(value).splitlines())
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)
    escaped = _LINK_WWW.sub(rf"\1{WORD_JOINER}", _LINK_SCHEME.sub(rf"\1{WORD_JOINER}", escaped))
    return escaped.replace("\\@", WORD_JOINER + "\\@")


def latex_text(value: object) -> str:
    """``value`` as the argument of ``\\text{…}`` in a displayed equation: LaTeX's special characters spelled as
    text, so a token can neither run a command nor close the group."""
    flat = " ".join(str(value).splitlines())
    return "".join(_LATEX_TEXT.get(character, character) for character in flat)
