"""Lesson 4: vanishing and exploding gradients, measured on a real torch.nn.RNN whose W_hh the learner scales."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from core.device import select_device
from core.figures.gradients import activation_figure, chain_figure, clipping_figure
from core.lessons.clipping import ClippingResult, clipping_demo
from core.lessons.gradients import (
    ChainSetup, JacobianChain, activation_curve, chain_latex, display_limit, find_token, float64_device, measure_chain,
    power_table, random_inputs, sentence_inputs,
)
from core.sequence_input import MAX_TOKENS, split_tokens
from pages.kit.i18n import language, texts
from pages.kit.lesson_controls import keep_within
from pages.kit.layout import agreement, device_note, formula_block, how_to_read, page_header

t = texts("gradients")
common = texts("common")
controls = t["controls"]
CHART = {"displaylogo": False}
SCENARIOS = {"vanishing": ("tanh", 0.9), "saturated": ("tanh", 3.0), "exploding": ("relu", 2.0)}
THRESHOLDS = (0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 5.0, 10.0, 50.0, 100.0, 1000.0)
FACTORS = tuple(round(0.05 * step, 2) for step in range(1, 41))  # 0.05 … 2.0


@st.cache_data(max_entries=64, show_spinner=False)
def compute_chain(setup: ChainSetup, length: int, tokens: tuple[str, ...], loss_position: int,
                  device: str) -> JacobianChain:
    inputs = sentence_inputs(list(tokens), setup) if tokens else random_inputs(length, setup)
    return measure_chain(inputs, setup, loss_step=loss_position, device=device)


@st.cache_resource(max_entries=32, show_spinner=False)
def figures(setup: ChainSetup, length: int, tokens: tuple[str, ...], loss_position: int, watch: int | None,
            device: str, lang: str):
    """The two animated figures of one view (frames cost more to build than the numbers)."""
    chain, words = compute_chain(setup, length, tokens, loss_position, device), texts("gradients", lang)
    player = {"play": common["play"], "pause": common["pause"], "step_prefix": common["step_prefix"]}
    chain_fig = chain_figure(chain.measured, chain.upper_bound, chain.lower_bound, chain.weight_bound,
                             chain.radius_rate, {**words["chain_figure"], **player},
                             tick_labels=list(tokens[: loss_position + 1]) if tokens else None, highlight=watch)
    z, value, slope = activation_curve(setup.nonlinearity, display_limit(chain.pre_activation, setup.nonlinearity))
    activation_fig = activation_figure(z, value, slope, chain.pre_activation, chain.hidden, chain.slope,
                                       {**words["activation_figure"], **player})
    return chain_fig, activation_fig


@st.cache_data(max_entries=64, show_spinner=False)
def compute_clipping(threshold: float, setup: ChainSetup, device: str) -> ClippingResult:
    return clipping_demo(threshold, setup, device=device)


def apply_scenario() -> None:
    """Move the sliders to the chosen scenario (they stay the shareable state)."""
    chosen = st.session_state.get("gradients.scenario")
    if chosen in SCENARIOS:
        st.session_state["gradients.activation"], st.session_state["gradients.radius"] = SCENARIOS[chosen]


def use_preset() -> None:
    chosen = st.session_state.get("gradients.preset")
    if chosen:
        st.session_state["gradients.text"] = chosen


def default_pair(tokens: list[str]) -> tuple[int, int]:
    """(start, word to reach) from the first anchor pair found in the sentence, else (last, first)."""
    for start_word, reach_word in controls["anchors"]:
        start, reach = find_token(tokens, start_word, -1), find_token(tokens, reach_word, -1)
        if 0 <= reach < start:
            return start, reach
    return len(tokens) - 1, 0


def short(value: float) -> str:
    return f"{value:.3g}"


page_header(t)
st.pills(t["scenario_label"], list(SCENARIOS), format_func=t["scenarios"].get, key="gradients.scenario",
         on_change=apply_scenario, help=t["scenario_help"])
radius_column, activation_column, matrix_column, seed_column = st.columns([3, 2, 2, 1])
radius = radius_column.slider(controls["radius"], 0.1, 3.0, 0.9, 0.05, help=controls["radius_help"],
                              key="gradients.radius", bind="query-params")
nonlinearity = activation_column.segmented_control(controls["nonlinearity"], ["tanh", "relu"], default="tanh",
                                                   required=True, key="gradients.activation", bind="query-params")
matrix = matrix_column.segmented_control(controls["matrix"], ["orthogonal", "gaussian"], default="orthogonal",
                                         format_func=controls.get, required=True, help=controls["matrix_help"],
                                         key="gradients.matrix", bind="query-params")
seed = int(seed_column.number_input(common["seed"], 0, 99_999, 0, 1, help=controls["seed_help"],
                                    key="gradients.seed", bind="query-params"))
setup = ChainSetup(radius=float(radius), nonlinearity=nonlinearity, matrix=matrix, seed=seed)

source = st.segmented_control(controls["source"], ["random", "sentence"], default="random", format_func=controls.get,
                              required=True, key="gradients.source", bind="query-params")
tokens: list[str] = []
watch = None
if source == "random":
    length = st.slider(controls["length"], 2, 200, 60, help=controls["length_help"], key="gradients.length",
                       bind="query-params")
    loss_position = length - 1
else:
    preset_column, text_column = st.columns([2, 3])
    preset_column.selectbox(common["preset"], controls["sentence_presets"], index=None,
                            placeholder=controls["preset_placeholder"], key="gradients.preset", on_change=use_preset)
    sentence = text_column.text_input(common["sentence"], value=controls["sentence_presets"][0], max_chars=300,
                                      help=controls["sentence_help"], key="gradients.text", bind="query-params")
    tokens = split_tokens(sentence or "")
    if len(tokens) < 2:
        st.warning(t["empty"])
        st.stop()
    if len(split_tokens(sentence, MAX_TOKENS + 1)) > MAX_TOKENS:
        st.info(t.format("truncated", count=MAX_TOKENS))
    start, reach = default_pair(tokens)
    label = [f"{position + 1} · {token}" for position, token in enumerate(tokens)]
    start_column, reach_column = st.columns(2)
    loss_position = start_column.selectbox(controls["loss_word"], range(1, len(tokens)), index=start - 1,
                                           format_func=label.__getitem__, key="gradients.start", bind="query-params")
    watch = reach_column.selectbox(controls["watch_word"], range(loss_position), index=min(reach, loss_position - 1),
                                   format_func=label.__getitem__, key="gradients.reach", bind="query-params")
    length = len(tokens)

# The chain runs in float64 so 200 steps can reach 1e-60 without underflow; Apple MPS has no float64, so there the
# lesson computes on the CPU and the caption at the end says so.
device = float64_device(select_device())
chain = compute_chain(setup, length, tuple(tokens), loss_position, str(device))
chain_fig, activation_fig = figures(setup, length, tuple(tokens), loss_position, watch, str(device), language())

st.subheader(t["chain_title"])
st.markdown(t["chain_formula_text"])
formula_block(r"\frac{\partial h_k}{\partial h_{k-1}} = \operatorname{diag}(\varphi'(z_k))\,W_{hh}, \qquad "
              r"\frac{\partial h_T}{\partial h_t} = \operatorname{diag}(\varphi'(z_T))\,W_{hh} \cdots "
              r"\operatorname{diag}(\varphi'(z_{t+1}))\,W_{hh}")
metrics = st.columns(4)
metrics[0].metric(t["metric_radius"], short(chain.spectral_radius))
metrics[1].metric(t["metric_sigma_max"], short(float(chain.singular_values[0])))
metrics[2].metric(t["metric_sigma_min"], short(float(chain.singular_values[-1])))
if watch is None:
    metrics[3].metric(t["metric_first"], f"{chain.measured[0]:.3e}")
else:
    metrics[3].metric(t.format("metric_watch", word=tokens[watch]), f"{chain.measured[watch]:.3e}")
st.plotly_chart(chain_fig, key="gradients.chain", config=CHART)
how_to_read(t["chain_how"])
agreement(chain.autograd_diff, t["ref_chain"])
if watch is not None:
    st.markdown(t.format("reach", source=tokens[loss_position], target=tokens[watch],
                         distance=loss_position - watch, value=f"{chain.measured[watch]:.3e}"))
first = float(chain.measured[0])
regime = "regime_vanishing" if first < 1e-3 else "regime_exploding" if first > 1e3 else "regime_steady"
st.info(t.format(regime, steps=chain.loss_step, value=f"{first:.3e}"))

st.subheader(t["step_title"])
keep_within("gradients.step", 1, chain.loss_step + 1)
step = st.slider(t["step_slider"], 1, chain.loss_step + 1, max(1, chain.loss_step // 2), key="gradients.step",
                 bind="query-params")
st.markdown(t["step_text"])
formula_block(chain_latex(chain, step - 1, nonlinearity))
slopes = chain.slope[step - 1]
st.caption(t.format("step_factor", step=step, norm=short(float(chain.step_norms[step - 1])),
                    low=short(float(slopes.min())), high=short(float(slopes.max()))))

st.subheader(t["activation_title"])
st.markdown(t["activation_text"])
st.plotly_chart(activation_fig, key="gradients.activation_chart", config=CHART)
how_to_read(t["activation_how"])
if nonlinearity == "tanh":
    share = float((np.abs(chain.pre_activation) > 2).mean())
    st.caption(t.format("saturation", share=f"{share:.1%}", slope=short(1 - math.tanh(2.0) ** 2)))
else:
    st.caption(t.format("relu_dead", share=f"{float((chain.pre_activation <= 0).mean()):.1%}"))

st.subheader(t["powers_title"])
st.markdown(t["powers_text"])
factor = st.select_slider(t["factor"], FACTORS, value=0.5, key="gradients.factor", bind="query-params")
columns = t["powers_columns"]
rows = power_table(factor, chain)
missing = t["powers_missing"]
st.dataframe(pd.DataFrame({
    columns["steps"]: [row.steps for row in rows],
    columns["exact"]: [f"{row.exact:.10g}" for row in rows],
    columns["measured"]: [missing if row.measured is None else f"{row.measured:.4g}" for row in rows],
    columns["per_step"]: [missing if row.per_step is None else f"{row.per_step:.4f}" for row in rows],
}), hide_index=True, key="gradients.powers")
tutorial = {row.steps: row.exact for row in power_table(0.5)}
st.caption(t.format("powers_note", exact10=f"{tutorial[10]:.10g}", exact20=f"{tutorial[20]:.10g}",
                    exact50=f"{tutorial[50]:.3g}"))

st.subheader(t["exploding"]["title"])
st.markdown(t["exploding"]["text"])

clipping_text = t["clipping"]
st.subheader(clipping_text["title"])
st.markdown(clipping_text["text"])
formula_block(rf"\|g\| = \sqrt{{\textstyle\sum_{{\text{{{clipping_text['formula_params']}}}}} \sum g^2}}, \qquad "
              rf"g \leftarrow g \cdot \min\!\left(1, \frac{{\text{{{clipping_text['formula_threshold']}}}}}"
              r"{\|g\| + 10^{-6}}\right)")
# 1.5 sits inside the default run's spread of norms, so the first view shows clipped and untouched batches side by side
threshold = st.select_slider(clipping_text["threshold"], THRESHOLDS, value=1.5, key="gradients.threshold",
                             bind="query-params")
clipped = compute_clipping(float(threshold), setup, str(device))
st.plotly_chart(clipping_figure(clipped.norms_before, clipped.norms_after, float(threshold), t["clipping_figure"]),
                key="gradients.clipping", config=CHART)
how_to_read(clipping_text["how"])
largest = int(np.argmax(clipped.norms_before))
st.markdown(clipping_text.format("summary", clipped=int(clipped.clipped.sum()), total=len(clipped.clipped),
                                 largest=f"{clipped.norms_before[largest]:.4g}",
                                 after=f"{clipped.norms_after[largest]:.4g}"))
agreement(clipped.clipped_diff, clipping_text["reference"])
device_note(device)
