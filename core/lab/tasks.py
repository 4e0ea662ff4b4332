"""Long-range tasks where the answer depends on something seen ``seq_len - 1`` steps before the model must answer.

Both tasks are generated on the fly from a seeded ``torch.Generator``, so a seed fixes every batch.

Shapes (letters used below):
    B = batch_size, T = seq_len, D = input_size of the task.

Recall ("remember the first token"):
    x_1 is a one-hot cue, one of ``num_symbols`` symbols; x_2 .. x_{T-1} are random distractor tokens (drawn from
    their own ``num_distractors`` symbols, so they never look like a cue); x_T is a query marker. The target at the
    last step is the cue's index, so the gradient of the loss must reach back T - 1 steps to step 1.
    Chance accuracy is 1 / num_symbols.

Adding problem (Hochreiter & Schmidhuber 1997; the variant of Le et al. 2015):
    every step carries two channels: a value u_t ~ U(0, 1) and a marker m_t ∈ {0, 1}. Exactly two steps are marked,
    one in the first half and one in the second half; the target is their sum Σ_t m_t u_t (a regression). A model
    that ignores the markers can only predict the mean, 1.0, with mean squared error Var(u_a + u_b) = 1/6.
    A prediction counts as correct when it is within ``tolerance`` of the sum (0.04, as in the 1997 paper).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import torch
import torch.nn.functional as F
from torch import Tensor

TASKS = ("recall", "adding")
MIN_SEQ_LEN = 5
MAX_SEQ_LEN = 200


@dataclass(frozen=True)
class Batch:
    """One batch of a task."""

    inputs: Tensor   # (batch, seq_len, input_size) float
    targets: Tensor  # (batch,) long class index (recall) or float sum (adding)


@dataclass(frozen=True)
class RecallTask:
    """Output the first token after ``seq_len - 2`` distractors and a query marker (see the module docstring)."""

    seq_len: int
    num_symbols: int = 8        # cues to tell apart; chance accuracy is 1 / num_symbols
    num_distractors: int = 8    # filler tokens, disjoint from the cues so the cue is the only signal

    name = "recall"
    is_classification = True

    @property
    def input_size(self) -> int:
        return self.num_symbols + self.num_distractors + 1  # cues, distractors, query marker

    @property
    def output_size(self) -> int:
        return self.num_symbols

    @property
    def chance_loss(self) -> float:
        """Cross-entropy of a uniform guess: ln K."""
        return float(torch.log(torch.tensor(float(self.num_symbols))))

    @property
    def chance_accuracy(self) -> float:
        return 1.0 / self.num_symbols

    def sample(self, batch_size: int, generator: torch.Generator) -> Batch:
        cue = torch.randint(self.num_symbols, (batch_size,), generator=generator)  # (batch,)
        distractors = torch.randint(
            self.num_distractors, (batch_size, self.seq_len - 2), generator=generator
        ) + self.num_symbols  # (batch, seq_len - 2)
        query = torch.full((batch_size, 1), self.input_size - 1)  # (batch, 1)
        tokens = torch.cat([cue[:, None], distractors, query], dim=1)  # (batch, seq_len)
        inputs = F.one_hot(tokens, self.input_size).float()  # (batch, seq_len, input_size)
        return Batch(inputs=inputs, targets=cue)

    def loss(self, prediction: Tensor, targets: Tensor, reduction: str = "mean") -> Tensor:
        """Cross-entropy of logits ``prediction`` (batch, num_symbols) against the cue."""
        return F.cross_entropy(prediction, targets, reduction=reduction)

    def correct(self, prediction: Tensor, targets: Tensor) -> Tensor:
        """(batch,) bool: the most likely symbol is the cue."""
        return prediction.argmax(dim=-1) == targets


@dataclass(frozen=True)
class AddingTask:
    """Sum the two marked values (see the module docstring)."""

    seq_len: int
    tolerance: float = 0.04     # |prediction - sum| below this counts as correct

    name = "adding"
    is_classification = False
    input_size = 2              # value channel, marker channel
    output_size = 1

    @property
    def chance_loss(self) -> float:
        """MSE of always predicting the mean sum 1.0: Var(u_a + u_b) = 2 · 1/12."""
        return 1.0 / 6.0

    @property
    def chance_accuracy(self) -> float:
        """P(|u_a + u_b - 1| < tol) for the constant guess 1.0: the triangular density is 1 near 1, so ≈ 2·tol."""
        return 2 * self.tolerance - self.tolerance**2

    def sample(self, batch_size: int, generator: torch.Generator) -> Batch:
        half = self.seq_len // 2
        values = torch.rand((batch_size, self.seq_len), generator=generator)  # (batch, seq_len)
        first = torch.randint(half, (batch_size,), generator=generator)  # (batch,)
        second = half + torch.randint(self.seq_len - half, (batch_size,), generator=generator)  # (batch,)
        markers = torch.zeros((batch_size, self.seq_len))  # (batch, seq_len)
        rows = torch.arange(batch_size)
        markers[rows, first] = 1.0
        markers[rows, second] = 1.0
        inputs = torch.stack([values, markers], dim=-1)  # (batch, seq_len, 2)
        targets = (values * markers).sum(dim=1)  # (batch,)
        return Batch(inputs=inputs, targets=targets)

    def loss(self, prediction: Tensor, targets: Tensor, reduction: str = "mean") -> Tensor:
        """Mean squared error of ``prediction`` (batch, 1) against the sum."""
        return F.mse_loss(prediction.squeeze(-1), targets, reduction=reduction)

    def correct(self, prediction: Tensor, targets: Tensor) -> Tensor:
        """(batch,) bool: within ``tolerance`` of the sum."""
        return (prediction.squeeze(-1) - targets).abs() < self.tolerance


Task = RecallTask | AddingTask


def make_task(name: str, seq_len: int) -> Task:
    """The task called ``name`` ("recall" or "adding") with sequences of ``seq_len`` steps."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; expected one of {TASKS}")
    if not MIN_SEQ_LEN <= seq_len <= MAX_SEQ_LEN:
        raise ValueError(f"seq_len must be in [{MIN_SEQ_LEN}, {MAX_SEQ_LEN}], got {seq_len}")
    return RecallTask(seq_len) if name == "recall" else AddingTask(seq_len)


def batch_stream(task: Task, batch_size: int, seed: int) -> Iterator[Batch]:
    """An endless, reproducible stream of batches: the same seed gives the same batches in the same order."""
    generator = torch.Generator().manual_seed(seed)
    while True:
        yield task.sample(batch_size, generator)


def probe_batch(task: Task, batch_size: int, seed: int) -> Batch:
    """A fixed batch, drawn apart from the training stream, on which every recording is made."""
    generator = torch.Generator().manual_seed(seed + 1_000_003)  # a different stream from batch_stream(seed)
    return task.sample(batch_size, generator)
