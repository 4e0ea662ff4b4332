import itertools

import numpy as np
import pytest
import torch

from core.classifier.bundle import ClassifierBundle
from core.classifier.explain import gradient_x_input, integrated_gradients, trace_text
from core.classifier.model import ClassifierConfig, TextClassifier
from core.classifier.predict import predict
from core.textdata.tokenize import UNK, Tokenizer, Vocabulary

TEXT = "Win a FREE prize now, call 0800!"


def make_bundle(cell="lstm", pooling="max", bidirectional=True, num_layers=1, dtype=torch.float32, seed=0,
                wide=False, ngram_buckets=0):
    torch.manual_seed(seed)
    vocabulary = Vocabulary.build([Tokenizer()(TEXT), ["lunch", "see", "you"]])
    config = ClassifierConfig(vocab_size=len(vocabulary), num_classes=3, cell=cell, bidirectional=bidirectional,
                              num_layers=num_layers, embed_size=8, hidden_size=6, pooling=pooling, wide=wide,
                              ngram_buckets=ngram_buckets)
    model = TextClassifier(config).to(dtype).eval()
    with torch.no_grad():
        model.embedding.weight.mul_(3.0)  # bigger inputs and outputs: attributions well away from zero
        model.classifier.weight.mul_(10.0)
        if wide:
            model.wide.weight.normal_()  # as if trained, not the zeros it starts with
        if ngram_buckets:
            model.ngrams.weight[1:].normal_(std=3.0)  # as if trained; row 0 is padding
    return ClassifierBundle(model=model, vocabulary=vocabulary, label_names=["ham", "spam", "scam"],
                            tokenizer=Tokenizer(), max_length=20)


@pytest.mark.parametrize("cell,pooling", list(itertools.product(["lstm", "gru", "rnn"], ["last", "max", "mean"])))
def test_integrated_gradients_are_complete(cell, pooling):
    bundle = make_bundle(cell, pooling, num_layers=2)
    attribution = integrated_gradients(bundle, TEXT, target="spam", steps=48)
    assert attribution.tokens == Tokenizer()(TEXT)
    assert attribution.scores.shape == (len(attribution.tokens),)
    gap = attribution.output - attribution.baseline_output
    # max pooling switches its argmax along the path (a kink), so quadrature is slightly less exact there
    tolerance = 0.01 if pooling == "max" else 1e-4
    magnitude = np.abs(attribution.scores).sum()
    assert magnitude > 0.5
    assert abs(attribution.scores.sum() - gap) < tolerance * magnitude


def test_integrated_gradients_are_complete_with_the_wide_path_and_include_it():
    wide = make_bundle("lstm", "mean", wide=True)
    attribution = integrated_gradients(wide, TEXT, target="spam", steps=48)
    gap = attribution.output - attribution.baseline_output
    assert abs(attribution.scores.sum() - gap) < 1e-4 * np.abs(attribution.scores).sum()
    recurrent_only = integrated_gradients(make_bundle("lstm", "mean"), TEXT, target="spam", steps=48)
    assert not np.allclose(attribution.scores, recurrent_only.scores)  # the bag's share is in the scores


def test_with_a_linear_ngram_path_the_output_is_the_models_and_the_scores_the_recurrent_paths():
    with_path = make_bundle("lstm", "mean", ngram_buckets=53)
    recurrent_only = make_bundle("lstm", "mean")  # the same weights without the path (it is made last)
    for method in (integrated_gradients, gradient_x_input):
        kwargs = {"steps": 48} if method is integrated_gradients else {}
        attribution = method(with_path, TEXT, target="spam", **kwargs)
        probability = predict(with_path, TEXT).probabilities["spam"]
        assert attribution.output == pytest.approx(np.log(probability / (1 - probability)), rel=1e-4)
        assert attribution.output != pytest.approx(method(recurrent_only, TEXT, target="spam", **kwargs).output)
    attribution = integrated_gradients(with_path, TEXT, target="spam", steps=48)
    # the path's logits are a constant offset: completeness still holds, and the token scores move only because
    # the log-odds curve is read at a shifted point
    gap = attribution.output - attribution.baseline_output
    assert abs(attribution.scores.sum() - gap) < 1e-4 * np.abs(attribution.scores).sum()


def test_attribution_output_is_the_target_log_odds():
    bundle = make_bundle()
    attribution = integrated_gradients(bundle, TEXT, target="ham", steps=8)
    probability = predict(bundle, TEXT).probabilities["ham"]
    assert attribution.output == pytest.approx(np.log(probability / (1 - probability)), rel=1e-4)
    assert attribution.target == "ham"
    assert integrated_gradients(bundle, TEXT, steps=8).target == predict(bundle, TEXT).label


