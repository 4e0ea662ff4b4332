"""Read a torch recurrent module's weights gate by gate.

PyTorch stores each layer's gate matrices stacked along the first dimension::

    weight_ih_l{k}{suffix}   (G * hidden_size, input_size)   input_size = hidden_size * num_directions for k > 0
    weight_hh_l{k}{suffix}   (G * hidden_size, hidden_size)
    bias_ih_l{k}{suffix}     (G * hidden_size,)               only when bias=True
    bias_hh_l{k}{suffix}     (G * hidden_size,)               only when bias=True

with ``suffix = "_reverse"`` for the backward direction, ``G = 4`` (LSTM), ``3`` (GRU), ``1`` (RNN).
The *Cell modules use the same names without ``_l{k}``.

Gate order
----------
Torch stacks the LSTM gates as ``i, f, g, o`` (input, forget, candidate ``g`` = C̃, output) and the GRU gates
as ``r, z, n`` (reset, update, new). The tutorial writes the LSTM as ``f, i, C̃, o`` over one matrix acting on
the concatenation ``[h_{t-1}, x_t]``; torch keeps two matrices instead, so
``W_f · [h_{t-1}, x_t] + b_f  ==  W_if x_t + b_if + W_hf h_{t-1} + b_hf``: the tutorial's ``W_f`` is
``[W_hf | W_if]`` and its ``b_f`` is ``b_if + b_hf``. ``GATE_ORDER`` and ``TUTORIAL_ORDER`` hold both orders
as data so pages can print the mapping.

GRU convention
--------------
Torch computes ``n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))`` (the reset gate multiplies the
*projected* old state, bias included) and ``h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}``: ``z`` weights the OLD
state. The tutorial writes ``h_t = (1 - z_t) ⊙ h_{t-1} + z_t ⊙ h̃_t``, i.e. its ``z`` is torch's ``1 - z``.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor, nn

GATE_ORDER: dict[str, tuple[str, ...]] = {
    "lstm": ("input", "forget", "candidate", "output"),
    "gru": ("reset", "update", "new"),
    "rnn": ("hidden",),
}
"""Order in which torch stacks each kind's gate blocks inside ``weight_ih`` / ``weight_hh`` / biases."""

TUTORIAL_ORDER: dict[str, tuple[str, ...]] = {
    "lstm": ("forget", "input", "candidate", "output"),
}
"""Order the tutorial (and ``core.numpy_cells``) writes the LSTM gates in."""

_KIND_OF_MODULE: tuple[tuple[type, str], ...] = (
    (nn.LSTM, "lstm"), (nn.LSTMCell, "lstm"),
    (nn.GRU, "gru"), (nn.GRUCell, "gru"),
    (nn.RNN, "rnn"), (nn.RNNCell, "rnn"),
)


@dataclass(frozen=True)
class LayerWeights:
    """The four raw tensors of one layer and direction (biases are ``None`` when ``bias=False``).

    Shapes: ``weight_ih`` (G * hidden_size, input_size), ``weight_hh`` (G * hidden_size, hidden_size),
    ``bias_ih`` / ``bias_hh`` (G * hidden_size,), ``weight_hr`` (proj_size, hidden_size) for an LSTM
    with ``proj_size > 0``, else ``None``.
    """

    weight_ih: Tensor
    weight_hh: Tensor
    bias_ih: Tensor | None
    bias_hh: Tensor | None
    weight_hr: Tensor | None = None


def module_kind(module: nn.Module) -> str:
    """``"rnn"``, ``"lstm"`` or ``"gru"`` for a torch recurrent module or cell; TypeError otherwise."""
    for module_type, kind in _KIND_OF_MODULE:
        if isinstance(module, module_type):
            return kind
    raise TypeError(
        f"expected nn.RNN / nn.LSTM / nn.GRU or one of their *Cell modules, got {type(module).__name__}"
    )


