"""What one lab run trains: a frozen, picklable configuration (it crosses into the training process)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from core.lab.tasks import MAX_SEQ_LEN, MIN_SEQ_LEN, TASKS

CELLS = ("rnn", "lstm", "gru")
OPTIMIZERS = ("adam", "sgd", "rmsprop")
INITS = ("default", "orthogonal", "identity", "forget_bias_1")
MAX_HIDDEN_SIZE = 256
MAX_STEPS = 20_000
MAX_BATCH_SIZE = 512


def record_every_for(steps: int) -> int:
    """The recording interval the page uses: about 20 recordings per run, at most one per 50 steps. One recording
    costs a few training steps, so this keeps recording under 10 % of training time (bench/bench_lab.py)."""
    return max(50, steps // 20)


@dataclass(frozen=True)
class LabConfig:
    """Settings of one side-by-side run; every chosen cell trains on the same batches from the same seed."""

    task: str = "adding"              # "adding" (sum of two marked values) or "recall" (first token after distractors)
    seq_len: int = 60                 # T: steps between the first input and the answer
    hidden_size: int = 32             # units in each recurrent layer
    learning_rate: float = 1e-2       # step size of the optimizer
    optimizer: str = "adam"           # "adam", "sgd" or "rmsprop"
    clip: bool = True                 # rescale the gradient when its norm passes clip_threshold
    clip_threshold: float = 1.0       # the largest gradient norm an update may use
    init: str = "default"             # "default", "orthogonal", "identity" (RNN only), "forget_bias_1" (LSTM only)
    steps: int = 1500                 # optimizer updates per cell
    batch_size: int = 32              # sequences per update
    cells: tuple[str, ...] = CELLS    # which of "rnn", "lstm", "gru" train, side by side
    seed: int = 0                     # fixes the weights, the batch stream and the probe batch
    record_every: int = 75            # record on the probe batch every k steps (record_every_for(steps)); 0: never
    device: str | None = None         # "cpu", "cuda", ...; None lets core.device.select_device choose

    def __post_init__(self) -> None:
        # cells may arrive as a list (a multiselect's value); a tuple keeps the frozen config hashable.
        object.__setattr__(self, "cells", tuple(self.cells))
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))

    def problems(self) -> list[str]:
        """Every reason this configuration cannot run (empty when it can)."""
        found = []
        if self.task not in TASKS:
            found.append(f"task must be one of {TASKS}, got {self.task!r}")
        if not MIN_SEQ_LEN <= self.seq_len <= MAX_SEQ_LEN:
            found.append(f"seq_len must be in [{MIN_SEQ_LEN}, {MAX_SEQ_LEN}], got {self.seq_len}")
        if not 1 <= self.hidden_size <= MAX_HIDDEN_SIZE:
            found.append(f"hidden_size must be in [1, {MAX_HIDDEN_SIZE}], got {self.hidden_size}")
        if not self.learning_rate > 0:
            found.append(f"learning_rate must be positive, got {self.learning_rate}")
        if self.optimizer not in OPTIMIZERS:
            found.append(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if self.clip and not self.clip_threshold > 0:
            found.append(f"clip_threshold must be positive, got {self.clip_threshold}")
        if self.init not in INITS:
            found.append(f"init must be one of {INITS}, got {self.init!r}")
        if not 1 <= self.steps <= MAX_STEPS:
            found.append(f"steps must be in [1, {MAX_STEPS}], got {self.steps}")
        if not 1 <= self.batch_size <= MAX_BATCH_SIZE:
            found.append(f"batch_size must be in [1, {MAX_BATCH_SIZE}], got {self.batch_size}")
        if not self.cells or any(cell not in CELLS for cell in self.cells) or len(set(self.cells)) != len(self.cells):
            found.append(f"cells must be distinct names from {CELLS}, got {self.cells}")
        if self.record_every < 0:
            found.append(f"record_every must be 0 (never) or positive, got {self.record_every}")
        return found

    def to_dict(self) -> dict:
        """Plain values, for records and for showing the settings."""
        values = asdict(self)
        values["cells"] = list(self.cells)
        return values
