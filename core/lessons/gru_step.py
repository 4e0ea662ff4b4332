r"""Lesson 6: a real ``torch.nn.GRU(3, 4)`` read step by step, its two conventions, and a measured LSTM vs GRU table.

Torch's equations for one step (gate blocks stacked r, z, n in ``weight_ih_l0`` / ``weight_hh_l0``)::

    r_t = σ(W_xr x_t + b_xr + W_hr h_{t-1} + b_hr)               reset gate     (H,)
    z_t = σ(W_xz x_t + b_xz + W_hz h_{t-1} + b_hz)               update gate    (H,)
    n_t = tanh(W_xn x_t + b_xn + r_t ⊙ (W_hn h_{t-1} + b_hn))    new state      (H,)

The input side is written ``W_x*`` / ``b_x*`` (torch's ``weight_ih`` / ``bias_ih`` blocks, ``W_ir`` … in its docs), the
hidden side ``W_h*`` / ``b_h*``, so that ``b_i`` keeps meaning the LSTM's input-gate bias in every lesson.
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}                        hidden state   (H,)   h_0 = 0

Two differences from the tutorial, both shown numerically by :func:`walkthrough`:

* the tutorial writes ``h_t = (1 - z'_t) ⊙ h_{t-1} + z'_t ⊙ h̃_t``: the same model with ``z' = 1 - z``
  (``convention_max_abs_diff`` is the gap between both formulas evaluated on the trace, zero up to rounding);
* the tutorial resets before the product, ``h̃_t = tanh(W_h [r_t ⊙ h_{t-1}, x_t] + b)``; torch multiplies the
  projected old state ``W_hn h_{t-1} + b_hn`` by ``r_t``. With the same weights the two disagree
  (``reset_placement_gap``): they are different models, torch's follows cuDNN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.lessons import bmatrix
from core.lesson_models import seeded_recurrent
from core.lessons.trained.load import lesson_model
from core.sequence_input import embed_tokens, tokens_of
from core.trace import trace
from core.weights import GATE_ORDER, layer_weights

DEFAULT_SENTENCE = "我 爱 北京 天安门"
GATES = ("reset", "update", "new")
EQUATIONS = (  # torch's form
    r"r_t = \sigma(W_{xr} x_t + b_{xr} + W_{hr} h_{t-1} + b_{hr}), \quad z_t = \sigma(W_{xz} x_t + b_{xz} + W_{hz} h_{t-1} + b_{hz})",
    r"n_t = \tanh\big(W_{xn} x_t + b_{xn} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\big)",
    r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}, \qquad h_0 = 0",
)
TUTORIAL_EQUATIONS = (  # the tutorial's form: one matrix over [h, x], reset before the product, z' = 1 - z
    r"\tilde{h}_t = \tanh(W_h \cdot [r_t \odot h_{t-1}, x_t] + b_h)",
    r"h_t = (1 - z'_t) \odot h_{t-1} + z'_t \odot \tilde{h}_t, \qquad z'_t = 1 - z_t",
)


@dataclass(frozen=True)
class GRUStepConfig:
    """Sizes of the lesson's network."""

    input_size: int = 3  # D: features of each token vector x_t
    hidden_size: int = 4  # H: entries of h_t
    max_tokens: int = 16  # longest sentence the step-by-step animation unrolls


@dataclass(frozen=True)
class GRUWalkthrough:
    """Every number lesson 6 animates. Arrays are float32 numpy; T = seq_len, D / H as in the module docstring."""

    tokens: tuple[str, ...]
    inputs: np.ndarray  # (T, D)  x_t
    previous_hidden: np.ndarray  # (T, H)  h_{t-1}, row 0 is h_0 = 0
    gates: dict[str, np.ndarray]  # reset / update / new, each (T, H), after σ or tanh
    pre_activations: dict[str, np.ndarray]  # the same keys, each (T, H), before σ or tanh
    input_parts: dict[str, np.ndarray]  # gate -> (T, H)  W_x* x_t + b_x*
    hidden_parts: dict[str, np.ndarray]  # gate -> (T, H)  W_h* h_{t-1} + b_h*
    kept: np.ndarray  # (T, H)  z_t ⊙ h_{t-1}: what stays of the old state
    written: np.ndarray  # (T, H)  (1 - z_t) ⊙ n_t: what the new state brings
    hidden: np.ndarray  # (T, H)  h_t
    tutorial_update: np.ndarray  # (T, H)  the tutorial's z' = 1 - z
    tutorial_hidden: np.ndarray  # (T, H)  (1 - z') ⊙ h_{t-1} + z' ⊙ n_t
    reset_first_new: np.ndarray  # (T, H)  tanh(W_xn x + b_xn + W_hn (r ⊙ h_{t-1}) + b_hn): reset before the product
    weights: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]  # gate -> (W_x, W_h, b_x, b_h)
    truncated: bool  # the sentence had more than max_tokens tokens
    max_abs_diff: float  # largest gap to torch's fused nn.GRU (outputs, h_n and rebuilt parts)
    convention_max_abs_diff: float  # |tutorial_hidden - hidden|: the z ↔ 1 - z relabelling changes nothing
    reset_placement_gap: float  # |reset_first_new - n|: where r is applied does change the model

    @property
    def seq_len(self) -> int:
        return len(self.tokens)

    def vectors(self) -> dict[str, np.ndarray]:
        """Every vector the cell diagram shows, by name, each (T, size)."""
        return {"input_x": self.inputs, "previous_hidden": self.previous_hidden, **self.gates,
                "kept": self.kept, "written": self.written, "hidden": self.hidden,
                "hidden_new_part": self.hidden_parts["new"]}


