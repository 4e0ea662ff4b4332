"""Length-bucketed batches: texts of similar length travel together, so padding costs almost nothing.

Padding every text to one fixed length makes the recurrent layer run over pad tokens (a 20-token SMS
padded to 128 does 6x the work). Sorting the whole dataset by length would remove padding but make
every epoch see the same batches in the same order. The compromise used here:

1. shuffle all indices (a new order every epoch),
2. cut them into chunks of ``batch_size * chunk_batches`` texts,
3. sort each chunk by length and cut it into batches,
4. shuffle the order of the batches.

Each batch is then padded only to its own longest text, and the packed recurrent layer skips
the remaining padding entirely.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import Tensor

from core.textdata.tokenize import PAD_ID, UNK_ID


def bucket_batches(lengths: Sequence[int], batch_size: int, rng: np.random.Generator | None = None,
                   chunk_batches: int = 50) -> list[np.ndarray]:
    """Index batches grouped by length; with `rng=None` the order is deterministic (for evaluation).

    Without an rng the indices are simply sorted by length (stable), which is the cheapest
    order for inference.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    lengths = np.asarray(lengths)
    if rng is None:
        order = np.argsort(lengths, kind="stable")
        return [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
    order = rng.permutation(len(lengths))
    chunk_size = batch_size * chunk_batches
    batches = []
    for start in range(0, len(order), chunk_size):
        chunk = order[start:start + chunk_size]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[offset:offset + batch_size] for offset in range(0, len(chunk), batch_size))
    return [batches[index] for index in rng.permutation(len(batches))]


def encode_texts(token_lists: Sequence[Sequence[str]], vocabulary, max_length: int) -> list[list[int]]:
    """Token ids, cut to `max_length`; an empty text becomes one `<unk>` so every length is >= 1."""
    encoded = []
    for tokens in token_lists:
        ids = vocabulary.encode(tokens[:max_length])
        encoded.append(ids if ids else [UNK_ID])
    return encoded


def collate(sequences: Sequence[Sequence[int]], indices: Sequence[int]) -> tuple[Tensor, Tensor]:
    """Pad the chosen sequences to their own longest one.

    Returns token_ids (batch, max_len) int64 padded with <pad> = 0, and lengths (batch,) int64.
    """
    chosen = [sequences[int(index)] for index in indices]
    lengths = torch.tensor([len(ids) for ids in chosen], dtype=torch.int64)  # (batch,)
    token_ids = torch.full((len(chosen), int(lengths.max())), PAD_ID, dtype=torch.int64)  # (batch, max_len)
    for row, ids in enumerate(chosen):
        token_ids[row, :len(ids)] = torch.as_tensor(ids, dtype=torch.int64)
    return token_ids, lengths


def collate_subwords(subwords: Sequence[Sequence[Sequence[int]]], indices: Sequence[int],
                     length: int) -> Tensor:
    """Each chosen text's per-token n-gram buckets (core.textdata.subwords), padded with bucket 0.

    Returns subword_ids (batch, length, most n-grams of any token in the batch) int64; padded tokens and the
    unused places of short tokens read bucket 0, which the model's n-gram table ignores.
    """
    chosen = [subwords[int(index)] for index in indices]
    width = max(1, max(len(grams) for text in chosen for grams in text))
    subword_ids = np.zeros((len(chosen), length, width), dtype=np.int64)  # (batch, length, width)
    for row, text in enumerate(chosen):
        for position, grams in enumerate(text):
            subword_ids[row, position, :len(grams)] = grams
    return torch.from_numpy(subword_ids)


def collate_ngrams(ngrams: Sequence[Sequence[int]], indices: Sequence[int]) -> Tensor:
    """Each chosen text's n-gram buckets (core.textdata.ngrams), padded with bucket 0: (batch, most n-grams) int64."""
    chosen = [ngrams[int(index)] for index in indices]
    ngram_ids = np.zeros((len(chosen), max(1, max(len(row) for row in chosen))), dtype=np.int64)
    for row, buckets in enumerate(chosen):
        ngram_ids[row, :len(buckets)] = buckets
    return torch.from_numpy(ngram_ids)
