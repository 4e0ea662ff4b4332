"""The page's default data: four-topic sentences written for this project (see assets/demo/README.md)."""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parents[2] / "assets" / "demo"
DEMO_FILES = {"en": DEMO_DIR / "demo_en.csv", "zh": DEMO_DIR / "demo_zh.csv"}


def demo_path(language: str) -> Path:
    """The demo CSV for ``language`` ("en" or "zh"; anything else gets English)."""
    return DEMO_FILES.get(language, DEMO_FILES["en"])
