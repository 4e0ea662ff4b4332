"""JSON uploads as rows of strings: JSON Lines (one object per line), one array of objects, or one object that holds
the rows in the shapes data is exported in (a list under a key, columns of values, pandas ``to_json``). Nested
objects become dotted columns; a cell that is not a string is written as JSON (``1``, ``true``), a list of one
value as that value.
"""

from __future__ import annotations

import json
from typing import Any

from core.textdata.delimited import iter_lines
from core.textdata.errors import DataError, Warning, join_names, warning


def whole_json(text: str) -> Any:
    """The whole text as one JSON value, or ``None`` when it is not one (JSON Lines, a broken file)."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 1 and _is_scalar(value[0]):
        return _json_cell(value[0])  # ["pos"] or [3]: one label (or text) in a list, as datasets often store it
    return json.dumps(value, ensure_ascii=False)  # numbers as written (1, 0.5), true/false, nested as JSON


def _flatten(item: dict, prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted columns: {"review": {"body": "..."}} -> {"review.body": "..."} (lists stay JSON)."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _object_records(document: dict, warnings: list[Warning]) -> list | None:
    """The rows a JSON object holds, in the shapes data is exported in; ``None`` when it is a single record.

    - a list of records under a key (``{"data": [...]}``, ``{"train": [...], "test": [...]}``): that list; of
      several, "train" or else the longest, and a notice names it and the ones left out;
    - columns of values (``{"text": [...], "label": [...]}``, equal lengths; pandas ``to_dict("list")``);
    - pandas ``to_json()``: ``{"text": {"0": ..., "1": ...}, "label": {...}}`` (columns of an index), or
      ``{"0": {"text": ..., "label": ...}, ...}`` (one record per index).
    """
    lists = {key: value for key, value in document.items()
             if isinstance(value, list) and value and sum(isinstance(item, dict) for item in value) * 2 >= len(value)}
    if lists:
        key = "train" if "train" in lists else max(lists, key=lambda name: len(lists[name]))
        others = [name for name in lists if name != key]
        if others:  # which list became the table is then worth a look
            warnings.append(warning("json_list_read", chosen=key, others=join_names(others)))
        return lists[key]
    values = list(document.values())
    if len(values) < 2:
        return None
    if all(isinstance(value, list) and all(map(_is_scalar, value)) for value in values) \
            and len({len(value) for value in values}) == 1 and len(values[0]) >= 2:
        return [dict(zip(document, row)) for row in zip(*values)]
    if all(isinstance(value, dict) and value and all(map(_is_scalar, value.values())) for value in values) \
            and len({tuple(value) for value in values}) == 1:
        index = list(values[0])
        if len(document) < len(index):  # few columns, each over the same many index keys
            return [{column: document[column][row] for column in document} for row in index]
        return values  # one record per index key
    return None


def read_json(text: str, warnings: list[Warning], document: Any = None) -> tuple[list[str], list[list[str]], str]:
    """JSON Lines (one object per line), one JSON array of objects, or one JSON object that holds the rows.
    ``document``: the whole text parsed as one JSON value, or ``None`` when it is not one."""
    objects: list[dict] = []
    bad_lines: list[int] = []
    form = "jsonl"
    stripped = text.strip()
    records = _object_records(document, warnings) if isinstance(document, dict) else None
    if records is not None:
        form = "json_object"
        for index, item in enumerate(records):
            if isinstance(item, dict):
                objects.append(item)
            else:
                bad_lines.append(index + 1)  # the position in the list stands in for a line
    elif stripped.startswith("["):
        form = "json"
        if document is None:
            try:  # parsed again only to say where it breaks
                json.loads(stripped)
            except ValueError as error:
                raise DataError("bad_json", line=getattr(error, "lineno", 1)) from None
        for index, item in enumerate(document if isinstance(document, list) else [document]):
            if isinstance(item, dict):
                objects.append(item)
            else:
                bad_lines.append(index + 1)  # the position in the array stands in for a line
    else:
        for number, line in enumerate(iter_lines(text), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError:
                item = None
            if isinstance(item, dict):
                objects.append(item)
            else:
                bad_lines.append(number)
    if not objects or len(bad_lines) > len(objects):
        raise DataError("bad_json", line=bad_lines[0] if bad_lines else 1)
    if bad_lines:
        warnings.append(warning("bad_json_lines", count=len(bad_lines), first_line=bad_lines[0]))
    objects = [_flatten(item) for item in objects]
    columns = list(dict.fromkeys(key for item in objects for key in item))
    rows = [[_json_cell(item.get(column)) for column in columns] for item in objects]
    return columns, rows, form
