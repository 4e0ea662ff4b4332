"""The app's page map: one entry per page script, grouped as the sidebar shows them.

The titles come from ``assets/text/<lang>/common.toml`` under ``[pages]``; this file only fixes order and grouping.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageEntry:
    name: str      # file stem in pages/ and the URL path
    section: str   # key of the sidebar section title in common.toml
    icon: str      # material icon shown in the navigation


PAGES = (
    PageEntry("home", "section_start", ":material/home:"),
    PageEntry("why_sequences", "section_lessons", ":material/timeline:"),
    PageEntry("rnn_step", "section_lessons", ":material/replay:"),
    PageEntry("bptt", "section_lessons", ":material/undo:"),
    PageEntry("gradients", "section_lessons", ":material/trending_down:"),
    PageEntry("lstm_step", "section_lessons", ":material/memory:"),
    PageEntry("gru_step", "section_lessons", ":material/tune:"),
    PageEntry("code", "section_lessons", ":material/code:"),
    PageEntry("architectures", "section_lessons", ":material/account_tree:"),
    PageEntry("summary", "section_lessons", ":material/summarize:"),
    PageEntry("lab", "section_practice", ":material/science:"),
    PageEntry("train", "section_practice", ":material/upload_file:"),
)
