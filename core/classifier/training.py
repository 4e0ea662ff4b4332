"""Train a `TextClassifier` on labelled texts: the one code path behind the page's job and the CLI.

The trainer knows nothing about its listener: progress leaves as plain dict records through a
reporter (``report(record)``, ``should_stop()``), so a background job, a test or the command line
can all listen. Records:

- ``{"kind": "start", "device", "train_size", "val_size", "vocab_size", "max_length", "labels", "total_steps",
  "epochs", "patience"}`` once the data is encoded;
- ``{"kind": "step", "step", "epoch", "loss", "tokens_per_second", "progress", "eta_seconds"}`` every few steps
  (loss and real, unpadded tokens per second averaged since the previous step record; progress in 0..1);
- ``{"kind": "epoch", "epoch", "train_loss", "val_loss", "val_accuracy", "val_macro_f1", "seconds", "best",
  "partial"}`` after each epoch's validation (``partial``: cut short by a stop request);
- ``{"kind": "error", "code", "params"}`` from `run_training_job` when the data cannot be trained on (a
  `DataError`, re-raised after the record), so a page can say why in its own language.

The result is a plain picklable dict (bundle bytes, metrics, history); see `train_classifier`.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from core.classifier.batching import bucket_batches, collate
from core.classifier.bundle import ClassifierBundle, save_bundle
from core.classifier.evaluate import classification_report, misclassified, predict_probabilities
from core.classifier.model import CELLS, POOLINGS, ClassifierConfig, TextClassifier
from core.classifier.prepare import prepare_data
from core.classifier.progress import ProgressMeter
from core.textdata.errors import DataError


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides a training run; defaults suit a few thousand short texts on a CPU."""

    cell: str = "lstm"  # recurrent cell: "lstm", "gru" or "rnn"
    bidirectional: bool = True  # read the text both ways
    num_layers: int = 1  # stacked recurrent layers (2 roughly doubles the cost)
    embed_size: int = 128  # token embedding size
    hidden_size: int = 128  # hidden state size per direction
    dropout: float = 0.3  # on pooled features and between stacked layers
    pooling: str = "max"  # "last", "max" or "mean" over the outputs
    epochs: int | None = 6  # passes over the training texts; None = automatic (see `suggest_epochs`)
    batch_size: int = 32  # texts per optimisation step
    learning_rate: float = 2e-3  # AdamW peak learning rate (after warmup)
    weight_decay: float = 0.01  # AdamW decoupled weight decay
    warmup_fraction: float = 0.1  # share of all steps spent ramping the learning rate up from 0
    clip_norm: float = 1.0  # gradient norm cap: recurrent nets occasionally explode
    patience: int | None = 2  # epochs without a better validation macro-F1 before stopping; None = automatic
    seed: int = 0  # seeds the split, initialisation, shuffling and dropout
    max_length: int | None = None  # tokens kept per text; None = 95th percentile of training lengths
    min_freq: int = 2  # a token needs this many occurrences in the training texts to get an id
    max_vocab_size: int = 30000  # at most this many ids (<pad>, <unk> included)
    lowercase: bool = True  # tokenizer lower-cases text
    validation_fraction: float = 0.2  # held-out share when no validation set is given
    device: str | None = None  # "cpu", "cuda", ...; None = core.device.select_device()
    num_threads: int | None = None  # torch CPU threads while training; None = leave the process setting
    report_every: int = 10  # steps between "step" records (fewer when an epoch has under 40 steps)
    max_misclassified: int = 50  # misclassified validation examples kept for the results page

    def __post_init__(self):
        positive = ("num_layers", "embed_size", "hidden_size", "epochs", "batch_size", "patience", "min_freq",
                    "report_every")
        for name in positive:
            value = getattr(self, name)
            if value is None and name in ("epochs", "patience"):
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.cell not in CELLS or self.pooling not in POOLINGS:
            raise ValueError(f"cell must be one of {sorted(CELLS)} and pooling one of {POOLINGS}")
        if not 0.0 <= self.dropout < 1.0 or not 0.0 < self.validation_fraction < 1.0:
            raise ValueError("dropout must be in [0, 1) and validation_fraction in (0, 1)")
        if not self.learning_rate > 0 or self.weight_decay < 0 or self.clip_norm < 0:
            raise ValueError("learning_rate must be > 0, weight_decay and clip_norm >= 0")
        if self.max_length is not None and self.max_length < 1:
            raise ValueError(f"max_length must be >= 1, got {self.max_length}")
        if self.max_vocab_size < 3:
            raise ValueError("max_vocab_size must leave room for <pad>, <unk> and one token")


@dataclass(frozen=True)
class TrainingRequest:
    """A picklable (data, config) pair: the single argument a background job passes on."""

    data: Any  # LabeledTexts, or a (train, validation) pair of them
    config: TrainingConfig = TrainingConfig()


