r"""Lesson 5: a real ``torch.nn.LSTM(3, 4)`` read step by step, its weight layout, and why its cell path helps.

Torch's equations for one step (gate blocks stacked i, f, g, o in ``weight_ih_l0`` / ``weight_hh_l0``)::

    i_t = σ(W_xi x_t + W_hi h_{t-1} + b_i)          input gate        (H,)
    f_t = σ(W_xf x_t + W_hf h_{t-1} + b_f)          forget gate       (H,)
    C̃_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g)       candidate (g)     (H,)
    o_t = σ(W_xo x_t + W_ho h_{t-1} + b_o)          output gate       (H,)
    C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t                 cell state        (H,)   C_0 = 0
    h_t = o_t ⊙ tanh(C_t)                           hidden state      (H,)   h_0 = 0

with ``b_* = b_i* + b_h*`` (torch keeps two biases that always appear summed). The lessons write the input side
``W_x*`` (torch's ``W_i*``, rows of ``weight_ih_l0``) so that ``b_i`` only ever means the input gate's bias. The tutorial writes the same gates
as ``σ(W_f · [h_{t-1}, x_t] + b_f)`` with ``W_f = [W_hf | W_xf]`` (H, H + D), in the order f, i, C̃, o; the lesson
evaluates both forms and reports the gap (``tutorial_max_abs_diff``).

Why the cell path helps is measured in :mod:`core.lessons.cell_path`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.lesson_models import seeded_recurrent
from core.lessons import bmatrix
from core.lessons.trained.load import lesson_model
from core.sequence_input import embed_tokens, tokens_of
from core.trace import trace
from core.weights import GATE_ORDER, TUTORIAL_ORDER, lstm_gate_weights

DEFAULT_SENTENCE = "我 爱 北京 天安门"
TORCH_LETTERS = {"input": "i", "forget": "f", "candidate": "g", "output": "o"}  # torch's docs name the blocks so
TUTORIAL_LETTERS = {"input": "i", "forget": "f", "candidate": "C", "output": "o"}  # the tutorial's W_f, W_i, W_C, W_o
GATES = ("input", "forget", "candidate", "output")
EQUATIONS = (  # torch's form, one matrix for x and one for h per gate
    r"i_t = \sigma(W_{xi} x_t + W_{hi} h_{t-1} + b_i), \quad f_t = \sigma(W_{xf} x_t + W_{hf} h_{t-1} + b_f)",
    r"\tilde{C}_t = \tanh(W_{xg} x_t + W_{hg} h_{t-1} + b_g), \quad o_t = \sigma(W_{xo} x_t + W_{ho} h_{t-1} + b_o)",
    r"C_t = f_t \odot C_{t-1} + i_t \odot \tilde{C}_t, \qquad h_t = o_t \odot \tanh(C_t), \qquad h_0 = C_0 = 0",
)
# The tutorial's stacked matrix W_f · [h_{t-1}, x_t] is torch's two blocks side by side (see weight_layout).
LAYOUT_EQUATION = (r"W_f \cdot [h_{t-1}, x_t] + b_f = [\,W_{hf} \mid W_{xf}\,] \begin{bmatrix} h_{t-1} \\ x_t "
                   r"\end{bmatrix} + (b_{xf} + b_{hf}) = W_{xf} x_t + W_{hf} h_{t-1} + b_f")


@dataclass(frozen=True)
class LSTMStepConfig:
    """Sizes of the lesson's network."""

    input_size: int = 3  # D: features of each token vector x_t
    hidden_size: int = 4  # H: entries of h_t and C_t
    max_tokens: int = 16  # longest sentence the step-by-step animation unrolls
    max_path_tokens: int = 60  # longest sequence the gradient comparison reads


def build_lstm(seed: int, config: LSTMStepConfig = LSTMStepConfig(), forget_bias: float = 0.0) -> nn.LSTM:
    """The lesson's LSTM; ``forget_bias`` is added to ``bias_ih_l0[H:2H]`` (the forget block) after the draw."""
    module = seeded_recurrent("lstm", config.input_size, config.hidden_size, seed)
    hidden_size = config.hidden_size
    forget_rows = slice(GATE_ORDER["lstm"].index("forget") * hidden_size,
                        (GATE_ORDER["lstm"].index("forget") + 1) * hidden_size)
    with torch.no_grad():
        module.bias_ih_l0[forget_rows] += forget_bias
    return module


