"""Lesson 4: vanishing and exploding gradients, measured on a real torch.nn.RNN whose W_hh the learner scales."""

import streamlit as st

from core.device import select_device
from core.escape import markdown_text
from core.figures.gradients import ActivationLabels, ChainLabels, activation_figure, chain_figure
from core.lessons.gradient_reading import SCENARIOS, read_chain, step_factor
from core.lessons.gradients import (
    CHAIN_EQUATION, ChainSetup, JacobianChain, activation_curve, chain_latex, display_limit, float64_device,
)
from core.lessons.shared_results import jacobian_chain
from pages.kit.chart import cached_figures, chart
from pages.kit.check_yourself import check_yourself
from pages.kit.i18n import language, texts
from pages.kit.labels import figure_labels, player_labels
from pages.kit.layout import agreement, deeper, device_note, formula_block, how_to_read, page_header
from pages.kit.lesson_controls import seed_input, step_slider
from pages.kit.shared_view import shared
from pages.kit.url_choices import coded_option, translated_aliases
from pages.kit.url_values import drop_unusable, not_empty
from pages.lessons.gradients_trained import trained_section
from pages.lessons.gradients_sections import (
    activation_section, clipping_section, powers_section, sentence_source, short,
)

t = texts("gradients")
controls = t["controls"]
MATRICES, SOURCES = ("orthogonal", "gaussian"), ("random", "sentence")  # codes: the URL carries these, never labels


def compute_chain(setup: ChainSetup, length: int, tokens: tuple[str, ...], loss_position: int,
                  device: str) -> JacobianChain:
    """The chain from the core cache the Check-yourself questions read too (theirs: 30 random steps, CPU)."""
    return jacobian_chain(setup, int(length), tokens, int(loss_position), device)


@cached_figures(max_entries=32)
def figures(setup: ChainSetup, length: int, tokens: tuple[str, ...], loss_position: int, watch: int | None,
            device: str, lang: str):
    """The two animated figures of one view (frames cost more to build than the numbers)."""
    chain, words = compute_chain(setup, length, tokens, loss_position, device), texts("gradients", lang)
    player = player_labels(lang)
    chain_fig = chain_figure(chain.measured, chain.upper_bound, chain.lower_bound, chain.weight_bound,
                             chain.radius_rate, figure_labels(ChainLabels, words["chain_figure"], player=player),
                             tick_labels=list(tokens[: loss_position + 1]) if tokens else None, highlight=watch)
    z, value, slope = activation_curve(setup.nonlinearity, display_limit(chain.pre_activation, setup.nonlinearity))
    activation_fig = activation_figure(z, value, slope, chain.pre_activation, chain.hidden, chain.slope,
                                       figure_labels(ActivationLabels, words["activation_figure"], player=player))
    return chain_fig, activation_fig


def apply_scenario() -> None:
    """Move the sliders to the chosen scenario (they stay the shareable state)."""
    chosen = st.session_state.get("gradients.scenario")
    if chosen in SCENARIOS:
        st.session_state["gradients.activation"], st.session_state["gradients.radius"] = SCENARIOS[chosen]


page_header(t)
st.pills(t["scenario_label"], list(SCENARIOS), format_func=t["scenarios"].get, key="gradients.scenario",
         on_change=apply_scenario, help=t["scenario_help"])
radius_column, activation_column, matrix_column, seed_column = st.columns([3, 2, 2, 1])
radius = radius_column.slider(controls["radius"], 0.1, 3.0, 0.9, 0.05, help=controls["radius_help"],
                              key=shared("gradients.radius"), bind="query-params")
drop_unusable("gradients.activation", not_empty)
nonlinearity = activation_column.segmented_control(controls["nonlinearity"], ["tanh", "relu"], default="tanh",
                                                   required=True, key=shared("gradients.activation"), bind="query-params")
matrix = coded_option(matrix_column.segmented_control, shared("gradients.matrix"), MATRICES, MATRICES[0],
                      translated_aliases("gradients", lambda words: {code: words["controls"][code] for code in MATRICES}),
                      label=controls["matrix"], format_func=controls.get, required=True, help=controls["matrix_help"])
setup = ChainSetup(radius=float(radius), nonlinearity=nonlinearity, matrix=matrix,
                   seed=seed_input("gradients", controls["seed_help"], seed_column))

source = coded_option(st.segmented_control, shared("gradients.source"), SOURCES, SOURCES[0],
                      translated_aliases("gradients", lambda words: {code: words["controls"][code] for code in SOURCES}),
                      label=controls["source"], format_func=controls.get, required=True)
tokens: list[str] = []
watch = None
if source == "random":
    length = st.slider(controls["length"], 2, 200, 60, help=controls["length_help"], key=shared("gradients.length"),
                       bind="query-params")
    loss_position = length - 1
else:
    tokens, loss_position, watch = sentence_source(t)
    length = len(tokens)

# The chain runs in float64 so 200 steps can reach 1e-60 without underflow; Apple MPS has no float64, so there the
# lesson computes on the CPU and the caption at the end says so.
device = float64_device(select_device())
chain = compute_chain(setup, length, tuple(tokens), loss_position, str(device))
reading = read_chain(chain, nonlinearity)
chain_fig, activation_fig = figures(setup, length, tuple(tokens), loss_position, watch, str(device), language())

st.subheader(t["chain_title"])  # the picture first, then the formula it follows
metrics = st.columns(4)
metrics[0].metric(t["metric_radius"], short(chain.spectral_radius))
metrics[1].metric(t["metric_sigma_max"], short(float(chain.singular_values[0])))
metrics[2].metric(t["metric_sigma_min"], short(float(chain.singular_values[-1])))
if watch is None:
    metrics[3].metric(t["metric_first"], f"{chain.measured[0]:.3e}")
else:
    metrics[3].metric(t.format("metric_watch", word=markdown_text(tokens[watch])), f"{chain.measured[watch]:.3e}")
chart(chain_fig, "gradients.chain")
how_to_read(t["chain_how"])
with deeper():  # our Jacobian products against autograd's: bookkeeping
    agreement(chain.autograd_diff, t["ref_chain"])
if watch is not None:
    st.markdown(t.format("reach", source=markdown_text(tokens[loss_position]), target=markdown_text(tokens[watch]),
                         distance=loss_position - watch, value=f"{chain.measured[watch]:.3e}"))
st.info(t.format(f"regime_{reading.regime}", steps=chain.loss_step, value=f"{reading.first_norm:.3e}"))
if reading.saturation:  # say when tanh saturation, not W_hh, is what shapes the curve (the "Saturation" scenario)
    st.caption(t.format(f"regime_saturation_{reading.saturation}", prediction=f"{reading.linear_prediction:.3e}",
                        share=f"{reading.inactive_share:.0%}"))
st.markdown(t["chain_formula_text"])
formula_block(CHAIN_EQUATION)

st.subheader(t["step_title"])
step = step_slider("gradients", t, chain.loss_step + 1, default=max(1, chain.loss_step // 2))
st.markdown(t["step_text"])
formula_block(chain_latex(chain, step - 1, nonlinearity))
factor_now = step_factor(chain, step)
st.caption(t.format("step_factor", step=step, norm=short(factor_now.norm), low=short(factor_now.lowest_slope),
                    high=short(factor_now.highest_slope)))

activation_section(t, activation_fig, reading, nonlinearity)
trained_section(t, tokens, loss_position if tokens else None, watch)

powers_section(t, chain)
clipping_section(t, setup, device)
device_note(device)

check_yourself("gradients", setup=setup)
