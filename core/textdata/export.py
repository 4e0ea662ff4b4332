"""CSV files of user text that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel, LibreOffice and Google Sheets, and so
is one that starts with a tab or a carriage return followed by one (they are skipped when the cell is read). An
uploaded review such as ``=HYPERLINK("http://evil.example","click")`` or ``+cmd|' /C calc'!A0`` would run when a
user opens the app's download. Every such cell gets a leading apostrophe, which spreadsheets show as text and
hide (the OWASP "CSV injection" advice). Plain numbers such as ``-3`` or ``+1.5`` are left alone: they are data
and cannot call anything.

The file is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly on a double click.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(value: object) -> str:
    """``value`` as text a spreadsheet shows literally: an apostrophe before a formula start."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_csv(columns: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV (UTF-8 with BOM, RFC 4180 quoting) of ``rows`` under ``columns``, every cell made spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(name) for name in columns])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
