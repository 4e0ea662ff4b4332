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

The result is a frozen, picklable `TrainingResult` (core.classifier.results); see `train_classifier`.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict, replace

import numpy as np
import torch
from torch import nn

from core.classifier import distributed, settings
from core.classifier.baseline import fit_baseline
from core.classifier.batching import bucket_batches, collate, collate_ngrams, collate_subwords
from core.classifier.bundle import MAX_PARAMETERS, ClassifierBundle, check_model_size, save_bundle
from core.classifier.distributed import local_device
from core.classifier.evaluate import classification_report, misclassified, predict_probabilities
from core.classifier.model import ClassifierConfig, TextClassifier, count_parameters
from core.classifier.prepare import prepare_data
from core.classifier.progress import ProgressMeter
from core.classifier.results import EpochRecord, TrainingMetrics, TrainingResult
from core.classifier.settings import (TrainingConfig, TrainingRequest, plan_epochs,  # noqa: F401 (re-exported)
                                      suggest_epochs)
from core.textdata.errors import DataError
from core.textdata.ngrams import distinct_hashes, hash_ngrams, to_buckets
from core.textdata.subwords import distinct_ngrams, encode_subwords
from core.textdata.tokenize import PAD_ID, UNK_ID


def run_training_job(request: TrainingRequest, reporter) -> TrainingResult:
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


MAX_BIGRAM_BUCKETS = 50_000
MIN_BIGRAM_BUCKETS = 512


def suggest_bigram_buckets(train_ids, config: ClassifierConfig) -> int:
    """Rows for hashed token-pair embeddings: twice the distinct pairs in the training texts (so few of them
    share a row), at most `MAX_BIGRAM_BUCKETS` and at most half of the parameters the bundle limit leaves."""
    pairs = {(previous, current) for ids in train_ids for previous, current in zip([0] + ids[:-1], ids)}
    room = (MAX_PARAMETERS - count_parameters(config)) // (2 * config.embed_size)
    buckets = min(2 * len(pairs), MAX_BIGRAM_BUCKETS, room)
    return buckets if buckets >= MIN_BIGRAM_BUCKETS else 0


MAX_SUBWORD_BUCKETS = 50_000
MIN_SUBWORD_BUCKETS = 512


def suggest_subword_buckets(train_tokens, config: ClassifierConfig) -> int:
    """Rows for hashed character n-gram embeddings: twice the distinct n-grams of the training tokens (plus the
    padding row), at most `MAX_SUBWORD_BUCKETS` and at most half of the parameters the bundle limit leaves."""
    room = (MAX_PARAMETERS - count_parameters(config)) // (2 * config.embed_size)
    buckets = min(2 * distinct_ngrams(train_tokens) + 1, MAX_SUBWORD_BUCKETS, room)
    return buckets if buckets >= MIN_SUBWORD_BUCKETS else 0


MAX_NGRAM_BUCKETS = 262_144
MIN_NGRAM_BUCKETS = 1024


def suggest_ngram_buckets(train_hashes, config: ClassifierConfig) -> int:
    """Rows of the linear n-gram path: twice the distinct word/character n-grams of the training texts (their
    `core.textdata.ngrams.hash_ngrams`; plus the padding row), at most `MAX_NGRAM_BUCKETS` and at most half of the
    parameters the bundle limit leaves (C weights a row)."""
    room = (MAX_PARAMETERS - count_parameters(config)) // (2 * config.num_classes)
    buckets = min(2 * distinct_hashes(train_hashes) + 1, MAX_NGRAM_BUCKETS, room)
    return buckets if buckets >= MIN_NGRAM_BUCKETS else 0


def classifier_config(config: TrainingConfig, prepared, train_hashes=None) -> ClassifierConfig:
    """The shape of the model a run trains on this prepared data (pair and n-gram tables sized from it when
    automatic; train_hashes: the training texts' `hash_ngrams`, computed here when needed and not given)."""
    model_config = config.model_shape(len(prepared.vocabulary), len(prepared.label_names),
                                      subword_buckets=config.subword_buckets or 0)
    buckets = config.bigram_buckets
    if buckets is None:
        buckets = suggest_bigram_buckets(prepared.train_ids, model_config)
    model_config = replace(model_config, bigram_buckets=buckets)
    if config.subword_buckets is None:
        model_config = replace(model_config, subword_buckets=suggest_subword_buckets(prepared.train_tokens,
                                                                                     model_config))
    ngram_buckets = config.ngram_buckets
    if ngram_buckets is None:
        if train_hashes is None:
            train_hashes = hash_ngrams(prepared.train_texts, config.lowercase)
        ngram_buckets = suggest_ngram_buckets(train_hashes, model_config)
    return replace(model_config, ngram_buckets=ngram_buckets)


