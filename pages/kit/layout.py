"""Small page-building blocks every lesson shares, so pages stay short and look alike."""

from __future__ import annotations

import streamlit as st
import torch

from core.device import describe_device, select_device
from pages.kit.i18n import Texts, texts

AGREEMENT_TOLERANCE = 1e-5


def page_header(t: Texts, notice: dict | None = None, **values) -> None:
    """The page title and its introduction; ``values`` fill the intro's placeholders (model sizes read from the
    lesson's config, never typed into the prose), ``notice`` those of "what to notice" (computed numbers)."""
    st.title(t["title"])
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
