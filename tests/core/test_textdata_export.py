"""CSV downloads of user text: formulas are defused, everything else round-trips exactly."""

import csv
import io

import pytest

from core.textdata.export import safe_csv, spreadsheet_safe


@pytest.mark.parametrize("cell, expected", [
    ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)", "'@SUM(1+1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-", "'-"),
    ("-3", "-3"), ("+1.5", "+1.5"), ("-2e5", "-2e5"),  # plain numbers are data, not formulas
    ("hello = world", "hello = world"), ("房间干净", "房间干净"), ("", ""), (None, ""), (7, "7"),
])
def test_spreadsheet_safe(cell, expected):
    assert spreadsheet_safe(cell) == expected


def test_safe_csv_round_trip():
    rows = [["=1+1", "pos"], ["line one,\nline \"two\"", "neg"], ["房间干净，很好", "+x"], ["-5", "@a"]]
    data = safe_csv(["text", "=label"], rows)
    assert data.startswith("\ufeff".encode("utf-8"))  # Excel reads the BOM as "this is UTF-8"
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert parsed[0] == ["text", "'=label"]
    assert parsed[1:] == [["'=1+1", "pos"], ["line one,\nline \"two\"", "neg"], ["房间干净，很好", "'+x"], ["-5", "'@a"]]
    # No cell of the file starts with a formula character any more.
    assert not any(cell[:1] in "=+@\t\r" for row in parsed for cell in row)
