import itertools

import numpy as np
import pytest
import torch

from core.classifier.batching import bucket_batches, collate, collate_ngrams, encode_texts
from core.classifier.model import ClassifierConfig, TextClassifier, count_parameters
from core.textdata.tokenize import UNK_ID, Vocabulary

CASES = list(itertools.product(["lstm", "gru", "rnn"], ["last", "max", "mean", "max_mean"], [True, False]))


def make_model(cell="lstm", pooling="max", bidirectional=True, num_layers=1, seed=0):
    torch.manual_seed(seed)
    config = ClassifierConfig(vocab_size=30, num_classes=3, cell=cell, bidirectional=bidirectional,
                              num_layers=num_layers, embed_size=6, hidden_size=5, dropout=0.2, pooling=pooling)
    return TextClassifier(config).eval()


@pytest.mark.parametrize("cell,pooling,bidirectional", CASES)
def test_logit_shapes_for_every_cell_and_pooling(cell, pooling, bidirectional):
    model = make_model(cell, pooling, bidirectional, num_layers=2)
    token_ids = torch.randint(2, 30, (4, 7))
    lengths = torch.tensor([7, 3, 1, 5])
    assert model(token_ids, lengths).shape == (4, 3)
    pooled_size = 5 * (2 if bidirectional else 1) * (2 if pooling == "max_mean" else 1)
    assert model.features(model.embedding(token_ids), lengths).shape == (4, pooled_size) == (4, model.config.pooled_size)


