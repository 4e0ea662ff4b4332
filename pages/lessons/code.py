"""Lesson 7: the NumPy LSTM beside torch, a live gradient check, CustomLSTM vs nn.LSTM, the classifier's size."""

import pandas as pd
import streamlit as st

from core.classifier.model import count_parameters
from core.device import describe_device, select_device
from core.figures.code import gradient_error_figure, loop_figure, parameter_figure, speed_figure
from core.lessons.code import (CustomAgreement, GradientCheck, LayerCount, LoopReplay, LSTMSizes, ParameterTable,
                               SpeedComparison, custom_agreement, custom_lstm_source, gradient_check,
                               lstm_layer_counts, loop_replay, numpy_lstm_sources, parameter_table, speed_comparison,
                               text_classifier, torch_lstm_sources)
from core.lessons.gradients import float64_device
from core.weights import GATE_ORDER, TUTORIAL_ORDER
from pages.kit.i18n import language, texts
from pages.kit.layout import agreement, device_note, formula_block, how_to_read, page_header

PASS_THRESHOLD = 1e-10  # float64 gradients written correctly agree to ~1e-16; a wrong line gives ~1
TORCH_SYMBOLS = {"input": "i", "forget": "f", "candidate": "g", "output": "o"}
NUMPY_SYMBOLS = {"input": "i", "forget": "f", "candidate": "C̃", "output": "o"}
CHART_CONFIG = {"displaylogo": False}

t = texts("code")
common = texts("common")


@st.cache_data(show_spinner=False)
def sources() -> tuple[dict[str, str], dict[str, str], str]:
    return numpy_lstm_sources(), torch_lstm_sources(), custom_lstm_source()


@st.cache_data(max_entries=64, show_spinner=False)
def checked(batch_size: int, input_size: int, hidden_size: int, seed: int) -> GradientCheck:
    return gradient_check(batch_size, input_size, hidden_size, seed)


@st.cache_data(max_entries=64, show_spinner=False)
def compared(sizes: LSTMSizes, exact_device: str, device: str) -> tuple[CustomAgreement, LoopReplay, SpeedComparison]:
    """Agreement and the call-by-call replay in float64 on ``exact_device``; the timing in float32 on ``device``."""
    return (custom_agreement(sizes, seed=0, device=exact_device), loop_replay(sizes, seed=0, device=exact_device),
            speed_comparison(sizes, device=device, repeats=5))


@st.cache_resource(max_entries=32, show_spinner=False)
def replay_figure(sizes: LSTMSizes, exact_device: str, device: str, lang: str):
    """The animated loop (its frames cost more to build than the replay itself)."""
    _, replay, _ = compared(sizes, exact_device, device)
    words = texts("code", lang)["custom"]["replay"]
    player = texts("common", lang)
    return loop_figure(replay.calls, replay.hidden_norms, replay.gaps,
                       {**words, "play": player["play"], "pause": player["pause"], "step_prefix": words["prefix"]})


@st.cache_data(show_spinner=False)
def classifier_parameters() -> tuple[ParameterTable, tuple[LayerCount, ...], int]:
    model = text_classifier()
    return parameter_table(model), lstm_layer_counts(model.rnn), count_parameters(model.config)


def number(label: str, key: str, low: int, high: int, default: int) -> int:
    return int(st.number_input(label, min_value=low, max_value=high, value=default, step=1, key=f"code.{key}",
                               bind="query-params"))


page_header(t)
numpy_source, torch_source, loop_source = sources()

st.header(t["numpy"]["heading"])
st.markdown(t["numpy"]["explain"])
st.markdown(t["numpy"].format("mapping",
                              torch_order=", ".join(TORCH_SYMBOLS[name] for name in GATE_ORDER["lstm"]),
                              numpy_order=", ".join(NUMPY_SYMBOLS[name] for name in TUTORIAL_ORDER["lstm"])))
for part, torch_caption in (("forward", "torch_forward_caption"), ("backward", "torch_backward_caption")):
    st.subheader(t["numpy"][f"{part}_title"])
    left, right = st.columns(2)
    with left:
        st.caption(t["numpy"]["numpy_caption"])
        st.code(numpy_source[part], language="python")
    with right:
        st.caption(t["numpy"][torch_caption])
        st.code(torch_source[part], language="python", height=520)

st.header(t["check"]["heading"])
st.markdown(t["check"]["explain"])
columns = st.columns(4)
with columns[0]:
    check_batch = number(t["check"]["batch"], "batch", 1, 64, 4)
with columns[1]:
    check_input = number(t["check"]["input"], "input", 1, 128, 3)
with columns[2]:
    check_hidden = number(t["check"]["hidden"], "hidden", 1, 128, 5)
with columns[3]:
    check_seed = number(common["seed"], "seed", 0, 99_999, 0)
check = checked(check_batch, check_input, check_hidden, check_seed)
names = [t["check"]["names"][name] for name in check.names]
left, right = st.columns([3, 2])
with left:
    st.table(pd.DataFrame({
        t["check"]["quantity"]: names,
        t["check"]["shape"]: [str(tuple(shape)) for shape in check.shapes],
        t["check"]["relative_error"]: [f"{error:.3e}" for error in check.relative_errors],
        t["check"]["status"]: ["✓" if error < PASS_THRESHOLD else "✗" for error in check.relative_errors],
    }), hide_index=True)
