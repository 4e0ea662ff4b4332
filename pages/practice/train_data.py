"""Section 1 of the training page: the user's file (or the demo data), its columns, its profile and its warnings.

Everything read from an upload stays in this session's ``st.session_state``; nothing is cached server-wide.
Parsing is remembered per uploaded file id, so a rerun (a changed setting, a poll) never re-reads 50 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.classifier.settings import TrainingConfig
from core.classifier.sizing import check_planned_size, token_counts
from core.figures.train import class_counts_figure, length_histogram_figure
from core.textdata.columns import guess_columns
from core.textdata.dataset import DatasetProfile, LabeledTexts, profile
from core.textdata.demo import demo_path
from core.textdata.errors import DataError, literal_params
from core.textdata.labels import align_labels
from core.textdata.loading import Table, check_size, read_path, read_table
from core.textdata.tokenize import Tokenizer, suggest_max_length
from pages.kit.i18n import Texts, language
from pages.kit.layout import how_to_read
from pages.practice.train_notices import csv_download, merged_for, show_notices, similar_labels_control, upload_caption
from pages.kit.chart import CHART_CONFIG

UPLOAD_TYPES = ["csv", "tsv", "txt", "jsonl", "json"]
PREVIEW_ROWS = 50


@dataclass(frozen=True)
class PreparedData:
    """What the settings form and the training job need from section 1."""

    key: str  # identity of the file(s) and columns: a change resets the column-dependent settings
    dataset: LabeledTexts  # the training file's pairs
    validation: LabeledTexts | None  # the separate validation file's pairs, if one was given and is usable
    profile: DatasetProfile  # token-length profile of `dataset`
    suggested_max_length: int  # tokens that keep 95% of the texts whole

    @property
    def training_data(self):
        """What `TrainingRequest.data` takes: the pairs, or a (train, validation) pair of them."""
        return (self.dataset, self.validation) if self.validation is not None else self.dataset


def error_text(t: Texts, error: DataError) -> str:
    """A DataError in the user's language; an unknown code still gets a sentence, never a traceback."""
    for table in ("errors", "bundle_errors"):
        if table in t and error.code in t[table]:
            try:
                return t[table].format(error.code, **literal_params(error.params or {}))  # file text stays literal
            except (KeyError, IndexError, ValueError):
                return str(t[table][error.code]).split("{")[0].strip() or t["page"]["error_fallback"]
    return t["page"].format("error_fallback", code=error.code)


def _remember(slot: str, identity: str, compute):
    """``compute()`` once per ``identity`` in this session; a DataError is remembered (and returned) too."""
    stored = st.session_state.get(slot)
    if stored is not None and stored[0] == identity:
        return stored[1]
    try:
        value = compute()
    except DataError as error:
        value = error
    st.session_state[slot] = (identity, value)
    return value


def _read_upload(upload) -> Table:
    # The browser enforces server.maxUploadSize, but a script or a misconfigured proxy may not: check here too.
    check_size(upload.size)
    return read_table(upload.getvalue(), upload.name)


def load_table(upload, slot: str) -> tuple[str, Table | DataError]:
    """(identity, table or error) of an upload, or of the demo file in the UI language when there is none."""
    if upload is None:
        identity = f"demo:{language()}"
        return identity, _remember(slot, identity, lambda: read_path(demo_path(language())))
    identity = f"upload:{upload.file_id}"
    return identity, _remember(slot, identity, lambda: _read_upload(upload))


def file_summary(t: Texts, table: Table) -> None:
    words = t["data"]
    delimiter = words["delimiters"].get({",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}.get(
        table.delimiter, "none"), table.delimiter)
    st.markdown(words.format("file_summary", rows=len(table), columns=len(table.columns),
                             encoding=table.encoding, format=words["formats"].get(table.format, table.format),
                             delimiter=delimiter))


def choose_columns(t: Texts, table: Table, identity: str) -> tuple[str, str, DataError | None]:
    """Text and label select boxes, preselected by the guess whenever a new file arrives.

    Returns the chosen columns and the guess's error, if it failed: that error is shown only if the chosen
    columns do not make a dataset either, so a file that loads never shows a red error beside it.
    """
    words = t["data"]
    try:
        guess, problem = guess_columns(table), None
    except DataError as error:
        guess, problem = None, error
    # Streamlit forgets a widget's value after a run that did not draw it (say, while a bad upload was shown),
    # so a missing choice is refilled from the guess just like a new file's.
    chosen = (st.session_state.get("train.text_column"), st.session_state.get("train.label_column"))
    if st.session_state.get("train.columns_for") != identity or not set(chosen) <= set(table.columns):
        st.session_state["train.columns_for"] = identity
        st.session_state["train.text_column"] = guess.text if guess else table.columns[0]
        st.session_state["train.label_column"] = guess.label if guess else table.columns[-1]
    left, right = st.columns(2)
    text_column = left.selectbox(words["text_column"], table.columns, key="train.text_column",
                                 help=words["columns_help"])
    label_column = right.selectbox(words["label_column"], table.columns, key="train.label_column",
                                   help=words["columns_help"])
    if guess is not None:
        show_notices(t, guess.warnings)
    return text_column, label_column, problem


def _profiled(dataset: LabeledTexts) -> tuple[DatasetProfile, int]:
    tokenizer = Tokenizer()
    lengths = [len(tokenizer(text)) for text in dataset.texts]
    return profile(dataset.texts, dataset.labels, lengths=lengths, length_unit="tokens"), suggest_max_length(lengths)