def ngram_inputs(prepared, model_config: ClassifierConfig, lowercase: bool, train_hashes=None):
    """(training, validation) per-text n-gram buckets for a model with a linear n-gram path, else (None, None).

    The linear path reads each whole text, as the baseline does, not only its first max_length tokens."""
    if not model_config.ngram_buckets:
        return None, None
    if train_hashes is None:
        train_hashes = hash_ngrams(prepared.train_texts, lowercase)
    return (to_buckets(train_hashes, model_config.ngram_buckets),
            to_buckets(hash_ngrams(prepared.val_texts, lowercase), model_config.ngram_buckets))


def subword_inputs(prepared, model_config: ClassifierConfig):
    """(training, validation) per-token n-gram buckets for a model with an n-gram table, else (None, None)."""
    if not model_config.subword_buckets:
        return None, None
    return (encode_subwords(prepared.train_tokens, model_config.subword_buckets),
            encode_subwords(prepared.val_tokens, model_config.subword_buckets))


def make_optimizer(model: nn.Module, config: TrainingConfig, device: torch.device) -> torch.optim.AdamW:
    """AdamW over every weight; the fused kernel on CPU and CUDA. The linear n-gram path's table is a group of its
    own: NGRAM_LR_SCALE times the learning rate, NGRAM_WEIGHT_DECAY (core.classifier.settings).

    Fused: one pass over each weight tensor per step instead of a dozen element-wise operations, each
    allocating. The embedding tables are most of the weights (every row is decayed and moved each step), so on
    a CPU the plain loop spent more time in the optimizer than in the network: 21,349 n-gram rows, 50 steps,
    one thread, 3.1 s -> 0.26 s (same update, same numbers up to rounding).
    """
    linear = [model.ngrams.weight] if model.config.ngram_buckets else []
    rest = [parameter for parameter in model.parameters() if all(parameter is not other for other in linear)]
    groups = [{"params": rest}]
    if linear:
        groups.append({"params": linear, "lr": config.learning_rate * settings.NGRAM_LR_SCALE,
                       "weight_decay": settings.NGRAM_WEIGHT_DECAY})
    return torch.optim.AdamW(groups, lr=config.learning_rate, weight_decay=config.weight_decay,
                             fused=True if device.type in ("cpu", "cuda") else None)


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


def train_classifier(data, config: TrainingConfig = TrainingConfig(), reporter=None) -> TrainingResult:
    """Train, validate every epoch, keep the best epoch's weights (by validation macro-F1).

    Args:
        data: ``LabeledTexts`` (split with ``stratified_split``) or a ``(train, validation)`` pair.
        config: `TrainingConfig`.
        reporter: anything with ``report(dict)`` and ``should_stop()``; a stop request ends training
            early and still returns the best model so far.

    Returns:
        `TrainingResult`: bundle zip bytes, metrics, epoch history, the validation evaluation with its
        mistakes, and (when ``config.baseline``) the TF-IDF + logistic regression baseline on the same split.

    Raises:
        DataError: ``one_class`` when the training texts hold fewer than two labels,
            ``too_few_rows`` when the validation set is empty.
    """
    previous_threads = torch.get_num_threads()
    if config.num_threads:
        # Small recurrent matmuls gain little from threads, and on a busy machine threads that wait
        # for each other can make a step many times slower.
        torch.set_num_threads(config.num_threads)
    device = _resolve_device(local_device(config.device))
    ranks = distributed.start(device)
    reporter = reporter or _SilentReporter()
    try:
        result = _train(data, config, reporter if ranks.is_main else _SilentReporter(), device, ranks)
        distributed.wait_for_all(ranks)
        return result
    finally:
        distributed.finish(ranks)
        torch.set_num_threads(previous_threads)


