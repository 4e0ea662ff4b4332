"""Section 5 of the training page: one sentence through the model: prediction, token attributions, and the
recurrent layer's hidden states and gates over its tokens (the same ``core.trace`` the lessons draw)."""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

import numpy as np
import streamlit as st

from core.classifier.explain import gradient_x_input, integrated_gradients, trace_text
from core.classifier.predict import predict
from core.escape import markdown_text
from core.figures.gates import gate_heatmaps_figure
from core.figures.train import attribution_figure, plain, probabilities_figure
from pages.kit.i18n import Texts
from pages.kit.layout import how_to_read
from pages.kit.links import page_link
from pages.kit.chart import CHART_CONFIG

MODEL_KEY = "train.model"
LOADED_KEY = "train.loaded"
# Max pooling switches its winning position along the integration path, so the integrand has kinks and the
# quadrature converges slowly: 32 nodes left 1-7% completeness gaps on the demo models, 128 leave under 1%
# for a few hundredths of a second per sentence.
INTEGRATION_STEPS = 128
METHODS = {"integrated_gradients": partial(integrated_gradients, steps=INTEGRATION_STEPS),
           "gradient_x_input": gradient_x_input}
GATES = {"lstm": ("input", "forget", "candidate", "output", "cell", "hidden"),
         "gru": ("reset", "update", "new", "hidden"), "rnn": ("hidden",)}
LESSON_MAX_CHARS = 300  # the LSTM lesson's sentence box takes at most this many characters


def available_models(t: Texts) -> dict[str, tuple[str, object]]:
    """choice -> (identity, bundle) for every model this session holds: trained here first, then loaded."""
    models = {}
    trained = st.session_state.get(MODEL_KEY)
    if trained is not None:
        models["trained"] = (f"job:{trained.job}", trained.bundle)
    loaded = st.session_state.get(LOADED_KEY)
    if loaded is not None:
        models["loaded"] = (f"file:{loaded.name}:{len(loaded.bytes)}:{id(loaded.bundle)}", loaded.bundle)
    return models


def _explain(identity: str, bundle, sentence: str, method: str):
    """Prediction, attribution and trace of one sentence, computed once per (model, sentence, method)."""
    key = (identity, sentence, method)
    stored = st.session_state.get("train.explained")
    if stored is not None and stored[0] == key:
        return stored[1]
    prediction = predict(bundle, sentence)
    attribution = METHODS[method](bundle, sentence, target=prediction.label)
    traced = trace_text(bundle, sentence)
    st.session_state["train.explained"] = (key, (prediction, attribution, traced))
    return prediction, attribution, traced


def _model_choice(t: Texts, models: dict) -> str:
    words = t["try"]
    if len(models) == 1:
        return next(iter(models))
    loaded = markdown_text(st.session_state[LOADED_KEY].name)  # a file's name, in options that render Markdown
    return st.radio(words["model_choice"], list(models), horizontal=True, key="train.model_choice",
                    format_func=lambda choice: words.format(choice, name=loaded))


def _states(t: Texts, bundle, traced) -> None:
    """Hidden-state and gate heatmaps of one layer and direction of the classifier's recurrent layer."""
    words = t["try"]
    config = bundle.config
    left, right = st.columns(2)
    layer = 0
    if config.num_layers > 1:
        layer = left.selectbox(words["layer"], range(config.num_layers), format_func=lambda index: f"{index + 1}",
                               key="train.layer")
    direction = 0
    if config.bidirectional:
        direction = right.radio(words["direction"], (0, 1), horizontal=True, key="train.direction",
                                format_func=lambda index: words["directions"][("forward", "backward")[index]])
    trace = traced.trace
    gates = {name: trace.gate(name, layer=layer, direction=direction).detach().cpu().numpy()
             for name in GATES[trace.kind]}  # each (seq_len, hidden_size)
    figure = gate_heatmaps_figure(gates, {name: words["gates"][name] for name in gates},
                                  [plain(token) for token in traced.tokens], words["unit"],
                                  height_per_gate=min(220, 60 + 2 * config.hidden_size))
    st.plotly_chart(figure, key="train.states", config=CHART_CONFIG)
    how_to_read(words["states_how"])


def try_section(t: Texts) -> None:
    """Section 5: classify and explain a sentence with a model this session holds."""
    words = t["try"]
    st.header(words["heading"])
    models = available_models(t)
    if not models:
        st.caption(words["no_model"])
        return
    choice = _model_choice(t, models)
    identity, bundle = models[choice]
    sentence = st.text_input(words["sentence"], value=words["default_sentence"], max_chars=2000,
                             key="train.sentence", help=words["sentence_help"])
    method = st.segmented_control(words["method"], list(METHODS), default="integrated_gradients",
                                  format_func=words["methods"].get, key="train.method", required=True)
    if not sentence.strip():
        st.info(words["empty"])
        return
    prediction, attribution, traced = _explain(identity, bundle, sentence, method)
    probability = prediction.probabilities[prediction.label]
    label = markdown_text(prediction.label)  # the user's label, shown as written
    st.markdown(words.format("prediction", label=label, probability=f"{100 * probability:.1f}"))
    unknown = prediction.known.count(False)
    if unknown:
        key = "unknown_tokens_ngrams" if bundle.config.subword_buckets else "unknown_tokens"
        st.caption(words.format(key, count=unknown, total=len(prediction.tokens)))
    if prediction.truncated:
        st.caption(words.format("truncated", limit=bundle.max_length))
    if bundle.config.ngram_buckets:  # the colours explain the recurrent path only: say so
        st.caption(words["linear_path"])
    left, right = st.columns([1, 2])  # the sentence's tiles need the room more than the bars
    left.plotly_chart(probabilities_figure(prediction.probabilities, prediction.label, words["probabilities_title"]),
                      key="train.probabilities", config=CHART_CONFIG)
    with right:
        st.plotly_chart(attribution_figure(attribution.tokens, attribution.scores,
                                           words.format("attribution_title", label=plain(attribution.target)),
                                           words["score_label"]), key="train.attribution", config=CHART_CONFIG)
    how_to_read(words["attribution_how"])
    if method == "integrated_gradients":
        st.caption(words.format("completeness", total=f"{float(np.sum(attribution.scores)):.4f}",
                                gap=f"{attribution.output - attribution.baseline_output:.4f}"))
    st.subheader(words["states_title"])
    _states(t, bundle, traced)
    page_link("lstm_step", words["lesson_link"], query=f"lstm_step.text={quote(sentence[:LESSON_MAX_CHARS], safe='')}")
