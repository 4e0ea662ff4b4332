import json
from dataclasses import asdict

import numpy as np
import pytest
import torch

from core.classifier.evaluate import (ClassScore, Mistake, accuracy, classification_report, confusion_matrix,
                                      macro_f1, misclassified, per_class_scores, predict_probabilities)
from core.classifier.model import ClassifierConfig, TextClassifier

TRUE = [0, 0, 1, 1, 2, 2]
PREDICTED = [0, 1, 1, 1, 2, 0]


def test_confusion_matrix_by_hand():
    assert confusion_matrix(TRUE, PREDICTED, 3).tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]


def test_per_class_scores_by_hand():
    scores = per_class_scores(confusion_matrix(TRUE, PREDICTED, 3))
    np.testing.assert_allclose(scores["precision"], [1 / 2, 2 / 3, 1.0])
    np.testing.assert_allclose(scores["recall"], [1 / 2, 1.0, 1 / 2])
    np.testing.assert_allclose(scores["f1"], [1 / 2, 0.8, 2 / 3])
    assert scores["support"].tolist() == [2, 2, 2]
    assert accuracy(TRUE, PREDICTED) == pytest.approx(4 / 6)
    assert macro_f1(TRUE, PREDICTED, 3) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)


def test_a_class_that_is_never_predicted_scores_zero():
    # Majority-class guessing: 90% accuracy but macro-F1 only about 0.47.
    true = [0] * 9 + [1]
    predicted = [0] * 10
    scores = per_class_scores(confusion_matrix(true, predicted, 2))
    assert scores["precision"][1] == 0 and scores["recall"][1] == 0 and scores["f1"][1] == 0
    assert accuracy(true, predicted) == pytest.approx(0.9)
    assert macro_f1(true, predicted, 2) == pytest.approx((2 * 0.9 / 1.9) / 2)


def test_report_is_json_friendly_and_named():
    report = classification_report(TRUE, PREDICTED, ["neg", "neu", "pos"])
    assert report.labels == ("neg", "neu", "pos")
    assert report.per_class[1] == ClassScore(label="neu", precision=pytest.approx(2 / 3), recall=1.0,
                                             f1=pytest.approx(0.8), support=2)
    assert isinstance(report.confusion_matrix[0][0], int)
    assert json.loads(json.dumps(asdict(report)))["per_class"][1]["support"] == 2


def test_misclassified_lists_confident_mistakes_first():
    probabilities = np.array([[0.9, 0.1], [0.3, 0.7], [0.2, 0.8], [0.6, 0.4]])
    records = misclassified(["a", "b", "c", "d"], [0, 0, 0, 1], probabilities, ["ham", "spam"])
    assert records == (
        Mistake(text="c", true="ham", predicted="spam", confidence=pytest.approx(0.8)),
        Mistake(text="b", true="ham", predicted="spam", confidence=pytest.approx(0.7)),
        Mistake(text="d", true="spam", predicted="ham", confidence=pytest.approx(0.6)),
    )
    assert len(misclassified(["a", "b", "c", "d"], [0, 0, 0, 1], probabilities, ["ham", "spam"], limit=1)) == 1


def test_predict_probabilities_keeps_the_original_order_and_loss():
    torch.manual_seed(0)
    model = TextClassifier(ClassifierConfig(vocab_size=20, num_classes=2, embed_size=4, hidden_size=3))
    sequences = [[2, 3, 4, 5, 6], [7], [8, 9]]
    labels = [1, 0, 1]
    probabilities, loss = predict_probabilities(model, sequences, batch_size=2, labels=labels)
    model.eval()
    expected = [torch.softmax(model(torch.tensor([ids]), torch.tensor([len(ids)])), -1)[0] for ids in sequences]
    np.testing.assert_allclose(probabilities, torch.stack(expected).detach().numpy(), rtol=1e-5)
    expected_loss = -np.mean(np.log(probabilities[np.arange(3), labels]))
    assert loss == pytest.approx(expected_loss, rel=1e-5)
