"""train_lab run in-process: reproducible, stoppable, honest about clipping, and the LSTM beats the RNN."""

import math

import numpy as np
import pytest
import torch

from core.jobs import ListReporter
from core.lab.config import LabConfig
from core.lab.model import build_model
from core.lab.records import LabView, collect
from core.lab.training import GATE_VALUES_BUDGET, gate_stride, probe_steps, train_lab
from core.lab.tasks import make_task

SMALL = dict(task="recall", seq_len=8, hidden_size=6, steps=12, batch_size=8, record_every=5, device="cpu")


def _run(**settings) -> tuple[list[dict], dict]:
    reporter = ListReporter()
    result = train_lab(LabConfig(**{**SMALL, **settings}), reporter)
    return reporter.records, result


def test_a_view_grown_poll_by_poll_equals_one_built_at_the_end():
    """The live panel adds only the records that arrived since its last poll (LabView.add)."""
    records, _ = _run()
    grown = LabView()
    for cut in (0, 1, 7, 8, 30, len(records) - 1, len(records)):  # polls that saw this many records
        grown.add(records[grown.records_read:cut])
    assert grown == collect(records) and grown.records_read == len(records)
    assert grown.curves["lstm"].steps == list(range(1, 13)) and grown.end == records[-1]


def test_records_layout_and_schedule():
    records, result = _run()
    view = collect(records)
    assert records[0]["kind"] == "start" and records[-1]["kind"] == "end"
    assert view.cells == ["rnn", "lstm", "gru"] and view.start["device"] == "cpu"
    for cell in view.cells:
        assert view.curves[cell].steps == list(range(1, 13))
        assert [probe["step"] for probe in view.probes[cell]] == [0, 5, 10, 12]
        assert all(len(probe["hidden_grad"]) == 8 for probe in view.probes[cell])
    assert result["steps_done"] == 12 and not result["stopped"]
    assert set(result["final"]) == {"rnn", "lstm", "gru"}
    # Interleaved: each step's records come for every cell before the next step starts.
    steps = [(r["step"], r["cell"]) for r in records if r["kind"] == "step"]
    assert steps[:3] == [(1, "rnn"), (1, "lstm"), (1, "gru")]


def _plain(value):
    """A record's value with its arrays as lists, so whole records compare with ==."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def test_same_seed_gives_the_same_records_and_another_seed_does_not():
    first, _ = _run(seed=4)
    again, _ = _run(seed=4)
    other, _ = _run(seed=5)
    numbers = lambda records: [{k: _plain(v) for k, v in r.items() if not k.endswith("seconds")} for r in records]
    assert numbers(first) == numbers(again)
    assert numbers(first) != numbers(other)


def test_each_cell_trains_the_same_whatever_trains_beside_it():
    alone, _ = _run(cells=("lstm",), seed=2)
    together, _ = _run(cells=("rnn", "lstm"), seed=2)
    lstm = lambda records: [r["loss"] for r in records if r.get("cell") == "lstm" and r["kind"] == "step"]
    assert lstm(alone) == lstm(together)


def test_stop_is_cooperative_and_keeps_a_final_picture():
    reporter = ListReporter()
    reporter_report = reporter.report

    def report(record):
        reporter_report(record)
        if record["kind"] == "step" and record["step"] == 3 and record["cell"] == "gru":
            reporter.stop()

    reporter.report = report
    result = train_lab(LabConfig(**{**SMALL, "steps": 1000}), reporter)
    assert result["stopped"] and result["steps_done"] == 3
    view = collect(reporter.records)
    assert view.end["stopped"] and view.steps_done == 3
    assert view.latest_probe("lstm")["step"] == 3 and view.latest_gates("lstm")[0] == 3


def test_clipping_is_reported_as_it_happened():
    records, _ = _run(clip=True, clip_threshold=1e-3)
    steps = [r for r in records if r["kind"] == "step"]
    assert all(r["clipped"] for r in steps)
    assert all(r["grad_norm_clipped"] == pytest.approx(1e-3, rel=1e-3) for r in steps)
    records, _ = _run(clip=False)
    steps = [r for r in records if r["kind"] == "step"]
    assert not any(r["clipped"] for r in steps)
    assert all(r["grad_norm_clipped"] == pytest.approx(r["grad_norm"], rel=1e-6) for r in steps)


def test_inits_do_what_they_say():
    rnn, applied = build_model("rnn", 3, 4, 2, "identity", seed=0)
    assert applied == "identity" and torch.equal(rnn.recurrent.weight_hh_l0.detach(), torch.eye(4))
    gru, applied = build_model("gru", 3, 4, 2, "identity", seed=0)
    assert applied == "default"
    lstm, applied = build_model("lstm", 3, 4, 2, "forget_bias_1", seed=0)
    forget_bias = lstm.recurrent.bias_ih_l0[4:8] + lstm.recurrent.bias_hh_l0[4:8]
    assert applied == "forget_bias_1" and torch.equal(forget_bias.detach(), torch.ones(4))
    lstm, _ = build_model("lstm", 3, 4, 2, "orthogonal", seed=0)
    for block in lstm.recurrent.weight_hh_l0.detach().chunk(4):
        torch.testing.assert_close(block @ block.T, torch.eye(4), atol=1e-5, rtol=0)
    default, _ = build_model("lstm", 3, 4, 2, "default", seed=0)
    again, _ = build_model("lstm", 3, 4, 2, "default", seed=0)
    assert all(torch.equal(a, b) for a, b in zip(default.parameters(), again.parameters()))


def test_gate_heat_maps_are_thinned_to_a_budget():
    config = LabConfig(seq_len=200, hidden_size=128, steps=5000, record_every=10)
    stride = gate_stride(config, make_task(config.task, config.seq_len))
    shown = math.ceil(len(probe_steps(config)) / stride)
    assert stride > 1 and shown * 3 * 200 * 128 <= GATE_VALUES_BUDGET + 3 * 200 * 128
    assert gate_stride(LabConfig(), make_task("adding", 60)) == 1
    assert probe_steps(LabConfig(steps=10, record_every=0)) == []


def test_bad_settings_are_refused_with_every_reason():
    with pytest.raises(ValueError, match="seq_len.*hidden_size|hidden_size"):
        LabConfig(seq_len=1000, hidden_size=0)
    with pytest.raises(ValueError, match="cells"):
        LabConfig(cells=("rnn", "transformer"))
    assert LabConfig(cells=["lstm"]).cells == ("lstm",)


def test_lstm_learns_the_adding_problem_where_the_rnn_cannot():
    config = LabConfig(task="adding", seq_len=30, hidden_size=32, steps=500, batch_size=32, cells=("rnn", "lstm"),
                       record_every=250, seed=0, device="cpu")
    result = train_lab(config, ListReporter())
    chance = make_task("adding", 30).chance_loss
    assert result["final"]["lstm"]["loss"] < 0.2 * chance
    assert result["final"]["rnn"]["loss"] > 0.7 * chance
