r"""Lesson 2: one Elman RNN read step by step over a typed sentence, with every product of every step.

The tutorial's worked example, input size d = 3, hidden size h = 4, output size o = 2::

    a_t = W_xh · x_t + W_hh · h_{t-1} + b_h          (h,)   pre-activation
    h_t = tanh(a_t)                                   (h,)   h_0 = 0
    s_t = W_hy · h_t + b_y                            (o,)   logits (scores)
    ŷ_t = softmax(s_t)                                (o,)   probabilities

(One notation for every lesson: ``a`` is a pre-activation, ``s`` are logits and ``ŷ`` probabilities, so the GRU's
update gate keeps ``z`` and the LSTM's output gate keeps ``o``; see :mod:`core.lessons.notation`.)

The model is a real ``torch.nn.RNN(3, 4)`` followed by an ``nn.Linear(4, 2)`` readout. Torch names and shapes:
``W_xh = weight_ih_l0`` (h, d), ``W_hh = weight_hh_l0`` (h, h), and torch keeps two biases that always appear
as a sum, so ``b_h = bias_ih_l0 + bias_hh_l0`` (h,). ``W_hy`` / ``b_y`` are the readout's ``weight`` (o, h) /
``bias`` (o,). The per-step numbers come from :func:`core.trace.trace` on that very module and are checked
against its fused forward (``max_abs_diff``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.lesson_models import RNNStepConfig, build_network
from core.lessons import bmatrix
from core.lessons.trained.load import lesson_model
from core.sequence_input import embed_tokens, split_tokens
from core.trace import trace

DEFAULT_SENTENCE = "我 爱 北京 天安门"
EQUATIONS = (
    r"a_t = W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h, \qquad h_t = \tanh(a_t), \qquad h_0 = 0",
    r"s_t = W_{hy}\,h_t + b_y, \qquad \hat{y}_t = \operatorname{softmax}(s_t)",
)


@dataclass(frozen=True)
class ShapeRow:
    """One line of the shapes table, read off the torch modules."""

    name: str                 # key of the row's description in the page texts
    symbol: str               # the tutorial's symbol
    torch_name: str           # where torch keeps it
    shape: tuple[int, ...]


@dataclass(frozen=True)
class RNNStepLesson:
    """Every number lesson 2 shows. Arrays are float32 numpy; T = seq_len, d / h / o as in the module docstring."""

    tokens: tuple[str, ...]
    inputs: np.ndarray           # (T, d)  x_t
    weight_input: np.ndarray     # (h, d)  W_xh
    weight_hidden: np.ndarray    # (h, h)  W_hh
    bias_hidden: np.ndarray      # (h,)    b_h = b_ih + b_hh
    weight_output: np.ndarray    # (o, h)  W_hy
    bias_output: np.ndarray      # (o,)    b_y
    previous_hidden: np.ndarray  # (T, h)  h_{t-1}, row 0 is h_0 = 0
    from_input: np.ndarray       # (T, h)  W_xh · x_t
    from_hidden: np.ndarray      # (T, h)  W_hh · h_{t-1}
    pre_hidden: np.ndarray       # (T, h)  a_t
    hidden: np.ndarray           # (T, h)  h_t
    logits: np.ndarray           # (T, o)  s_t = W_hy · h_t + b_y
    outputs: np.ndarray          # (T, o)  ŷ_t = softmax(s_t)
    shapes: tuple[ShapeRow, ...]
    truncated: bool              # the sentence had more than max_tokens tokens
    max_abs_diff: float          # largest gap between these numbers and torch's fused nn.RNN / nn.Linear

    @property
    def seq_len(self) -> int:
        return len(self.tokens)


def shape_rows(rnn: nn.RNN, readout: nn.Linear) -> tuple[ShapeRow, ...]:
    """The shapes table, taken from the modules' own parameters (so it can never disagree with them)."""
    return (
        ShapeRow("input", "xₜ", "input[t]", (rnn.input_size,)),
        ShapeRow("previous_hidden", "hₜ₋₁", "h_0 / output[t-1]", (rnn.hidden_size,)),
        ShapeRow("weight_input", "Wₓₕ", "rnn.weight_ih_l0", tuple(rnn.weight_ih_l0.shape)),
        ShapeRow("weight_hidden", "Wₕₕ", "rnn.weight_hh_l0", tuple(rnn.weight_hh_l0.shape)),
        ShapeRow("bias_hidden", "bₕ", "rnn.bias_ih_l0 + rnn.bias_hh_l0", tuple(rnn.bias_ih_l0.shape)),
        ShapeRow("hidden", "hₜ", "output[t]", (rnn.hidden_size,)),
        ShapeRow("weight_output", "Wₕᵧ", "readout.weight", tuple(readout.weight.shape)),
        ShapeRow("bias_output", "bᵧ", "readout.bias", tuple(readout.bias.shape)),
        ShapeRow("output", "ŷₜ", "softmax(readout(output[t]))", (readout.out_features,)),
    )


