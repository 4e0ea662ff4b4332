"""Bytes -> text for uploaded tables, without asking the user which encoding they saved in.

Order of the checks, and why:

1. Known binary formats by their magic numbers (PNG, ZIP/XLSX, PDF, ...): the user picked the wrong file or
   uploaded a spreadsheet; saying "this is an Excel file, export it as CSV" beats a page of mojibake.
2. Byte-order marks: UTF-8 (Excel's "CSV UTF-8"), UTF-32 and UTF-16 (Excel's "Unicode text") are certain.
3. UTF-16 without a mark: ASCII characters (commas, digits, newlines) leave a NUL in every other byte.
4. Any other NUL byte: a binary file; real text never holds NUL.
5. Strict UTF-8: multi-byte UTF-8 almost never validates by accident, so success means UTF-8.
6. Chinese double-byte encodings (GBK from Chinese Excel, GB18030, Big5). Latin-1 bytes and random bytes also
   decode as GBK often, so the decoding must also *look* Chinese: nearly all characters of real Chinese text
   fall in the 3,755 common hanzi and the punctuation rows of GB2312 (Big5: its 5,401 common characters),
   while a wrong decoding scatters over the whole code space.
7. UTF-8 with a few broken bytes (a file cut mid-character, one pasted Latin-1 byte): keep it, replace the bad
   bytes with U+FFFD and report how many.
8. Western single-byte text (cp1252, a superset of Latin-1), only if the high bytes sit alone between ASCII
   letters as accents do; runs of high bytes mean another script that would come out as garbage.
Anything else is undecodable: better an honest error than training on mojibake.
"""

from __future__ import annotations

from typing import NamedTuple

from core.textdata.errors import DataError

# (prefix, what the user uploaded)
MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x1f\x8b\x08", "GZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel/Word 97-2003 (.xls/.doc)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"PAR1", "Parquet"),
    (b"\x7fELF", "ELF"),
    (b"MZ\x90\x00", "EXE"),
    (b"\x93NUMPY", "NumPy"),
)

BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE mark starts with UTF-16's
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)

SAMPLE_BYTES = 1 << 16  # statistics need a sample, not the whole 50 MB
MIN_CHINESE_SHARE = 0.8  # real Chinese: > 0.95 common characters; a wrong decoding: < 0.5
MAX_BROKEN_UTF8_SHARE = 0.01  # broken sequences per well-formed non-ASCII character


class Decoded(NamedTuple):
    text: str
    encoding: str  # a Python codec name, e.g. "utf-8", "utf-8-sig", "utf-16-le", "gbk", "gb18030"
    replaced: int  # bytes that were not valid in `encoding` and became U+FFFD (0 unless UTF-8 was repaired)
    guessed: bool  # True when the encoding is a statistical guess (Big5, cp1252) the user may want to check


def sniff_binary_kind(data: bytes) -> str | None:
    """The name of a known binary format ``data`` starts with, or None."""
    for prefix, kind in MAGIC_NUMBERS:
        if data.startswith(prefix):
            if kind == "ZIP":  # Office Open XML files are ZIP archives: name the real culprit
                head = data[:SAMPLE_BYTES]
                if b"xl/" in head:
                    return "Excel (.xlsx)"
                if b"word/" in head:
                    return "Word (.docx)"
            return kind
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs fill one byte of each pair (ASCII in UTF-16), else None."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0:pairs * 2:2].count(0)
    odd_nuls = sample[1:pairs * 2:2].count(0)
    if odd_nuls >= 0.1 * pairs and even_nuls <= 0.01 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.1 * pairs and odd_nuls <= 0.01 * pairs:
        return "utf-16-be"
    return None


def _common_share(text: str, codec: str, lead_ranges: tuple[tuple[int, int], ...]) -> float:
    """Share of the non-ASCII characters whose ``codec`` lead byte lies in one of the common ranges."""
    common = total = 0
    for char in text:
        if char < "\x80":
            continue
        total += 1
        encoded = char.encode(codec, errors="ignore")
        if len(encoded) == 2 and any(low <= encoded[0] <= high for low, high in lead_ranges):
            common += 1
    return common / total if total else 0.0


# GB2312 rows 0xA1-0xA9 are punctuation and full-width forms, 0xB0-0xD7 the 3,755 level-1 hanzi.
_GB_COMMON = ((0xA1, 0xA9), (0xB0, 0xD7))
# Big5 0xA1-0xA3 are symbols, 0xA4-0xC6 the 5,401 frequently used characters.
_BIG5_COMMON = ((0xA1, 0xC6),)


def _decode_chinese(data: bytes) -> tuple[str, str, bool] | None:
    """(text, codec, guessed) for GBK, GB18030 or Big5 data that reads as real Chinese, else None."""
    sample = data[:SAMPLE_BYTES]
    for codec, ranges, guessed in (("gbk", _GB_COMMON, False), ("gb18030", _GB_COMMON, False),
                                   ("big5", _BIG5_COMMON, True)):
        try:
            sample_text = sample.decode(codec, errors="ignore")  # the cut may split a character
            if _common_share(sample_text, codec, ranges) < MIN_CHINESE_SHARE:
                continue
            return data.decode(codec), codec, guessed
        except UnicodeDecodeError:
            continue
    return None


def _looks_western(data: bytes) -> bool:
    """High bytes are few and mostly alone (accents inside Latin words), not runs (another script)."""
    sample = data[:SAMPLE_BYTES]
    high = [index for index, byte in enumerate(sample) if byte >= 0x80]
    if not high:
        return True
    if len(high) > 0.3 * len(sample):
        return False
    in_runs = sum(1 for index in high
                  if (index > 0 and sample[index - 1] >= 0x80)
                  or (index + 1 < len(sample) and sample[index + 1] >= 0x80))
    return in_runs <= 0.5 * len(high)


def _decode_broken_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 with a few invalid bytes: (text with U+FFFD, bad byte count) when they are rare, else None."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    non_ascii = sum(1 for char in text if char >= "\x80") - replaced
    if non_ascii and replaced <= MAX_BROKEN_UTF8_SHARE * non_ascii:
        return text, replaced
    return None


def decode(data: bytes) -> Decoded:
    """Decode an uploaded file; raises :class:`DataError` for binary or undecodable data."""
    kind = sniff_binary_kind(data)
    if kind is not None:
        raise DataError("unsupported_format", kind=kind)
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(codec), codec, 0, False)
            except UnicodeDecodeError:
                raise DataError("undecodable") from None
    codec = _utf16_without_bom(data[:SAMPLE_BYTES])
    if codec is not None:
        try:
            return Decoded(data.decode(codec), codec, 0, False)
        except UnicodeDecodeError:
            raise DataError("undecodable") from None
    if b"\x00" in data:
        raise DataError("binary_file")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 0, False)
    except UnicodeDecodeError:
        pass
    chinese = _decode_chinese(data)
    if chinese is not None:
        text, codec, guessed = chinese
        return Decoded(text, codec, 0, guessed)
    repaired = _decode_broken_utf8(data)
    if repaired is not None:
        return Decoded(repaired[0], "utf-8", repaired[1], False)
    if _looks_western(data):
        try:
            return Decoded(data.decode("cp1252"), "cp1252", 0, True)
        except UnicodeDecodeError:
            pass
    raise DataError("undecodable")
