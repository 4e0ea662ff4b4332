"""The folded RNN (lesson 2): one cell, its input and output, and the loop back into itself."""

from core.figures.folded import FOLDED_FIELDS, FoldedLabels, folded_figure


def test_folded_figure_draws_the_cell_its_loop_and_every_label():
    labels = FoldedLabels(**{name: f"<b>{name}</b>" for name in FOLDED_FIELDS})
    figure = folded_figure(labels).validated()
    cell, loop = figure.layout.shapes
    assert cell.type == "rect" and (cell.x0, cell.x1) == (-1.0, 1.0)
    assert loop.type == "path" and loop.path.startswith("M 1.0 0.3") and loop.path.endswith("1.0 -0.3")  # out, back
    arrows = [note for note in figure.layout.annotations if note.showarrow]
    assert len(arrows) == 3  # x_t in, the cell out to y_t, and the loop's head
    texts = {note.text for note in figure.layout.annotations if not note.showarrow}
    assert texts == {f"<b>{name}</b>" for name in FOLDED_FIELDS if name != "title"}
    assert figure.layout.title.text == "<b>title</b>" and figure.layout.yaxis.scaleanchor == "x"
