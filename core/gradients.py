r"""How the loss gradient flows back through time, and how fast it fades.

Two views of backpropagation through time (BPTT) for one layer's forward direction:

* :func:`through_time` — the *total* derivative :math:`\partial L / \partial h_t` at every position (and
  :math:`\partial L / \partial c_t` for an LSTM), obtained by autograd through :func:`core.trace.trace`;
  :func:`each_through_time` gives the same for several losses (the rows of a Jacobian) from one trace.
* :func:`jacobian_products` — the matrices :math:`\partial h_T / \partial h_t = J_T J_{T-1} \cdots J_{t+1}`
  (restricted to the hidden rows and columns), where :math:`J_s = \partial s_s / \partial s_{s-1}` is one step's
  Jacobian of the recurrent state :math:`s = h` (RNN, GRU) or :math:`s = (h, c)` (LSTM). Each :math:`J_s` is
  written out analytically from the traced gates and the products are built by one backward recursion, so
  seq_len 200 with hidden_size 64 takes a fraction of a second. Their singular values shrinking with
  :math:`T - t` is the vanishing gradient.

The LSTM's ∂h_T/∂h_t moves h_t with c_t held fixed (the two are separate state variables).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import torch
from torch import Tensor, nn

from core.seeding import generator as seeded_generator
from core.trace import Trace, trace
from core.weights import is_cell, layer_weights, module_kind

__all__ = ["TimeGradients", "LossGradients", "through_time", "each_through_time", "trace_for_gradients",
           "jacobian_products", "readout_weights"]


@dataclass(frozen=True)
class TimeGradients:
    """Gradients through time of one layer's forward direction.

    Attributes:
        hidden: (seq_len, batch, hidden_size) — ∂L/∂h_t, total derivative (all paths, later steps and upper
            layers included); zero for t > loss_step under the default loss.
        cell: (seq_len, batch, hidden_size) — ∂L/∂c_t for an LSTM, else ``None``.
        jacobian_norms: (seq_len,) — spectral norm ‖∂h_T/∂h_t‖₂ for sample 0, T = loss_step (1 at t = T,
            0 for t > T).
        jacobian_products: (seq_len, P, P) — the matrices ∂h_T/∂h_t those norms are taken of, the same as
            :func:`jacobian_products` returns (kept, since they come with the norms: a caller that wants both the
            gradients and the products traces the sequence once).
        loss: the loss value.
        loss_step: the position T the loss reads (``loss_step`` made non-negative).
    """

    hidden: Tensor
    cell: Tensor | None
    jacobian_norms: Tensor
    jacobian_products: Tensor
    loss: float
    loss_step: int


def readout_weights(size: int, dtype=torch.float32, device=None) -> Tensor:
    """The fixed readout vector w (size,) of the default loss ``L = Σ_batch w · output[loss_step]``.

    Seeded, not learned, so the same module and inputs always give the same gradients; scaled by
    1/√size so L stays O(1) whatever the width.
    """
    generator = seeded_generator(0)
    weights = torch.randn(size, generator=generator, dtype=torch.float64) / size**0.5  # (size,)
    return weights.to(dtype=dtype, device=device)


def through_time(module: nn.RNNBase, inputs: Tensor, loss_step: int = -1,
                 loss: Callable[[Trace], Tensor] | None = None, layer: int = -1) -> TimeGradients:
    """∂L/∂h_t (and ∂L/∂c_t) for every t of ``layer``'s forward direction, plus ‖∂h_T/∂h_t‖₂.

    Args:
        module: nn.RNN / nn.LSTM / nn.GRU (any configuration; not a *Cell, which has no time axis).
        inputs: as the module takes them (batched or unbatched); the initial state is zero.
        loss_step: the position T the loss reads; negative counts from the end.
        loss: optional ``loss(trace) -> scalar tensor``; default ``Σ_batch w · output[T]`` with
            ``w = readout_weights(output features)`` (top layer, both directions).
        layer: which layer's states to differentiate with respect to (negative counts from the top).
    """
    kind = module_kind(module)
    _check_sequence_module(module, layer, "through_time")
    with torch.enable_grad():
        # A zero initial state that requires grad puts every step's state in the graph, even for frozen weights.
        traced = trace_for_gradients(module, inputs)
        step = _resolve_step(loss_step, traced.seq_len)
        value = _default_loss(module, traced, step) if loss is None else loss(traced)
        hidden, cell = _state_gradients(traced, kind, layer, value, keep_graph=False)
    products = _products_from_trace(module, traced, step, layer)  # (seq_len, hidden, hidden)
    return TimeGradients(
        hidden=hidden, cell=cell, jacobian_norms=torch.linalg.matrix_norm(products, ord=2),
        jacobian_products=products, loss=float(value.detach()), loss_step=step,
    )


@dataclass(frozen=True)
class LossGradients:
    """∂L/∂h_t and ∂L/∂c_t of one loss, as :class:`TimeGradients` holds them: (seq_len, batch, hidden) each."""

    hidden: Tensor
    cell: Tensor | None
    loss: float


def each_through_time(module: nn.RNNBase, inputs: Tensor, losses: Sequence[Callable[[Trace], Tensor]],
                      layer: int = -1, traced: Trace | None = None) -> tuple[LossGradients, ...]:
    """:func:`through_time`'s ∂L/∂h_t and ∂L/∂c_t for each of several losses, from one trace of the sequence.

    Row j of a Jacobian ∂c_T/∂c_t is the gradient of the loss c_T[j]: H losses on one sequence. Tracing once and
    running the backward pass of each loss on that kept graph gives the same numbers as H calls of
    :func:`through_time` (the same graph, the same backward pass), without H traces and H sets of Jacobian products.

    ``traced``: that trace, from :func:`trace_for_gradients` on the same module and inputs, for a caller that also
    reads other values off it (gates); by default it is made here.
    """
    kind = module_kind(module)
    _check_sequence_module(module, layer, "each_through_time")
    results = []
    with torch.enable_grad():
        traced = trace_for_gradients(module, inputs) if traced is None else traced
        for number, loss in enumerate(losses, start=1):
            value = loss(traced)
            hidden, cell = _state_gradients(traced, kind, layer, value, keep_graph=number < len(losses))
            results.append(LossGradients(hidden=hidden, cell=cell, loss=float(value.detach())))
    return tuple(results)


def _check_sequence_module(module: nn.RNNBase, layer: int, caller: str) -> None:
    if is_cell(module):
        raise ValueError(f"{caller} needs a whole-sequence module (nn.RNN / nn.LSTM / nn.GRU), not a *Cell")
    layer_weights(module, layer)  # validates the layer index


def _state_gradients(traced: Trace, kind: str, layer: int, value: Tensor,
                     keep_graph: bool) -> tuple[Tensor, Tensor | None]:
    """(∂value/∂h_t, ∂value/∂c_t or None) stacked over t: (seq_len, batch, hidden) each; zero where unused."""
    if value.dim() != 0:
        raise ValueError(f"loss must return a scalar tensor, got shape {tuple(value.shape)}")
    hidden_nodes = traced.step_hidden[layer][0]
    cell_nodes = traced.step_cell[layer][0] if kind == "lstm" else ()
    nodes = hidden_nodes + cell_nodes
    gradients = torch.autograd.grad(value, nodes, allow_unused=True, retain_graph=keep_graph)
    gradients = [torch.zeros_like(node) if grad is None else grad for node, grad in zip(nodes, gradients)]
    seq_len = traced.seq_len
    hidden = torch.stack(gradients[:seq_len])  # (seq_len, batch, hidden)
    cell = torch.stack(gradients[seq_len:]) if kind == "lstm" else None  # (seq_len, batch, hidden)
    return hidden, cell


def jacobian_products(module: nn.RNNBase, inputs: Tensor, loss_step: int = -1, layer: int = -1) -> Tensor:
    """∂h_T/∂h_t for every t, sample 0, one layer's forward direction: (seq_len, P, P).

    Entry t is the identity at t = T and zero for t > T (the past does not depend on the future). The
    initial state is zero. P = hidden_size (proj_size for a projected LSTM).
    """
    if is_cell(module):
        raise ValueError("jacobian_products needs a whole-sequence module, not a *Cell")
    layer_weights(module, layer)
    with torch.no_grad():
        traced = trace(module, inputs)
        return _products_from_trace(module, traced, _resolve_step(loss_step, traced.seq_len), layer)


def trace_for_gradients(module: nn.RNNBase, inputs: Tensor) -> Trace:
    """:func:`core.trace.trace` of ``module`` over ``inputs`` with its graph: the initial state is zeros that require
    grad, which puts every step's state in the graph even for frozen weights (what :func:`through_time` and
    :func:`each_through_time` differentiate)."""
    with torch.enable_grad():
        return _zero_state_trace(module, inputs)


def _zero_state_trace(module: nn.RNNBase, inputs: Tensor) -> Trace:
    batched = inputs.dim() == 3
    batch_size = (inputs.shape[0] if module.batch_first else inputs.shape[1]) if batched else None
    num_states = module.num_layers * (2 if module.bidirectional else 1)
    projected_size = getattr(module, "proj_size", 0) or module.hidden_size

    def zeros(size):
        shape = (num_states, batch_size, size) if batched else (num_states, size)
        return inputs.new_zeros(shape).requires_grad_()

    hidden = zeros(projected_size)
    state = (hidden, zeros(module.hidden_size)) if isinstance(module, nn.LSTM) else hidden
    return trace(module, inputs, state)


def _resolve_step(loss_step: int, seq_len: int) -> int:
    if not -seq_len <= loss_step < seq_len:
        raise ValueError(f"loss_step {loss_step} is outside a sequence of length {seq_len}")
    return loss_step % seq_len


def _default_loss(module: nn.RNNBase, traced: Trace, step: int) -> Tensor:
    output = traced.output
    if output.dim() == 2:
        output = output.unsqueeze(1)  # (seq_len, 1, features)
    elif module.batch_first:
        output = output.transpose(0, 1)  # (seq_len, batch, features)
    weights = readout_weights(output.shape[-1], output.dtype, output.device)  # (features,)
    return (output[step] @ weights).sum()


def _products_from_trace(module: nn.RNNBase, traced: Trace, step: int, layer: int) -> Tensor:
    """Backward recursion R_{t-1} = R_t J_t from R_T = [I, 0]; entry t is R_t's hidden columns."""
    with torch.no_grad():
        jacobians, hidden_size = _step_jacobians(module, traced, layer)  # (seq_len, S, S)
        state_size = jacobians.shape[-1]
        rows = torch.eye(hidden_size, state_size, dtype=jacobians.dtype, device=jacobians.device)  # (P, S)
        products = jacobians.new_zeros(traced.seq_len, hidden_size, hidden_size)  # (seq_len, P, P)
        products[step] = rows[:, :hidden_size]
        for t in range(step, 0, -1):
            rows = rows @ jacobians[t]  # (P, S): ∂h_T/∂s_{t-1}
            products[t - 1] = rows[:, :hidden_size]
    return products


