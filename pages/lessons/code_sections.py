"""Lesson 7's second half, drawn by ``pages/lessons/code.py``: CustomLSTM against nn.LSTM, and where the tutorial
classifier's parameters live. Not a page of its own (the registry lists pages)."""

import pandas as pd
import streamlit as st

from core.classifier.model import count_parameters
from core.device import describe_device, select_device
from core.figures.code import LoopLabels, loop_figure, parameter_figure, speed_figure
from core.idle_cache import idle_cache
from core.lessons.code import (
    CustomAgreement, LoopReplay, LSTMSizes, SpeedComparison, custom_agreement, loop_replay, speed_comparison,
    text_classifier,
)
from core.lessons.gradients import float64_device
from core.parameter_count import LayerCount, ParameterTable, lstm_layer_counts, parameter_table
from core.lessons.classifier_step import CONFIG as CLASSIFIER
from core.lessons.classifier_step import LEARNING_RATE, MAX_NORM, ClassifierStep, classifier_step
from pages.kit.chart import cached_figures, chart
from pages.kit.i18n import Texts, language, texts
from pages.kit.labels import figure_labels, player_labels
from pages.kit.layout import agreement, deeper, device_note, formula_block, how_to_read
from pages.kit.shared_view import shared
from pages.kit.url_values import whole_number_input


@idle_cache(max_entries=64, copy=True)
def compared(sizes: LSTMSizes, exact_device: str, device: str) -> tuple[CustomAgreement, LoopReplay, SpeedComparison]:
    """Agreement and the call-by-call replay in float64 on ``exact_device``; the timing in float32 on ``device``."""
    return (custom_agreement(sizes, seed=0, device=exact_device), loop_replay(sizes, seed=0, device=exact_device),
            speed_comparison(sizes, device=device, repeats=5))


@cached_figures(max_entries=32)
def replay_figure(sizes: LSTMSizes, exact_device: str, device: str, lang: str):
    """The animated loop (its frames cost more to build than the replay itself)."""
    _, replay, _ = compared(sizes, exact_device, device)
    words = texts("code", lang)["custom"]["replay"]
    return loop_figure(replay.calls, replay.hidden_norms, replay.gaps,
                       figure_labels(LoopLabels, words, player=player_labels(lang, step_prefix=words["prefix"])))


@st.cache_data(show_spinner=False)
def classifier_parameters() -> tuple[ParameterTable, tuple[LayerCount, ...], int]:
    model = text_classifier()
    return parameter_table(model), lstm_layer_counts(model.rnn), count_parameters(model.config)


def size_input(label: str, key: str, low: int, high: int, default: int) -> int:
    return whole_number_input(label, shared(f"code.{key}"), low, high, default)


def loop_section(t: Texts, loop_source: str) -> None:
    """CustomLSTM's source, its loop replayed call by call, its gap to nn.LSTM, and how much slower it runs."""
    words = t["custom"]
    st.header(words["heading"])
    st.markdown(words["explain"])
    with st.expander(words["source_caption"]):
        st.code(loop_source, language="python")
    columns = st.columns(4)
    with columns[0]:
        seq_len = size_input(words["seq_len"], "seq_len", 1, 200, LSTMSizes.seq_len)
    with columns[1]:
        batch_size = size_input(words["batch"], "batch_size", 1, 64, LSTMSizes.batch_size)
    with columns[2]:
        hidden_size = size_input(words["hidden"], "hidden_size", 1, 256, LSTMSizes.hidden_size)
    with columns[3]:
        num_layers = size_input(words["layers"], "layers", 1, 3, LSTMSizes.num_layers)
    sizes = LSTMSizes(seq_len=seq_len, batch_size=batch_size, hidden_size=hidden_size, num_layers=num_layers)
    device = select_device()
    exact_device = float64_device(device)  # float64 comparisons move to the CPU where the device has none (MPS)
    gaps, replay, speed = compared(sizes, str(exact_device), str(device))
    st.subheader(words["replay"]["title"])
    chart(replay_figure(sizes, str(exact_device), str(device), language()), "code.loop_chart")
    how_to_read(words["replay"]["how"])
    if replay.seq_len > len(replay.hidden_norms):
        st.caption(words["replay"].format("more", shown=len(replay.hidden_norms), total=replay.seq_len))
    with deeper():
        agreement(replay.worst_gap, words["replay"]["reference"])
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{words['agreement_title']}**")
        names = ("output", "hidden", "cell", "input_gradient")
        st.table(pd.DataFrame({words["quantity"]: [words["names"][name] for name in names],
                               words["difference"]: [f"{getattr(gaps, name):.2e}" for name in names]}),
                 hide_index=True)
        with deeper():
            agreement(gaps.worst, "torch.nn.LSTM")
        if gaps.worst == 0.0:
            st.caption(words["zero_note"])
        device_note(exact_device)
    with right:
        st.markdown(f"**{words['speed_title']}**")
        st.metric(words["ratio"], words.format("ratio_value", ratio=speed.ratio))
        st.markdown(words.format("calls", calls=sizes.seq_len * sizes.num_layers, layers=sizes.num_layers))
        chart(speed_figure([words["loop"], words["fused"]], [speed.custom_seconds, speed.fused_seconds],
                           words.format("axis", repeats=speed.repeats)), "code.speed_chart")
        how_to_read(words["how_to_read"])
    timing_device = describe_device(device)
    if speed.threads:
        timing_device = words.format("one_thread", device=timing_device)
    st.caption(words.format("speed_note", device=timing_device, input_size=sizes.input_size, repeats=speed.repeats))


