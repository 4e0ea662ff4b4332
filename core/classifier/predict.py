"""Classify new text with a trained bundle, exactly as it was tokenized and truncated in training."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from core.classifier.batching import collate_ngrams, collate_subwords, encode_texts
from core.classifier.bundle import ClassifierBundle, load_bundle
from core.classifier.evaluate import predict_probabilities
from core.textdata.ngrams import encode_ngrams
from core.textdata.subwords import encode_subwords
from core.textdata.tokenize import UNK, UNK_ID


@dataclass(frozen=True)
class EncodedText:
    """A text as the model sees it."""

    tokens: list[str]  # tokens after truncation to the bundle's max_length
    token_ids: list[int]  # their ids; <unk> (1) for tokens outside the vocabulary
    known: list[bool]  # whether each token has its own id
    truncated: bool  # whether tokens past max_length were dropped
    subwords: list[tuple[int, ...]] | None = None  # per token, its n-gram buckets (models with an n-gram table)
    ngrams: np.ndarray | None = None  # the whole text's n-gram buckets, int32 (models with a linear n-gram path)


@dataclass(frozen=True)
class Prediction:
    label: str  # the most probable label
    probabilities: dict[str, float]  # label -> probability, in the bundle's label order
    tokens: list[str]  # the tokens the model read
    known: list[bool]  # per token: in the vocabulary (False: read as <unk>)
    truncated: bool  # the text was longer than max_length tokens


def as_bundle(bundle_or_bytes: ClassifierBundle | bytes) -> ClassifierBundle:
    return bundle_or_bytes if isinstance(bundle_or_bytes, ClassifierBundle) else load_bundle(bundle_or_bytes)


def encode_text(bundle: ClassifierBundle, text: str) -> EncodedText:
    all_tokens = bundle.tokenizer(text)
    tokens = all_tokens[:bundle.max_length] or [UNK]  # an empty text is read as one <unk>, as in training
    token_ids = encode_texts([tokens], bundle.vocabulary, bundle.max_length)[0]
    subwords = encode_subwords_for(bundle, [all_tokens])  # an empty text: one token with no n-grams
    ngrams = encode_ngrams_for(bundle, [text])
    return EncodedText(tokens=tokens, token_ids=token_ids, known=[index != UNK_ID for index in token_ids],
                       truncated=len(all_tokens) > bundle.max_length, subwords=subwords and subwords[0],
                       ngrams=ngrams and ngrams[0])


def encode_subwords_for(bundle: ClassifierBundle, token_lists) -> list[list[tuple[int, ...]]] | None:
    """Per-token n-gram buckets of each text, as the bundle's model reads them; None when it has no n-gram table."""
    if not bundle.config.subword_buckets:
        return None
    return encode_subwords(token_lists, bundle.config.subword_buckets, bundle.max_length)


def encode_ngrams_for(bundle: ClassifierBundle, texts) -> list[np.ndarray] | None:
    """Each whole text's n-gram buckets, as the bundle's linear path reads them; None when it has no such path.

    The linear path reads the text as written, not cut to max_length (as the baseline does)."""
    if not bundle.config.ngram_buckets:
        return None
    return encode_ngrams(texts, bundle.config.ngram_buckets, bundle.tokenizer.lowercase, bundle.tokenizer.rules)


def linear_logits(bundle: ClassifierBundle, encoded: EncodedText, device) -> torch.Tensor | None:
    """The linear n-gram path's logits (1, C) for one encoded text; None for a model without that path."""
    if encoded.ngrams is None:
        return None
    return bundle.model.linear_logits(collate_ngrams([encoded.ngrams], [0]).to(device))


def model_inputs(bundle: ClassifierBundle, encoded: EncodedText, device) -> tuple:
    """(token_ids (1, L), lengths (1,), subword_ids (1, L, S) or None): one encoded text as the recurrent path
    reads it (the linear n-gram path's share: `linear_logits`)."""
    token_ids = torch.tensor([encoded.token_ids], device=device)  # (1, L)
    lengths = torch.tensor([len(encoded.token_ids)])  # (1,)
    subword_ids = None
    if encoded.subwords is not None:
        subword_ids = collate_subwords([encoded.subwords], [0], len(encoded.token_ids)).to(device)  # (1, L, S)
    return token_ids, lengths, subword_ids


def predict(bundle_or_bytes: ClassifierBundle | bytes, text: str) -> Prediction:
    """Probabilities per label for one text, and the tokens behind them."""
    bundle = as_bundle(bundle_or_bytes)
    encoded = encode_text(bundle, text)
    device = next(bundle.model.parameters()).device
    subwords = None if encoded.subwords is None else [encoded.subwords]
    ngrams = None if encoded.ngrams is None else [encoded.ngrams]
    probabilities, _ = predict_probabilities(bundle.model, [encoded.token_ids], device=device, subwords=subwords,
                                             ngrams=ngrams)
    row = probabilities[0]
    return Prediction(label=bundle.label_names[int(row.argmax())],
                      probabilities={name: float(value) for name, value in zip(bundle.label_names, row)},
                      tokens=encoded.tokens, known=encoded.known, truncated=encoded.truncated)


def predict_many(bundle_or_bytes: ClassifierBundle | bytes, texts: Sequence[str],
                 batch_size: int = 128) -> np.ndarray:
    """Probabilities (N, C) for many texts, columns in the bundle's label order."""
    bundle = as_bundle(bundle_or_bytes)
    token_lists = [bundle.tokenizer(text) for text in texts]
    sequences = encode_texts(token_lists, bundle.vocabulary, bundle.max_length)
    device = next(bundle.model.parameters()).device
    probabilities, _ = predict_probabilities(bundle.model, sequences, batch_size=batch_size, device=device,
                                             subwords=encode_subwords_for(bundle, token_lists),
                                             ngrams=encode_ngrams_for(bundle, list(texts)))
    return probabilities
