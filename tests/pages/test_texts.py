"""Both languages are complete: every page's text file exists in English and 中文 with the same keys."""

import re
import tomllib
from pathlib import Path

import pytest

from pages.kit.registry import PAGES

TEXT_ROOT = Path(__file__).resolve().parents[2] / "assets" / "text"
PLACEHOLDER = re.compile(r"{(\w*)}")


def keys_of(table, prefix=""):
    keys = {}
    for key, value in table.items():
        if isinstance(value, dict):
            keys.update(keys_of(value, f"{prefix}{key}."))
        else:
            keys[f"{prefix}{key}"] = value
    return keys


def load(lang, name):
    with open(TEXT_ROOT / lang / f"{name}.toml", "rb") as handle:
        return keys_of(tomllib.load(handle))


NAMES = sorted({path.stem for path in (TEXT_ROOT / "en").glob("*.toml")} | {path.stem for path in (TEXT_ROOT / "zh").glob("*.toml")})


def test_every_page_has_texts_in_both_languages():
    for entry in PAGES:
        for lang in ("en", "zh"):
            assert (TEXT_ROOT / lang / f"{entry.name}.toml").exists(), f"{lang}/{entry.name}.toml missing"


@pytest.mark.parametrize("name", NAMES)
def test_same_keys_and_placeholders(name):
    english, chinese = load("en", name), load("zh", name)
    assert set(english) == set(chinese), f"{name}: keys differ: {set(english) ^ set(chinese)}"
    for key, value in english.items():
        other = chinese[key]
        assert type(value) is type(other), f"{name}.{key}: types differ"
        if isinstance(value, str):
            assert value.strip() and other.strip(), f"{name}.{key} is empty"
            assert set(PLACEHOLDER.findall(value)) == set(PLACEHOLDER.findall(other)), f"{name}.{key}: placeholders differ"
        elif isinstance(value, list):
            assert len(value) == len(other), f"{name}.{key}: list lengths differ"


@pytest.mark.parametrize("name", NAMES)
def test_chinese_texts_are_chinese(name):
    chinese = load("zh", name)
    prose = [value for value in chinese.values() if isinstance(value, str) and len(value) > 40]
    for value in prose:
        assert re.search(r"[\u4e00-\u9fff]", value), f"zh/{name}: untranslated text: {value[:60]}"


def test_chinese_names_a_hidden_vectors_unit_one_way():
    """One term per concept (issue 11): a number of a hidden vector is 分量 on every page; 单元 is kept for the cell,
    so 神经元 and 隐藏单元 never appear."""
    for path in sorted((TEXT_ROOT / "zh").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        assert "神经元" not in text and "隐藏单元" not in text, path.name
    assert "分量" in load("zh", "architectures")["unit"]