def classifier_section(t: Texts) -> None:
    """The tutorial classifier's parameters: the total, per block, and each LSTM layer's closed form."""
    words = t["classifier"]
    st.header(words["heading"])
    st.markdown(words["explain"])
    table, layer_counts, closed_form = classifier_parameters()
    left, right = st.columns([1, 2])
    with left:
        st.metric(words["total"], f"{table.total:,}")
        verdict = words["match" if closed_form == table.total else "mismatch"]
        st.markdown(words.format("closed_form", count=closed_form, verdict=verdict))
    with right:
        totals = table.group_totals()
        chart(parameter_figure([words["blocks"].get(group, group) for group in totals], list(totals.values()),
                               words["axis"]), "code.parameter_chart")
        how_to_read(words["how_to_read"])
    st.markdown(f"**{words['formula_title']}**")
    for layer in layer_counts:
        formula_block(layer.latex)
    st.dataframe(pd.DataFrame({
        words["name"]: list(table.names),
        words["block"]: [words["blocks"].get(group, group) for group in table.groups],
        words["shape"]: [str(shape) for shape in table.shapes],
        words["count"]: list(table.counts),
    }), hide_index=True, key="code.parameter_table",
        column_config={words["count"]: st.column_config.NumberColumn(format="localized")})


@idle_cache(max_entries=4, copy=True)
def training_step(seed: int) -> ClassifierStep:
    return classifier_step(seed)


def training_section(t: Texts, seed: int) -> None:
    """The classifier's forward pass through h_n[-2] / h_n[-1], then one annotated training step, on tiny sizes."""
    words, step = t["training"], training_step(seed)
    st.header(words["heading"])
    st.markdown(words.format("explain", hidden=CLASSIFIER.hidden_size, layers=CLASSIFIER.num_layers))
    st.dataframe(pd.DataFrame({
        words["tensor"]: list(step.shapes), words["shape"]: [str(shape) for shape in step.shapes.values()],
        words["meaning"]: [words["meanings"][name] for name in step.shapes],
    }), hide_index=True, key="code.classifier_shapes")
    with deeper():
        agreement(max(step.forward_final_gap, step.backward_final_gap), words["ref_finals"])
        agreement(step.features_gap, "TextClassifier.features")
    st.markdown(f"**{words['step_title']}**")
    st.code(words["step_code"].format(max_norm=MAX_NORM, lr=LEARNING_RATE), language="python")
    st.dataframe(pd.DataFrame({
        words["stage"]: [words["stages"][name] for name in ("zero_grad", "loss", "backward", "clip", "step")],
        words["value"]: [f"{step.zeroed_grad:.1f}", f"{step.loss_before:.4f}", f"{step.grad_norm:.4f}",
                         f"{step.clipped_norm:.4f}", f"{step.loss_after:.4f}"],
    }), hide_index=True, key="code.training_step")
    clipped = words["clipped" if step.grad_norm > MAX_NORM else "not_clipped"].format(max_norm=MAX_NORM)
    st.caption(words.format("summary", before=f"{step.loss_before:.4f}", after=f"{step.loss_after:.4f}",
                            clipped=clipped))
