"""Errors and warnings about user data, as codes plus parameters so the page can say them in any language.

The page looks a code up in the ``[errors]`` or ``[warnings]`` table of ``assets/text/<lang>/train.toml`` and fills
the ``{placeholders}`` with ``params``:

    try:
        table = read_table(upload.getvalue(), upload.name)
    except DataError as error:
        st.error(t["errors"].format(error.code, **error.params))

Every code declares the parameter names it carries (``ERROR_PARAMS``/``WARNING_PARAMS``), and raising one with
other names fails at once, so a message template can never ask for a value that is not there.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from core.escape import markdown_text

# code -> names of the parameters its message uses
ERROR_PARAMS: dict[str, tuple[str, ...]] = {
    "empty_file": (),
    "too_large": ("size_mb", "limit_mb"),  # both in MiB (2**20 bytes), like Streamlit's server.maxUploadSize
    "binary_file": (),
    "unsupported_format": ("kind",),
    "undecodable": (),
    "header_only": ("columns",),
    "ragged_rows": ("bad", "total", "expected"),
    "bad_json": ("line",),
    "one_column": (),
    "unknown_column": ("name",),
    "same_column": ("name",),
    "no_text_column": ("columns",),
    "no_label_column": ("columns", "max_classes"),
    "ambiguous_columns": ("columns",),
    "too_few_rows": ("rows", "minimum"),
    "one_class": ("label",),
    "one_class_left": ("label", "labels", "minimum"),
    "one_class_labelled": ("label", "count"),  # the other rows' labels (or texts) were empty
    "too_many_classes": ("count", "limit"),
}

WARNING_PARAMS: dict[str, tuple[str, ...]] = {
    "encoding_guess": ("encoding",),
    "encoding_repaired": ("count",),
    "nul_bytes_removed": ("count",),
    "ragged_rows": ("count", "total"),
    "rows_repaired": ("count",),
    "bad_json_lines": ("count", "first_line"),
    "json_list_read": ("chosen", "others"),  # not "key": Texts.format takes the message's key by that name
    "first_label_kept": ("count",),
    "text_too_long": ("count", "limit"),
    "duplicate_columns": ("names",),
    "ambiguous_columns": ("columns",),
    "empty_rows": ("count",),
    "rare_classes_dropped": ("labels", "count"),
    "imbalance": ("majority", "minority", "ratio"),
    "tiny_class": ("labels", "minimum"),
    "duplicate_texts": ("count",),
    "conflicting_labels": ("count",),
    "similar_labels": ("groups",),
    "similar_labels_merged": ("groups",),
}

# Parameters that carry what the user's file said (a label, a column name, a model file's own words): a page shows
# them as literal text (literal_params), so a label "[win](https://…)" reads as written and never becomes a link.
USER_TEXT_PARAMS: frozenset[str] = frozenset({"label", "labels", "name", "names", "columns", "majority", "minority",
                                              "groups", "detail", "chosen", "others"})

# Notices that only report what was done for the user (nothing to check); the rest ask the user to look.
INFORMATIONAL: frozenset[str] = frozenset({"rows_repaired", "duplicate_columns", "empty_rows", "nul_bytes_removed",
                                           "similar_labels_merged"})

ERROR_CODES: tuple[str, ...] = tuple(ERROR_PARAMS)
WARNING_CODES: tuple[str, ...] = tuple(WARNING_PARAMS)



class Warning(NamedTuple):
    """A notice about usable data, shown with the ``[warnings]`` table; unpacks as ``code, params``."""

    code: str
    params: dict[str, Any]


def _check(code: str, params: dict[str, Any], declared: dict[str, tuple[str, ...]], kind: str) -> None:
    if code not in declared:
        raise KeyError(f"unknown data {kind} code {code!r}")
    if set(params) != set(declared[code]):
        raise TypeError(f"data {kind} {code!r} takes {declared[code]}, got {tuple(params)}")


class DataError(ValueError):
    """The uploaded data cannot be used; ``code`` names the reason and ``params`` fill its message."""

    def __init__(self, code: str, **params: Any):
        _check(code, params, ERROR_PARAMS, "error")
        self.code = code
        self.params = params
        details = ", ".join(f"{name}={value!r}" for name, value in params.items())
        super().__init__(f"{code}({details})" if details else code)


def warning(code: str, **params: Any) -> Warning:
    """A warning record ``(code, params)``: the data is usable, but the user should know this."""
    _check(code, params, WARNING_PARAMS, "warning")
    return Warning(code, params)


def literal_params(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` for a message shown as Markdown (``st.error``, ``st.info``): each of :data:`USER_TEXT_PARAMS`
    made literal (:func:`core.escape.markdown_text`), the numbers and our own words as they are."""
    return {name: markdown_text(value) if name in USER_TEXT_PARAMS else value for name, value in params.items()}


def join_names(names, limit: int = 5) -> str:
    """A short, language-neutral list for a message: "a, b, c, …" (at most ``limit`` names)."""
    names = [str(name) for name in names]
    shown = ", ".join(names[:limit])
    return shown + (", …" if len(names) > limit else "")
