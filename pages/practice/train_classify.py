"""Section 7 of the training page: classify a whole file with the trained or loaded model, download the CSV.

The upload is read exactly like training data (core.textdata), predicted by core.classifier.predictions, and
remembered per (file, column, model) in this session, so reruns never classify the file again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.classifier.predictions import PAGE_MAX_ROWS, predict_table, text_column, to_csv
from core.escape import markdown_text
from core.textdata.errors import DataError
from core.textdata.loading import Table
from pages.kit.i18n import Texts
from pages.practice.train_data import UPLOAD_TYPES, error_text, load_table
from pages.practice.train_results import LOADED_KEY
from pages.practice.train_try import available_models

TABLE_ROWS = 1000  # rows drawn in the browser; the download has them all
SLOT = "train.classify_table"


def _classify(t: Texts, table: Table, identity: str, column: str, model_identity: str, bundle):
    key = (identity, column, model_identity)
    stored = st.session_state.get("train.classified")
    if stored is not None and stored[0] == key:
        return stored[1]
    with st.spinner(t["classify"]["working"]):
        result = predict_table(bundle, table.column(column)[:PAGE_MAX_ROWS])
    st.session_state["train.classified"] = (key, result)
    return result


def classify_section(t: Texts) -> None:
    words = t["classify"]
    st.header(words["heading"])
    models = available_models(t)
    if not models:
        st.caption(words["no_model"])
        return
    choice = st.session_state.get("train.model_choice")
    if choice not in models:  # one model only: section 5 shows no choice
        choice = next(iter(models))
    model_identity, bundle = models[choice]
    loaded = st.session_state.get(LOADED_KEY)
    st.caption(words.format("model", model=t["try"].format(choice, name=markdown_text(loaded.name) if loaded else "")))
    upload = st.file_uploader(words["upload"], type=UPLOAD_TYPES, key="train.classify_upload",
                              help=words["upload_help"])
    if upload is None:
        return
    with st.spinner(words["reading"]):
        identity, table = load_table(upload, SLOT)
    if isinstance(table, DataError):
        st.error(error_text(t, table), icon=":material/error:")
        return
    try:
        guessed = text_column(table)
    except DataError as error:
        st.error(error_text(t, error), icon=":material/error:")
        return
    column = st.selectbox(words["column"], table.columns, index=table.columns.index(guessed),
                          key=f"train.classify_column.{identity}")
    result = _classify(t, table, identity, column, model_identity, bundle)
    if len(table) > PAGE_MAX_ROWS:
        st.warning(words.format("capped", rows=len(table), limit=PAGE_MAX_ROWS), icon=":material/warning:")
    counts = ", ".join(f"{markdown_text(label)}: {count}" for label, count in result.counts().items())
    st.markdown(words.format("summary", rows=len(result.texts), counts=counts))
    columns = words["columns"]
    frame = pd.DataFrame({columns["text"]: result.texts[:TABLE_ROWS],
                          columns["predicted"]: result.predicted[:TABLE_ROWS]})
    for index, label in enumerate(result.labels):
        frame[words.format("probability", label=label)] = result.probabilities[:TABLE_ROWS, index]
    st.dataframe(frame, hide_index=True, key="train.classified_table", column_config={
        words.format("probability", label=label): st.column_config.ProgressColumn(min_value=0.0, max_value=1.0,
                                                                                 format="percent")
        for label in result.labels})
    if len(result.texts) > TABLE_ROWS:
        st.caption(words.format("table_note", shown=TABLE_ROWS, rows=len(result.texts)))
    st.download_button(words["download"], data=to_csv(result), file_name=f"{upload.name.rsplit('.', 1)[0]}"
                       "_predictions.csv", mime="text/csv", key="train.classified_download",
                       icon=":material/download:", on_click="ignore", help=words["download_help"])
