"""Tokens for English-like and Chinese-like text, and the vocabulary that numbers them.

One tokenizer serves every script, so a user never has to say which language a file is in:

- CJK ideographs and kana become one token per character (Chinese has no spaces between words, and
  character models are the standard, robust baseline for it); so do the letters of the other scripts written
  without spaces between words (Thai, Lao, Khmer, Myanmar), each with the marks written on it;
- runs of letters/digits elsewhere become one word ("deep", "don't", "mp3", "2nite"), combining marks included
  (the vowel signs and viramas of Devanagari, Bengali, Telugu…, Arabic's harakat): "फिल्म" is one word, not five;
- numbers keep their decimal or thousands separators ("3.14", "1,000");
- every other visible character (punctuation, symbols, emoji) is a token of its own.

    >>> tokenize("我爱 deep learning 很棒!")
    ['我', '爱', 'deep', 'learning', '很', '棒', '!']

Text is first NFKC-normalised so full-width letters, digits and commas ("ＡＢＣ１２，") read like ASCII.

The rules are numbered (:data:`RULES`) and a trained model keeps the number it was trained with: the first rules
cut words at every combining mark, and a model trained under them must read new text the same way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

PAD = "<pad>"
UNK = "<unk>"
PAD_ID = 0
UNK_ID = 1

RULES = 2  # the tokenizer rules new models use; 1: combining marks were tokens of their own


def _marks_class(first: int = 0x300, last: int = 0x1EFFF) -> str:
    """A regex character class body of the combining marks (Unicode categories Mn, Mc, Me) between ``first`` and
    ``last``, as ranges, from this Python's own Unicode tables. The defaults hold every mark but the variation
    selectors' supplement (U+E0100…, which follows symbols, not letters). About 40 ms, once per process."""
    categories = map(unicodedata.category, map(chr, range(first, last + 1)))
    points = [first + offset for offset, category in enumerate(categories) if category[0] == "M"]
    ranges = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "".join(re.escape(chr(start)) + ("" if start == end else "-" + re.escape(chr(end)))
                   for start, end in ranges)


# Han (basic, extension A, compatibility, extensions B+), hiragana and katakana.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\U00020000-\U0002ffff"
# A letter or digit that is not CJK: \w minus underscore minus the CJK ranges.
_WORD_CHAR = rf"(?:(?![{_CJK}])[^\W_])"
_TOKEN_RULES_1 = re.compile(
    rf"[{_CJK}]"  # one CJK character
    rf"|\d+(?:[.,:]\d+)+(?!{_WORD_CHAR})"  # 3.14, 1,000, 10:30 (not the "1.5" in "1.5x")
    rf"|{_WORD_CHAR}+(?:['’]{_WORD_CHAR}+)*"  # words, numbers, don't, mp3
    rf"|\S"  # any other visible character on its own
)

# Combining marks: a vowel sign, virama or tone mark belongs to the letter it is written on.
_MARKS = _marks_class()
# Thai, Lao, Myanmar, Khmer: written without spaces between words (the lessons split them too, core.sequence_input).
UNSPACED_LETTERS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
# A letter or digit of a spaced script: \w minus underscore, CJK and the unspaced scripts, as one negated class (a
# lookahead before every character, as rules 1 have, made tokenizing about 1.6 times slower).
_LETTER = rf"[^\W_{_CJK}{UNSPACED_LETTERS}]"
_WORD = rf"{_LETTER}(?:{_LETTER}|[{_MARKS}])*"  # letters, a mark on any but the first
_TOKEN_RULES_2 = re.compile(
    rf"[{_CJK}]"  # one CJK character
    rf"|[{UNSPACED_LETTERS}][{_MARKS}]*"  # one letter of an unspaced script, with its vowel and tone marks
    rf"|\d+(?:[.,:]\d+)+(?!{_LETTER})"  # 3.14, 1,000, 10:30 (not the "1.5" in "1.5x")
    rf"|{_WORD}(?:['’]{_WORD})*"  # words, numbers, don't, mp3, फिल्म
    rf"|\S"  # any other visible character on its own
)
_TOKEN = {1: _TOKEN_RULES_1, 2: _TOKEN_RULES_2}


