"""Bytes -> text for uploaded tables, without asking the user which encoding they saved in.

Order of the checks, and why:

1. Known binary formats by their magic numbers (PNG, ZIP/XLSX, PDF, ...): the user picked the wrong file or
   uploaded a spreadsheet; saying "this is an Excel file, export it as CSV" beats a page of mojibake.
2. Byte-order marks: UTF-8 (Excel's "CSV UTF-8"), UTF-32 and UTF-16 (Excel's "Unicode text") are certain.
3. UTF-16 without a mark: ASCII characters (commas, digits, newlines) leave a NUL in every other byte. When the
   text is mostly Chinese that pattern is faint, so a strict check follows: the bytes must decode in one byte
   order without error and hold line breaks (every table has them; the other byte order turns U+000A into
   U+0A00 and never shows one), and no control characters.
4. Any other NUL byte: a binary file; real text never holds NUL (``loading`` forgives a few stray ones).
5. Strict UTF-8: multi-byte UTF-8 almost never validates by accident, so success means UTF-8.
6. East Asian double-byte encodings, whose byte ranges overlap: the same bytes often decode without error as
   GBK, EUC-KR and Big5, so each decoding must also *look* like its language (see ``scripts``):
   GBK/GB18030 when nearly all characters are GB2312's common rows and most hanzi are among the 500 most
   frequent; else Korean (cp949/EUC-KR) when nearly all are KS X 1001 hangul; else Japanese (cp932, Shift_JIS)
   when kana are present; else a GBK that only passed the first test, or Big5, as a guess.
7. UTF-8 with a few broken bytes (a file cut mid-character, one pasted Latin-1 byte): keep it, replace the bad
   bytes with U+FFFD and report how many.
8. Western single-byte text (cp1252, a superset of Latin-1), only if the high bytes sit alone between ASCII
   letters as accents do; Cyrillic single-byte text (cp1251) when the decoding reads as Cyrillic text.
9. Last resort: charset-normalizer, a maintained statistical detector for the many remaining code pages, accepted
   only when its best decoding is clean (low "chaos").
Every decoding from step 6 on, except certain GBK/GB18030, is a guess and says so (``Decoded.guessed``), so the
page can ask the user to check the preview. Anything else is undecodable: better an honest error than mojibake.
"""

from __future__ import annotations

from typing import NamedTuple

from core.textdata.errors import DataError
from core.textdata.scripts import (frequent_hanzi_share, japanese_share, kana_share, lead_byte_share,
                                  reads_as_cyrillic)

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
MIN_FREQUENT_HANZI = 0.4  # real Chinese: 0.6-0.75 of its hanzi among the 500 most frequent; Korean as GBK: ~0.13
MIN_KOREAN_SHARE = 0.8  # real Korean: nearly all characters are KS X 1001 hangul
MIN_KANA_SHARE = 0.1  # Japanese sentences are about half kana
MIN_JAPANESE_SHARE = 0.9
NORMALIZER_BYTES = 1 << 20  # charset-normalizer reads this much of a file
MAX_CHAOS = 0.15  # charset-normalizer's mess ratio above which its best decoding is mojibake
MAX_BROKEN_UTF8_SHARE = 0.01  # broken sequences per well-formed non-ASCII character


class Decoded(NamedTuple):
    text: str
    encoding: str  # a Python codec name, e.g. "utf-8", "utf-8-sig", "utf-16-le", "gbk", "gb18030"
    replaced: int  # bytes that were not valid in `encoding` and became U+FFFD (0 unless UTF-8 was repaired)
    guessed: bool  # True when the encoding is a statistical guess (Korean, Big5, cp1252 ...) the user may check


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


def _utf16_strict(data: bytes) -> str | None:
    """The UTF-16 byte order (without BOM) that decodes ``data`` strictly into rows of a table, else None.

    Rows of a table: at least two line breaks, no control characters, and nearly every line holds some ASCII
    punctuation (a delimiter, a quote, a brace). The wrong byte order, or an ASCII file with a stray NUL read as
    UTF-16, gives lines of random CJK characters without any.
    """
    if len(data) % 2:
        return None
    found = []
    for codec in ("utf-16-le", "utf-16-be"):
        text = _strict(data[:SAMPLE_BYTES], codec)
        if text is None and len(data) > SAMPLE_BYTES:  # the cut may split a surrogate pair
            text = _strict(data[:SAMPLE_BYTES - 2], codec)
        if text is None or any(char < " " and char not in "\t\n\r" for char in text):
            continue
        lines = [line for line in text.replace("\r", "\n").split("\n") if line.strip()]
        punctuated = sum(1 for line in lines if any(char in _TABLE_PUNCTUATION for char in line))
        if len(lines) >= 2 and punctuated >= 0.8 * len(lines):
            found.append(codec)
    return found[0] if len(found) == 1 else None


_TABLE_PUNCTUATION = frozenset(',;|\t"{}[]:')


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


