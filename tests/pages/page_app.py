"""Helpers the page tests share: open one page script in AppTest, and read what it drew."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from streamlit.testing.v1 import AppTest

from pages.kit.registry import BY_NAME

DISPLAY_MATH = re.compile(r"\$\$\n(.*?)\n\$\$", re.S)  # one displayed equation inside a Markdown element



def page_opener(name: str, timeout: float = 30) -> Callable[[str], AppTest]:
    """A function ``open_page(lang)`` that runs the page registered as ``name`` once in ``lang`` and checks it raised nothing."""

    def open_page(lang: str) -> AppTest:
        app = AppTest.from_file(str(BY_NAME[name].script), default_timeout=timeout)
        app.session_state["lang"] = lang
        app.run()
        assert not app.exception, app.exception
        return app

    return open_page


def latex(app: AppTest) -> str:
    """Every displayed equation of the page, one per line: ``st.latex`` blocks and the ``$$ … $$`` blocks of
    grouped formulas (pages.kit.layout.formula_group, one Markdown element)."""
    grouped = [block for element in app.markdown for block in DISPLAY_MATH.findall(element.value)]
    return "\n".join([block.value for block in app.latex] + grouped)


def chart_specs(app: AppTest) -> list[dict]:
    """The plotly figures of the page, as the JSON the browser receives."""
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def metric_values(app: AppTest) -> list[str]:
    return [metric.value for metric in app.metric]
