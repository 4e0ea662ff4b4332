"""Lesson 9: the cheat sheet, common problems linked to the lessons that show them, RNN/LSTM vs Transformer."""

import pandas as pd
import streamlit as st

from core.device import describe_device, select_device
from core.figures.code import parameter_figure
from core.figures.style import CELL_COLORS
from core.figures.reach import ReachCurve, reach_figure
from core.figures.summary import TRANSFORMER_COLOR, timing_figure
from core.lessons.summary import CHEAT_SHEET, TransformerComparison, compare_with_transformer
from core.lessons.trained.reach import TutorialReach, tutorial_reach
from pages.kit.chart import chart
from pages.kit.check_yourself import check_yourself
from pages.kit.i18n import texts
from pages.kit.layout import agreement, deeper, device_note, formula_block, how_to_read, page_header
from pages.kit.links import page_link
from pages.kit.registry import PAGES
from pages.kit.shared_view import shared
from pages.kit.url_values import drop_unusable, not_empty

REPEATS = 3
WIDTHS = (32, 64, 128)  # d_model = LSTM hidden size; attention heads stay at 4, the feed-forward is 4 × width
HEADS = 4

t = texts("summary")
common = texts("common")
icons = {entry.name: entry.icon for entry in PAGES}


@st.cache_data(max_entries=8, show_spinner=False)
def comparison(width: int, device: str) -> TransformerComparison:
    return compare_with_transformer(width=width, heads=HEADS, feedforward=4 * width, repeats=REPEATS, device=device)


@st.cache_data(show_spinner=False)
def course_reach() -> TutorialReach:
    return tutorial_reach()


reached = course_reach()  # the story first: one picture of the whole course, its numbers in "what to notice"
at_subject = {result.kind: f"{result.trained[reached.subject]:.2g}" for result in reached.reaches}
before = {f"{result.kind}_before": f"{result.untrained[reached.subject]:.2g}" for result in reached.reaches}
page_header(t, notice=dict(verb=reached.tokens[-1], subject=reached.tokens[reached.subject],
                           distance=reached.distance, **at_subject, **before))
picture = t["picture"]
st.subheader(picture["heading"])
chart(reach_figure(reached.tokens, [ReachCurve(result.trained, picture["names"][result.kind], CELL_COLORS[result.kind])
                                    for result in reached.reaches],
                   picture["x_title"], picture["y_title"], highlight=reached.subject), "summary.reach_chart")
how_to_read(picture["how"])

st.header(t["cheat"]["heading"])
sections = st.columns(2)
for index, (section, formulas) in enumerate(CHEAT_SHEET):
    with sections[index % 2].container(border=True):
        st.subheader(t["cheat"]["sections"][section])
        for name, latex in formulas:
            st.markdown(f"**{t['cheat']['names'][name]}**")
            formula_block(latex)
        note = {"lstm": "lstm_note", "gru": "torch_note", "bptt": "bptt_note"}.get(section)
        if note:
            st.caption(t["cheat"][note])

st.header(t["problems"]["heading"])
st.markdown(t["problems"]["explain"])
widths = [2, 3, 3, 3]
header = st.columns(widths)
for column, key in zip(header, ("problem", "symptom", "fix", "where")):
    column.markdown(f"**{t['problems'][key]}**")
for row in t["problems"]["rows"]:
    with st.container(border=True):
        cells = st.columns(widths, vertical_alignment="center")
        cells[0].markdown(f"**{row['problem']}**")
        cells[1].markdown(row["symptom"])
        cells[2].markdown(row["fix"])
        with cells[3]:
            page_link(row["page"], common["pages"][row["page"]], icons.get(row["page"]))

st.header(t["versus"]["heading"])
st.markdown(t["versus"]["explain"])
st.table(pd.DataFrame({
    t["versus"]["aspect"]: [row["aspect"] for row in t["versus"]["rows"]],
    t["versus"]["recurrent"]: [row["recurrent"] for row in t["versus"]["rows"]],
    t["versus"]["transformer"]: [row["transformer"] for row in t["versus"]["rows"]],
}), hide_index=True)

drop_unusable("summary.width", not_empty)
width = st.segmented_control(t["versus"]["width"], options=list(WIDTHS), default=64, required=True,
                             key=shared("summary.width"), bind="query-params")
device = select_device()  # timing means most on the device the app trains on; the setup caption names it
measured = comparison(int(width), str(device))
timing_device = describe_device(device)
if measured.threads:
    timing_device = t["versus"].format("one_thread", device=timing_device)
st.caption(t["versus"].format("setup", width=measured.width, heads=measured.heads, feedforward=measured.feedforward,
                              batch=measured.batch_size, device=timing_device, repeats=REPEATS))
left, right = st.columns(2)
with left:
    st.markdown(f"**{t['versus']['parameters_title']}**")
    labels = [f"{t['versus']['lstm_name']} · {name}" for name in measured.lstm.names]
    labels += [f"{t['versus']['transformer_name']} · {name}" for name in measured.transformer.names]
    colors = [CELL_COLORS["lstm"]] * len(measured.lstm.names) + [TRANSFORMER_COLOR] * len(measured.transformer.names)
    chart(parameter_figure(labels, measured.lstm.counts + measured.transformer.counts, t["versus"]["count"],
                           show_share=False, colors=colors), "summary.parameter_chart")
    metrics = st.columns(2)
    metrics[0].metric(t["versus"]["lstm_name"], f"{measured.lstm.total:,}")
    metrics[1].metric(t["versus"]["transformer_name"], f"{measured.transformer.total:,}")
    with deeper():
        agreement(measured.max_abs_diff, "torch.nn.LSTMCell")
with right:
    st.markdown(f"**{t['versus']['steps_title']}**")
    st.table(pd.DataFrame({
        t["versus"]["seq_len"]: list(measured.seq_lens),
        t["versus"]["lstm_steps"]: list(measured.lstm_sequential_steps),
        t["versus"]["transformer_steps"]: list(measured.transformer_sequential_steps),
        t["versus"]["scores"]: [f"{count:,}" for count in measured.attention_scores],
    }), hide_index=True)

st.subheader(t["versus"]["timing_title"])
chart(timing_figure(measured.seq_lens, measured.lstm_seconds, measured.transformer_seconds,
                    t["versus"]["lstm_name"], t["versus"]["transformer_name"], t["versus"]["x_axis"],
                    t["versus"]["y_axis"]), "summary.timing_chart")
how_to_read(t["versus"]["how_to_read"])
st.info(t["versus"]["still_useful"])
device_note(device)

key_points = t["key_points"]
st.header(key_points["heading"])
pages = texts("common")["pages"]  # lesson names as the sidebar shows them
st.dataframe(pd.DataFrame({
    key_points["concept"]: [row["concept"] for row in key_points["rows"]],
    key_points["point"]: [row["point"] for row in key_points["rows"]],
    key_points["lesson"]: ["; ".join(pages[name] for name in row["lessons"]) for row in key_points["rows"]],
}), hide_index=True, key="summary.key_points")
st.header(t["further_reading"]["heading"])
st.markdown("\n".join(f"- {item}" for item in t["further_reading"]["items"]))

check_yourself("summary")
