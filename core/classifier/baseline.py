"""The obvious linear baseline: TF-IDF over word 1–2-grams and character 1–4-grams, then logistic regression.

A user who trains a recurrent network deserves to know whether it beats this cheap, well-understood model on
the same split. Features (scikit-learn):

.. math::
    \\mathrm{tfidf}(t, d) = (1 + \\log \\mathrm{tf}(t, d)) \\cdot \\left(1 + \\log\\frac{1 + n}{1 + \\mathrm{df}(t)}\\right),

each block L2-normalised, the word block and the character block side by side. The classifier is multinomial
logistic regression with inverse regularisation strength C = 10 (weak L2), fitted with L-BFGS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from core.classifier.evaluate import accuracy, macro_f1

C = 10.0  # inverse L2 strength: short texts give sparse rows, so a weak penalty fits best
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (1, 4)


@dataclass(frozen=True)
class BaselineResult:
    """The baseline's validation scores on the RNN's own split, and how long fitting and scoring took."""

    accuracy: float
    macro_f1: float
    seconds: float


def fit_baseline(train_texts: Sequence[str], train_labels: Sequence[int], val_texts: Sequence[str],
                 val_labels: Sequence[int], num_classes: int, lowercase: bool = True) -> BaselineResult:
    """Fit on the training texts, score on the validation texts (labels are class ids 0..num_classes-1)."""
    # Imported here: scikit-learn takes a second to import, and only training needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    started = time.perf_counter()
    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, lowercase=lowercase, sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=CHAR_NGRAMS, lowercase=lowercase, sublinear_tf=True))
    model = make_pipeline(features, LogisticRegression(C=C, max_iter=2000))
    train_labels, val_labels = np.asarray(train_labels), np.asarray(val_labels)
    # One BLAS thread: L-BFGS on sparse TF-IDF rows makes small calls, and threads waiting for each other
    # made the fit 10x slower in CPU time on a shared 2-core machine (0.27 s vs 3.2 s on the demo data).
    with threadpool_limits(limits=1):
        try:
            model.fit(list(train_texts), train_labels)
        except ValueError:  # e.g. every text empty after tokenising: no vocabulary to fit on
            predicted = np.full(len(val_labels), np.bincount(train_labels).argmax())
        else:
            predicted = model.predict(list(val_texts))
    return BaselineResult(accuracy=accuracy(val_labels, predicted),
                          macro_f1=macro_f1(val_labels, predicted, num_classes),
                          seconds=time.perf_counter() - started)