@dataclass(frozen=True)
class Tokenizer:
    """The tokenizer settings a trained model depends on (saved in its bundle)."""

    lowercase: bool = True  # "Free" and "free" share one embedding: fewer rare words on small data
    rules: int = RULES  # which rules split the text (see the module docstring); a model keeps those it learnt with

    def __call__(self, text: str) -> list[str]:
        return tokenize(text, lowercase=self.lowercase, rules=self.rules)

    def to_dict(self) -> dict:
        return {"lowercase": self.lowercase, "rules": self.rules}

    @classmethod
    def from_dict(cls, data: dict) -> "Tokenizer":
        """Settings read back; a bundle saved before rules were numbered has none, and was trained under rules 1."""
        if not isinstance(data, dict) or not isinstance(data.get("lowercase"), bool):
            raise ValueError("tokenizer settings need a boolean 'lowercase'")
        rules = data.get("rules", 1)
        if type(rules) is not int or rules not in _TOKEN:
            raise ValueError(f"unknown tokenizer rules {rules!r}")
        return cls(lowercase=data["lowercase"], rules=rules)


def tokenize(text: str, lowercase: bool = True, rules: int = RULES) -> list[str]:
    """Split `text` into tokens (see the module docstring for the rules)."""
    text = unicodedata.normalize("NFKC", text)
    if lowercase:
        text = text.lower()
    return _TOKEN[rules].findall(text)


def suggest_max_length(token_lengths: Sequence[int], percentile: float = 95.0,
                       low: int = 16, high: int = 512) -> int:
    """A sequence-length cap that keeps `percentile`% of texts whole, clipped to [low, high].

    Long-tailed data (a few reviews of thousands of characters) would otherwise make every batch
    that holds one of them slow, while the first few hundred tokens carry the label almost always.
    """
    if len(token_lengths) == 0:
        return low
    # inverted_cdf: the smallest length that at least `percentile`% of the texts fit in
    value = int(np.percentile(np.asarray(token_lengths), percentile, method="inverted_cdf"))
    return int(min(max(value, low), high))


class Vocabulary:
    """Token <-> id table. Id 0 is `<pad>` (the embedding's padding row), id 1 is `<unk>`."""

    def __init__(self, tokens: Sequence[str]):
        tokens = list(tokens)
        if tokens[:2] != [PAD, UNK]:
            raise ValueError("a vocabulary starts with '<pad>', '<unk>'")
        if len(set(tokens)) != len(tokens):
            raise ValueError("vocabulary tokens must be unique")
        if not all(isinstance(token, str) and token for token in tokens):
            raise ValueError("vocabulary tokens must be non-empty strings")
        self.tokens = tokens
        self._ids = {token: index for index, token in enumerate(tokens)}

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]], min_freq: int = 1,
              max_size: int | None = None) -> "Vocabulary":
        """Keep tokens seen at least `min_freq` times, most frequent first, at most `max_size` in all.

        Ties are broken alphabetically so the same data always gives the same ids.
        """
        return cls.from_counts(Counter(token for tokens in token_lists for token in tokens), min_freq, max_size)

    @classmethod
    def from_counts(cls, counts: Counter, min_freq: int = 1, max_size: int | None = None) -> "Vocabulary":
        """:meth:`build` from token counts already made (``Counter`` of token -> occurrences)."""
        counts = Counter(counts)
        counts.pop(PAD, None)
        counts.pop(UNK, None)
        kept = sorted((item for item in counts.items() if item[1] >= min_freq),
                      key=lambda item: (-item[1], item[0]))
        if max_size is not None:
            kept = kept[: max(max_size - 2, 0)]
        return cls([PAD, UNK] + [token for token, _ in kept])

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self._ids

    def encode(self, tokens: Sequence[str]) -> list[int]:
        return [self._ids.get(token, UNK_ID) for token in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.tokens[int(index)] for index in ids]

    def to_dict(self) -> dict:
        return {"tokens": self.tokens}

    @classmethod
    def from_dict(cls, data: dict) -> "Vocabulary":
        if not isinstance(data, dict) or not isinstance(data.get("tokens"), list):
            raise ValueError("a vocabulary is an object with a 'tokens' list")
        return cls(data["tokens"])

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Vocabulary":
        return cls.from_dict(json.loads(text))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and self.tokens == other.tokens

    def __repr__(self) -> str:
        return f"Vocabulary(size={len(self)})"
