"""The lab's recordings: ∂L/∂h_t must be autograd's own, and the gate summaries must be the traced gates'."""

import numpy as np
import pytest
import torch

from core.gradients import through_time
from core.lab.model import LabModel, build_model
from core.lab.probe import hidden_gradients, keep_product, probe_record, saturation
from core.lab.tasks import AddingTask, RecallTask
from core.trace import trace


def _tiny(cell: str, task, seed: int = 0) -> LabModel:
    model, _ = build_model(cell, task.input_size, 5, task.output_size, "default", seed)
    return model.double()


def _batch(task, size=3):
    batch = task.sample(size, torch.Generator().manual_seed(11))
    return type(batch)(inputs=batch.inputs.double(), targets=batch.targets if task.is_classification
                       else batch.targets.double())


def _reference_gradients(model: LabModel, task, batch):
    """∂L/∂h_t (and ∂L/∂c_t) by restarting torch's own fused module from step t's state and differentiating.

    L depends on h_t only through the steps after t, so L(h_t) = loss(readout(module(x_{t+1..T}, (h_t, c_t))));
    autograd of that, with h_t a leaf, is the total derivative the probe must report. The LSTM's c_t also
    reaches L through h_t = o_t ⊙ tanh(c_t) of its own step, so for ∂L/∂c_t the leaf is c_t and h_t is rebuilt
    from it with o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho).
    """
    recurrent = model.recurrent
    seq_len, hidden_size = batch.inputs.shape[1], recurrent.hidden_size
    hidden_grads, cell_grads = [], []
    for t in range(seq_len):
        with torch.no_grad():
            _, state = recurrent(batch.inputs[:, : t + 1])
            previous = recurrent(batch.inputs[:, :t])[1] if t else None
        if model.cell == "lstm":
            hidden, cell = (s[0].clone().requires_grad_() for s in state)  # (batch, hidden) each
            previous_hidden = previous[0][0] if t else torch.zeros_like(hidden)
            rows = slice(3 * hidden_size, 4 * hidden_size)  # torch's gate order i, f, g, o
            output_gate = torch.sigmoid(batch.inputs[:, t] @ recurrent.weight_ih_l0[rows].T + recurrent.bias_ih_l0[rows]
                                        + previous_hidden @ recurrent.weight_hh_l0[rows].T + recurrent.bias_hh_l0[rows])
            hidden_from_cell = output_gate * torch.tanh(cell)
            torch.testing.assert_close(hidden_from_cell, hidden.detach())
            leaves, paths = [hidden, cell], [(hidden, cell), (hidden_from_cell, cell)]
        else:
            hidden = state[0].clone().requires_grad_()
            leaves, paths = [hidden], [hidden]
        grads = []
        for leaf, path in zip(leaves, paths):
            start = (path[0][None], path[1][None]) if model.cell == "lstm" else path[None]
            last = (path[0] if model.cell == "lstm" else path) if t == seq_len - 1 \
                else recurrent(batch.inputs[:, t + 1:], start)[0][:, -1]
            loss = task.loss(model.readout(last), batch.targets, reduction="sum")
            (grad,) = torch.autograd.grad(loss, [leaf], allow_unused=True)
            grads.append(torch.zeros_like(leaf) if grad is None else grad)
        hidden_grads.append(grads[0])
        if model.cell == "lstm":
            cell_grads.append(grads[1])
    return torch.stack(hidden_grads), torch.stack(cell_grads) if cell_grads else None


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("task", [RecallTask(seq_len=6), AddingTask(seq_len=6)], ids=["recall", "adding"])
def test_hidden_gradients_equal_autograd_through_torchs_module(cell, task):
    model = _tiny(cell, task)
    batch = _batch(task)
    _, _, hidden_grad, cell_grad = hidden_gradients(model, task, batch)
    expected_hidden, expected_cell = _reference_gradients(model, task, batch)
    torch.testing.assert_close(hidden_grad, expected_hidden, rtol=1e-9, atol=1e-12)
    if cell == "lstm":
        torch.testing.assert_close(cell_grad, expected_cell, rtol=1e-9, atol=1e-12)
    else:
        assert cell_grad is None
    assert float(hidden_grad.abs().sum()) > 0