def build_gru(seed: int, config: GRUStepConfig = GRUStepConfig()) -> nn.GRU:
    """The lesson's GRU, torch's default init drawn from ``seed``."""
    return seeded_recurrent("gru", config.input_size, config.hidden_size, seed)


def walkthrough(sentence: str, seed: int, config: GRUStepConfig = GRUStepConfig(),
                trained: bool = False) -> GRUWalkthrough:
    """Embed ``sentence``, run the seeded GRU over it through :func:`core.trace.trace`, keep every step.

    ``trained=True`` reads the sentence with the shipped agreement model's word vectors and ``nn.GRU(3, 4)``
    (:mod:`core.lessons.trained`) instead; ``seed`` then changes nothing.
    """
    tokens, truncated = tokens_of(sentence, config.max_tokens)
    if trained:
        model = lesson_model("gru", config.input_size, config.hidden_size)
        module, inputs = model.recurrent, model.embed(tokens)  # inputs: (seq_len, input)
    else:
        module = build_gru(seed, config)
        inputs = embed_tokens(tokens, config.input_size, seed)  # (seq_len, input)
    with torch.no_grad():
        traced = trace(module, inputs)
        gates = {name: traced.gate(name) for name in GATES}  # each (seq_len, hidden)
        pre = {name: traced.gate(f"pre_{name}") for name in GATES}  # each (seq_len, hidden)
        hidden = traced.gate("hidden")  # (seq_len, hidden)
        previous_hidden = torch.cat([hidden.new_zeros(1, config.hidden_size), hidden[:-1]])  # (seq_len, hidden)
        weights = layer_weights(module)
        blocks = {
            part: dict(zip(GATE_ORDER["gru"], tensor.chunk(3)))
            for part, tensor in (("w_input", weights.weight_ih), ("w_hidden", weights.weight_hh),
                                 ("b_input", weights.bias_ih), ("b_hidden", weights.bias_hh))
        }
        input_parts = {name: inputs @ blocks["w_input"][name].T + blocks["b_input"][name] for name in GATES}
        hidden_parts = {name: previous_hidden @ blocks["w_hidden"][name].T + blocks["b_hidden"][name]
                        for name in GATES}  # each (seq_len, hidden)
        reset, update, new = gates["reset"], gates["update"], gates["new"]
        kept = update * previous_hidden  # (seq_len, hidden)
        written = (1 - update) * new  # (seq_len, hidden)

        tutorial_update = 1 - update  # (seq_len, hidden): the tutorial's z'
        tutorial_hidden = (1 - tutorial_update) * previous_hidden + tutorial_update * new  # (seq_len, hidden)
        reset_first_new = torch.tanh(input_parts["new"] + (reset * previous_hidden) @ blocks["w_hidden"]["new"].T
                                     + blocks["b_hidden"]["new"])  # (seq_len, hidden)

        expected_output, expected_hidden = module(inputs)  # (seq_len, hidden), (1, hidden)
        gaps = [
            (hidden - expected_output).abs().max(),
            (hidden[-1] - expected_hidden[0]).abs().max(),
            (kept + written - hidden).abs().max(),
            (input_parts["reset"] + hidden_parts["reset"] - pre["reset"]).abs().max(),
            (input_parts["update"] + hidden_parts["update"] - pre["update"]).abs().max(),
            (input_parts["new"] + reset * hidden_parts["new"] - pre["new"]).abs().max(),
        ]

    def numpy(tensor: torch.Tensor) -> np.ndarray:
        return tensor.detach().numpy().copy()

    return GRUWalkthrough(
        tokens=tuple(tokens), inputs=numpy(inputs), previous_hidden=numpy(previous_hidden),
        gates={name: numpy(value) for name, value in gates.items()},
        pre_activations={name: numpy(value) for name, value in pre.items()},
        input_parts={name: numpy(value) for name, value in input_parts.items()},
        hidden_parts={name: numpy(value) for name, value in hidden_parts.items()},
        kept=numpy(kept), written=numpy(written), hidden=numpy(hidden),
        tutorial_update=numpy(tutorial_update), tutorial_hidden=numpy(tutorial_hidden),
        reset_first_new=numpy(reset_first_new),
        weights={name: tuple(numpy(blocks[part][name]) for part in ("w_input", "w_hidden", "b_input", "b_hidden"))
                 for name in GATES},
        truncated=truncated, max_abs_diff=float(max(gaps)),
        convention_max_abs_diff=float((tutorial_hidden - hidden).abs().max()),
        reset_placement_gap=float((reset_first_new - new).abs().max()),
    )


