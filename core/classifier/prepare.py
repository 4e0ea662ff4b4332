"""From labelled texts to token-id sequences: split, tokenize, build the vocabulary, encode.

The vocabulary and the length cap come from the training texts only, so validation scores are
honest about words the model has never seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.classifier.batching import encode_texts
from core.textdata.dataset import class_order
from core.textdata.errors import DataError
from core.textdata.split import stratified_split
from core.textdata.tokenize import Tokenizer, Vocabulary, suggest_max_length


@dataclass(frozen=True)
class PreparedData:
    label_names: list[str]  # class id -> label, in natural order ("2" before "10")
    tokenizer: Tokenizer
    vocabulary: Vocabulary
    max_length: int  # tokens kept per text
    train_texts: list[str]  # training texts as written (for the TF-IDF baseline)
    train_ids: list[list[int]]  # encoded training texts
    train_y: np.ndarray  # (num_train,) class ids
    val_texts: list[str]  # validation texts as written (for the misclassified list)
    val_ids: list[list[int]]
    val_y: np.ndarray  # (num_val,) class ids
    train_tokens: list[list[str]]  # the tokens behind train_ids (cut to max_length): their n-grams are read
    val_tokens: list[list[str]]  # the same for val_ids


def split_data(data, validation_fraction: float, seed: int):
    """(train_texts, train_labels, val_texts, val_labels) from LabeledTexts or a (train, val) pair."""
    if isinstance(data, (tuple, list)):
        train, val = data
        return list(train.texts), list(train.labels), list(val.texts), list(val.labels)
    texts, labels = list(data.texts), list(data.labels)
    train_idx, val_idx = stratified_split(labels, validation_fraction=validation_fraction, seed=seed)
    return ([texts[i] for i in train_idx], [labels[i] for i in train_idx],
            [texts[i] for i in val_idx], [labels[i] for i in val_idx])


def prepare_data(data, lowercase: bool = True, min_freq: int = 2, max_vocab_size: int | None = 30000,
                 max_length: int | None = None, validation_fraction: float = 0.2, seed: int = 0) -> PreparedData:
    """Split (unless `data` is already a (train, val) pair), tokenize and encode.

    Raises:
        DataError: ``one_class`` when the training texts hold fewer than two labels,
            ``too_few_rows`` when there is no validation text.
    """
    train_texts, train_labels, val_texts, val_labels = split_data(data, validation_fraction, seed)
    if len(set(train_labels)) < 2:
        raise DataError("one_class", label=str(next(iter(set(train_labels)), "")))
    if not val_texts:
        raise DataError("too_few_rows", rows=0, minimum=1)
    label_names = class_order(set(train_labels) | set(val_labels))
    label_ids = {name: index for index, name in enumerate(label_names)}
    tokenizer = Tokenizer(lowercase=lowercase)
    train_tokens = [tokenizer(text) for text in train_texts]
    val_tokens = [tokenizer(text) for text in val_texts]
    vocabulary = Vocabulary.build(train_tokens, min_freq=min_freq, max_size=max_vocab_size)
    max_length = max_length or suggest_max_length([len(tokens) for tokens in train_tokens])
    return PreparedData(
        label_names=label_names, tokenizer=tokenizer, vocabulary=vocabulary, max_length=max_length,
        train_texts=train_texts, train_ids=encode_texts(train_tokens, vocabulary, max_length),
        train_y=np.array([label_ids[name] for name in train_labels], dtype=np.int64),
        val_texts=val_texts,
        val_ids=encode_texts(val_tokens, vocabulary, max_length),
        val_y=np.array([label_ids[name] for name in val_labels], dtype=np.int64),
        train_tokens=[tokens[:max_length] for tokens in train_tokens],
        val_tokens=[tokens[:max_length] for tokens in val_tokens],
    )