def _step_jacobians(module: nn.RNNBase, traced: Trace, layer: int) -> tuple[Tensor, int]:
    """J_t = ∂s_t/∂s_{t-1} for sample 0 and every t: (seq_len, S, S), S = P (RNN/GRU) or P + H (LSTM)."""
    kind = traced.kind
    weights = layer_weights(module, layer, 0)
    gates = {name: values[layer, 0, :, 0] for name, values in traced.gates.items()}  # each (seq_len, H)
    hidden = gates["hidden"]  # (seq_len, P)
    previous = torch.cat([hidden.new_zeros(1, hidden.shape[-1]), hidden[:-1]])  # (seq_len, P): h_{t-1}, h_{-1} = 0
    weight_hidden = weights.weight_hh  # (G*H, P)
    if kind == "rnn":
        if module.nonlinearity == "tanh":
            slope = 1 - hidden**2  # (seq_len, H)
        else:
            slope = (gates["pre_hidden"] > 0).to(hidden.dtype)
        return slope[:, :, None] * weight_hidden, hidden.shape[-1]  # diag(φ'(a_t)) W_hh

    if kind == "gru":
        weight_reset, weight_update, weight_new = weight_hidden.chunk(3)  # each (H, H)
        bias_new = 0 if weights.bias_hh is None else weights.bias_hh.chunk(3)[2]
        reset, update, new = gates["reset"], gates["update"], gates["new"]
        projected_old = previous @ weight_new.T + bias_new  # (seq_len, H): W_hn h_{t-1} + b_hn
        d_update = (update * (1 - update))[:, :, None] * weight_update  # ∂z/∂h_{t-1}
        d_reset = (reset * (1 - reset))[:, :, None] * weight_reset  # ∂r/∂h_{t-1}
        d_new = (1 - new**2)[:, :, None] * (reset[:, :, None] * weight_new + projected_old[:, :, None] * d_reset)
        # h_t = (1 - z) n + z h_{t-1}
        jacobian = torch.diag_embed(update) + (previous - new)[:, :, None] * d_update + (1 - update)[:, :, None] * d_new
        return jacobian, hidden.shape[-1]

    weight_input, weight_forget, weight_candidate, weight_output = weight_hidden.chunk(4)  # each (H, P)
    input_gate, forget_gate, candidate, output_gate = gates["input"], gates["forget"], gates["candidate"], gates["output"]
    cell = gates["cell"]  # (seq_len, H)
    previous_cell = torch.cat([cell.new_zeros(1, cell.shape[-1]), cell[:-1]])  # (seq_len, H)
    squashed = torch.tanh(cell)
    # c_t = f c_{t-1} + i g
    d_cell_d_hidden = ((previous_cell * forget_gate * (1 - forget_gate))[:, :, None] * weight_forget
                       + (candidate * input_gate * (1 - input_gate))[:, :, None] * weight_input
                       + (input_gate * (1 - candidate**2))[:, :, None] * weight_candidate)  # (seq_len, H, P)
    d_cell_d_cell = torch.diag_embed(forget_gate)  # (seq_len, H, H)
    # m_t = o tanh(c_t); h_t = m_t, or W_hr m_t with a projection
    through_cell = (output_gate * (1 - squashed**2))[:, :, None]
    d_m_d_hidden = (squashed * output_gate * (1 - output_gate))[:, :, None] * weight_output + through_cell * d_cell_d_hidden
    d_m_d_cell = through_cell * d_cell_d_cell  # (seq_len, H, H)
    if weights.weight_hr is not None:
        d_m_d_hidden, d_m_d_cell = weights.weight_hr @ d_m_d_hidden, weights.weight_hr @ d_m_d_cell
    jacobian = torch.cat([
        torch.cat([d_m_d_hidden, d_m_d_cell], dim=-1),  # rows of h_t
        torch.cat([d_cell_d_hidden, d_cell_d_cell], dim=-1),  # rows of c_t
    ], dim=-2)  # (seq_len, P + H, P + H)
    return jacobian, hidden.shape[-1]
