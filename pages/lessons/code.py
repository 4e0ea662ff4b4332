"""Lesson 7: the NumPy LSTM beside torch, a live gradient check, CustomLSTM vs nn.LSTM, the classifier's size."""

import pandas as pd
import streamlit as st

from core.figures.code import gradient_error_figure
from core.idle_cache import idle_cache
from core.lessons.code import (
    PASS_THRESHOLD, GradientCheck, custom_lstm_source, gradient_check, numpy_lstm_sources, torch_lstm_sources,
)
from core.weights import GATE_ORDER, TUTORIAL_ORDER
from pages.kit.chart import chart
from pages.kit.check_yourself import check_yourself
from pages.kit.i18n import texts
from pages.kit.layout import device_note, how_to_read, page_header
from pages.kit.lesson_controls import seed_input
from pages.lessons.code_sections import classifier_section, loop_section, size_input, training_section

TORCH_SYMBOLS = {"input": "i", "forget": "f", "candidate": "g", "output": "o"}
NUMPY_SYMBOLS = {"input": "i", "forget": "f", "candidate": "C̃", "output": "o"}

t = texts("code")


@st.cache_data(show_spinner=False)
def sources() -> tuple[dict[str, str], dict[str, str], str]:
    return numpy_lstm_sources(), torch_lstm_sources(), custom_lstm_source()


@idle_cache(max_entries=64, copy=True)
def checked(batch_size: int, input_size: int, hidden_size: int, seed: int) -> GradientCheck:
    return gradient_check(batch_size, input_size, hidden_size, seed)


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
    check_batch = size_input(t["check"]["batch"], "batch", 1, 64, 4)
with columns[1]:
    check_input = size_input(t["check"]["input"], "input", 1, 128, 3)
with columns[2]:
    check_hidden = size_input(t["check"]["hidden"], "hidden", 1, 128, 5)
with columns[3]:
    check_seed = seed_input("code")
check = checked(check_batch, check_input, check_hidden, check_seed)
names = [t["check"]["names"][name] for name in check.names]
left, right = st.columns([3, 2])
with left:
    st.table(pd.DataFrame({
        t["check"]["quantity"]: names,
        t["check"]["shape"]: [str(tuple(shape)) for shape in check.shapes],
        t["check"]["relative_error"]: [f"{error:.3e}" for error in check.relative_errors],
        t["check"]["status"]: ["✓" if passed else "✗" for passed in check.passes],
    }), hide_index=True)
with right:
    chart(gradient_error_figure(names, check.relative_errors, PASS_THRESHOLD, t["check"]["axis"],
                                t["check"]["threshold"]), "code.check_chart")
how_to_read(t["check"]["how_to_read"])
if check.passed:
    st.success(t["check"].format("passed", count=len(check.names), worst=f"{check.worst:.2e}"))
else:
    st.error(t["check"].format("failed", worst=f"{check.worst:.2e}"))
device_note("cpu")  # NumPy, and torch's float64 copy of the cell, both run on the CPU

loop_section(t, loop_source)
classifier_section(t)
training_section(t, check_seed)

check_yourself("code")