def show_profile(t: Texts, summary: DatasetProfile, suggested: int) -> None:
    words = t["data"]
    st.markdown(words.format("dataset_summary", size=summary.size, classes=len(summary.classes)))
    left, right = st.columns(2)
    left.plotly_chart(class_counts_figure(summary.classes, summary.class_counts, words["class_counts_title"],
                                          words["count_label"]), key="train.class_counts", config=CHART_CONFIG)
    right.plotly_chart(length_histogram_figure(summary.histogram_edges, summary.histogram_counts,
                                               words["length_title"], words["length_axis"], words["count_label"],
                                               cut=suggested, cut_label=words["cut_label"]),
                       key="train.lengths", config=CHART_CONFIG)
    how_to_read(words.format("length_how", median=f"{summary.length_median:.0f}", p95=f"{summary.length_p95:.0f}",
                             longest=summary.length_max, suggested=suggested))


def _validation(t: Texts, text_column: str, label_column: str,
                dataset: LabeledTexts, merged: bool) -> tuple[str, LabeledTexts | None, bool]:
    """(identity, pairs or None, usable): the optional separate validation file.

    When the user merged look-alike labels, the validation file's are merged too and spelled like the
    training file's classes, so ``POS`` there counts as ``pos`` here.
    """
    words = t["data"]
    upload = st.file_uploader(words["validation_upload"], type=UPLOAD_TYPES, key="train.validation_upload",
                              help=words["validation_help"])
    upload_caption(t)
    if upload is None:
        return "", None, True
    identity, table = load_table(upload, "train.validation_table")

    def pairs() -> LabeledTexts:
        if isinstance(table, DataError):
            raise table
        columns = (text_column, label_column)
        if not set(columns) <= set(table.columns):
            guess = guess_columns(table)
            columns = (guess.text, guess.label)
        pairs = LabeledTexts.from_table(table, *columns, min_rows=2, merge_similar_labels=merged)
        if not merged:
            return pairs
        return LabeledTexts(pairs.texts, align_labels(pairs.labels, dataset.classes), pairs.warnings)

    validation = _remember("train.validation_pairs", f"{identity}:{text_column}:{label_column}:{merged}", pairs)
    if isinstance(validation, DataError):
        st.error(words.format("validation_bad", reason=error_text(t, validation)), icon=":material/error:")
        return identity, None, False
    show_notices(t, validation.warnings)
    st.caption(words.format("validation_summary", rows=len(validation), classes=len(validation.classes)))
    return identity, validation, True


def data_section(t: Texts) -> PreparedData | None:
    """Draw section 1; the data to train on, or None (the errors are already on screen)."""
    words = t["data"]
    st.header(words["heading"])
    upload = st.file_uploader(words["upload"], type=UPLOAD_TYPES, key="train.upload", help=words["upload_help"])
    upload_caption(t)
    with st.spinner(words["reading"]):  # instant once remembered; a 50 MiB upload takes seconds the first time
        identity, table = load_table(upload, "train.table")
    if upload is None:
        st.info(words["demo_note"], icon=":material/dataset:")
    if isinstance(table, DataError):
        st.error(error_text(t, table), icon=":material/error:")
        st.caption(words["unusable"])
        return None
    file_summary(t, table)
    show_notices(t, table.warnings)
    shown = table.rows[:PREVIEW_ROWS]
    with st.expander(words.format("preview", rows=len(shown)), expanded=upload is not None):
        st.dataframe(pd.DataFrame(shown, columns=table.columns), hide_index=True, key="train.preview")
        csv_download(words["preview_download"], table.columns, shown, "preview.csv", "train.preview_download")
    text_column, label_column, guess_problem = choose_columns(t, table, identity)
    key = f"{identity}:{text_column}:{label_column}"
    merged = merged_for(key)
    dataset = _remember("train.pairs", f"{key}:{merged}", lambda: LabeledTexts.from_table(
        table, text_column, label_column, merge_similar_labels=merged))
    if isinstance(dataset, DataError):
        # One message: why the guess found no columns if it failed, else why the chosen ones do not work.
        st.error(error_text(t, guess_problem or dataset), icon=":material/error:")
        st.caption(words["unusable"])
        return None
    if guess_problem is not None:  # the guess failed but these columns work: ask the user to check them
        show_notices(t, [("ambiguous_columns", {"columns": f"{text_column}, {label_column}"})])
    similar_labels_control(t, dataset, key)
    show_notices(t, [notice for notice in dataset.warnings if notice not in table.warnings],
                 skip=("similar_labels", "similar_labels_merged"))
    with st.spinner(words["profiling"]):
        summary, suggested = _remember("train.profile", f"{key}:{merged}", lambda: _profiled(dataset))
    show_notices(t, summary.warnings)
    show_profile(t, summary, suggested)
    validation_identity, validation, usable = _validation(t, text_column, label_column, dataset, merged)
    if not usable:
        return None
    return PreparedData(f"{key}:{merged}|{validation_identity}", dataset, validation, summary, suggested)


def size_problem(data: PreparedData, config: TrainingConfig) -> DataError | None:
    """``model_too_large`` when the model these settings may build could not be uploaded back, else None.

    Asked when Start is pressed, before any job is queued; the token counts are remembered per file and case.
    """
    counts = _remember("train.token_counts", f"{data.key}:{config.lowercase}",
                       lambda: token_counts(data.dataset.texts, config.lowercase))
    classes = set(data.dataset.classes) | set(data.validation.classes if data.validation is not None else ())
    try:
        check_planned_size(counts, len(classes), config)
    except DataError as error:  # a BundleError
        return error
    return None
