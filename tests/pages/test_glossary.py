"""Glossary page: every glossary symbol shown with its name, in both languages, registered at /glossary."""

import pytest

from core.lessons.notation import GLOSSARY
from pages.kit.i18n import load_table
from pages.kit.registry import BY_NAME
from tests.pages.page_app import page_opener

open_page = page_opener("glossary")


def test_registered_at_glossary_with_its_titles():
    assert BY_NAME["glossary"].script.exists()
    assert load_table("en", "common")["pages"]["glossary"] == "Glossary"
    assert load_table("zh", "common")["pages"]["glossary"] == "术语表"


@pytest.mark.parametrize("lang, title", [("en", "Glossary"), ("zh", "术语表")])
def test_every_symbol_is_shown_with_its_name(lang, title):
    app = open_page(lang)
    assert app.title[0].value == title
    assert [block.value.strip("$\n") for block in app.latex] == [entry.latex for entry in GLOSSARY]
    shown = "\n".join(element.value for element in app.markdown)
    for entry in GLOSSARY:
        assert load_table(lang, "glossary")["symbols"][entry.key]["name"] in shown
    sections = [element.value for element in app.subheader]
    assert sections == list(load_table(lang, "glossary")["sections"].values())
