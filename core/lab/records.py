"""Turn a lab job's flat record list into per-cell series the figures draw.

The page polls a job every second and redraws from ``job.records``; this module is the one place that knows the
record layout of :mod:`core.lab.training`, so pages and figure builders only see named series.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CellCurves:
    """Per-update series of one cell, all the same length."""

    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)           # ‖∇θ L‖ before clipping
    grad_norm_clipped: list[float] = field(default_factory=list)   # ‖∇θ L‖ the optimizer used
    clipped: list[bool] = field(default_factory=list)


@dataclass
class LabView:
    """Everything a lab job reported so far, grouped by cell."""

    start: dict | None = None
    curves: dict[str, CellCurves] = field(default_factory=dict)
    probes: dict[str, list[dict]] = field(default_factory=dict)   # per cell, oldest first
    end: dict | None = None
    records_read: int = 0  # how many of the job's records this view holds: `add` takes the ones after them

    @property
    def cells(self) -> list[str]:
        return list(self.start["cells"]) if self.start else list(self.curves)

    @property
    def steps_done(self) -> int:
        return max((curve.steps[-1] for curve in self.curves.values() if curve.steps), default=0)

    def latest_probe(self, cell: str) -> dict | None:
        probes = self.probes.get(cell, [])
        return probes[-1] if probes else None

    def first_probe(self, cell: str) -> dict | None:
        """The earliest probe (the untrained model), drawn faintly behind the latest one."""
        probes = self.probes.get(cell, [])
        return probes[0] if len(probes) > 1 else None

    def latest_gates(self, cell: str) -> tuple[int, dict] | None:
        """(step, gate name -> time × unit values) of the newest probe that carried gate heat maps."""
        for probe in reversed(self.probes.get(cell, [])):
            if probe.get("gates"):
                return probe["step"], probe["gates"]
        return None

    def add(self, records: list[dict]) -> "LabView":
        """Group these records, reported after the ones already held, into this view (returned).

        The live panel polls every second while a run trains; adding only what arrived since the last poll keeps
        a poll's cost flat instead of growing with every record of the run."""
        for record in records:
            kind = record.get("kind")
            if kind == "start":
                self.start = record
                for cell in record["cells"]:
                    self.curves.setdefault(cell, CellCurves())
                    self.probes.setdefault(cell, [])
            elif kind == "step":
                curve = self.curves.setdefault(record["cell"], CellCurves())
                curve.steps.append(record["step"])
                curve.loss.append(record["loss"])
                curve.accuracy.append(record["accuracy"])
                curve.grad_norm.append(record["grad_norm"])
                curve.grad_norm_clipped.append(record["grad_norm_clipped"])
                curve.clipped.append(record["clipped"])
            elif kind == "probe":
                self.probes.setdefault(record["cell"], []).append(record)
            elif kind == "end":
                self.end = record
        self.records_read += len(records)
        return self

    def clip_share(self, cell: str) -> float:
        """Share of updates so far whose gradient was clipped."""
        clipped = self.curves[cell].clipped if cell in self.curves else []
        return sum(clipped) / len(clipped) if clipped else 0.0


def collect(records: list[dict]) -> LabView:
    """Group ``records`` (in the order reported) into a :class:`LabView`."""
    return LabView().add(records)