def _train(data, config: TrainingConfig, reporter, device: torch.device,
           ranks: distributed.Ranks) -> TrainingResult:
    started = time.perf_counter()
    _seed_everything(config.seed)
    prepared = prepare_data(data, lowercase=config.lowercase, min_freq=config.min_freq,
                            max_vocab_size=config.max_vocab_size, max_length=config.max_length,
                            validation_fraction=config.validation_fraction, seed=config.seed)
    # the training texts' n-grams, hashed once: they size the linear path's table and fill it
    train_hashes = hash_ngrams(prepared.train_texts, config.lowercase) if config.ngram_buckets != 0 else None
    model_config = classifier_config(config, prepared, train_hashes)
    check_model_size(model_config, prepared.vocabulary)  # a model that could not be uploaded back: refuse now
    train_subwords, val_subwords = subword_inputs(prepared, model_config)
    train_ngrams, val_ngrams = ngram_inputs(prepared, model_config, config.lowercase, train_hashes)
    model = TextClassifier(model_config).to(device)
    network = distributed.wrap(model, ranks, device)  # what the steps call: DDP when torchrun started us
    optimizer = make_optimizer(model, config, device)
    steps_per_epoch = len(ranks.whole_batches(bucket_batches([len(ids) for ids in prepared.train_ids],
                                                             config.batch_size)))
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

    history: list[EpochRecord] = []
    initial_state = _copy_state(model)
    best_f1, best_epoch, best_state = -1.0, 0, None
    stopped = early_stopped = diverged = False
    for epoch in range(1, epochs + 1):
        epoch_started = time.perf_counter()
        batches = ranks.whole_batches(bucket_batches([len(ids) for ids in prepared.train_ids], config.batch_size,
                                                     shuffle_rng))
        train_loss, status = _train_epoch(network, optimizer, scheduler, prepared, (train_subwords, train_ngrams),
                                          batches, config, device, epoch, meter, reporter, ranks)
        stopped, diverged = status == "stopped", status == "diverged"
        if train_loss is None or diverged:  # nothing trained in this epoch, or the weights are no longer usable
            break
        probabilities, val_loss = predict_probabilities(model, prepared.val_ids, device=device, labels=prepared.val_y,
                                                        subwords=val_subwords, ngrams=val_ngrams)
        report = classification_report(prepared.val_y, probabilities.argmax(axis=1), prepared.label_names)
        usable = all(bool(torch.isfinite(tensor).all()) for tensor in model.parameters())
        # Every rank validated the same weights; rank 0's score decides, so all ranks take the same path.
        improved = usable and ranks.agree(report.macro_f1, device) > best_f1
        if improved:
            best_f1, best_epoch, best_state = report.macro_f1, epoch, _copy_state(model)
        record = EpochRecord(epoch=epoch, train_loss=train_loss, val_loss=val_loss, val_accuracy=report.accuracy,
                             val_macro_f1=report.macro_f1, seconds=time.perf_counter() - epoch_started,
                             best=improved, partial=stopped)
        history.append(record)
        reporter.report(record.record())
        stopped = ranks.any(stopped or reporter.should_stop(), device)
        if stopped:
            break
        if epoch - best_epoch >= patience:
            early_stopped = True
            break

    if best_state is not None:
        model.load_state_dict(best_state)
    elif diverged:  # no epoch finished with usable weights: hand back the untrained model, flagged
        model.load_state_dict(initial_state)
    model = model.cpu().eval()
    probabilities, val_loss = predict_probabilities(model, prepared.val_ids, labels=prepared.val_y,
                                                    subwords=val_subwords, ngrams=val_ngrams)
    evaluation = classification_report(prepared.val_y, probabilities.argmax(axis=1), prepared.label_names)
    evaluation = replace(evaluation, misclassified=misclassified(
        prepared.val_texts, prepared.val_y, probabilities, prepared.label_names, limit=config.max_misclassified))
    baseline = None
    if config.baseline and ranks.is_main:
        baseline = fit_baseline(prepared.train_texts, prepared.train_y, prepared.val_texts, prepared.val_y,
                                len(prepared.label_names), lowercase=config.lowercase)
    metrics = TrainingMetrics(
        val_accuracy=evaluation.accuracy, val_macro_f1=evaluation.macro_f1, val_loss=val_loss,
        best_epoch=best_epoch, epochs=len(history), steps=meter.step, stopped=stopped,
        early_stopped=early_stopped, diverged=diverged, seconds=time.perf_counter() - started,
        train_seconds=meter.train_seconds,
        train_tokens_per_second=meter.real_tokens / meter.train_seconds if meter.train_seconds else 0.0,
        train_size=len(prepared.train_ids), val_size=len(prepared.val_ids), vocab_size=len(prepared.vocabulary),
        max_length=prepared.max_length, device=str(device))
    stored = asdict(evaluation)
    card = {key: stored[key] for key in ("accuracy", "macro_f1", "per_class", "confusion_matrix")}
    card.update(train_size=metrics.train_size, val_size=metrics.val_size)
    if baseline is not None:
        card["baseline"] = asdict(baseline)
    bundle = ClassifierBundle(model=model, vocabulary=prepared.vocabulary, label_names=prepared.label_names,
                              tokenizer=prepared.tokenizer, max_length=prepared.max_length, metrics=card)
    return TrainingResult(bundle=save_bundle(bundle), metrics=metrics, history=tuple(history),
                          evaluation=evaluation, labels=tuple(prepared.label_names), baseline=baseline)