@pytest.mark.parametrize("cell,pooling,bidirectional", CASES)
def test_padding_does_not_change_logits(cell, pooling, bidirectional):
    model = make_model(cell, pooling, bidirectional, num_layers=2)
    sequences = [[5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15], [16]]
    batched, lengths = collate(sequences, [0, 1, 2])  # (3, 8), padded with zeros
    together = model(batched, lengths)
    for row, ids in enumerate(sequences):
        alone = model(torch.tensor([ids]), torch.tensor([len(ids)]))
        torch.testing.assert_close(together[row:row + 1], alone, rtol=1e-5, atol=1e-6)
        # Extra padding (also with non-pad garbage past the end) changes nothing either.
        garbage = torch.tensor([ids + [3, 4, 0, 0]])
        torch.testing.assert_close(model(garbage, torch.tensor([len(ids)])), alone, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell,pooling,bidirectional", CASES)
def test_packed_and_per_direction_runs_agree_in_values_and_gradients(cell, pooling, bidirectional):
    """The CPU path (per direction over the padded batch) equals torch's packed-sequence path."""
    model = make_model(cell, pooling, bidirectional, num_layers=2)
    token_ids, lengths = collate([[5, 6, 7], [8, 9, 10, 11, 12, 13, 14], [16], [3, 4, 2, 9]], range(4))
    results = []
    for packed in (True, False):
        model.zero_grad()
        features = model.features(model.embedding(token_ids), lengths, packed=packed)  # (4, D*H)
        (features * torch.linspace(-1, 1, features.shape[1])).sum().backward()
        results.append((features.detach(), [p.grad.clone() for p in model.rnn.parameters()]))
    torch.testing.assert_close(results[0][0], results[1][0], rtol=1e-5, atol=1e-6)
    for packed_grad, direct_grad in zip(results[0][1], results[1][1]):
        torch.testing.assert_close(packed_grad, direct_grad, rtol=1e-4, atol=1e-6)


def test_dropout_acts_only_in_training():
    model = make_model("lstm", "mean", num_layers=2)
    token_ids, lengths = collate([[5, 6, 7, 8]], [0])
    model.train()
    first, second = model(token_ids, lengths), model(token_ids, lengths)
    assert not torch.allclose(first, second)
    model.eval()
    torch.testing.assert_close(model(token_ids, lengths), model(token_ids, lengths))


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_pooling_matches_a_plain_unpacked_run(cell):
    """Rebuild each pooling by hand from the recurrent module's unpadded outputs."""
    ids = torch.tensor([[4, 9, 2, 17, 5]])
    for pooling in ["last", "max", "mean", "max_mean"]:
        model = make_model(cell, pooling, bidirectional=True)
        embedded = model.embedding(ids)  # (1, 5, 6)
        outputs, state = model.rnn(embedded)  # (1, 5, 10)
        hidden_n = state[0] if cell == "lstm" else state  # (2, 1, 5)
        expected = {"last": torch.cat([hidden_n[0], hidden_n[1]], dim=-1),
                    "max": outputs.max(dim=1).values, "mean": outputs.mean(dim=1),
                    "max_mean": torch.cat([outputs.max(dim=1).values, outputs.mean(dim=1)], dim=-1)}[pooling]
        torch.testing.assert_close(model.features(embedded, torch.tensor([5])), expected)
        torch.testing.assert_close(model(ids, torch.tensor([5])), model.classifier(expected))


def test_last_pooling_uses_the_backward_state_after_the_whole_text():
    model = make_model("gru", "last", bidirectional=True)
    ids = torch.tensor([[4, 9, 2]])
    outputs, _ = model.rnn(model.embedding(ids))  # (1, 3, 10): [forward_t ; backward_t]
    features = model.features(model.embedding(ids), torch.tensor([3]))  # (1, 10)
    torch.testing.assert_close(features[0, :5], outputs[0, -1, :5])  # forward after the last token
    torch.testing.assert_close(features[0, 5:], outputs[0, 0, 5:])  # backward after the first token


def test_padding_row_is_zero_and_parameter_count_formula():
    model = make_model()
    assert torch.count_nonzero(model.embedding.weight[0]) == 0
    for cell, bidirectional, num_layers, pooling in itertools.product(["lstm", "gru", "rnn"], [True, False], [1, 3],
                                                                      ["max", "max_mean"]):
        config = ClassifierConfig(vocab_size=50, num_classes=4, cell=cell, bidirectional=bidirectional,
                                  num_layers=num_layers, embed_size=7, hidden_size=9, pooling=pooling)
        assert count_parameters(config) == sum(p.numel() for p in TextClassifier(config).parameters())


@pytest.mark.parametrize("bad", [{"cell": "transformer"}, {"pooling": "sum"}, {"num_classes": 1},
                                 {"hidden_size": 0}, {"dropout": 1.0}, {"vocab_size": 1},
                                 {"embedding_dropout": 1.0}, {"embedding_dropout": -0.1}, {"wide": 1}])
def test_config_rejects_bad_settings(bad):
    settings = {"vocab_size": 10, "num_classes": 2} | bad
    with pytest.raises(ValueError):
        ClassifierConfig(**settings)


def test_bucket_batches_cover_every_index_once_and_group_lengths():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 200, size=1000)
    batches = bucket_batches(lengths, batch_size=32, rng=np.random.default_rng(1), chunk_batches=10)
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    assert all(len(batch) <= 32 for batch in batches)
    padded = sum(len(batch) * lengths[batch].max() for batch in batches)
    random_batches = np.array_split(np.random.default_rng(1).permutation(1000), 1000 // 32)
    padded_random = sum(len(batch) * lengths[batch].max() for batch in random_batches)
    assert padded < 1.15 * lengths.sum()  # random batches: about twice the real tokens
    assert padded_random > 1.8 * lengths.sum()
    again = bucket_batches(lengths, batch_size=32, rng=np.random.default_rng(1), chunk_batches=10)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))  # seeded: reproducible
    other_epoch = bucket_batches(lengths, batch_size=32, rng=np.random.default_rng(2), chunk_batches=10)
    assert not all(np.array_equal(a, b) for a, b in zip(batches, other_epoch))


def test_evaluation_batches_are_sorted_and_complete():
    batches = bucket_batches([5, 1, 3, 2], batch_size=3)
    assert [batch.tolist() for batch in batches] == [[1, 3, 2], [0]]


def test_encode_truncates_and_never_yields_empty_sequences():
    vocabulary = Vocabulary.build([["a", "b", "c"]])
    encoded = encode_texts([["a", "b", "c", "a"], [], ["zzz"]], vocabulary, max_length=3)
    assert encoded == [vocabulary.encode(["a", "b", "c"]), [UNK_ID], [UNK_ID]]
    token_ids, lengths = collate(encoded, [0, 1])
    assert token_ids.tolist() == [encoded[0], [UNK_ID, 0, 0]] and lengths.tolist() == [3, 1]