with right:
    st.plotly_chart(gradient_error_figure(names, check.relative_errors, PASS_THRESHOLD, t["check"]["axis"],
                                          t["check"]["threshold"]), key="code.check_chart", config=CHART_CONFIG)
how_to_read(t["check"]["how_to_read"])
if check.worst < PASS_THRESHOLD:
    st.success(t["check"].format("passed", count=len(check.names), worst=f"{check.worst:.2e}"))
else:
    st.error(t["check"].format("failed", worst=f"{check.worst:.2e}"))
device_note("cpu")  # NumPy, and torch's float64 copy of the cell, both run on the CPU

st.header(t["custom"]["heading"])
st.markdown(t["custom"]["explain"])
with st.expander(t["custom"]["source_caption"]):
    st.code(loop_source, language="python")
columns = st.columns(4)
with columns[0]:
    seq_len = number(t["custom"]["seq_len"], "seq_len", 1, 200, LSTMSizes.seq_len)
with columns[1]:
    batch_size = number(t["custom"]["batch"], "batch_size", 1, 64, LSTMSizes.batch_size)
with columns[2]:
    hidden_size = number(t["custom"]["hidden"], "hidden_size", 1, 256, LSTMSizes.hidden_size)
with columns[3]:
    num_layers = number(t["custom"]["layers"], "layers", 1, 3, LSTMSizes.num_layers)
sizes = LSTMSizes(seq_len=seq_len, batch_size=batch_size, hidden_size=hidden_size, num_layers=num_layers)
device = select_device()
exact_device = float64_device(device)  # the float64 comparisons move to the CPU where the device has no float64 (MPS)
gaps, replay, speed = compared(sizes, str(exact_device), str(device))
replay_words = t["custom"]["replay"]
st.subheader(replay_words["title"])
st.plotly_chart(replay_figure(sizes, str(exact_device), str(device), language()), key="code.loop_chart",
                config=CHART_CONFIG)
how_to_read(replay_words["how"])
if replay.seq_len > len(replay.hidden_norms):
    st.caption(replay_words.format("more", shown=len(replay.hidden_norms), total=replay.seq_len))
agreement(float(replay.gaps.max()), replay_words["reference"])
left, right = st.columns(2)
with left:
    st.markdown(f"**{t['custom']['agreement_title']}**")
    compared_names = ("output", "hidden", "cell", "input_gradient")
    st.table(pd.DataFrame({
        t["custom"]["quantity"]: [t["custom"]["names"][name] for name in compared_names],
        t["custom"]["difference"]: [f"{getattr(gaps, name):.2e}" for name in compared_names],
    }), hide_index=True)
    agreement(gaps.worst, "torch.nn.LSTM")
    if gaps.worst == 0.0:
        st.caption(t["custom"]["zero_note"])
    device_note(exact_device)
with right:
    st.markdown(f"**{t['custom']['speed_title']}**")
    st.metric(t["custom"]["ratio"], t["custom"].format("ratio_value", ratio=speed.ratio))
    st.markdown(t["custom"].format("calls", calls=sizes.seq_len * sizes.num_layers, layers=sizes.num_layers))
    st.plotly_chart(speed_figure([t["custom"]["loop"], t["custom"]["fused"]],
                                 [speed.custom_seconds, speed.fused_seconds],
                                 t["custom"].format("axis", repeats=speed.repeats)),
                    key="code.speed_chart", config=CHART_CONFIG)
    how_to_read(t["custom"]["how_to_read"])
timing_device = describe_device(device)
if speed.threads:
    timing_device = t["custom"].format("one_thread", device=timing_device)
st.caption(t["custom"].format("speed_note", device=timing_device, input_size=sizes.input_size, repeats=speed.repeats))

st.header(t["classifier"]["heading"])
st.markdown(t["classifier"]["explain"])
table, layer_counts, closed_form = classifier_parameters()
left, right = st.columns([1, 2])
with left:
    st.metric(t["classifier"]["total"], f"{table.total:,}")
    verdict = t["classifier"]["match" if closed_form == table.total else "mismatch"]
    st.markdown(t["classifier"].format("closed_form", count=closed_form, verdict=verdict))
with right:
    totals = table.group_totals()
    st.plotly_chart(parameter_figure([t["classifier"]["blocks"].get(group, group) for group in totals],
                                     list(totals.values()), t["classifier"]["axis"]),
                    key="code.parameter_chart", config=CHART_CONFIG)
    how_to_read(t["classifier"]["how_to_read"])
st.markdown(f"**{t['classifier']['formula_title']}**")
for layer in layer_counts:
    formula_block(rf"\text{{L}}_{layer.layer + 1}:\; {layer.directions} \times 4 \times {layer.hidden_size} \times "
                  rf"({layer.input_size} + {layer.hidden_size} + 2) = {layer.count:,}".replace(",", "{,}"))
st.dataframe(pd.DataFrame({
    t["classifier"]["name"]: list(table.names),
    t["classifier"]["block"]: [t["classifier"]["blocks"].get(group, group) for group in table.groups],
    t["classifier"]["shape"]: [str(shape) for shape in table.shapes],
    t["classifier"]["count"]: list(table.counts),
}), hide_index=True, key="code.parameter_table",
    column_config={t["classifier"]["count"]: st.column_config.NumberColumn(format="localized")})
