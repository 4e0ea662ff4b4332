r"""What the lab records on its fixed probe batch: gradients through time, gates, saturation, ∏f.

Every record re-runs the model's own recurrent layer step by step (:func:`core.trace.trace`), so each step's
hidden state :math:`h_t` is a node of the autograd graph. With the loss read at the last step,

.. math::
    L = \sum_{n} \ell\big(W_{out} h_T^{(n)} + b_{out},\; y^{(n)}\big)

(a sum, so the gradient for sequence n is that sequence's own :math:`\partial \ell_n / \partial h_t`), one
backward pass gives the total derivative :math:`\partial L / \partial h_t` at every t, every path through later
steps included. Its norm against t is the vanishing gradient: for an RNN it shrinks like a product of T - t
Jacobians :math:`\mathrm{diag}(1 - h_s^2) W_{hh}`; an LSTM also passes it along the cell,
:math:`\partial c_t / \partial c_{t-1} = \mathrm{diag}(f_t)`, so :math:`\prod_s f_s` says how much survives.

Shapes: T = seq_len, N = probe batch size, H = hidden_size.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from core.lab.model import LabModel
from core.lab.tasks import Batch, Task
from core.trace import trace

# Gates each kind shows as a heat map; sigmoid gates live in (0, 1), the RNN's tanh hidden state in (-1, 1).
SHOWN_GATES = {"rnn": ("hidden",), "lstm": ("input", "forget", "output"), "gru": ("update", "reset")}
SATURATION_LOW, SATURATION_HIGH = 0.1, 0.9


def hidden_gradients(model: LabModel, task: Task, batch: Batch):
    """Trace the probe batch and differentiate its loss with respect to every step's state.

    Returns ``(traced, prediction, hidden_grad, cell_grad)``: ``hidden_grad`` (T, N, H) is ∂L/∂h_t,
    ``cell_grad`` the same for an LSTM's c_t (else ``None``). Parameter ``.grad`` fields are left untouched.
    """
    with torch.enable_grad():
        traced = trace(model.recurrent, batch.inputs)
        prediction = model.readout(traced.output[:, -1])  # (N, output_size)
        loss = task.loss(prediction, batch.targets, reduction="sum")
        hidden_nodes = list(traced.step_hidden[0][0])  # T tensors (N, H), the graph's own h_t
        cell_nodes = list(traced.step_cell[0][0]) if traced.kind == "lstm" else []
        # autograd.grad on the step nodes (rather than retain_grad + backward) leaves the parameters' .grad alone.
        gradients = torch.autograd.grad(loss, hidden_nodes + cell_nodes, allow_unused=True)
    gradients = [torch.zeros_like(node) if grad is None else grad
                 for node, grad in zip(hidden_nodes + cell_nodes, gradients)]
    seq_len = len(hidden_nodes)
    hidden_grad = torch.stack(gradients[:seq_len])  # (T, N, H)
    cell_grad = torch.stack(gradients[seq_len:]) if cell_nodes else None  # (T, N, H)
    return traced, prediction.detach(), hidden_grad, cell_grad


def saturation(name: str, values: Tensor) -> tuple[float, float]:
    """Shares of values near the ends of the range: (< 0.1, > 0.9) for a sigmoid gate; for the tanh hidden
    state the same on |h| (near zero, near ±1): where tanh' = 1 - h² is small the gradient cannot pass."""
    magnitude = values.abs() if name == "hidden" else values
    return float((magnitude < SATURATION_LOW).float().mean()), float((magnitude > SATURATION_HIGH).float().mean())


def keep_product(kind: str, gates: dict[str, Tensor]) -> Tensor | None:
    """(T,) mean over sequences and units of the running product of the gate that keeps the old state:
    ∏_{s≤t} f_s for an LSTM (c_t = f_t c_{t-1} + …) and ∏_{s≤t} z_s for a GRU (torch: h_t = (1 - z_t) n_t +
    z_t h_{t-1}); ``None`` for an RNN, which has no such gate."""
    name = {"lstm": "forget", "gru": "update"}.get(kind)
    if name is None:
        return None
    values = gates[name][0, 0]  # (T, N, H)
    return torch.cumprod(values, dim=0).mean(dim=(1, 2))  # (T,)


def probe_record(model: LabModel, task: Task, batch: Batch, with_gates: bool) -> dict:
    """One record of everything measured on the probe batch (see the module docstring): a dict of numbers, names
    and float32 numpy arrays (the series over t and the time × unit gate values)."""
    traced, prediction, hidden_grad, cell_grad = hidden_gradients(model, task, batch)
    gates = {name: value.detach() for name, value in traced.gates.items()}  # each (1, 1, T, N, H)
    shown = SHOWN_GATES[traced.kind]
    product = keep_product(traced.kind, gates)
    record = {
        "loss": float(task.loss(prediction, batch.targets)),
        "accuracy": float(task.correct(prediction, batch.targets).float().mean()),
        # Norm over units, mean over the probe sequences: (T,)
        "hidden_grad": _to_array(hidden_grad.norm(dim=-1).mean(dim=1)),
        "cell_grad": None if cell_grad is None else _to_array(cell_grad.norm(dim=-1).mean(dim=1)),
        "saturation": {name: list(saturation(name, gates[name])) for name in shown},
        "keep_product": None if product is None else _to_array(product),
        "gates": None,
    }
    if with_gates:
        # The first probe sequence only, time × unit, as the heat maps show it.
        record["gates"] = {name: _to_array(gates[name][0, 0, :, 0]) for name in shown}
    return record


def gate_values_per_record(kind: str, seq_len: int, hidden_size: int) -> int:
    """How many numbers the gate heat maps add to one record (to keep memory of long runs bounded)."""
    return len(SHOWN_GATES[kind]) * seq_len * hidden_size


def _to_array(values: Tensor) -> np.ndarray:
    """``values`` as one float32 array, not a list of Python floats. Why: the server keeps every record of a run
    while its page is open (and a closed tab's for a while), and a default run's gate heat maps are about 240,000
    numbers. As floats in lists they were 300,000 small objects per job, spread over Python's 1 MiB allocator arenas:
    after a class's lab phase the arenas stayed mapped (bench/bench_load.py, RSS after close). One array per series
    is one buffer, handed back whole when the run is forgotten; the values are the same float32 numbers."""
    return values.detach().float().cpu().numpy()
