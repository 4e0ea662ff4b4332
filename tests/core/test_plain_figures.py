"""Figures written as Plotly's JSON (core/figures/plain.py) match what plotly.graph_objects writes for the same
figure, so a chart looks the same whichever way it was built."""

import plotly.graph_objects as go

from core.figures.plain import PlainFigure, axis, horizontal_line, title


def test_a_plain_figure_is_the_dict_go_figure_writes():
    built = go.Figure()
    built.add_scatter(x=[1, 2], y=[3, 4], mode="lines", name="a")
    built.add_hline(y=0.5, line={"dash": "dash", "color": "#555555"}, annotation_text="chance",
                    annotation_position="top left")
    built.update_layout(title="T", xaxis_title="x", yaxis_title="y", height=300)
    built.update_yaxes(type="log")
    shape, annotation = horizontal_line(0.5, "chance")
    plain = PlainFigure([{"type": "scatter", "x": [1, 2], "y": [3, 4], "mode": "lines", "name": "a"}],
                        {"title": title("T"), "xaxis": axis("x"), "yaxis": axis("y", type="log"), "height": 300,
                         "shapes": [shape], "annotations": [annotation]})
    assert plain.validated().to_dict() == built.to_dict()
    assert plain.to_dict() is plain.to_dict()  # drawn as it is: no copy per draw


def test_the_template_is_plotlys_default_and_shared():
    assert PlainFigure([], {}).to_dict()["layout"]["template"] == go.Figure().to_dict()["layout"]["template"]
    assert PlainFigure([], {}).to_dict()["layout"]["template"] is PlainFigure([], {}).to_dict()["layout"]["template"]
