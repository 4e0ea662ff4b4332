"""Tokens for English-like and Chinese-like text, and the vocabulary that numbers them.

One tokenizer serves both kinds of script, so a user never has to say which language a file is in:

- CJK ideographs and kana become one token per character (Chinese has no spaces between words, and
  character models are the standard, robust baseline for it);
- runs of letters/digits elsewhere become one word ("deep", "don't", "mp3", "2nite");
- numbers keep their decimal or thousands separators ("3.14", "1,000");
- every other visible character (punctuation, symbols, emoji) is a token of its own.

    >>> tokenize("我爱 deep learning 很棒!")
    ['我', '爱', 'deep', 'learning', '很', '棒', '!']

Text is first NFKC-normalised so full-width letters, digits and commas ("ＡＢＣ１２，") read like ASCII.
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

# Han (basic, extension A, compatibility, extensions B+), hiragana and katakana.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\U00020000-\U0002ffff"
# A letter or digit that is not CJK: \w minus underscore minus the CJK ranges.
_WORD_CHAR = rf"(?:(?![{_CJK}])[^\W_])"
_TOKEN = re.compile(
    rf"[{_CJK}]"  # one CJK character
    rf"|\d+(?:[.,:]\d+)+(?!{_WORD_CHAR})"  # 3.14, 1,000, 10:30 (not the "1.5" in "1.5x")
    rf"|{_WORD_CHAR}+(?:['’]{_WORD_CHAR}+)*"  # words, numbers, don't, mp3
    rf"|\S"  # any other visible character on its own
)


@dataclass(frozen=True)
class Tokenizer:
    """The tokenizer settings a trained model depends on (saved in its bundle)."""

    lowercase: bool = True  # "Free" and "free" share one embedding: fewer rare words on small data

    def __call__(self, text: str) -> list[str]:
        return tokenize(text, lowercase=self.lowercase)

    def to_dict(self) -> dict:
        return {"lowercase": self.lowercase}

    @classmethod
    def from_dict(cls, data: dict) -> "Tokenizer":
        if not isinstance(data, dict) or not isinstance(data.get("lowercase"), bool):
            raise ValueError("tokenizer settings need a boolean 'lowercase'")
        return cls(lowercase=data["lowercase"])


def tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Split `text` into tokens (see the module docstring for the rules)."""
    text = unicodedata.normalize("NFKC", text)
    if lowercase:
        text = text.lower()
    return _TOKEN.findall(text)


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