def is_cell(module: nn.Module) -> bool:
    """True for nn.RNNCell / nn.LSTMCell / nn.GRUCell."""
    return isinstance(module, nn.RNNCellBase)


def layer_weights(module: nn.Module, layer: int = 0, direction: int = 0) -> LayerWeights:
    """The raw weights of ``layer`` (0-based, negative counts from the top) and ``direction`` (1 = reverse)."""
    module_kind(module)
    if is_cell(module):
        if layer not in (0, -1) or direction != 0:
            raise ValueError("a *Cell module has one layer and one direction")
        return LayerWeights(module.weight_ih, module.weight_hh,
                            getattr(module, "bias_ih", None), getattr(module, "bias_hh", None))
    num_directions = 2 if module.bidirectional else 1
    if not -module.num_layers <= layer < module.num_layers:
        raise ValueError(f"layer {layer} out of range for a {module.num_layers}-layer module")
    if direction not in range(num_directions):
        raise ValueError(f"direction {direction} out of range: the module has {num_directions} direction(s)")
    layer = layer % module.num_layers
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    return LayerWeights(
        getattr(module, "weight_ih" + suffix),
        getattr(module, "weight_hh" + suffix),
        getattr(module, "bias_ih" + suffix, None) if module.bias else None,
        getattr(module, "bias_hh" + suffix, None) if module.bias else None,
        getattr(module, "weight_hr" + suffix, None),
    )


def gate_weights(module: nn.Module, layer: int = 0, direction: int = 0) -> dict[str, tuple[Tensor, Tensor, Tensor]]:
    """Split a layer's stacked weights into named gates, in torch's order (``GATE_ORDER``).

    Returns ``name -> (W_input (hidden_size, input_size), W_hidden (hidden_size, hidden_size),
    bias (hidden_size,))`` where ``bias = b_ih + b_hh`` (zeros when the module has no bias). For the GRU
    ``"new"`` gate the two biases act differently (``b_hn`` sits inside ``r ⊙ (…)``), so the returned sum is
    only the right bias when ``r = 1``; use :func:`layer_weights` for the separate tensors.
    Views share storage with the module (detach them before editing).
    """
    kind = module_kind(module)
    weights = layer_weights(module, layer, direction)
    hidden_size = module.hidden_size
    gates = {}
    for index, name in enumerate(GATE_ORDER[kind]):
        rows = slice(index * hidden_size, (index + 1) * hidden_size)
        weight_input = weights.weight_ih[rows]  # (hidden, input)
        weight_hidden = weights.weight_hh[rows]  # (hidden, hidden)
        if weights.bias_ih is None:
            bias = weight_input.new_zeros(hidden_size)  # (hidden,)
        else:
            bias = weights.bias_ih[rows] + weights.bias_hh[rows]  # (hidden,)
        gates[name] = (weight_input, weight_hidden, bias)
    return gates


def lstm_gate_weights(module: nn.LSTM | nn.LSTMCell, layer: int = 0, direction: int = 0):
    """:func:`gate_weights` for an LSTM: keys ``input``, ``forget``, ``candidate``, ``output``."""
    _require_kind(module, "lstm")
    return gate_weights(module, layer, direction)


def gru_gate_weights(module: nn.GRU | nn.GRUCell, layer: int = 0, direction: int = 0):
    """:func:`gate_weights` for a GRU: keys ``reset``, ``update``, ``new``."""
    _require_kind(module, "gru")
    return gate_weights(module, layer, direction)


def rnn_gate_weights(module: nn.RNN | nn.RNNCell, layer: int = 0, direction: int = 0):
    """:func:`gate_weights` for a plain RNN: one key, ``hidden``."""
    _require_kind(module, "rnn")
    return gate_weights(module, layer, direction)


def _require_kind(module: nn.Module, kind: str) -> None:
    actual = module_kind(module)
    if actual != kind:
        raise TypeError(f"expected a {kind.upper()} module, got {type(module).__name__} ({actual})")