@dataclass(frozen=True)
class LSTMWalkthrough:
    """Every number lesson 5 animates. Arrays are float32 numpy; T = seq_len, D / H as in the module docstring."""

    tokens: tuple[str, ...]
    inputs: np.ndarray  # (T, D)  x_t
    previous_hidden: np.ndarray  # (T, H)  h_{t-1}, row 0 is h_0 = 0
    previous_cell: np.ndarray  # (T, H)  C_{t-1}, row 0 is C_0 = 0
    gates: dict[str, np.ndarray]  # input / forget / candidate / output, each (T, H), after σ or tanh
    pre_activations: dict[str, np.ndarray]  # the same keys, each (T, H), before σ or tanh
    input_parts: dict[str, np.ndarray]  # gate -> (T, H)  W_x* x_t
    hidden_parts: dict[str, np.ndarray]  # gate -> (T, H)  W_h* h_{t-1}
    kept: np.ndarray  # (T, H)  f_t ⊙ C_{t-1}: what survives of the old cell
    written: np.ndarray  # (T, H)  i_t ⊙ C̃_t: what is written into the cell
    cell: np.ndarray  # (T, H)  C_t
    squashed_cell: np.ndarray  # (T, H)  tanh(C_t)
    hidden: np.ndarray  # (T, H)  h_t
    weights: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # gate -> (W_x (H, D), W_h (H, H), b (H,))
    truncated: bool  # the sentence had more than max_tokens tokens
    max_abs_diff: float  # largest gap to torch's fused nn.LSTM (outputs, h_n, c_n and rebuilt gates)
    tutorial_max_abs_diff: float  # largest gap between the tutorial's [h, x] form and torch's two matrices

    @property
    def seq_len(self) -> int:
        return len(self.tokens)

    def vectors(self) -> dict[str, np.ndarray]:
        """Every vector the cell diagram shows, by name, each (T, size)."""
        return {
            "input_x": self.inputs, "previous_hidden": self.previous_hidden, "previous_cell": self.previous_cell,
            **self.gates, "kept": self.kept, "written": self.written, "cell": self.cell,
            "squashed_cell": self.squashed_cell, "hidden": self.hidden,
        }


