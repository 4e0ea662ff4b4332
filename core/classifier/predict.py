"""Classify new text with a trained bundle, exactly as it was tokenized and truncated in training."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from core.classifier.batching import encode_texts
from core.classifier.bundle import ClassifierBundle, load_bundle
from core.classifier.evaluate import predict_probabilities
from core.textdata.tokenize import UNK, UNK_ID


@dataclass(frozen=True)
class EncodedText:
    """A text as the model sees it."""

    tokens: list[str]  # tokens after truncation to the bundle's max_length
    token_ids: list[int]  # their ids; <unk> (1) for tokens outside the vocabulary
    known: list[bool]  # whether each token has its own id
    truncated: bool  # whether tokens past max_length were dropped


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
    return EncodedText(tokens=tokens, token_ids=token_ids, known=[index != UNK_ID for index in token_ids],
                       truncated=len(all_tokens) > bundle.max_length)


def predict(bundle_or_bytes: ClassifierBundle | bytes, text: str) -> Prediction:
    """Probabilities per label for one text, and the tokens behind them."""
    bundle = as_bundle(bundle_or_bytes)
    encoded = encode_text(bundle, text)
    device = next(bundle.model.parameters()).device
    probabilities, _ = predict_probabilities(bundle.model, [encoded.token_ids], device=device)
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
    probabilities, _ = predict_probabilities(bundle.model, sequences, batch_size=batch_size, device=device)
    return probabilities