def _train_epoch(network, optimizer, scheduler, prepared, inputs, batches, config: TrainingConfig, device,
                 epoch: int, meter: ProgressMeter, reporter, ranks: distributed.Ranks) -> tuple[float | None, str]:
    """One pass over the batches (this rank's share of each, see core.classifier.distributed).

    inputs: (per-token character n-gram buckets, per-text n-gram buckets of the linear path), each None when the
    model has no such table. Returns (mean training loss, or None if no step ran; "done", "stopped" or "diverged");
    the loss is the model's cross-entropy, without the linear path's own term that is also minimised. A loss
    that is no longer finite (a learning rate far too high) ends training before it spoils the weights.
    """
    network.train()
    subwords, ngrams = inputs
    total_loss, texts = 0.0, 0
    for batch in batches:
        if ranks.any(reporter.should_stop(), device):
            return (total_loss / texts if texts else None), "stopped"
        step_started = time.perf_counter()
        indices = ranks.share(batch)
        token_ids, lengths = collate(prepared.train_ids, indices)  # (share, max_len), (share,)
        if config.word_dropout:  # real tokens read as <unk> at random (padding stays padding)
            # A dropped token keeps its n-grams: exactly what a word unseen in training looks like to the model.
            dropped = (torch.rand(token_ids.shape) < config.word_dropout) & (token_ids != PAD_ID)
            token_ids = token_ids.masked_fill(dropped, UNK_ID)
        subword_ids = None
        if subwords is not None:
            subword_ids = collate_subwords(subwords, indices, token_ids.shape[1]).to(device, non_blocking=True)
        ngram_ids = None
        if ngrams is not None:
            ngram_ids = collate_ngrams(ngrams, indices)
            if settings.NGRAM_DROPOUT:
                ngram_ids = ngram_ids.masked_fill(torch.rand(ngram_ids.shape) < settings.NGRAM_DROPOUT, 0)
            ngram_ids = ngram_ids.to(device, non_blocking=True)
        targets = torch.from_numpy(prepared.train_y[indices]).to(device)  # (share,)
        logits = network(token_ids.to(device, non_blocking=True), lengths, subword_ids, ngram_ids)  # (share, C)
        loss = nn.functional.cross_entropy(logits, targets)  # the model's loss: what is reported
        objective = loss
        if ngrams is not None and settings.NGRAM_AUX_LOSS:
            # The linear path also learns to classify alone, so that the recurrent path, fitting the training
            # texts first, does not leave it without a gradient (DDP's wrapper holds the model as .module).
            linear = getattr(network, "module", network).linear_logits(ngram_ids)  # (share, C)
            objective = loss + settings.NGRAM_AUX_LOSS * nn.functional.cross_entropy(linear, targets)
        if ranks.any(not torch.isfinite(objective), device):
            return (total_loss / texts if texts else None), "diverged"
        optimizer.zero_grad(set_to_none=True)
        objective.backward()
        if config.clip_norm:
            nn.utils.clip_grad_norm_(network.parameters(), config.clip_norm)
        optimizer.step()
        scheduler.step()
        loss_value = loss.item()  # waits for the device, so the step time below is honest
        # Tokens of the whole batch (all ranks' shares): the job's throughput, not one rank's.
        batch_tokens = int(lengths.sum()) if not ranks.active else sum(len(prepared.train_ids[i]) for i in batch)
        meter.add(loss_value, batch_tokens, time.perf_counter() - step_started)
        total_loss += loss_value * len(indices)
        texts += len(indices)
        if meter.due():
            reporter.report(meter.record(epoch))
    return total_loss / texts, "done"


def _copy_state(model: nn.Module) -> dict:
    return {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()}
