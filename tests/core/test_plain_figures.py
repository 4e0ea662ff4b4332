"""Figures written as Plotly's JSON (core/figures/plain.py) match what plotly.graph_objects writes for the same
figure, so a chart looks the same whichever way it was built."""

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from core.figures.plain import PlainFigure, axis, colorscale, horizontal_line, subplots, title


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


@pytest.mark.parametrize("rows, cols, options", [
    (1, 3, {"horizontal_spacing": 0.04}),
    (1, 1, {}),
    (1, 2, {"horizontal_spacing": 0.08}),
    (1, 3, {"column_widths": [0.44, 0.34, 0.22], "horizontal_spacing": 0.1}),
    (4, 1, {"shared_xaxes": True, "vertical_spacing": 0.06}),
    (3, 2, {"shared_xaxes": True, "row_heights": [1, 2, 3]}),
    (3, 3, {"specs": [[{"colspan": 3}, None, None], [{"colspan": 3}, None, None], [{}, {}, {}]],
            "row_heights": [0.27, 0.23, 0.5], "vertical_spacing": 0.1, "horizontal_spacing": 0.07}),
])
def test_subplots_lay_out_what_make_subplots_does(rows, cols, options):
    options = dict(options)
    specs = options.pop("specs", None)
    colspans = None if specs is None else [[None if spec is None else spec.get("colspan", 1) for spec in row]
                                           for row in specs]
    titles = [f"title {index}" for index in range(rows * cols - 1)] + [""]  # an empty title draws nothing
    made = make_subplots(rows=rows, cols=cols, specs=specs, subplot_titles=titles, **options)
    grid = subplots(rows, cols, titles, colspans=colspans, **options)
    traces = [grid.trace({"type": "scatter", "y": [1]}, row, col) for row, col in grid.refs]
    for row, col in grid.refs:
        made.add_trace(go.Scatter(y=[1]), row=row, col=col)
    assert PlainFigure(traces, grid.layout).validated().to_dict() == made.to_dict()


def test_a_named_colorscale_is_written_out():
    written = colorscale("RdBu_r")
    assert written[0] == [0.0, "rgb(5,48,97)"] and written[-1] == [1.0, "rgb(103,0,31)"]
    heat = go.Figure(go.Heatmap(z=[[0]], colorscale="RdBu_r")).to_dict()["data"][0]
    assert heat["colorscale"] == written
    written.append("changed")
    assert colorscale("RdBu_r")[-1] == [1.0, "rgb(103,0,31)"]  # every caller gets its own copy