def test_pair_embeddings_follow_the_hash_and_ignore_padding():
    torch.manual_seed(0)
    config = ClassifierConfig(vocab_size=30, num_classes=3, embed_size=6, hidden_size=5, bigram_buckets=17)
    model = TextClassifier(config).eval()
    assert count_parameters(config) == sum(p.numel() for p in model.parameters())
    token_ids = torch.tensor([[5, 6, 7]])
    expected = model.embedding(token_ids)[0] + model.bigrams.weight[[
        (0 * 1_000_003 + 5) % 17, (5 * 1_000_003 + 6) % 17, (6 * 1_000_003 + 7) % 17]]
    torch.testing.assert_close(model.embed(token_ids)[0], expected)
    # the pair (6, 7) differs from (8, 7): the same token reads differently after a different neighbour
    assert not torch.equal(model.embed(torch.tensor([[6, 7]]))[0, 1], model.embed(torch.tensor([[8, 7]]))[0, 1])
    sequences = [[5, 6, 7], [8, 9, 10, 11, 12], [16]]
    batched, lengths = collate(sequences, [0, 1, 2])
    together = model(batched, lengths)
    for row, ids in enumerate(sequences):
        torch.testing.assert_close(together[row:row + 1], model(torch.tensor([ids]), torch.tensor([len(ids)])),
                                   rtol=1e-5, atol=1e-6)


def test_embedding_dropout_zeroes_input_values_while_training_only():
    torch.manual_seed(0)
    config = ClassifierConfig(vocab_size=30, num_classes=3, embed_size=64, hidden_size=5, embedding_dropout=0.5)
    model = TextClassifier(config)
    ids = torch.randint(2, 30, (4, 12))
    plain = model.embedding(ids)  # (4, 12, 64)
    dropped = model.train().embed(ids)
    zeroed = (dropped == 0).float().mean().item()
    assert 0.4 < zeroed < 0.6  # about half of 3,072 values
    kept = dropped != 0
    torch.testing.assert_close(dropped[kept], 2 * plain[kept])  # the rest scaled by 1 / (1 - p)
    torch.testing.assert_close(model.eval().embed(ids), plain)


def test_ngram_embeddings_add_the_mean_of_each_tokens_rows_and_ignore_padding():
    torch.manual_seed(0)
    config = ClassifierConfig(vocab_size=30, num_classes=3, embed_size=6, hidden_size=5, subword_buckets=19)
    model = TextClassifier(config).eval()
    assert count_parameters(config) == sum(p.numel() for p in model.parameters())
    token_ids = torch.tensor([[5, 1, 0]])  # a known token, an unknown one, padding
    subword_ids = torch.tensor([[[3, 7, 7, 0], [11, 0, 0, 0], [0, 0, 0, 0]]])  # (1, 3, 4), 0 = padding
    table = model.subwords.weight
    expected = model.embedding(token_ids)[0] + torch.stack([
        (table[3] + table[7] + table[7]) / 3, table[11], torch.zeros(6)])
    torch.testing.assert_close(model.embed(token_ids, subword_ids)[0], expected)
    # an unknown word is no longer just <unk>: its n-grams tell two unknown words apart
    other = torch.tensor([[[3, 7, 7, 0], [12, 0, 0, 0], [0, 0, 0, 0]]])
    assert not torch.equal(model.embed(token_ids, subword_ids)[0, 1], model.embed(token_ids, other)[0, 1])
    with pytest.raises(ValueError, match="subword_ids"):
        model(token_ids, torch.tensor([2]))