def walkthrough(sentence: str, seed: int, config: LSTMStepConfig = LSTMStepConfig(),
                trained: bool = False) -> LSTMWalkthrough:
    """Embed ``sentence``, run the seeded LSTM over it through :func:`core.trace.trace`, keep every step.

    ``trained=True`` reads the sentence with the shipped agreement model's word vectors and ``nn.LSTM(3, 4)``
    (:mod:`core.lessons.trained`) instead; ``seed`` then changes nothing.
    """
    tokens, truncated = tokens_of(sentence, config.max_tokens)
    if trained:
        model = lesson_model("lstm", config.input_size, config.hidden_size)
        module, inputs = model.recurrent, model.embed(tokens)  # inputs: (seq_len, input)
    else:
        module = build_lstm(seed, config)
        inputs = embed_tokens(tokens, config.input_size, seed)  # (seq_len, input)
    with torch.no_grad():
        traced = trace(module, inputs)
        gates = {name: traced.gate(name) for name in GATES}  # each (seq_len, hidden)
        pre = {name: traced.gate(f"pre_{name}") for name in GATES}  # each (seq_len, hidden)
        cell, hidden = traced.gate("cell"), traced.gate("hidden")  # (seq_len, hidden)
        zeros = cell.new_zeros(1, config.hidden_size)  # (1, hidden)
        previous_cell = torch.cat([zeros, cell[:-1]])  # (seq_len, hidden)
        previous_hidden = torch.cat([zeros, hidden[:-1]])  # (seq_len, hidden)
        kept = gates["forget"] * previous_cell  # (seq_len, hidden)
        written = gates["input"] * gates["candidate"]  # (seq_len, hidden)

        expected_output, (expected_hidden, expected_cell) = module(inputs)  # (seq_len, H), (1, H), (1, H)
        weights = lstm_gate_weights(module)
        # The page shows the parts; check the parts rebuild torch's own numbers, not only the trace's.
        input_parts = {name: inputs @ parts[0].T for name, parts in weights.items()}  # each (seq_len, hidden)
        hidden_parts = {name: previous_hidden @ parts[1].T for name, parts in weights.items()}  # (seq_len, hidden)
        rebuilt = {name: input_parts[name] + hidden_parts[name] + weights[name][2] for name in GATES}
        gaps = [
            (hidden - expected_output).abs().max(),
            (hidden[-1] - expected_hidden[0]).abs().max(),
            (cell[-1] - expected_cell[0]).abs().max(),
            ((kept + written) - cell).abs().max(),
            *((rebuilt[name] - pre[name]).abs().max() for name in GATES),
        ]
        tutorial = tutorial_gates(module, inputs, previous_hidden)
        tutorial_gap = max(float((tutorial[name] - gates[name]).abs().max()) for name in GATES)

    def numpy(tensor: torch.Tensor) -> np.ndarray:
        return tensor.detach().numpy().copy()

    return LSTMWalkthrough(
        tokens=tuple(tokens), inputs=numpy(inputs),
        previous_hidden=numpy(previous_hidden), previous_cell=numpy(previous_cell),
        gates={name: numpy(value) for name, value in gates.items()},
        pre_activations={name: numpy(value) for name, value in pre.items()},
        input_parts={name: numpy(input_parts[name]) for name in GATES},
        hidden_parts={name: numpy(hidden_parts[name]) for name in GATES},
        kept=numpy(kept), written=numpy(written), cell=numpy(cell),
        squashed_cell=numpy(torch.tanh(cell)), hidden=numpy(hidden),
        weights={name: tuple(numpy(part) for part in parts) for name, parts in weights.items()},
        truncated=truncated, max_abs_diff=float(max(gaps)), tutorial_max_abs_diff=tutorial_gap,
    )


def tutorial_gates(module: nn.LSTM, inputs: torch.Tensor, previous_hidden: torch.Tensor) -> dict[str, torch.Tensor]:
    """The gates as the tutorial writes them: one matrix over ``[h_{t-1}, x_t]`` per gate, order f, i, C̃, o.

    ``inputs`` (T, D) and ``previous_hidden`` (T, H); returns gate name -> (T, H) after σ / tanh.
    """
    weights = lstm_gate_weights(module)
    joined = torch.cat([previous_hidden, inputs], dim=-1)  # (seq_len, hidden + input): [h_{t-1}, x_t]
    gates = {}
    for name in TUTORIAL_ORDER["lstm"]:
        w_input, w_hidden, bias = weights[name]
        stacked = torch.cat([w_hidden, w_input], dim=1)  # (hidden, hidden + input): W = [W_h | W_x]
        activation = torch.tanh if name == "candidate" else torch.sigmoid
        gates[name] = activation(joined @ stacked.T + bias)  # (seq_len, hidden)
    return gates


@dataclass(frozen=True)
class LayoutRow:
    """Where one gate lives in torch's stacked parameters and in the tutorial's matrices."""

    gate: str  # GATE_COLORS name
    torch_letter: str  # i, f, g, o
    torch_rows: tuple[int, int]  # rows [start, stop) of weight_ih_l0 / weight_hh_l0 / both biases
    torch_input_shape: tuple[int, int]  # shape of its block of weight_ih_l0: (H, D)
    torch_hidden_shape: tuple[int, int]  # shape of its block of weight_hh_l0: (H, H)
    tutorial_letter: str  # f, i, C, o as in the tutorial's W_f, W_i, W_C, W_o
    tutorial_position: int  # 0-based place in the tutorial's f, i, C̃, o
    tutorial_shape: tuple[int, int]  # shape of the tutorial's W over [h, x]: (H, H + D)


