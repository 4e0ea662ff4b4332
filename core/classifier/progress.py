"""Step records for a training run: steps, real (unpadded) tokens, pure training time, and an ETA."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class ProgressMeter:
    """Steps, real (unpadded) tokens and pure training time, plus the window of the next step record."""

    total_steps: int
    started: float
    report_every: int
    step: int = 0
    real_tokens: int = 0
    train_seconds: float = 0.0
    window_loss: float = 0.0
    window_steps: int = 0
    window_tokens: int = 0
    window_seconds: float = 0.0

    def add(self, loss: float, tokens: int, seconds: float) -> None:
        self.step += 1
        self.real_tokens += tokens
        self.train_seconds += seconds
        self.window_loss += loss
        self.window_steps += 1
        self.window_tokens += tokens
        self.window_seconds += seconds

    def due(self) -> bool:
        """Whether the step just added should be reported (every `report_every` steps, and the last one)."""
        return self.step % self.report_every == 0 or self.step == self.total_steps

    def record(self, epoch: int) -> dict:
        """The "step" record for the window since the last one (and start a new window)."""
        progress = self.step / self.total_steps
        elapsed = time.perf_counter() - self.started
        record = {"kind": "step", "step": self.step, "epoch": epoch, "loss": self.window_loss / self.window_steps,
                  "tokens_per_second": self.window_tokens / max(self.window_seconds, 1e-9),
                  "progress": progress, "eta_seconds": elapsed / progress * (1.0 - progress)}
        self.window_loss, self.window_steps, self.window_tokens, self.window_seconds = 0.0, 0, 0, 0.0
        return record
