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

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.lessons import bmatrix
from core.lesson_models import seeded_recurrent
from core.lessons.timing import timing_conditions
from core.lessons.trained.load import require_lesson_sizes, trained_model
from core.seeding import generator as seeded_generator
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
SIGMOID_GATES = frozenset({"input", "forget", "output", "reset", "update"})  # the tutorial's "gates": σ valves


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
        model = trained_model("gru")
        require_lesson_sizes(model, config.input_size, config.hidden_size)
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


@dataclass(frozen=True)
class CellFacts:
    """One column of the LSTM vs GRU table, read off a real module and its trace."""

    kind: str  # "lstm" or "gru"
    gate_blocks: int  # G: blocks stacked in weight_ih (4 or 3), read off its shape
    parameters: int  # Σ numel over module.parameters()
    formula_parameters: int  # G · (H² + H·D + 2H), torch's two bias vectors included
    gates: int  # σ gates the trace computes (the tutorial's count: 3 vs 2)
    states: int  # state tensors carried between steps: h and C (LSTM) or h (GRU)


def cell_facts(kind: str, input_size: int, hidden_size: int, seed: int = 0) -> CellFacts:
    """Count the parameters of one ``nn.LSTM`` / ``nn.GRU`` of the given sizes and list what its trace computes."""
    module = seeded_recurrent(kind, input_size, hidden_size, seed)
    blocks = module.weight_ih_l0.shape[0] // hidden_size
    with torch.no_grad():
        traced = trace(module, torch.zeros(1, input_size))  # one step is enough to list the gates
    return CellFacts(
        kind=kind, gate_blocks=blocks,
        parameters=sum(parameter.numel() for parameter in module.parameters()),
        formula_parameters=blocks * (hidden_size**2 + hidden_size * input_size + 2 * hidden_size),
        gates=len(SIGMOID_GATES & set(traced.gates)), states=1 + (traced.c_n is not None),
    )


@dataclass(frozen=True)
class TimingConfig:
    """The batch the LSTM vs GRU timing runs (the page quotes these numbers)."""

    batch_size: int = 16  # sequences per batch
    seq_len: int = 32  # steps per sequence
    repeats: int = 5  # timed passes after one warm-up; the fastest is kept


@dataclass(frozen=True)
class CellTiming:
    """How long one batch takes through a module, best of several runs, in milliseconds."""

    kind: str  # "lstm" or "gru"
    forward_ms: float  # fastest forward pass
    backward_ms: float  # fastest backward pass of the same batch
    device: str  # where it ran


def time_cell(kind: str, input_size: int, hidden_size: int, batch_size: int = TimingConfig.batch_size,
              seq_len: int = TimingConfig.seq_len, repeats: int = TimingConfig.repeats,
              device: torch.device | str = "cpu", seed: int = 0) -> CellTiming:
    """Time ``nn.LSTM`` / ``nn.GRU`` forward and backward on a random (seq_len, batch_size, input_size) batch.

    One warm-up pass, then ``repeats`` timed passes; the fastest is kept because on a shared machine the noise
    only ever adds time. On the CPU the passes run on one thread: with every core busy, torch's worker threads
    wait on each other and the numbers turn to noise (tens of milliseconds for a sub-millisecond pass).
    """
    with timing_conditions(torch.device(device)):  # one timing at a time; one thread on the CPU
        return _time_cell(kind, input_size, hidden_size, batch_size, seq_len, repeats, device, seed)


def _time_cell(kind, input_size, hidden_size, batch_size, seq_len, repeats, device, seed) -> CellTiming:
    module = seeded_recurrent(kind, input_size, hidden_size, seed).to(device).train()
    batch = torch.randn(seq_len, batch_size, input_size, generator=seeded_generator(seed))  # (seq_len, batch, D)
    batch = batch.to(device)
    device_type = torch.device(device).type

    def wait() -> None:
        if device_type == "cuda":
            torch.cuda.synchronize()
        elif device_type == "mps":
            torch.mps.synchronize()

    forward_times, backward_times = [], []
    for attempt in range(repeats + 1):
        module.zero_grad(set_to_none=True)
        wait()
        start = time.perf_counter()
        output, _ = module(batch)  # (seq_len, batch, hidden)
        wait()
        middle = time.perf_counter()
        output.square().mean().backward()
        wait()
        end = time.perf_counter()
        if attempt:  # the first pass pays one-off allocation and kernel selection costs
            forward_times.append((middle - start) * 1e3)
            backward_times.append((end - middle) * 1e3)
    return CellTiming(kind=kind, forward_ms=min(forward_times), backward_ms=min(backward_times), device=str(device))
