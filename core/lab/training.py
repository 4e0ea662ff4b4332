"""The lab's training job: every chosen cell learns the same task from the same batches, step by step together.

:func:`train_lab` is a job target (``core.jobs``): it runs in a background process and talks only through its
reporter, in records that pickle without code of ours (dicts of numbers, strings, lists and numpy arrays):

``{"kind": "start", ...}``
    the settings, the device, each cell's parameter count and the init it really got, the task's chance level.
``{"kind": "step", "cell", "step", "loss", "accuracy", "grad_norm", "grad_norm_clipped", "clipped"}``
    every optimizer update of every cell: the training batch's loss and accuracy, the gradient norm
    ‖∇θ L‖₂ over all parameters before and after clipping, and whether clipping fired. ``skipped`` is True
    when the gradient was not finite and the update was left out.
``{"kind": "probe", "cell", "step", ...}``
    every ``record_every`` steps (and before the first and after the last), on one fixed probe batch: the
    fields of :func:`core.lab.probe.probe_record`.
``{"kind": "end", "steps_done", "stopped", "train_seconds", "record_seconds"}``

Same configuration and seed -> the same batches, the same initial weights and so the same curves (on one device:
different hardware may round differently).
"""

from __future__ import annotations

import math
import time

import torch

from core.device import describe_device, select_device
from core.jobs import Reporter
from core.lab.config import LabConfig
from core.lab.model import LabModel, build_model
from core.lab.probe import gate_values_per_record, probe_record
from core.lab.tasks import Batch, Task, batch_stream, make_task, probe_batch

PROBE_BATCH_SIZE = 32
# Gate heat maps of long runs would pile up in the page's memory; past this many numbers per cell they are
# recorded on every n-th probe only (the gradient curves, which are small, stay on every probe).
GATE_VALUES_BUDGET = 150_000

OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop}


class CellRun:
    """One cell's model, optimizer and the update rule they share with the other cells."""

    def __init__(self, cell: str, config: LabConfig, task: Task, device: torch.device):
        model, self.init_applied = build_model(
            cell, task.input_size, config.hidden_size, task.output_size, config.init, config.seed
        )
        self.cell = cell
        self.model: LabModel = model.to(device)
        self.parameters = list(self.model.parameters())
        self.optimizer = OPTIMIZERS[config.optimizer](self.parameters, lr=config.learning_rate)
        self.clip_threshold = config.clip_threshold if config.clip else math.inf

    def train_step(self, task: Task, batch: Batch) -> dict:
        """One update on ``batch``; returns the step record's numbers."""
        self.optimizer.zero_grad(set_to_none=True)
        prediction = self.model(batch.inputs)  # (batch, output_size)
        loss = task.loss(prediction, batch.targets)
        loss.backward()
        # clip_grad_norm_ returns the norm before clipping and rescales in place when it is above the threshold.
        norm = float(torch.nn.utils.clip_grad_norm_(self.parameters, self.clip_threshold))
        finite = math.isfinite(norm)
        if finite:
            self.optimizer.step()  # a non-finite gradient would turn every weight into NaN; skip that update
        after = float(torch.nn.utils.get_total_norm([p.grad for p in self.parameters])) if finite else norm
        return {
            "loss": float(loss.detach()),
            "accuracy": float(task.correct(prediction.detach(), batch.targets).float().mean()),
            "grad_norm": norm,
            "grad_norm_clipped": after,
            "clipped": bool(finite and norm > self.clip_threshold),
            "skipped": not finite,
        }

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters)


def probe_steps(config: LabConfig) -> list[int]:
    """The steps after which the probe batch is recorded: 0 (untrained), every ``record_every``, and the last."""
    if config.record_every == 0:
        return []
    steps = list(range(0, config.steps, config.record_every))
    return steps + [config.steps] if steps[-1] != config.steps else steps


def gate_stride(config: LabConfig, task: Task) -> int:
    """Record gate heat maps on every n-th probe so one cell's heat maps stay within ``GATE_VALUES_BUDGET``."""
    per_record = max(gate_values_per_record(cell, task.seq_len, config.hidden_size) for cell in config.cells)
    return max(1, math.ceil(len(probe_steps(config)) * per_record / GATE_VALUES_BUDGET))


def train_lab(config: LabConfig, reporter: Reporter) -> dict:
    """Train every cell of ``config.cells`` side by side and report as described in the module docstring.

    Returns a summary: per cell the last probe loss and accuracy, plus steps done and timings.
    """
    device = torch.device(config.device) if config.device else select_device()
    task = make_task(config.task, config.seq_len)
    runs = [CellRun(cell, config, task, device) for cell in config.cells]
    stream = batch_stream(task, config.batch_size, config.seed)
    probe = _to_device(probe_batch(task, PROBE_BATCH_SIZE, config.seed), device)
    recorded_at = set(probe_steps(config))
    stride = gate_stride(config, task)
    reporter.report({
        "kind": "start",
        "config": config.to_dict(),
        "device": str(device),
        "device_name": describe_device(device),
        "cells": list(config.cells),
        "init_applied": {run.cell: run.init_applied for run in runs},
        "parameters": {run.cell: run.parameter_count() for run in runs},
        "chance_loss": task.chance_loss,
        "chance_accuracy": task.chance_accuracy,
        "is_classification": task.is_classification,
    })
    train_seconds = record_seconds = 0.0
    latest: dict[str, dict] = {}
    probes_done = 0

    def record(step: int, final: bool = False) -> None:
        nonlocal record_seconds, probes_done
        started = time.perf_counter()
        with_gates = final or step == config.steps or probes_done % stride == 0
        for run in runs:
            values = probe_record(run.model, task, probe, with_gates)
            latest[run.cell] = values
            reporter.report({"kind": "probe", "cell": run.cell, "step": step, **values})
        probes_done += 1
        record_seconds += time.perf_counter() - started

    steps_done = 0
    stopped = False
    if 0 in recorded_at:
        record(0)
    for step in range(1, config.steps + 1):
        if reporter.should_stop():
            stopped = True
            break
        batch = _to_device(next(stream), device)
        started = time.perf_counter()
        results = [run.train_step(task, batch) for run in runs]  # interleaved: the curves advance together
        train_seconds += time.perf_counter() - started
        for run, values in zip(runs, results):
            reporter.report({"kind": "step", "cell": run.cell, "step": step, **values})
        steps_done = step
        if step in recorded_at:
            record(step)
    if stopped and steps_done not in recorded_at and config.record_every:
        record(steps_done, final=True)  # the page keeps a final picture of where the stopped run got to
    reporter.report({"kind": "end", "steps_done": steps_done, "stopped": stopped,
                     "train_seconds": train_seconds, "record_seconds": record_seconds})
    return {
        "steps_done": steps_done,
        "stopped": stopped,
        "train_seconds": train_seconds,
        "record_seconds": record_seconds,
        "final": {cell: {"loss": values["loss"], "accuracy": values["accuracy"]} for cell, values in latest.items()},
    }


def _to_device(batch: Batch, device: torch.device) -> Batch:
    return Batch(inputs=batch.inputs.to(device), targets=batch.targets.to(device))