def test_ngram_embeddings_give_the_same_logits_in_any_batch():
    from core.classifier.batching import collate_subwords
    from core.textdata.subwords import encode_subwords

    torch.manual_seed(0)
    model = TextClassifier(ClassifierConfig(vocab_size=30, num_classes=3, embed_size=6, hidden_size=5,
                                            subword_buckets=97)).eval()
    sequences = [[5, 6, 7], [8, 9, 10, 11, 12], [1]]
    subwords = encode_subwords([["a", "bb", "ccc"], ["hello", "x", "y", "z", "unbelievable"], ["zz"]], 97)
    batched, lengths = collate(sequences, [0, 1, 2])
    grams = collate_subwords(subwords, [0, 1, 2], batched.shape[1])
    assert grams.shape == (3, 5, len(subwords[1][4])) and grams[0, 3:].eq(0).all()
    together = model(batched, lengths, grams)
    for row, ids in enumerate(sequences):
        alone = model(torch.tensor([ids]), torch.tensor([len(ids)]), collate_subwords(subwords, [row], len(ids)))
        torch.testing.assert_close(together[row:row + 1], alone, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("base, added, new_weight", [
    ({}, {"subword_buckets": 19}, "subwords.weight"),  # character n-gram embeddings
    ({"subword_buckets": 19}, {"wide": True}, "wide.weight"),  # the bag of embeddings beside the recurrent path
    ({"subword_buckets": 19}, {"ngram_buckets": 23}, "ngrams.weight"),  # the linear n-gram path
])
def test_an_added_table_leaves_every_other_weight_as_it_would_start_without_it(base, added, new_weight):
    config = ClassifierConfig(vocab_size=30, num_classes=3, embed_size=6, hidden_size=5, **base)
    torch.manual_seed(4)
    plain = TextClassifier(config).state_dict()
    torch.manual_seed(4)
    extended = TextClassifier(ClassifierConfig(**{**config.to_dict(), **added})).state_dict()
    assert set(extended) - set(plain) == {new_weight}
    for name, tensor in plain.items():
        torch.testing.assert_close(extended[name], tensor, rtol=0, atol=0)


def test_wide_path_adds_a_linear_read_of_the_mean_input_vector():
    """logits = recurrent logits + U * (mean of the real tokens' input vectors), computed by hand."""
    torch.manual_seed(0)
    config = ClassifierConfig(vocab_size=30, num_classes=3, embed_size=6, hidden_size=5, wide=True)
    model = TextClassifier(config).eval()
    assert count_parameters(config) == sum(p.numel() for p in model.parameters())
    assert torch.count_nonzero(model.wide.weight) == 0  # starts as the recurrent model alone
    with torch.no_grad():
        model.wide.weight.normal_()
    token_ids, lengths = collate([[5, 6, 7], [8, 9]], [0, 1])  # (2, 3), the second text padded
    embedded = model.embedding(token_ids)  # (2, 3, 6)
    recurrent = model.classifier(model.features(embedded, lengths))
    bags = torch.stack([embedded[0, :3].mean(dim=0), embedded[1, :2].mean(dim=0)])  # padding left out
    expected = recurrent + bags @ model.wide.weight.T
    torch.testing.assert_close(model(token_ids, lengths), expected)
    assert not torch.allclose(expected, recurrent)
    # the same text alone gives the same logits as in the padded batch
    torch.testing.assert_close(model(torch.tensor([[8, 9]]), torch.tensor([2])), expected[1:], rtol=1e-5,
                               atol=1e-6)


def test_linear_ngram_path_adds_each_texts_rows_over_the_root_of_their_count():
    """logits = recurrent logits + (1 / sqrt(|F|)) * sum of the text's n-gram rows of V, computed by hand."""
    torch.manual_seed(0)
    config = ClassifierConfig(vocab_size=30, num_classes=3, embed_size=6, hidden_size=5, ngram_buckets=41)
    model = TextClassifier(config).eval()
    assert count_parameters(config) == sum(p.numel() for p in model.parameters())
    assert torch.count_nonzero(model.ngrams.weight) == 0  # starts as the recurrent model alone
    with torch.no_grad():
        model.ngrams.weight.normal_()
        model.ngrams.weight[0] = 0.0  # the padding row stays zero (padding_idx), as training keeps it
    ngram_ids = collate_ngrams([(3, 7, 12, 40), (5,), ()], [0, 1, 2])  # (3, 4), padded with 0
    assert ngram_ids.tolist() == [[3, 7, 12, 40], [5, 0, 0, 0], [0, 0, 0, 0]]
    token_ids, lengths = collate([[5, 6, 7], [8, 9], [4]], [0, 1, 2])
    recurrent = model.classifier(model.features(model.embedding(token_ids), lengths))
    weight = model.ngrams.weight
    expected = recurrent + torch.stack([weight[[3, 7, 12, 40]].sum(dim=0) / 2.0, weight[5], torch.zeros(3)])
    torch.testing.assert_close(model(token_ids, lengths, None, ngram_ids), expected)
    # the same text alone, without the padding its batch gave it, gets the same logits
    torch.testing.assert_close(model(token_ids[1:2, :2], lengths[1:2], None, ngram_ids[1:2, :1]), expected[1:2])
    with pytest.raises(ValueError):
        model(token_ids, lengths)  # the path's inputs are required


@pytest.mark.parametrize("bad", [{"ngram_buckets": 1}, {"ngram_buckets": -1}, {"ngram_buckets": 2.0}])
def test_config_rejects_bad_ngram_buckets(bad):
    with pytest.raises(ValueError):
        ClassifierConfig(vocab_size=10, num_classes=2, **bad)
