"""Character n-grams of a token, hashed into a fixed number of buckets (fastText's subword features).

A word the training texts never showed ("unbelievably", "2nite", a misspelt "freee") still shares most of
its character n-grams with words they did show, so its input vector need not be the one `<unk>` vector.
Each token is wrapped in boundary marks, so a prefix differs from the same letters inside a word:

    >>> char_ngrams("free")
    ['<f', 'fr', 're', 'ee', 'e>', '<fr', 'fre', 'ree', 'ee>', '<fre', 'free', 'ree>']

and every n-gram goes to one of K buckets by a hash that is the same in every process and on every machine
(FNV-1a over the UTF-8 bytes; Python's own ``hash`` of a string changes from one run to the next):

.. math::
    \\mathrm{bucket}(g) = 1 + \\mathrm{fnv1a}(g) \\bmod (K - 1),

row 0 being the padding row that a padded position reads. A token of one character (a Chinese character,
a comma, "u") has no n-grams: its marked n-grams ``<x``, ``x>``, ``<x>`` would only be a second, hashed copy of
the token's own embedding, one more vector per character for a Chinese text to fit with no new information
(on the 18-character Chinese task of bench/bench_generalise.py, one seed: 4 points lower with them).
"""

from __future__ import annotations

from typing import Sequence

MIN_N, MAX_N = 2, 4  # n-gram lengths, boundary marks included (fastText uses 3-6 for long European words)
BOUNDARY_START, BOUNDARY_END = "<", ">"
_FNV_OFFSET, _FNV_PRIME, _MASK = 0x811C9DC5, 0x01000193, 0xFFFFFFFF


def char_ngrams(token: str, low: int = MIN_N, high: int = MAX_N) -> list[str]:
    """The character n-grams of ``<token>``, shortest first, for n in [low, high]; duplicates kept."""
    marked = BOUNDARY_START + token + BOUNDARY_END
    return [marked[start:start + n] for n in range(low, high + 1) for start in range(len(marked) - n + 1)]


def fnv1a(text: str) -> int:
    """32-bit FNV-1a hash of the UTF-8 bytes of `text` (stable across processes, unlike ``hash``)."""
    value = _FNV_OFFSET
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * _FNV_PRIME) & _MASK
    return value


def ngram_bucket(ngram: str, buckets: int) -> int:
    """The bucket of one n-gram, in [1, buckets - 1] (0 is padding)."""
    return 1 + fnv1a(ngram) % (buckets - 1)


def token_ngrams(token: str) -> list[str]:
    """The n-grams a token is read with: `char_ngrams`, none for a single character."""
    return char_ngrams(token) if len(token) > 1 else []


def subword_ids(token: str, buckets: int) -> tuple[int, ...]:
    """The buckets of a token's character n-grams (see `token_ngrams`), in n-gram order."""
    return tuple(ngram_bucket(ngram, buckets) for ngram in token_ngrams(token))


def encode_subwords(token_lists: Sequence[Sequence[str]], buckets: int,
                    max_length: int | None = None) -> list[list[tuple[int, ...]]]:
    """For each text, one tuple of n-gram buckets per token (texts cut to `max_length` tokens like their ids).

    An empty text gets one empty tuple, matching the single ``<unk>`` id it is encoded as. Tokens repeat a lot,
    so each distinct token is hashed once and its tuple shared.
    """
    cache: dict[str, tuple[int, ...]] = {}
    encoded = []
    for tokens in token_lists:
        row = []
        for token in tokens[:max_length]:
            if token not in cache:
                cache[token] = subword_ids(token, buckets)
            row.append(cache[token])
        encoded.append(row or [()])
    return encoded


def distinct_ngrams(token_lists: Sequence[Sequence[str]]) -> int:
    """How many different n-grams the tokens hold (what sizes the bucket table when it is automatic)."""
    return len({ngram for token in {token for tokens in token_lists for token in tokens}
                for ngram in token_ngrams(token)})