def step_equations(lesson: GRUWalkthrough, step: int, decimals: int = 2) -> dict[str, tuple[str, ...]]:
    """Step ``step``'s formulas (1-based, like t) with numbers substituted, as LaTeX lines: ``reset``, ``update``,
    ``new``, ``hidden`` (torch's form) and ``tutorial_hidden`` (the tutorial's form with z' = 1 - z). A gate gets
    three lines (input side, hidden side, then the activation) so each fits a page's width."""
    if not 1 <= step <= lesson.seq_len:
        raise ValueError(f"step {step} is outside 1..{lesson.seq_len}")
    index, t, previous = step - 1, f"{step}", f"{step - 1}"

    def matrix(values) -> str:
        return bmatrix(values, decimals)

    def sides(name: str, letter: str) -> tuple[str, str]:
        w_input, w_hidden, b_input, b_hidden = lesson.weights[name]
        return (
            rf"W_{{x{letter}}}\,x_{{{t}}} + b_{{x{letter}}} = " + matrix(w_input) + matrix(lesson.inputs[index])
            + " + " + matrix(b_input) + " = " + matrix(lesson.input_parts[name][index]),
            rf"W_{{h{letter}}}\,h_{{{previous}}} + b_{{h{letter}}} = " + matrix(w_hidden)
            + matrix(lesson.previous_hidden[index]) + " + " + matrix(b_hidden) + " = "
            + matrix(lesson.hidden_parts[name][index]),
        )

    equations = {}
    for name, letter in (("reset", "r"), ("update", "z")):
        equations[name] = (*sides(name, letter), (
            rf"{letter}_{{{t}}} = \sigma\left(" + matrix(lesson.input_parts[name][index]) + " + "
            + matrix(lesson.hidden_parts[name][index]) + r"\right) = \sigma"
            + matrix(lesson.pre_activations[name][index]) + " = " + matrix(lesson.gates[name][index])
        ))
    equations["new"] = (*sides("new", "n"), (
        rf"n_{{{t}}} = \tanh\left(W_{{xn}}\,x_{{{t}}} + b_{{xn}} + r_{{{t}}} \odot (W_{{hn}}\,h_{{{previous}}}"
        rf" + b_{{hn}})\right) = \tanh\left(" + matrix(lesson.input_parts["new"][index]) + " + "
        + matrix(lesson.gates["reset"][index]) + r" \odot " + matrix(lesson.hidden_parts["new"][index])
        + r"\right) = \tanh" + matrix(lesson.pre_activations["new"][index]) + " = " + matrix(lesson.gates["new"][index])
    ))
    update, new, old = lesson.gates["update"][index], lesson.gates["new"][index], lesson.previous_hidden[index]
    equations["hidden"] = (
        rf"h_{{{t}}} = (1 - z_{{{t}}}) \odot n_{{{t}}} + z_{{{t}}} \odot h_{{{previous}}} = "
        + matrix(1 - update) + r" \odot " + matrix(new) + " + " + matrix(update) + r" \odot " + matrix(old)
        + " = " + matrix(lesson.hidden[index]),
    )
    tutorial_update = lesson.tutorial_update[index]
    equations["tutorial_hidden"] = (
        rf"h_{{{t}}} = (1 - z'_{{{t}}}) \odot h_{{{previous}}} + z'_{{{t}}} \odot \tilde{{h}}_{{{t}}} = "
        + matrix(1 - tutorial_update) + r" \odot " + matrix(old) + " + " + matrix(tutorial_update) + r" \odot "
        + matrix(new) + " = " + matrix(lesson.tutorial_hidden[index]),
    )
    return equations
