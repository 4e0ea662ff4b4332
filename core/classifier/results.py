"""What a training run hands back: typed, frozen results that cross from core to the page and the CLI.

- :class:`EpochRecord`    – one epoch's losses and validation scores (also sent live as an ``"epoch"`` record);
- :class:`TrainingMetrics` – the run's numbers (scores of the kept epoch, sizes, speed, how it ended);
- :class:`TrainingResult`  – the bundle bytes, metrics, history, evaluation and the TF-IDF baseline;
- :class:`TrainedModel`    – a finished run as a session keeps it: the loaded bundle beside its result;
- :class:`LoadedModel`     – a bundle the user uploaded.

Everything here pickles (a background job returns a `TrainingResult` through a process boundary) and turns into
JSON with :func:`dataclasses.asdict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from core.classifier.baseline import BaselineResult
from core.classifier.bundle import ClassifierBundle, load_bundle
from core.classifier.evaluate import Evaluation


@dataclass(frozen=True)
class EpochRecord:
    """One epoch: mean training loss, validation loss and scores, wall time."""

    epoch: int
    train_loss: float
    val_loss: float
    val_accuracy: float
    val_macro_f1: float
    seconds: float
    best: bool  # the best validation macro-F1 so far (these weights are kept)
    partial: bool  # cut short by a stop request

    def record(self) -> dict:
        """The live ``"epoch"`` record a reporter receives."""
        return {"kind": "epoch", **asdict(self)}


@dataclass(frozen=True)
class TrainingMetrics:
    """A run's numbers; the scores are those of the kept (best) epoch's weights."""

    val_accuracy: float
    val_macro_f1: float
    val_loss: float
    best_epoch: int  # 0: no epoch finished with usable weights
    epochs: int  # epochs run
    steps: int  # optimisation steps run
    stopped: bool  # ended by a stop request
    early_stopped: bool  # ended by patience
    diverged: bool  # the loss stopped being finite
    seconds: float  # wall time of the whole run
    train_seconds: float  # time inside optimisation steps
    train_tokens_per_second: float  # real (unpadded) tokens per second of training step
    train_size: int
    val_size: int
    vocab_size: int
    max_length: int
    device: str


@dataclass(frozen=True)
class TrainingResult:
    """Everything `train_classifier` returns."""

    bundle: bytes  # the .zip users download (core.classifier.bundle)
    metrics: TrainingMetrics
    history: tuple[EpochRecord, ...]
    evaluation: Evaluation  # the kept model on the validation texts, with its mistakes
    labels: tuple[str, ...]  # class id -> label
    baseline: BaselineResult | None = None  # TF-IDF + logistic regression on the same split

    @property
    def stopped(self) -> bool:
        return self.metrics.stopped

    def summary(self) -> dict:
        """The command line's JSON line."""
        metrics = self.metrics
        summary = {"val_accuracy": metrics.val_accuracy, "macro_f1": metrics.val_macro_f1,
                   "train_tokens_per_second": metrics.train_tokens_per_second, "epochs": metrics.epochs,
                   "seconds": metrics.seconds, "best_epoch": metrics.best_epoch, "val_loss": metrics.val_loss,
                   "stopped": metrics.stopped, "device": metrics.device, "train_size": metrics.train_size,
                   "val_size": metrics.val_size, "vocab_size": metrics.vocab_size,
                   "max_length": metrics.max_length, "labels": list(self.labels)}
        if self.baseline is not None:
            summary.update(baseline_accuracy=self.baseline.accuracy, baseline_macro_f1=self.baseline.macro_f1,
                           baseline_seconds=self.baseline.seconds)
        return summary

    def report(self) -> dict:
        """Metrics, history, evaluation and baseline as JSON-friendly data (the CLI's evaluation.json)."""
        return {"metrics": asdict(self.metrics), "history": [asdict(record) for record in self.history],
                "evaluation": asdict(self.evaluation),
                "baseline": asdict(self.baseline) if self.baseline is not None else None}


@dataclass(frozen=True)
class TrainedModel:
    """A finished run as a browser session keeps it: the loaded bundle ready to predict, beside its result."""

    job: str  # the job that trained it
    bundle: ClassifierBundle
    result: TrainingResult

    @classmethod
    def from_result(cls, job: str, result: TrainingResult) -> "TrainedModel":
        return cls(job=job, bundle=load_bundle(result.bundle), result=result)

    @property
    def bytes(self) -> bytes:
        return self.result.bundle

    @property
    def metrics(self) -> TrainingMetrics:
        return self.result.metrics

    @property
    def evaluation(self) -> Evaluation:
        return self.result.evaluation

    @property
    def history(self) -> tuple[EpochRecord, ...]:
        return self.result.history

    @property
    def baseline(self) -> BaselineResult | None:
        return self.result.baseline


@dataclass(frozen=True)
class LoadedModel:
    """A bundle the user uploaded, checked and loaded by `core.classifier.bundle.load_bundle`."""

    name: str  # the uploaded file's name
    bundle: ClassifierBundle
    bytes: bytes
