"""Does a decoding *look* like real text in its script? Statistics that tell apart encodings whose byte ranges
overlap, so that one set of bytes decodes without error in several of them.

Each function takes a decoded sample; most return a share in [0, 1] of its non-ASCII characters:

- :func:`frequent_hanzi_share` – Chinese: share of the CJK characters among the ~500 most frequent hanzi
  (real Chinese ≈ 0.6–0.75 even for ten-character reviews; Korean EUC-KR read as GBK ≈ 0.13).
- :func:`lead_byte_share` – share whose two-byte code in ``codec`` starts in given rows (GB2312 level-1 hanzi,
  Big5's frequent characters, KS X 1001's 2,350 hangul).
- :func:`kana_share` – Japanese: hiragana and full-width katakana, which every Japanese sentence holds.
- :func:`reads_as_cyrillic` – Russian, Ukrainian, Bulgarian ... (cp1251) rather than another code page.
"""

from __future__ import annotations

from core.textdata.hanzi import FREQUENT_HANZI


def _non_ascii(text: str) -> list[str]:
    return [char for char in text if char >= "\x80"]


def frequent_hanzi_share(text: str) -> float:
    """Share of the CJK unified ideographs in ``text`` that are among the most frequent hanzi (0 with none)."""
    hanzi = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    return sum(char in FREQUENT_HANZI for char in hanzi) / len(hanzi) if hanzi else 0.0


def lead_byte_share(text: str, codec: str, lead_ranges: tuple[tuple[int, int], ...], min_trail: int = 0) -> float:
    """Share of the non-ASCII characters whose two-byte ``codec`` code has its lead byte in one of the ranges
    (and its trail byte at least ``min_trail``)."""
    chars = _non_ascii(text)
    common = 0
    for char in chars:
        encoded = char.encode(codec, errors="ignore")
        if (len(encoded) == 2 and encoded[1] >= min_trail
                and any(low <= encoded[0] <= high for low, high in lead_ranges)):
            common += 1
    return common / len(chars) if chars else 0.0


def kana_share(text: str) -> float:
    """Share of the non-ASCII characters that are hiragana or full-width katakana (U+3041–U+30FF)."""
    chars = _non_ascii(text)
    return sum("\u3041" <= char <= "\u30ff" for char in chars) / len(chars) if chars else 0.0


def japanese_share(text: str) -> float:
    """Share of the non-ASCII characters a Japanese text is made of: kana, kanji, CJK and full-width punctuation."""
    chars = _non_ascii(text)
    japanese = sum("\u3000" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff" or "\uff01" <= char <= "\uff60"
                   for char in chars)
    return japanese / len(chars) if chars else 0.0


_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєў")


def reads_as_cyrillic(text: str) -> bool:
    """Whether ``text`` reads as a Cyrillic-script language rather than another code page read as cp1251.

    Three things real Russian/Ukrainian/Bulgarian text shows and a wrong decoding does not: most letters are
    Cyrillic (Polish cp1250 read as cp1251 keeps mostly Latin letters), most Cyrillic letters are lowercase (KOI8-R
    read as cp1251 swaps the cases), and about 40% of them are vowels (Greek cp1253 read as cp1251 maps the
    Greek vowels onto Cyrillic consonants).
    """
    letters = [char for char in text if char.isalpha()]
    cyrillic = [char for char in letters if "\u0400" <= char <= "\u04ff"]
    if not cyrillic or len(cyrillic) < 0.5 * len(letters):
        return False
    lower = [char for char in cyrillic if char.islower()]
    if len(lower) < 0.6 * len(cyrillic):
        return False
    vowels = sum(char in _CYRILLIC_VOWELS for char in lower) / len(lower)
    return 0.3 <= vowels <= 0.55
