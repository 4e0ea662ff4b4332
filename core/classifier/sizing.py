"""Will the model a configuration builds fit in a bundle that can be uploaded back? Asked before training starts.

Training builds its vocabulary from the training texts only, and they are a subset of the file the user gave, so
the vocabulary of the whole file (same lower-casing, minimum count and maximum size) is an upper bound on it:

.. math::
    |V_\\text{train}| \\le |V_\\text{file}| \\le \\text{max\\_vocab\\_size}, \\qquad
    \\text{bytes} \\approx 4 \\cdot \\text{parameters}(|V|, E, H, \\text{layers}) + |\\text{vocabulary JSON}| + \\text{margin}.

A configuration this check accepts is accepted by `core.classifier.training.train_classifier`'s own check
(`core.classifier.bundle.check_model_size`) too; hashed pair embeddings sized automatically never push a model over
the limit (`suggest_bigram_buckets` takes only half of the room that is left), so they count here only when the
configuration fixes their number; the same holds for character n-gram embeddings (`suggest_subword_buckets`) and
the linear n-gram path (`suggest_ngram_buckets`, C weights per row).
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from core.classifier.bundle import check_model_size
from core.classifier.model import ClassifierConfig
from core.classifier.settings import TrainingConfig
from core.textdata.tokenize import Tokenizer, Vocabulary


def token_counts(texts: Iterable[str], lowercase: bool) -> Counter:
    """How often each token occurs in `texts`, tokenized as training will tokenize them."""
    tokenizer = Tokenizer(lowercase=lowercase)
    counts: Counter = Counter()
    for text in texts:
        counts.update(tokenizer(text))
    return counts


def largest_model(counts: Counter, num_classes: int, config: TrainingConfig) -> tuple[ClassifierConfig, Vocabulary]:
    """The biggest model (and its vocabulary) a run of `config` can build on texts with these token counts."""
    vocabulary = Vocabulary.from_counts(counts, min_freq=config.min_freq, max_size=config.max_vocab_size)
    model = config.model_shape(len(vocabulary), max(2, num_classes), config.bigram_buckets or 0,
                               config.subword_buckets or 0, config.ngram_buckets or 0)
    return model, vocabulary


def check_planned_size(counts: Counter, num_classes: int, config: TrainingConfig) -> None:
    """Raise ``model_too_large`` (a `BundleError`) when the model `config` may build could not be uploaded back."""
    check_model_size(*largest_model(counts, num_classes, config))
