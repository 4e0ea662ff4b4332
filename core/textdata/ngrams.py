"""A text's word 1–2-grams and character 1–4-grams, hashed into buckets: the wide linear path's features.

These are the features of the TF-IDF + logistic-regression baseline (core.classifier.baseline), read the way the
classifier's tokenizer reads a text:

- word n-grams: each token and each pair of neighbouring tokens (``tokenize``: a Chinese character is a token,
  so its pairs are the character bigrams that are often the words, 酒店, 服务);
- character n-grams: every run of 1 to 4 characters of the NFKC-normalised, (optionally) lower-cased text with
  its whitespace collapsed to single spaces, spaces included (so "d w" marks a word boundary).

Each feature carries its kind (``w`` or ``c``) so a one-character word and the same character are two features,
and goes to one of K buckets by its CRC-32 (zlib's, over the UTF-8 bytes: the same in every process and on every
machine, unlike Python's ``hash``):

.. math::
    \\mathrm{bucket}(g) = 1 + \\mathrm{crc32}(g) \\bmod (K - 1),

row 0 being padding. CRC-32 rather than the subword features' FNV-1a because a text has hundreds of these n-grams
and zlib computes it in C: the 4.9 million n-grams of 7,765 ChnSentiCorp reviews (1.36 million distinct) were hashed in
4.3 s with FNV-1a in Python (each distinct n-gram once), in 1.8 s with CRC-32, most of it cutting the n-grams out of
the texts. A text's features are a set: a repeated n-gram counts once (short texts rarely repeat one,
and the baseline's sublinear TF is nearly binary on them).

    >>> sorted(gram for gram in text_ngrams("Hi you") if gram.startswith("w ") or len(gram) == 3)
    ['c  ', 'c h', 'c i', 'c o', 'c u', 'c y', 'w hi', 'w hi you', 'w you']
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from typing import Sequence

import numpy as np

from core.textdata.tokenize import RULES, tokenize

WORD_N = (1, 2)  # word n-gram lengths, as the baseline's
CHAR_N = (1, 4)  # character n-gram lengths, as the baseline's
_SPACES = re.compile(r"\s+")


def text_ngrams(text: str, lowercase: bool = True, rules: int = RULES) -> set[str]:
    """The distinct word 1–2-grams (``"w ..."``) and character 1–4-grams (``"c ..."``) of a text; its words as the
    tokenizer ``rules`` split them (a bundle's own, see core.textdata.tokenize)."""
    tokens = tokenize(text, lowercase=lowercase, rules=rules)
    grams = {"w " + " ".join(tokens[start:start + n]) for n in range(WORD_N[0], WORD_N[1] + 1)
             for start in range(len(tokens) - n + 1)}
    normal = unicodedata.normalize("NFKC", text)
    normal = _SPACES.sub(" ", normal.lower() if lowercase else normal).strip()
    grams.update("c " + normal[start:start + n] for n in range(CHAR_N[0], CHAR_N[1] + 1)
                 for start in range(len(normal) - n + 1))
    return grams


def ngram_hash(gram: str) -> int:
    """The 32-bit CRC of the n-gram's UTF-8 bytes."""
    return zlib.crc32(gram.encode("utf-8"))


def hash_ngrams(texts: Sequence[str], lowercase: bool = True, rules: int = RULES) -> list[np.ndarray]:
    """For each text, the CRC-32 hashes of its distinct n-grams, sorted (uint32; an empty text: none).

    One pass over the texts serves both sizing the table (`distinct_hashes`) and filling it (`to_buckets`).
    """
    return [np.unique(np.array([ngram_hash(gram) for gram in text_ngrams(text, lowercase, rules)], dtype=np.uint32))
            for text in texts]


def to_buckets(hashed: Sequence[np.ndarray], buckets: int) -> list[np.ndarray]:
    """Each text's distinct buckets :math:`1 + h \\bmod (K - 1)`, sorted (int32); n-grams that share a bucket
    count once.

    Arrays, not tuples of ints: a text has hundreds of n-grams, and as Python ints the 4.9 million of 7,765
    ChnSentiCorp reviews took 187 MB in the training process (as int32 arrays, 19 MB); an upload of 50 MiB would
    have taken gigabytes."""
    return [np.unique((1 + values.astype(np.int64) % (buckets - 1)).astype(np.int32)) for values in hashed]


def encode_ngrams(texts: Sequence[str], buckets: int, lowercase: bool = True, rules: int = RULES) -> list[np.ndarray]:
    """For each text, its distinct n-gram buckets in [1, buckets - 1], sorted (an empty text: no buckets)."""
    return to_buckets(hash_ngrams(texts, lowercase, rules), buckets)


def distinct_hashes(hashed: Sequence[np.ndarray]) -> int:
    """How many different n-grams the texts hold (what sizes the bucket table when it is automatic), counted by
    their 32-bit hashes: two n-grams of a million share one by chance about a hundred times, which sizing ignores."""
    return int(len(np.unique(np.concatenate(hashed)))) if len(hashed) else 0