def run_training_job(request: TrainingRequest, reporter) -> dict:
    """Job target for `core.jobs.JobManager.submit`: the same training as the CLI.

    A job's error is traceback text; a `DataError` also leaves as an ``"error"`` record first, with its code
    and params, so the page can show the message in the user's language instead of a traceback.
    """
    try:
        return train_classifier(request.data, request.config, reporter)
    except DataError as error:
        reporter.report({"kind": "error", "code": error.code, "params": dict(error.params)})
        raise


class _SilentReporter:
    def report(self, record: dict) -> None:
        pass

    def should_stop(self) -> bool:
        return False


MIN_STEPS = 300  # optimisation steps a small dataset still gets when epochs are automatic
MIN_EPOCHS, MAX_EPOCHS = 6, 30


def suggest_epochs(train_size: int, batch_size: int) -> tuple[int, int]:
    """(epochs, patience) suited to the amount of training data.

    Six epochs are plenty for thousands of texts, but a few hundred texts give only a handful of
    steps per epoch, and a model trained from scratch needs a few hundred steps: at least
    `MIN_STEPS` steps, between 6 and 30 epochs. Patience grows with the epochs (a fifth of them,
    at least 2), because small validation sets make the score noisy.
    """
    steps_per_epoch = max(1, math.ceil(train_size / batch_size))
    epochs = min(max(math.ceil(MIN_STEPS / steps_per_epoch), MIN_EPOCHS), MAX_EPOCHS)
    return epochs, max(2, epochs // 5)


def plan_epochs(config: TrainingConfig, train_size: int) -> tuple[int, int]:
    """(epochs, patience) of a run: the config's, with `suggest_epochs` filling in any that is None."""
    epochs = config.epochs or suggest_epochs(train_size, config.batch_size)[0]
    return epochs, config.patience or max(2, epochs // 5)


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _resolve_device(name: str | None) -> torch.device:
    if name:
        return torch.device(name)
    from core.device import select_device

    return select_device()


def _schedule(total_steps: int, warmup_fraction: float):
    """Linear warmup to the peak learning rate, then cosine decay to zero (a multiplier per step)."""
    warmup = max(1, int(total_steps * warmup_fraction))

    def multiplier(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total_steps - warmup)
        return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))

    return multiplier


def train_classifier(data, config: TrainingConfig = TrainingConfig(), reporter=None) -> dict:
    """Train, validate every epoch, keep the best epoch's weights (by validation macro-F1).

    Args:
        data: ``LabeledTexts`` (split with ``stratified_split``) or a ``(train, validation)`` pair.
        config: `TrainingConfig`.
        reporter: anything with ``report(dict)`` and ``should_stop()``; a stop request ends training
            early and still returns the best model so far.

    Returns:
        ``{"bundle": zip bytes (see core.classifier.bundle), "metrics": {...}, "history": [epoch records],
        "evaluation": classification report + misclassified validation texts, "labels", "stopped": bool}``.

    Raises:
        DataError: ``one_class`` when the training texts hold fewer than two labels,
            ``too_few_rows`` when the validation set is empty.
    """
    previous_threads = torch.get_num_threads()
    if config.num_threads:
        # Small recurrent matmuls gain little from threads, and on a busy machine threads that wait
        # for each other can make a step many times slower.
        torch.set_num_threads(config.num_threads)
    try:
        return _train(data, config, reporter or _SilentReporter())
    finally:
        torch.set_num_threads(previous_threads)


