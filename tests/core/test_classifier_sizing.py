"""The size check the page runs when Start is pressed: an upper bound on the model training would build."""

from collections import Counter

import pytest

from core.classifier.bundle import MAX_PARAMETERS, BundleError, check_model_size
from core.classifier.model import TextClassifier, count_parameters
from core.classifier.prepare import prepare_data
from core.classifier.settings import TrainingConfig
from core.classifier.sizing import check_planned_size, largest_model, token_counts
from core.classifier.training import classifier_config
from tests.core.classifier_data import synthetic


def test_token_counts_tokenize_as_training_does():
    counts = token_counts(["Free FREE free!", "我爱 deep learning"], lowercase=True)
    assert counts == Counter({"free": 3, "!": 1, "我": 1, "爱": 1, "deep": 1, "learning": 1})
    assert token_counts(["Free FREE"], lowercase=False) == Counter({"Free": 1, "FREE": 1})


@pytest.mark.parametrize("validation_fraction", [0.2, 0.5])
def test_the_planned_model_bounds_the_model_training_builds(validation_fraction):
    data = synthetic(count=200)
    # a fixed-size linear n-gram path counts; an automatic one takes at most half of the room the limit leaves
    config = TrainingConfig(min_freq=1, validation_fraction=validation_fraction, pooling="max_mean", wide=True,
                            ngram_buckets=4099)
    planned, vocabulary = largest_model(token_counts(data.texts, config.lowercase), len(data.classes), config)
    prepared = prepare_data(data, min_freq=1, validation_fraction=validation_fraction)
    built = classifier_config(config, prepared)
    assert set(prepared.vocabulary.tokens) <= set(vocabulary.tokens)  # the training texts are part of the file
    assert count_parameters(built) <= count_parameters(planned) and built.wide and planned.wide
    assert planned.ngram_buckets == built.ngram_buckets == 4099
    assert count_parameters(planned) == sum(p.numel() for p in TextClassifier(planned).parameters())


def test_a_vocabulary_too_large_for_the_embedding_is_refused_and_a_smaller_embedding_is_not():
    counts = Counter({f"word{index}": 2 for index in range(30_000)})  # 30k distinct tokens, each seen twice
    too_large = TrainingConfig(embed_size=512, max_vocab_size=500_000)
    with pytest.raises(BundleError) as refused:
        check_planned_size(counts, 2, too_large)
    planned, _ = largest_model(counts, 2, too_large)
    assert count_parameters(planned) > MAX_PARAMETERS
    assert refused.value.code == "model_too_large" and refused.value.params["limit_mb"] == 50.0
    check_planned_size(counts, 2, TrainingConfig(embed_size=64))  # 30,002 x 64 embeddings fit
    check_planned_size(counts, 2, TrainingConfig(embed_size=512, max_vocab_size=10_000))  # capped vocabulary
    with pytest.raises(BundleError):  # rare tokens dropped by min_freq do not count
        check_planned_size(counts, 2, TrainingConfig(embed_size=512, min_freq=2))
    check_planned_size(counts, 2, TrainingConfig(embed_size=512, min_freq=3))


def test_the_form_maxima_are_refused_whatever_the_data():
    counts = token_counts(["a b c"], lowercase=True)
    huge = TrainingConfig(num_layers=4, hidden_size=512, embed_size=512)
    with pytest.raises(BundleError):
        check_planned_size(counts, 2, huge)
    model, vocabulary = largest_model(counts, 2, huge)
    with pytest.raises(BundleError):
        check_model_size(model, vocabulary)


def test_an_automatic_linear_ngram_path_takes_at_most_half_of_the_room_left():
    import numpy as np

    from core.classifier.model import ClassifierConfig
    from core.classifier.training import MAX_NGRAM_BUCKETS, MIN_NGRAM_BUCKETS, suggest_ngram_buckets

    many = [np.arange(1_000_000, dtype=np.uint32)]  # a million distinct n-grams
    small = ClassifierConfig(vocab_size=1000, num_classes=10)
    assert suggest_ngram_buckets(many, small) == MAX_NGRAM_BUCKETS
    assert suggest_ngram_buckets([np.arange(3000, dtype=np.uint32)], small) == 6001  # twice, plus padding
    assert suggest_ngram_buckets([np.arange(100, dtype=np.uint32)], small) == 0  # too few to be worth a table
    base = count_parameters(small) - 1000 * small.embed_size
    vocab_size = (MAX_PARAMETERS - 1_000_000 - base) // small.embed_size  # about a million parameters of room
    crowded = ClassifierConfig(vocab_size=vocab_size, num_classes=10)
    buckets = suggest_ngram_buckets(many, crowded)
    room = MAX_PARAMETERS - count_parameters(crowded)
    assert MIN_NGRAM_BUCKETS <= buckets and buckets * 10 <= room // 2
    nearly_full = ClassifierConfig(vocab_size=(MAX_PARAMETERS - 10_000 - base) // small.embed_size, num_classes=10)
    assert suggest_ngram_buckets(many, nearly_full) == 0
