"""How section 1 tells the user what happened to their file: notices (blue when something was done for them,
yellow when they should look), the one-click merge of look-alike labels, the caption under each uploader, and
CSV downloads of user text with spreadsheet formulas defused (``core.textdata.export``).
"""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from core.textdata.errors import INFORMATIONAL, literal_params
from core.textdata.export import safe_csv
from pages.kit.i18n import Texts

MERGE_KEY = "train.merge_labels_for"  # the file-and-columns key whose look-alike labels the user merged


def notice_text(t: Texts, code: str, params: dict) -> str:
    """A notice in the user's language, what the file said in it (labels, column names) shown literally."""
    return t["warnings"].format(code, **literal_params(params))


def show_notices(t: Texts, notices, skip: Sequence[str] = ()) -> None:
    """Every notice in the user's language: st.info for what was done, st.warning for what to check."""
    for code, params in notices:
        if code in skip or code not in t["warnings"]:
            continue
        message = notice_text(t, code, params)
        if code in INFORMATIONAL:
            st.info(message, icon=":material/info:")
        else:
            st.warning(message, icon=":material/warning:")


def _set_merge(key: str | None) -> None:
    st.session_state[MERGE_KEY] = key


def merged_for(key: str) -> bool:
    """Whether the user asked to merge the look-alike labels of this file and these columns."""
    return st.session_state.get(MERGE_KEY) == key


def similar_labels_control(t: Texts, dataset, key: str) -> None:
    """The look-alike labels notice with a Merge button, or, once merged, a way back."""
    words = t["data"]
    for code, params in dataset.warnings:
        if code == "similar_labels":
            st.warning(notice_text(t, code, params), icon=":material/warning:")
            st.button(words["merge_labels"], key="train.merge_labels", icon=":material/merge:",
                      on_click=_set_merge, args=(key,), help=words["merge_labels_help"])
        elif code == "similar_labels_merged":
            st.info(notice_text(t, code, params), icon=":material/info:")
            st.button(words["unmerge_labels"], key="train.unmerge_labels", on_click=_set_merge, args=(None,))


def upload_caption(t: Texts) -> None:
    """Accepted types and the size limit in the user's language (Streamlit's own drop-zone text is English)."""
    st.caption(t["data"]["upload_limits"])


def csv_download(label: str, columns: Sequence[str], rows: Sequence[Sequence[object]], file_name: str,
                 key: str) -> None:
    """A download button for a table of user text as a spreadsheet-safe CSV."""
    st.download_button(label, data=safe_csv(columns, rows), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")
