"""The app's page map: one entry per page, grouped as the sidebar shows them.

The titles come from ``assets/text/<lang>/common.toml`` under ``[pages]``; this file fixes order, grouping, where each
page's script lives and its URL path (the entry's name).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PageEntry:
    name: str      # the URL path and the key of the page's title and texts
    folder: str    # the subfolder of pages/ that holds the script (never pages/ itself: see pages/kit/shell.py)
    section: str   # key of the sidebar section title in common.toml
    icon: str      # material icon shown in the navigation

    @property
    def script(self) -> Path:
        """The page script, ``pages/<folder>/<name>.py``."""
        return PAGES_DIR / self.folder / f"{self.name}.py"


PAGES = (
    PageEntry("home", "start", "section_start", ":material/home:"),
    PageEntry("why_sequences", "lessons", "section_lessons", ":material/timeline:"),
    PageEntry("rnn_step", "lessons", "section_lessons", ":material/replay:"),
    PageEntry("bptt", "lessons", "section_lessons", ":material/undo:"),
    PageEntry("gradients", "lessons", "section_lessons", ":material/trending_down:"),
    PageEntry("lstm_step", "lessons", "section_lessons", ":material/memory:"),
    PageEntry("gru_step", "lessons", "section_lessons", ":material/tune:"),
    PageEntry("code", "lessons", "section_lessons", ":material/code:"),
    PageEntry("architectures", "lessons", "section_lessons", ":material/account_tree:"),
    PageEntry("summary", "lessons", "section_lessons", ":material/summarize:"),
    PageEntry("lab", "practice", "section_practice", ":material/science:"),
    PageEntry("train", "practice", "section_practice", ":material/upload_file:"),
)

BY_NAME = {entry.name: entry for entry in PAGES}