def run_lesson(sentence: str, seed: int, config: RNNStepConfig = RNNStepConfig(),
               trained: bool = False) -> RNNStepLesson:
    """Embed ``sentence``, run the seeded network over it and keep every intermediate.

    ``trained=True`` swaps in the shipped agreement model (:mod:`core.lessons.trained`): its learned word vectors,
    its ``nn.RNN(3, 4)`` and its readout, whose two outputs are "was" / "were"; ``seed`` then changes nothing.
    Raises ValueError when the sentence has no tokens (the page turns that into a message).
    """
    all_tokens = split_tokens(sentence)
    if not all_tokens:
        raise ValueError("the sentence has no tokens")
    tokens = all_tokens[: config.max_tokens]
    if trained:
        model = lesson_model("rnn", config.input_size, config.hidden_size)
        rnn, readout, inputs = model.recurrent, model.readout, model.embed(tokens)  # inputs: (seq_len, input)
    else:
        rnn, readout = build_network(seed, config)
        inputs = embed_tokens(tokens, config.input_size, seed)  # (seq_len, input)

    with torch.no_grad():
        traced = trace(rnn, inputs)
        hidden = traced.gate("hidden")  # (seq_len, hidden)
        pre_hidden = traced.gate("pre_hidden")  # (seq_len, hidden)
        previous_hidden = torch.cat([hidden.new_zeros(1, config.hidden_size), hidden[:-1]])  # (seq_len, hidden)
        weight_input, weight_hidden = rnn.weight_ih_l0, rnn.weight_hh_l0
        bias_hidden = rnn.bias_ih_l0 + rnn.bias_hh_l0  # (hidden,)
        from_input = inputs @ weight_input.T  # (seq_len, hidden)
        from_hidden = previous_hidden @ weight_hidden.T  # (seq_len, hidden)
        logits = readout(hidden)  # (seq_len, output)
        outputs = torch.softmax(logits, dim=-1)  # (seq_len, output)

        expected_output, expected_final = rnn(inputs)  # (seq_len, hidden), (1, hidden)
        expected_outputs = torch.softmax(readout(expected_output), dim=-1)  # (seq_len, output)
        # What the page draws is the decomposition; it must rebuild torch's numbers, not just the trace's.
        rebuilt_hidden = torch.tanh(from_input + from_hidden + bias_hidden)  # (seq_len, hidden)
        gaps = (
            (hidden - expected_output).abs().max(),
            (rebuilt_hidden - expected_output).abs().max(),
            (from_input + from_hidden + bias_hidden - pre_hidden).abs().max(),
            (hidden[-1] - expected_final[0]).abs().max(),
            (outputs - expected_outputs).abs().max(),
        )

    return RNNStepLesson(
        tokens=tuple(tokens),
        inputs=inputs.numpy(),
        weight_input=weight_input.detach().numpy().copy(),
        weight_hidden=weight_hidden.detach().numpy().copy(),
        bias_hidden=bias_hidden.numpy(),
        weight_output=readout.weight.detach().numpy().copy(),
        bias_output=readout.bias.detach().numpy().copy(),
        previous_hidden=previous_hidden.numpy(),
        from_input=from_input.numpy(),
        from_hidden=from_hidden.numpy(),
        pre_hidden=pre_hidden.numpy(),
        hidden=hidden.numpy(),
        logits=logits.numpy(),
        outputs=outputs.numpy(),
        shapes=shape_rows(rnn, readout),
        truncated=len(all_tokens) > len(tokens),
        max_abs_diff=float(max(gaps)),
    )


def biases_latex(lesson: RNNStepLesson, decimals: int = 3) -> str:
    """``b_h = […], b_y = […]``: the two bias vectors the lesson's network adds (b_h = torch's b_ih + b_hh)."""
    return (r"b_h = " + bmatrix(lesson.bias_hidden, decimals) + r", \qquad b_y = "
            + bmatrix(lesson.bias_output, decimals))


def step_equations(lesson: RNNStepLesson, step: int, decimals: int = 2) -> dict[str, str]:
    r"""The lesson's formulas with step ``step``'s numbers substituted (``step`` is 1-based, like t).

    Returns LaTeX strings, one short line each so they fit a page: ``from_input`` (W_xh · x_t), ``from_hidden``
    (W_hh · h_{t-1}), ``sum`` (a_t), ``hidden`` (tanh), ``logits`` (s_t = W_hy · h_t + b_y) and ``output`` (softmax).
    """
    if not 1 <= step <= lesson.seq_len:
        raise ValueError(f"step {step} is outside 1..{lesson.seq_len}")
    index = step - 1
    t, previous = f"{step}", f"{step - 1}"

    def matrix(values) -> str:
        return bmatrix(values, decimals)

    return {
        "from_input": (rf"W_{{xh}}\,x_{{{t}}} = " + matrix(lesson.weight_input) + matrix(lesson.inputs[index])
                       + " = " + matrix(lesson.from_input[index])),
        "from_hidden": (rf"W_{{hh}}\,h_{{{previous}}} = " + matrix(lesson.weight_hidden)
                        + matrix(lesson.previous_hidden[index]) + " = " + matrix(lesson.from_hidden[index])),
        "sum": (rf"a_{{{t}}} = W_{{xh}}\,x_{{{t}}} + W_{{hh}}\,h_{{{previous}}} + b_h = "
                + matrix(lesson.from_input[index]) + " + " + matrix(lesson.from_hidden[index]) + " + "
                + matrix(lesson.bias_hidden) + " = " + matrix(lesson.pre_hidden[index])),
        "hidden": (rf"h_{{{t}}} = \tanh(a_{{{t}}}) = \tanh" + matrix(lesson.pre_hidden[index])
                   + " = " + matrix(lesson.hidden[index])),
        "logits": (rf"s_{{{t}}} = W_{{hy}}\,h_{{{t}}} + b_y = " + matrix(lesson.weight_output) + matrix(lesson.hidden[index])
                   + " + " + matrix(lesson.bias_output) + " = " + matrix(lesson.logits[index])),
        "output": (rf"\hat{{y}}_{{{t}}} = \operatorname{{softmax}}(s_{{{t}}}) = \operatorname{{softmax}}" + matrix(lesson.logits[index])
                   + " = " + matrix(lesson.outputs[index])),
    }