def test_hidden_gradients_agree_with_core_gradients_and_leave_parameter_grads_alone():
    task = RecallTask(seq_len=7)
    model = _tiny("lstm", task)
    batch = _batch(task)
    for parameter in model.parameters():
        parameter.grad = torch.full_like(parameter, 7.0)
    _, _, hidden_grad, _ = hidden_gradients(model, task, batch)
    readout_loss = lambda traced: task.loss(model.readout(traced.output[:, -1]), batch.targets, reduction="sum")
    reference = through_time(model.recurrent, batch.inputs, loss=readout_loss)
    torch.testing.assert_close(hidden_grad, reference.hidden, rtol=1e-9, atol=1e-12)
    assert all(bool((p.grad == 7.0).all()) for p in model.parameters())


def test_probe_record_summarises_the_traced_gates():
    task = AddingTask(seq_len=9)
    model = _tiny("lstm", task)
    batch = _batch(task, size=4)
    record = probe_record(model, task, batch, with_gates=True)
    traced = trace(model.recurrent, batch.inputs)
    forget = traced.gates["forget"][0, 0].detach()  # (seq_len, batch, hidden)
    expected_product = torch.cumprod(forget, dim=0).mean(dim=(1, 2))
    torch.testing.assert_close(torch.tensor(record["keep_product"], dtype=torch.double), expected_product)
    torch.testing.assert_close(torch.tensor(record["gates"]["forget"], dtype=torch.double), forget[:, 0])
    assert set(record["gates"]) == {"input", "forget", "output"}
    assert len(record["hidden_grad"]) == len(record["cell_grad"]) == 9
    # Each series is one float32 array (one buffer the server frees whole), not a list of Python floats.
    for series in (record["hidden_grad"], record["cell_grad"], record["keep_product"], *record["gates"].values()):
        assert isinstance(series, np.ndarray) and series.dtype == np.float32
    assert record["gates"]["forget"].shape == (9, model.recurrent.hidden_size)
    low, high = record["saturation"]["forget"]
    assert low == pytest.approx(float((forget < 0.1).double().mean()))
    assert high == pytest.approx(float((forget > 0.9).double().mean()))
    with torch.no_grad():
        prediction = model(batch.inputs)
    assert record["loss"] == pytest.approx(float(task.loss(prediction, batch.targets)))
    assert probe_record(model, task, batch, with_gates=False)["gates"] is None


def test_rnn_and_gru_records():
    task = RecallTask(seq_len=6)
    batch = _batch(task)
    rnn = probe_record(_tiny("rnn", task), task, batch, with_gates=True)
    assert rnn["keep_product"] is None and rnn["cell_grad"] is None and set(rnn["gates"]) == {"hidden"}
    gru_model = _tiny("gru", task)
    gru = probe_record(gru_model, task, batch, with_gates=True)
    update = trace(gru_model.recurrent, batch.inputs).gates["update"][0, 0].detach()
    torch.testing.assert_close(torch.tensor(gru["keep_product"], dtype=torch.double),
                               torch.cumprod(update, 0).mean(dim=(1, 2)))
    assert set(gru["gates"]) == {"update", "reset"}


def test_saturation_counts_the_ends_and_uses_magnitude_for_tanh():
    values = torch.tensor([0.05, 0.5, 0.95, 0.99])
    assert saturation("forget", values) == (0.25, 0.5)
    assert saturation("hidden", torch.tensor([-0.95, -0.05, 0.5, 0.92])) == (0.25, 0.5)
    assert keep_product("rnn", {}) is None