def test_baseline_output_is_the_all_pad_text():
    bundle = make_bundle("gru", "mean")
    attribution = integrated_gradients(bundle, TEXT, target="scam", steps=8)
    pads = torch.zeros(1, len(attribution.tokens), dtype=torch.long)
    with torch.no_grad():
        logits = bundle.model(pads, torch.tensor([len(attribution.tokens)]))[0]
    expected = logits[2] - torch.logsumexp(logits[:2], dim=0)
    assert attribution.baseline_output == pytest.approx(float(expected), rel=1e-5)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gradient_x_input_sums_to_the_directional_derivative(cell):
    """sum_t e_t . df/de_t = d/da f(a e) at a = 1, checked with a central finite difference in float64."""
    bundle = make_bundle(cell, "mean", dtype=torch.float64)
    attribution = gradient_x_input(bundle, TEXT, target="spam")
    ids = torch.tensor([bundle.vocabulary.encode(attribution.tokens)])
    lengths = torch.tensor([ids.shape[1]])
    embedded = bundle.model.embedding(ids).detach()

    @torch.no_grad()
    def log_odds(scale):
        logits = bundle.model.forward_embedded(scale * embedded, lengths)[0]
        return float(logits[1] - torch.logsumexp(logits[[0, 2]], dim=0))

    epsilon = 1e-5
    derivative = (log_odds(1 + epsilon) - log_odds(1 - epsilon)) / (2 * epsilon)
    assert attribution.scores.sum() == pytest.approx(derivative, rel=1e-5)
    assert np.isnan(attribution.baseline_output)


def test_explaining_an_empty_text_uses_one_unknown_token():
    bundle = make_bundle()
    attribution = integrated_gradients(bundle, "   ", steps=4)
    assert attribution.tokens == [UNK] and attribution.scores.shape == (1,)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_trace_of_a_text_is_the_classifier_recurrent_layer(cell):
    bundle = make_bundle(cell, "last", bidirectional=True, num_layers=2)
    traced = trace_text(bundle, TEXT)
    ids = torch.tensor([bundle.vocabulary.encode(traced.tokens)])
    with torch.no_grad():
        embedded = bundle.model.embedding(ids)
        outputs, _ = bundle.model.rnn(embedded)
        features = bundle.model.features(embedded, torch.tensor([ids.shape[1]]))
    assert traced.trace.kind == cell
    torch.testing.assert_close(traced.trace.output, outputs, rtol=1e-5, atol=1e-5)
    top = traced.trace.h_n[-2:, 0]  # (2, hidden): the top layer's forward and backward final states
    torch.testing.assert_close(torch.cat(list(top)), features[0], rtol=1e-5, atol=1e-5)
    assert traced.trace.gate("hidden", layer=1, direction=1).shape == (len(traced.tokens), 6)


def test_prediction_reports_tokens_unknowns_and_truncation():
    bundle = make_bundle()
    prediction = predict(bundle, "see you at lunch")
    assert prediction.tokens == ["see", "you", "at", "lunch"]
    assert prediction.known == [True, True, False, True]
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0)
    assert prediction.label == max(prediction.probabilities, key=prediction.probabilities.get)
    assert not prediction.truncated
    long = predict(bundle, "see you " * 20)
    assert long.truncated and len(long.tokens) == 20


def two_class_bundle(**settings) -> ClassifierBundle:
    """A small untrained two-class bundle (labels "a", "b") with some model settings changed."""
    torch.manual_seed(0)
    vocabulary = Vocabulary.build([Tokenizer()("free prize call now win cash")])
    config = ClassifierConfig(vocab_size=len(vocabulary), num_classes=2, embed_size=6, hidden_size=5, **settings)
    return ClassifierBundle(model=TextClassifier(config).eval(), vocabulary=vocabulary, label_names=["a", "b"],
                            tokenizer=Tokenizer(), max_length=10)


def test_attributions_stay_complete_with_pair_embeddings():
    bundle = two_class_bundle(bigram_buckets=13)
    result = integrated_gradients(bundle, "win cash now", target="b", steps=256)
    logits = all_logits(bundle, "win cash now")  # the model's own forward, pair embeddings included
    log_odds = torch.log_softmax(logits, -1)[1] - torch.log1p(-torch.softmax(logits, -1)[1])
    assert result.output == pytest.approx(float(log_odds), rel=1e-4)
    np.testing.assert_allclose(result.scores.sum(), result.output - result.baseline_output, rtol=0.02, atol=1e-4)


def test_attributions_and_traces_read_the_ngrams_of_unknown_words():
    bundle = two_class_bundle(subword_buckets=101)
    result = integrated_gradients(bundle, "win cashh now", target="b", steps=256)  # "cashh" is unknown
    logits = all_logits(bundle, "win cashh now")
    log_odds = torch.log_softmax(logits, -1)[1] - torch.log1p(-torch.softmax(logits, -1)[1])
    assert result.output == pytest.approx(float(log_odds), rel=1e-4)
    np.testing.assert_allclose(result.scores.sum(), result.output - result.baseline_output, rtol=0.02, atol=1e-4)
    assert not np.allclose(all_logits(bundle, "win cashh now"), all_logits(bundle, "win cashy now"))
    assert trace_text(bundle, "win cashh now").trace is not None


def all_logits(bundle, text):
    from core.classifier.predict import encode_text, model_inputs

    token_ids, lengths, subword_ids = model_inputs(bundle, encode_text(bundle, text), "cpu")
    with torch.no_grad():
        return bundle.model(token_ids, lengths, subword_ids)[0].double()
