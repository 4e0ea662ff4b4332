"""Small page-building blocks every lesson shares, so pages stay short and look alike, and the one stylesheet that
makes them readable on a phone (``screen_style``)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
import torch

from core.device import describe_device, select_device
from pages.kit.i18n import Texts, texts
from pages.kit.presenter import folded

AGREEMENT_TOLERANCE = 1e-5

# Minimum widths (px) a figure may ask for (see pages/kit/chart.py): on a narrower screen it keeps that width inside a
# frame that scrolls sideways, instead of squeezing its squares and numbers into each other.
SCROLL_WIDTHS = tuple(range(480, 1201, 80))
NARROW_SCREEN = 640  # px: phones in portrait (390 measured for a class's followers), small tablets

# Constant: built from the constants above only, never from user text. On a narrow screen
# - a displayed formula may wrap where KaTeX allows it (after "=", "+", "−": each top-level part is an inline box),
#   so the products and sums of a step stack instead of running off the right edge; a part still wider than the
#   column (a matrix times a vector) scrolls sideways inside the formula's own block;
# - every sideways-scrolling block shows a soft shadow on the side that has more to see (the "local" white covers
#   hide the shadow once scrolled to that end), because a phone shows no scrollbar until one touches it.
_SCROLL_CUE = ("background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 24px 100% no-repeat local,"
               " linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 24px 100% no-repeat local,"
               " radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) left / 10px 100% no-repeat"
               " scroll,"
               " radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) right / 10px 100% no-repeat"
               " scroll;")
SCREEN_STYLESHEET = "<style>\n" + "\n".join(
    [f'[class*="st-key-scroll-{width}-"] > [data-testid="stElementContainer"] {{ min-width: {width}px; }}'
     for width in SCROLL_WIDTHS]
    + ['[class*="st-key-scroll-"] { overflow-x: auto; overflow-y: hidden; flex-wrap: nowrap; ' + _SCROLL_CUE + ' }',
       f"@media (max-width: {NARROW_SCREEN}px) {{",
       "  .katex-display > .katex, .katex-display > .katex > .katex-html { white-space: normal; }",
       "  .katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.2em 0; " + _SCROLL_CUE + " }",
       "}"]
) + "\n</style>"


def screen_style() -> None:
    """The app's constant stylesheet for narrow screens, on every run (the shell calls it)."""
    st.html(SCREEN_STYLESHEET)


def scroll_width(minimum: int) -> int | None:
    """The smallest of ``SCROLL_WIDTHS`` that is at least ``minimum`` px (the largest if none is); None for a
    figure that fits a phone's column as it is."""
    if minimum <= SCROLL_WIDTHS[0] - 80:
        return None
    return next((width for width in SCROLL_WIDTHS if width >= minimum), SCROLL_WIDTHS[-1])


def page_header(t: Texts, title: bool = True, notice: dict | None = None, **values) -> None:
    """The page title (unless ``title`` is False: a page that drew it already) and its introduction; ``values`` fill
    the intro's placeholders (model sizes read from the lesson's config, never typed into the prose), ``notice``
    those of "what to notice" (computed numbers)."""
    if title:
        st.title(t["title"])
    with folded("presenter_about"):  # a projector folds the explanations away
        if "intro" in t:
            st.markdown(t.format("intro", **values) if values else t["intro"])
        if "notice" in t:  # the story first: what to look for, before any equation
            text = t.format("notice", **notice) if notice else t["notice"]
            st.info(f"**{texts('common')['notice']}** {text}", icon="👀")


def deeper():
    """An expander, closed at first, for torch's bookkeeping (weight layout, bias split, agreement checks): the
    lesson reads without it. Use as ``with deeper(): …``."""
    return st.expander(texts("common")["deeper"], expanded=False)


def how_to_read(text: str) -> None:
    """One line under a chart saying how to read it."""
    st.caption(f"**{texts('common')['how_to_read']}** {text}")


def agreement(max_abs_diff: float, reference: str) -> None:
    """Show that the numbers on screen are torch's own: the largest gap to the fused module."""
    common = texts("common")
    message = common.format("agreement", reference=reference, value=f"{max_abs_diff:.2e}")
    if max_abs_diff < AGREEMENT_TOLERANCE:
        st.success(f"✓ {message}")
    else:
        st.error(f"✗ {message}")


def device_note(device=None) -> None:
    """Which device computed the numbers on this page: pass the device the page's model ran on.

    Without an argument it names the app's training device (CUDA, else MPS, else CPU); a lesson that runs its tiny
    model on the CPU must say so, even on a GPU machine.
    """
    chosen = select_device() if device is None else torch.device(device)
    st.caption(texts("common").format("device", device=describe_device(chosen)))


def formula_block(latex: str) -> None:
    """A displayed equation."""
    st.latex(latex)


def formula_group(equations: Sequence[str], heading: str | None = None) -> None:
    """Several displayed equations (under an optional bold heading or line of text) as one element.

    Looks like one :func:`formula_block` per equation (each ``$$ … $$`` block is its own KaTeX display), but is one
    message to the browser instead of several: a step view is re-run for every student at every step, and each
    element costs the server a hand-off to its event loop (py-spy, 200 followers stepping: about a fifth of the
    server's time). ``heading`` is Markdown the page wrote; user text goes in escaped (core.escape)."""
    parts = [heading] if heading else []
    parts += [f"$$\n{equation}\n$$" for equation in equations]
    st.markdown("\n\n".join(parts))
