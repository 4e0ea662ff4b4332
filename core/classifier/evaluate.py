"""Classification metrics from true and predicted class ids (numpy), plus the model's probabilities.

Conventions: classes are integers 0..C-1; the confusion matrix has true classes on rows and
predicted classes on columns. A class that is never predicted has precision 0 (and one that never
occurs has recall 0), the usual convention, so macro-F1 punishes a model that ignores a class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from core.classifier.batching import bucket_batches, collate, collate_ngrams, collate_subwords


@dataclass(frozen=True)
class ClassScore:
    """One class's row of the per-class table."""

    label: str
    precision: float  # correct / predicted as this class (0 when never predicted)
    recall: float  # correct / texts of this class (0 when it never occurs)
    f1: float  # harmonic mean of precision and recall
    support: int  # texts of this class


@dataclass(frozen=True)
class Mistake:
    """A misclassified text and how sure the model was of its wrong answer."""

    text: str
    true: str  # the label in the data
    predicted: str  # the label the model chose
    confidence: float  # the probability the model gave its (wrong) answer


@dataclass(frozen=True)
class Evaluation:
    """Everything the results page shows about a model on its validation texts."""

    accuracy: float
    macro_f1: float
    labels: tuple[str, ...]  # class id -> label
    confusion_matrix: tuple[tuple[int, ...], ...]  # (C, C): [true][predicted]
    per_class: tuple[ClassScore, ...]
    misclassified: tuple[Mistake, ...] = ()  # most confident mistakes first


def confusion_matrix(true: Sequence[int], predicted: Sequence[int], num_classes: int) -> np.ndarray:
    """(C, C) int64 counts: entry [i, j] = texts of class i predicted as class j."""
    true, predicted = np.asarray(true, dtype=np.int64), np.asarray(predicted, dtype=np.int64)
    if true.shape != predicted.shape:
        raise ValueError("true and predicted need the same length")
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (true, predicted), 1)
    return matrix


def per_class_scores(matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1 and support per class (each (C,)), from a confusion matrix."""
    correct = np.diag(matrix).astype(np.float64)  # (C,)
    predicted_count = matrix.sum(axis=0).astype(np.float64)  # (C,)
    support = matrix.sum(axis=1).astype(np.float64)  # (C,)
    precision = np.divide(correct, predicted_count, out=np.zeros_like(correct), where=predicted_count > 0)
    recall = np.divide(correct, support, out=np.zeros_like(correct), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(correct), where=both > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support.astype(np.int64)}


def accuracy(true: Sequence[int], predicted: Sequence[int]) -> float:
    true, predicted = np.asarray(true), np.asarray(predicted)
    return float((true == predicted).mean()) if len(true) else 0.0


def macro_f1(true: Sequence[int], predicted: Sequence[int], num_classes: int) -> float:
    """Unweighted mean of the per-class F1 over every class (rare classes count as much as common ones)."""
    return float(per_class_scores(confusion_matrix(true, predicted, num_classes))["f1"].mean())


def classification_report(true: Sequence[int], predicted: Sequence[int],
                          label_names: Sequence[str]) -> Evaluation:
    """Accuracy, macro-F1, the confusion matrix and per-class scores (plain Python numbers)."""
    matrix = confusion_matrix(true, predicted, len(label_names))
    scores = per_class_scores(matrix)
    return Evaluation(
        accuracy=accuracy(true, predicted),
        macro_f1=float(scores["f1"].mean()),
        labels=tuple(label_names),
        confusion_matrix=tuple(tuple(int(count) for count in row) for row in matrix),
        per_class=tuple(
            ClassScore(label=name, precision=float(scores["precision"][index]),
                       recall=float(scores["recall"][index]), f1=float(scores["f1"][index]),
                       support=int(scores["support"][index]))
            for index, name in enumerate(label_names)),
    )


def misclassified(texts: Sequence[str], true: Sequence[int], probabilities: np.ndarray,
                  label_names: Sequence[str], limit: int = 50) -> tuple[Mistake, ...]:
    """The wrongly classified texts, most confident mistakes first (at most `limit`); probabilities: (N, C)."""
    predicted = probabilities.argmax(axis=1)  # (N,)
    confidence = probabilities.max(axis=1)  # (N,)
    wrong = np.flatnonzero(predicted != np.asarray(true))
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")][:limit]
    return tuple(Mistake(text=texts[index], true=label_names[int(true[index])],
                         predicted=label_names[int(predicted[index])], confidence=float(confidence[index]))
                 for index in wrong)


@torch.no_grad()
def predict_probabilities(model, sequences: Sequence[Sequence[int]], batch_size: int = 128,
                          device: torch.device | str = "cpu",
                          labels: Sequence[int] | None = None,
                          subwords: Sequence[Sequence[Sequence[int]]] | None = None,
                          ngrams: Sequence[Sequence[int]] | None = None) -> tuple[np.ndarray, float | None]:
    """Class probabilities (N, C) for encoded texts, in their original order, and the mean
    cross-entropy loss when `labels` are given. The model is put in eval mode.

    subwords: each text's per-token n-gram buckets (core.textdata.subwords.encode_subwords), for a model
    with an n-gram table; ngrams: each text's n-gram buckets (core.textdata.ngrams.encode_ngrams), for a model
    with a linear n-gram path."""
    model.eval()
    probabilities = np.zeros((len(sequences), model.config.num_classes), dtype=np.float64)
    total_loss = 0.0
    for indices in bucket_batches([len(ids) for ids in sequences], batch_size):
        token_ids, lengths = collate(sequences, indices)
        subword_ids = None if subwords is None else collate_subwords(subwords, indices, token_ids.shape[1])
        subword_ids = None if subword_ids is None else subword_ids.to(device)
        ngram_ids = None if ngrams is None else collate_ngrams(ngrams, indices).to(device)
        logits = model(token_ids.to(device), lengths, subword_ids, ngram_ids)  # (batch, C)
        probabilities[indices] = torch.softmax(logits.double(), dim=-1).cpu().numpy()
        if labels is not None:
            targets = torch.as_tensor(np.asarray(labels)[indices], device=logits.device)
            total_loss += float(torch.nn.functional.cross_entropy(logits, targets, reduction="sum"))
    mean_loss = total_loss / max(len(sequences), 1) if labels is not None else None
    return probabilities, mean_loss