def _train(data, config: TrainingConfig, reporter) -> dict:
    started = time.perf_counter()
    _seed_everything(config.seed)
    prepared = prepare_data(data, lowercase=config.lowercase, min_freq=config.min_freq,
                            max_vocab_size=config.max_vocab_size, max_length=config.max_length,
                            validation_fraction=config.validation_fraction, seed=config.seed)
    device = _resolve_device(config.device)
    model = TextClassifier(ClassifierConfig(
        vocab_size=len(prepared.vocabulary), num_classes=len(prepared.label_names), cell=config.cell,
        bidirectional=config.bidirectional, num_layers=config.num_layers, embed_size=config.embed_size,
        hidden_size=config.hidden_size, dropout=config.dropout, pooling=config.pooling)).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    steps_per_epoch = math.ceil(len(prepared.train_ids) / config.batch_size)
    epochs, patience = plan_epochs(config, len(prepared.train_ids))
    total_steps = steps_per_epoch * epochs
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _schedule(total_steps, config.warmup_fraction))
    # At least four step records per epoch, so a small dataset still moves the progress bar.
    report_every = max(1, min(config.report_every, steps_per_epoch // 4))
    meter = ProgressMeter(total_steps=total_steps, started=started, report_every=report_every)
    shuffle_rng = np.random.default_rng(config.seed)
    reporter.report({"kind": "start", "device": str(device), "train_size": len(prepared.train_ids),
                     "val_size": len(prepared.val_ids), "vocab_size": len(prepared.vocabulary),
                     "max_length": prepared.max_length, "labels": prepared.label_names, "total_steps": total_steps,
                     "epochs": epochs, "patience": patience})

    history: list[dict] = []
    initial_state = _copy_state(model)
    best = {"macro_f1": -1.0, "state": None, "epoch": 0}
    stopped = early_stopped = diverged = False
    for epoch in range(1, epochs + 1):
        epoch_started = time.perf_counter()
        batches = bucket_batches([len(ids) for ids in prepared.train_ids], config.batch_size, shuffle_rng)
        train_loss, status = _train_epoch(model, optimizer, scheduler, prepared, batches, config, device,
                                          epoch, meter, reporter)
        stopped, diverged = status == "stopped", status == "diverged"
        if train_loss is None or diverged:  # nothing trained in this epoch, or the weights are no longer usable
            break
        probabilities, val_loss = predict_probabilities(model, prepared.val_ids, device=device, labels=prepared.val_y)
        report = classification_report(prepared.val_y, probabilities.argmax(axis=1), prepared.label_names)
        usable = all(bool(torch.isfinite(tensor).all()) for tensor in model.parameters())
        improved = usable and report["macro_f1"] > best["macro_f1"]
        if improved:
            best = {"macro_f1": report["macro_f1"], "epoch": epoch, "state": _copy_state(model)}
        record = {"kind": "epoch", "epoch": epoch, "train_loss": train_loss, "val_loss": val_loss,
                  "val_accuracy": report["accuracy"], "val_macro_f1": report["macro_f1"],
                  "seconds": time.perf_counter() - epoch_started, "best": improved, "partial": stopped}
        history.append(record)
        reporter.report(record)
        stopped = stopped or reporter.should_stop()
        if stopped:
            break
        if epoch - best["epoch"] >= patience:
            early_stopped = True
            break

    if best["state"] is not None:
        model.load_state_dict(best["state"])
    elif diverged:  # no epoch finished with usable weights: hand back the untrained model, flagged
        model.load_state_dict(initial_state)
    model = model.cpu().eval()
    probabilities, val_loss = predict_probabilities(model, prepared.val_ids, labels=prepared.val_y)
    evaluation = classification_report(prepared.val_y, probabilities.argmax(axis=1), prepared.label_names)
    evaluation["misclassified"] = misclassified(prepared.val_texts, prepared.val_y, probabilities,
                                                prepared.label_names, limit=config.max_misclassified)
    metrics = {
        "val_accuracy": evaluation["accuracy"], "val_macro_f1": evaluation["macro_f1"], "val_loss": val_loss,
        "best_epoch": best["epoch"], "epochs": len(history), "steps": meter.step, "stopped": stopped,
        "early_stopped": early_stopped, "diverged": diverged, "seconds": time.perf_counter() - started,
        "train_seconds": meter.train_seconds,
        "train_tokens_per_second": meter.real_tokens / meter.train_seconds if meter.train_seconds else 0.0,
        "train_size": len(prepared.train_ids), "val_size": len(prepared.val_ids),
        "vocab_size": len(prepared.vocabulary), "max_length": prepared.max_length, "device": str(device),
    }
    bundle = ClassifierBundle(model=model, vocabulary=prepared.vocabulary, label_names=prepared.label_names,
                              tokenizer=prepared.tokenizer, max_length=prepared.max_length,
                              metrics={key: evaluation[key] for key in
                                       ("accuracy", "macro_f1", "per_class", "confusion_matrix")})
    return {"bundle": save_bundle(bundle), "metrics": metrics, "history": history,
            "evaluation": evaluation, "labels": prepared.label_names, "stopped": stopped}


def _train_epoch(model, optimizer, scheduler, prepared, batches, config: TrainingConfig, device, epoch: int,
                 meter: ProgressMeter, reporter) -> tuple[float | None, str]:
    """One pass over the batches.

    Returns (mean training loss, or None if no step ran; "done", "stopped" or "diverged"). A loss
    that is no longer finite (a learning rate far too high) ends training before it spoils the weights.
    """
    model.train()
    total_loss, texts = 0.0, 0
    for indices in batches:
        if reporter.should_stop():
            return (total_loss / texts if texts else None), "stopped"
        step_started = time.perf_counter()
        token_ids, lengths = collate(prepared.train_ids, indices)  # (batch, max_len), (batch,)
        targets = torch.from_numpy(prepared.train_y[indices]).to(device)  # (batch,)
        logits = model(token_ids.to(device, non_blocking=True), lengths)  # (batch, num_classes)
        loss = nn.functional.cross_entropy(logits, targets)
        if not torch.isfinite(loss):
            return (total_loss / texts if texts else None), "diverged"
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.clip_norm:
            nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
        optimizer.step()
        scheduler.step()
        loss_value = loss.item()  # waits for the device, so the step time below is honest
        meter.add(loss_value, int(lengths.sum()), time.perf_counter() - step_started)
        total_loss += loss_value * len(indices)
        texts += len(indices)
        if meter.due():
            reporter.report(meter.record(epoch))
    return total_loss / texts, "done"


def _copy_state(model: nn.Module) -> dict:
    return {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()}