# GB2312 rows 0xA1-0xA9 are punctuation and full-width forms, 0xB0-0xD7 the 3,755 level-1 hanzi.
_GB_COMMON = ((0xA1, 0xA9), (0xB0, 0xD7))
# Big5 0xA1-0xA3 are symbols, 0xA4-0xC6 the 5,401 frequently used characters.
_BIG5_COMMON = ((0xA1, 0xC6),)
# KS X 1001 (EUC-KR, the core of cp949): rows 0xA1-0xAC symbols, 0xB0-0xC8 the 2,350 hangul syllables.
_KOREAN_COMMON = ((0xA1, 0xAC), (0xB0, 0xC8))


def _decode_east_asian(data: bytes) -> Decoded | None:
    """Chinese (GBK, GB18030, Big5), Korean (cp949) or Japanese (cp932) data that reads as its language."""
    sample = data[:SAMPLE_BYTES]  # decoded with errors="ignore": the cut may split a character
    weak_chinese = None
    for codec in ("gbk", "gb18030"):
        text = sample.decode(codec, errors="ignore")
        if lead_byte_share(text, codec, _GB_COMMON) < MIN_CHINESE_SHARE:
            continue
        full = _strict(data, codec)
        if full is None:
            continue
        if frequent_hanzi_share(text) >= MIN_FREQUENT_HANZI:
            return Decoded(full, codec, 0, False)
        weak_chinese = weak_chinese or Decoded(full, codec, 0, True)
    korean = sample.decode("cp949", errors="ignore")
    if lead_byte_share(korean, "cp949", _KOREAN_COMMON, min_trail=0xA1) >= MIN_KOREAN_SHARE:
        full = _strict(data, "cp949")
        if full is not None:
            return Decoded(full, "cp949", 0, True)
    japanese = sample.decode("cp932", errors="ignore")
    if kana_share(japanese) >= MIN_KANA_SHARE and japanese_share(japanese) >= MIN_JAPANESE_SHARE:
        full = _strict(data, "cp932")
        if full is not None:
            return Decoded(full, "cp932", 0, True)
    # GB18030 accepts nearly any byte pairs, Big5 included: a GBK decoding that only passed the row test competes
    # with Big5 on frequent hanzi (most of the frequent ones are the same in traditional script).
    candidates = [weak_chinese] if weak_chinese is not None else []
    big5 = sample.decode("big5", errors="ignore")
    if lead_byte_share(big5, "big5", _BIG5_COMMON) >= MIN_CHINESE_SHARE:
        full = _strict(data, "big5")
        if full is not None:
            candidates.append(Decoded(full, "big5", 0, True))
    if candidates:
        return max(candidates, key=lambda decoded: frequent_hanzi_share(decoded.text[:SAMPLE_BYTES]))
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
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - replaced  # C speed on 50 MiB
    if non_ascii and replaced <= MAX_BROKEN_UTF8_SHARE * non_ascii:
        return text, replaced
    return None


def _decode_cyrillic(data: bytes) -> Decoded | None:
    """cp1251 when the decoding reads as Cyrillic text (mostly lowercase Cyrillic letters, vowels among them)."""
    sample = _strict(data[:SAMPLE_BYTES], "cp1251")  # single-byte: any cut is a clean cut
    if sample is None or not reads_as_cyrillic(sample):
        return None
    text = _strict(data, "cp1251")
    return Decoded(text, "cp1251", 0, True) if text is not None else None


def _decode_by_normalizer(data: bytes) -> Decoded | None:
    """charset-normalizer's best decoding, when it is clean; None when it finds none (or is not installed)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # an optional last resort: the checks above cover the common encodings
        return None
    # Its verdict on the head of the file (cut at a line end) is as good as on 50 MiB and far quicker; the
    # strict decode of the whole file below still has to succeed.
    head = data[:NORMALIZER_BYTES]
    if len(data) > NORMALIZER_BYTES and b"\n" in head:
        head = head[:head.rindex(b"\n") + 1]
    best = from_bytes(head).best()
    if best is None or best.chaos > MAX_CHAOS:
        return None
    text = _strict(data, best.encoding)
    return Decoded(text, best.encoding, 0, True) if text is not None else None


def decode(data: bytes) -> Decoded:
    """Decode an uploaded file; raises :class:`DataError` for binary or undecodable data."""
    kind = sniff_binary_kind(data)
    if kind is not None:
        raise DataError("unsupported_format", kind=kind)
    for bom, codec in BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec)
            if text is None:
                raise DataError("undecodable")
            return Decoded(text, codec, 0, False)
    codec = _utf16_without_bom(data[:SAMPLE_BYTES])
    if codec is not None:
        text = _strict(data, codec)
        if text is None:
            raise DataError("undecodable")
        return Decoded(text, codec, 0, False)
    if b"\x00" in data:
        codec = _utf16_strict(data)
        text = _strict(data, codec) if codec else None
        if text is None:
            raise DataError("binary_file")
        return Decoded(text, codec, 0, False)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", 0, False)
    east_asian = _decode_east_asian(data)
    if east_asian is not None:
        return east_asian
    repaired = _decode_broken_utf8(data)
    if repaired is not None:
        return Decoded(repaired[0], "utf-8", repaired[1], False)
    if _looks_western(data):
        text = _strict(data, "cp1252")
        if text is not None:
            return Decoded(text, "cp1252", 0, True)
    for fallback in (_decode_cyrillic, _decode_by_normalizer):
        decoded = fallback(data)
        if decoded is not None:
            return decoded
    raise DataError("undecodable")
