"""Frozen figures: drawn exactly as built, the dict taken once, every figure of a cached builder frozen."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from pages.kit.chart import FrozenFigure, cached_figures, frozen, minimum_width


def built_figure(scale: float = 1.0) -> go.Figure:
    figure = go.Figure(go.Heatmap(z=np.arange(12, dtype=float).reshape(3, 4) * scale, text=[["a<b>", "b", "c", "d"]] * 3))
    figure.frames = [go.Frame(data=[go.Heatmap(z=np.eye(3) * step)], name=str(step)) for step in range(3)]
    figure.update_layout(title="t = 1")
    return figure


def sent(figure) -> dict:
    """What st.plotly_chart sends: the dict plotly.tools gives it, written as JSON."""
    return json.loads(pio.to_json(plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True),
                                  validate=False))


def test_a_frozen_figure_sends_what_the_built_one_sends():
    figure = built_figure()
    assert sent(frozen(figure)) == sent(figure)


def test_the_figure_is_converted_once_and_no_draw_can_change_it(monkeypatch):
    figure = built_figure()
    drawn = frozen(figure)
    monkeypatch.setattr(go.Figure, "to_dict", lambda self: pytest.fail("a draw converted the figure again"))
    first = plotly.tools.return_figure_from_figure_or_data(drawn, True)
    first["layout"]["title"]["text"] = "changed by a draw"
    first["data"][0]["z"] = None
    assert plotly.tools.return_figure_from_figure_or_data(drawn, True) == drawn.to_dict()
    monkeypatch.undo()
    assert sent(drawn) == sent(figure)
    assert frozen(drawn) is drawn  # freezing twice is a no-op


def test_minimum_width_reads_the_frozen_layout_meta():
    figure = built_figure()
    figure.update_layout(meta={"min_width": 640})
    assert minimum_width(frozen(figure)) == 640 == minimum_width(figure)
    assert minimum_width(frozen(built_figure())) == 0


def test_cached_figures_freezes_every_figure_of_a_result_and_builds_once():
    calls = []

    @cached_figures(max_entries=4)
    def figures(scale: float):
        calls.append(scale)
        return built_figure(scale), {"twice": built_figure(2 * scale), "none": None}

    first, extra = figures(1.0)
    again, _ = figures(1.0)
    assert calls == [1.0] and again is first
    assert isinstance(first, FrozenFigure) and isinstance(extra["twice"], FrozenFigure) and extra["none"] is None
    assert sent(extra["twice"]) == sent(built_figure(2.0))
    figures(3.0)
    assert calls == [1.0, 3.0]


def test_plain_and_frozen_figures_build_no_plotly_figure(monkeypatch):
    """Neither builds a go.Figure of its own (each empty one validated a layout and a template): what they send is the
    dict they were given, the same a validated figure of it sends."""
    from core.figures.plain import PlainFigure

    PlainFigure([], {})  # the first one reads Plotly's default template off a built figure, once per process
    monkeypatch.setattr(go.Figure, "__init__", lambda *args, **kwargs: pytest.fail("a go.Figure was built"))
    plain = PlainFigure([{"type": "heatmap", "z": [[1.0, 2.0], [3.0, 4.0]], "text": [["a<b>", "b"], ["c", "d"]]}],
                        {"height": 200, "meta": {"min_width": 320}}, frames=[{"name": "1", "data": [{"type": "heatmap", "z": [[0.0]]}]}])
    drawn = frozen(plain)
    assert sent(drawn) == sent(plain)
    assert minimum_width(drawn) == 320 == minimum_width(plain)
    monkeypatch.undo()
    assert sent(plain) == sent(plain.validated())