def weight_layout(module: nn.LSTM) -> tuple[tuple[LayoutRow, ...], dict[str, tuple[int, ...]]]:
    """The gate-order mapping table, read off the module's own parameter shapes, and those shapes by name."""
    shapes = {name: tuple(parameter.shape) for name, parameter in module.named_parameters()}
    rows_per_gate = shapes["weight_ih_l0"][0] // len(GATE_ORDER["lstm"])
    input_size, hidden_size = shapes["weight_ih_l0"][1], shapes["weight_hh_l0"][1]
    rows = tuple(
        LayoutRow(
            gate=name, torch_letter=TORCH_LETTERS[name],
            torch_rows=(index * rows_per_gate, (index + 1) * rows_per_gate),
            torch_input_shape=(rows_per_gate, input_size), torch_hidden_shape=(rows_per_gate, hidden_size),
            tutorial_letter=TUTORIAL_LETTERS[name], tutorial_position=TUTORIAL_ORDER["lstm"].index(name),
            tutorial_shape=(rows_per_gate, hidden_size + input_size),
        )
        for index, name in enumerate(GATE_ORDER["lstm"])
    )
    return rows, shapes


def step_equations(lesson: LSTMWalkthrough, step: int, decimals: int = 2) -> dict[str, tuple[str, ...]]:
    """Step ``step``'s formulas (1-based, like t) with its numbers substituted: LaTeX lines keyed by gate name,
    plus ``cell`` and ``hidden``. A gate gets three lines (the two products, then the sum through σ or tanh)
    so each fits a page's width."""
    if not 1 <= step <= lesson.seq_len:
        raise ValueError(f"step {step} is outside 1..{lesson.seq_len}")
    index, t, previous = step - 1, f"{step}", f"{step - 1}"

    def matrix(values) -> str:
        return bmatrix(values, decimals)

    symbols = {"input": ("i", r"\sigma"), "forget": ("f", r"\sigma"), "candidate": (r"\tilde{C}", r"\tanh"),
               "output": ("o", r"\sigma")}
    equations = {}
    for name, (symbol, activation) in symbols.items():
        w_input, w_hidden, bias = lesson.weights[name]
        letter = TORCH_LETTERS[name]
        equations[name] = (
            rf"W_{{x{letter}}}\,x_{{{t}}} = " + matrix(w_input) + matrix(lesson.inputs[index])
            + " = " + matrix(lesson.input_parts[name][index]),
            rf"W_{{h{letter}}}\,h_{{{previous}}} = " + matrix(w_hidden) + matrix(lesson.previous_hidden[index])
            + " = " + matrix(lesson.hidden_parts[name][index]),
            rf"{symbol}_{{{t}}} = {activation}\left(W_{{x{letter}}}\,x_{{{t}}} + W_{{h{letter}}}\,h_{{{previous}}}"
            rf" + b_{{{letter}}}\right) = {activation}\left(" + matrix(lesson.input_parts[name][index]) + " + "
            + matrix(lesson.hidden_parts[name][index]) + " + " + matrix(bias) + rf"\right) = {activation}"
            + matrix(lesson.pre_activations[name][index]) + " = " + matrix(lesson.gates[name][index]),
        )
    gates = {name: lesson.gates[name][index] for name in GATES}
    equations["cell"] = (
        rf"C_{{{t}}} = f_{{{t}}} \odot C_{{{previous}}} + i_{{{t}}} \odot \tilde{{C}}_{{{t}}} = "
        + matrix(gates["forget"]) + r" \odot " + matrix(lesson.previous_cell[index]) + " + "
        + matrix(gates["input"]) + r" \odot " + matrix(gates["candidate"]),
        rf"C_{{{t}}} = " + matrix(lesson.kept[index]) + " + " + matrix(lesson.written[index]) + " = "
        + matrix(lesson.cell[index]),
    )
    equations["hidden"] = (
        rf"h_{{{t}}} = o_{{{t}}} \odot \tanh(C_{{{t}}}) = " + matrix(gates["output"]) + r" \odot \tanh"
        + matrix(lesson.cell[index]) + " = " + matrix(gates["output"]) + r" \odot "
        + matrix(lesson.squashed_cell[index]) + " = " + matrix(lesson.hidden[index]),
    )
    return equations
