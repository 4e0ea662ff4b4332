"""Sections 4 and 6 of the training page: how good the model is, and saving it / loading a saved one.

Both models a session can hold live in ``st.session_state``: ``train.model`` (trained here, with its full
evaluation) and ``train.loaded`` (a bundle the user uploaded, checked by ``core.classifier.bundle.load_bundle``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classifier.baseline import BaselineResult
from core.classifier.bundle import load_bundle
from core.classifier.card import BUNDLE_NAME
from core.classifier.results import LoadedModel, TrainingMetrics
from core.escape import markdown_text
from core.figures.train import confusion_matrix_figure
from core.sizes import mebibytes
from core.textdata.errors import DataError
from pages.kit.i18n import Texts, texts
from pages.kit.layout import how_to_read
from pages.practice.train_data import error_text
from pages.practice.train_notices import csv_download
from pages.kit.chart import CHART_CONFIG

MODEL_KEY = "train.model"
LOADED_KEY = "train.loaded"


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def metric_row(t: Texts, metrics: TrainingMetrics, baseline: BaselineResult | None) -> None:
    """The RNN's scores, with the TF-IDF + logistic regression baseline's beside them (the arrow: RNN minus baseline)."""
    words = t["results"]
    columns = st.columns(5)
    columns[0].metric(words["accuracy"], _percent(metrics.val_accuracy),
                      delta=_points(metrics.val_accuracy - baseline.accuracy) if baseline else None)
    columns[1].metric(words["macro_f1"], _percent(metrics.val_macro_f1),
                      delta=_points(metrics.val_macro_f1 - baseline.macro_f1) if baseline else None)
    columns[2].metric(words["val_loss"], f"{metrics.val_loss:.4f}")
    columns[3].metric(words["best_epoch"], f"{metrics.best_epoch} / {metrics.epochs}")
    columns[4].metric(words["speed"], f"{metrics.train_tokens_per_second:,.0f}")
    st.caption(words.format("speed_note", seconds=f"{metrics.seconds:.0f}", train=metrics.train_size,
                            val=metrics.val_size))
    if baseline is not None:
        st.markdown(words.format("baseline", accuracy=_percent(baseline.accuracy),
                                 macro_f1=_percent(baseline.macro_f1), seconds=f"{baseline.seconds:.1f}"))
        key = "baseline_beaten" if metrics.val_macro_f1 >= baseline.macro_f1 else "baseline_ahead"
        st.caption(words[key])


def _points(difference: float) -> str:
    return f"{100 * difference:+.1f}"


def per_class_table(t: Texts, per_class, key: str) -> None:
    names = t["results"]["per_class_columns"]
    st.dataframe(pd.DataFrame({
        names["label"]: [row.label for row in per_class],
        names["precision"]: [row.precision for row in per_class],
        names["recall"]: [row.recall for row in per_class],
        names["f1"]: [row.f1 for row in per_class],
        names["support"]: [row.support for row in per_class],
    }), hide_index=True, key=key, column_config={
        names[name]: st.column_config.NumberColumn(format="percent") for name in ("precision", "recall", "f1")})


def evaluation_section(t: Texts) -> None:
    """Section 4: the validation scores of the model trained in this session."""
    words = t["results"]
    st.header(words["heading"])
    model = st.session_state.get(MODEL_KEY)
    if model is None:
        st.caption(words["none_yet"])
        return
    evaluation = model.evaluation
    metric_row(t, model.metrics, model.baseline)
    how_to_read(words["metrics_how"])
    left, right = st.columns([3, 2])
    with left:
        st.subheader(words["per_class_title"])
        per_class_table(t, evaluation.per_class, "train.per_class")
    with right:
        right.plotly_chart(confusion_matrix_figure(evaluation.confusion_matrix, evaluation.labels,
                                                   words["confusion_title"], words["true_axis"],
                                                   words["predicted_axis"]), key="train.confusion", config=CHART_CONFIG)
    how_to_read(words["confusion_how"])
    st.subheader(words["misclassified_title"])
    wrong = evaluation.misclassified
    if not wrong:
        st.success(words["misclassified_none"], icon=":material/check_circle:")
        return
    names = words["misclassified_columns"]
    st.dataframe(pd.DataFrame({
        names["text"]: [row.text for row in wrong],
        names["true"]: [row.true for row in wrong],
        names["predicted"]: [row.predicted for row in wrong],
        names["confidence"]: [row.confidence for row in wrong],
    }), hide_index=True, key="train.misclassified",
        column_config={names["confidence"]: st.column_config.ProgressColumn(min_value=0.0, max_value=1.0,
                                                                            format="percent")})
    st.caption(words.format("misclassified_note", shown=len(wrong)))
    columns = [names[column] for column in ("text", "true", "predicted", "confidence")]
    csv_download(words["misclassified_download"], columns,
                 [(row.text, row.true, row.predicted, round(row.confidence, 4)) for row in wrong],
                 "misclassified.csv", "train.misclassified_download")


def _load_upload() -> None:
    """on_change of the bundle uploader: runs before the script, so section 5 offers the model in the same run.

    A bad file is reported and leaves the session's models alone; a good one becomes the model to try.
    """
    upload = st.session_state.get("train.bundle_upload")
    st.session_state.pop("train.bundle_error", None)
    if upload is None:
        return
    try:
        bundle = load_bundle(upload.getvalue())
    except DataError as error:
        st.session_state["train.bundle_error"] = error_text(texts("train"), error)
        return
    st.session_state[LOADED_KEY] = LoadedModel(name=upload.name, bundle=bundle, bytes=upload.getvalue())
    st.session_state["train.model_choice"] = "loaded"


def export_section(t: Texts) -> None:
    """Section 6: download the trained model; upload a saved one to try it."""
    words = t["export"]
    st.header(words["heading"])
    left, right = st.columns(2)
    with left:
        model = st.session_state.get(MODEL_KEY)
        if model is None:
            st.caption(words["nothing_to_download"])
        else:
            st.download_button(words["download"], data=model.bytes, file_name=BUNDLE_NAME,
                               mime="application/zip", key="train.download", icon=":material/download:",
                               on_click="ignore", help=words["download_help"])
            st.caption(words.format("download_note", size=f"{mebibytes(len(model.bytes)):.1f}"))
    with right:
        st.file_uploader(words["load"], type=["zip"], key="train.bundle_upload", help=words["load_help"],
                         on_change=_load_upload)
        st.caption(words["load_limits"])
        if "train.bundle_error" in st.session_state:
            st.error(st.session_state["train.bundle_error"], icon=":material/error:")
        loaded = st.session_state.get(LOADED_KEY)
        if loaded is not None:
            bundle = loaded.bundle
            st.success(words.format("loaded", name=markdown_text(loaded.name), cell=bundle.config.cell.upper(),
                                    classes=len(bundle.label_names), vocab=len(bundle.vocabulary)),
                       icon=":material/upload_file:")
            stored = bundle.metrics
            if "accuracy" in stored and "macro_f1" in stored:
                st.caption(words.format("loaded_metrics", accuracy=_percent(stored["accuracy"]),
                                        macro_f1=_percent(stored["macro_f1"])))
