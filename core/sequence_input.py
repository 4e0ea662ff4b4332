"""Turn what a learner types into the input vectors x_1 … x_T a lesson's model reads.

Lessons let the learner type a sentence. Each token becomes a fixed random vector (a seeded embedding looked up by a
stable hash of the token), so the same word always gives the same x_t for a given seed, and changing the seed
redraws every vector along with the weights.

Tokens: space-separated words; text without spaces that contains CJK characters or kana, or the letters of a script
written without spaces (Thai, Lao, Myanmar, Khmer), is split into characters, each with the combining marks
written on it, so "我 爱 北京 天安门" gives four tokens, "我爱北京" gives four too, and "ขอบคุณ" gives five ("คุ" is
one). Nothing is normalised: a token is what was typed, and its vector (below) stays the same for a shared link.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

import torch

from core.seeding import generator
from core.textdata.tokenize import UNSPACED_LETTERS

MAX_TOKENS = 24  # lessons animate every step; longer inputs stop being readable
# Scripts read one character at a time when typed without spaces: CJK, kana, Thai, Lao, Myanmar, Khmer.
UNSPACED = re.compile(rf"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff{UNSPACED_LETTERS}]")


def split_tokens(sentence: str, max_tokens: int = MAX_TOKENS) -> list[str]:
    """Split a typed sentence into at most ``max_tokens`` tokens (words, or characters for unspaced scripts)."""
    sentence = sentence.strip()
    if not sentence:
        return []
    if " " not in sentence and UNSPACED.search(sentence):
        tokens = _characters(sentence)
    else:
        tokens = sentence.split()
    return tokens[:max_tokens]


def _characters(text: str) -> list[str]:
    """The characters of ``text`` (white space left out), a combining mark kept with the character before it."""
    tokens: list[str] = []
    for char in text:
        if char.isspace():
            continue
        if tokens and unicodedata.category(char).startswith("M"):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def token_vector(token: str, input_size: int, seed: int) -> torch.Tensor:
    """A fixed vector for ``token``: standard normal entries drawn from a generator keyed by (seed, token).

    Returns a float32 tensor of shape (input_size,).
    """
    key = zlib.crc32(token.encode("utf-8")) ^ (seed * 2654435761 % 2**32)
    return torch.randn(input_size, generator=generator(key))


def embed_tokens(tokens: list[str], input_size: int, seed: int) -> torch.Tensor:
    """Stack the tokens' vectors into a sequence of shape (seq_len, input_size)."""
    if not tokens:
        return torch.zeros(0, input_size)
    return torch.stack([token_vector(token, input_size, seed) for token in tokens])  # (seq_len, input_size)


def tokens_of(sentence: str, limit: int) -> tuple[list[str], bool]:
    """The sentence's first ``limit`` tokens and whether it had more; ValueError when it has none."""
    every_token = split_tokens(sentence, max_tokens=10**6)
    if not every_token:
        raise ValueError("the sentence has no tokens")
    return every_token[:limit], len(every_token) > limit
