r"""One notation for every lesson, and the symbols the pages print, read back out of their LaTeX and texts.

The notation (the glossary page lists it with names and meanings from ``assets/text/{en,zh}/glossary.toml``):

* ``a_t`` is always a pre-activation (the argument of tanh in an RNN), never ``z_t``: ``z_t`` is the GRU's update gate;
* ``s_t = W_hy h_t + b_y`` are the logits and ``ŷ_t = softmax(s_t)`` the probabilities: ``o_t`` stays the LSTM's
  output gate and softmax is applied once;
* the input side of a gate is ``W_x·`` / ``b_x·`` and the hidden side ``W_h·`` / ``b_h·`` (torch's ``weight_ih`` /
  ``weight_hh``), so ``b_i`` only ever means the LSTM's input-gate bias;
* classes and units are counted from 0 like torch's indices; ``e_c`` is the one-hot vector of class index c.

:func:`symbols_in` and :func:`symbols_in_text` reduce what a page prints to canonical forms (``h_3`` and ``hₜ₋₁``
both become ``h_t``; ``W_{xh}`` and ``Wₓₕ`` both ``W_{xh}``), and :data:`GLOSSARY` says which forms each entry covers,
so a test can check that every printed symbol is explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class GlossaryEntry:
    """One symbol of the glossary: its key in the text tables, how it is drawn, and the forms it covers."""

    key: str  # table key in glossary.toml (name and meaning come from there)
    section: str  # key of its section in glossary.toml
    latex: str  # how the glossary draws it
    forms: tuple[str, ...]  # canonical forms (see symbols_in) this entry explains
    lessons: tuple[str, ...]  # lessons where it first matters (page names)


GLOSSARY: tuple[GlossaryEntry, ...] = (
    GlossaryEntry("input", "states", r"x_t", ("x_t", "x"), ("rnn_step",)),
    GlossaryEntry("hidden", "states", r"h_t", ("h_t", "h", "h'_t"), ("rnn_step",)),
    GlossaryEntry("directions", "states", r"h_f,\ h_b", ("h_f", "h_b"), ("architectures",)),
    GlossaryEntry("pre_activation", "states", r"a_t", ("a_t",), ("rnn_step", "gradients")),
    GlossaryEntry("logits", "states", r"s_t", ("s_t",), ("rnn_step", "bptt")),
    GlossaryEntry("probabilities", "states", r"\hat{y}_t", (r"\hat{y}_t", "y"), ("rnn_step", "bptt")),
    GlossaryEntry("cell", "states", r"C_t", ("C_t",), ("lstm_step",)),
    GlossaryEntry("final_states", "states", r"h_n,\ c_n", ("h_n", "c_n"), ("code",)),
    GlossaryEntry("length", "sizes", r"T", ("T", "n"), ("why_sequences",)),
    GlossaryEntry("sizes", "sizes", r"D,\ H", ("D", "H", "d"), ("rnn_step",)),
    GlossaryEntry("model_width", "sizes", r"d_{model}", ("d_{model}",), ("summary",)),
    GlossaryEntry("weight_input", "weights", r"W_{xh}", ("W_{xh}",), ("rnn_step",)),
    GlossaryEntry("weight_hidden", "weights", r"W_{hh}", ("W_{hh}", "W"), ("rnn_step",)),
    GlossaryEntry("bias_hidden", "weights", r"b_h", ("b_h", "b"), ("rnn_step",)),
    GlossaryEntry("weight_output", "weights", r"W_{hy},\ b_y", ("W_{hy}", "b_y"), ("rnn_step",)),
    GlossaryEntry("torch_weights", "weights", r"W_{ih},\ W_{hh},\ b_{ih},\ b_{hh}",
                  ("W_{ih}", "b_{ih}", "b_{hh}"), ("code",)),
    GlossaryEntry("gate_weights", "weights", r"W_{x\cdot},\ W_{h\cdot}",
                  ("W_{xi}", "W_{xf}", "W_{xg}", "W_{xo}", "W_{hi}", "W_{hf}", "W_{hg}", "W_{ho}",
                   "W_{xr}", "W_{xz}", "W_{xn}", "W_{hr}", "W_{hz}", "W_{hn}", "W_x"), ("lstm_step", "gru_step")),
    GlossaryEntry("gate_biases", "weights", r"b_i,\ b_f,\ b_g,\ b_o", ("b_i", "b_f", "b_g", "b_o"), ("lstm_step",)),
    GlossaryEntry("gru_biases", "weights", r"b_{x\cdot},\ b_{h\cdot}",
                  ("b_{xr}", "b_{xz}", "b_{xn}", "b_{hr}", "b_{hz}", "b_{hn}", "b_x", "b_{xf}", "b_{hf}"), ("gru_step",)),
    GlossaryEntry("tutorial_weights", "weights", r"W_f,\ W_i,\ W_C,\ W_o,\ W_h",
                  ("W_f", "W_i", "W_C", "W_o", "W_h", "b_C"), ("lstm_step", "gru_step", "summary")),
    GlossaryEntry("input_gate", "gates", r"i_t", ("i_t",), ("lstm_step",)),
    GlossaryEntry("forget_gate", "gates", r"f_t", ("f_t", "f"), ("lstm_step",)),
    GlossaryEntry("candidate", "gates", r"\tilde{C}_t", (r"\tilde{C}_t", "g_t"), ("lstm_step",)),
    GlossaryEntry("output_gate", "gates", r"o_t", ("o_t",), ("lstm_step",)),
    GlossaryEntry("reset_gate", "gates", r"r_t", ("r_t", "r"), ("gru_step",)),
    GlossaryEntry("update_gate", "gates", r"z_t", ("z_t", "z"), ("gru_step",)),
    GlossaryEntry("tutorial_update", "gates", r"z'_t", ("z'_t", "z'"), ("gru_step",)),
    GlossaryEntry("new_state", "gates", r"n_t", ("n_t",), ("gru_step",)),
    GlossaryEntry("tutorial_candidate", "gates", r"\tilde{h}_t", (r"\tilde{h}_t",), ("gru_step",)),
    GlossaryEntry("loss", "training", r"L,\ L_t", ("L", "L_t"), ("bptt",)),
    GlossaryEntry("one_hot", "training", r"e_c", ("e_c", "c"), ("bptt",)),
    GlossaryEntry("gradient_vector", "training", r"g", ("g",), ("gradients",)),
    GlossaryEntry("delta", "training", r"\delta_t", (r"\delta",), ("bptt",)),
    GlossaryEntry("partial", "training", r"\partial L / \partial h_t", (r"\partial",), ("bptt",)),
    GlossaryEntry("immediate_partial", "training", r"\partial^{+}", (r"\partial^{+}",), ("summary",)),
    GlossaryEntry("slope_bound", "training", r"\gamma", (r"\gamma",), ("summary",)),
    GlossaryEntry("singular_value", "training", r"\sigma_{\max}", (r"\sigma_{\max}",), ("gradients",)),
    GlossaryEntry("spectral_radius", "training", r"\rho", (r"\rho",), ("gradients",)),
    GlossaryEntry("norm", "training", r"\lVert\cdot\rVert", (r"\lVert",), ("gradients",)),
    GlossaryEntry("unit_index", "training", r"j,\ k", ("j", "k"), ("gradients",)),
    GlossaryEntry("sigmoid", "operations", r"\sigma", (r"\sigma",), ("lstm_step",)),
    GlossaryEntry("tanh", "operations", r"\tanh", (r"\tanh",), ("rnn_step",)),
    GlossaryEntry("activation", "operations", r"\varphi,\ \varphi'", (r"\varphi", "relu"), ("gradients",)),
    GlossaryEntry("hadamard", "operations", r"\odot", (r"\odot",), ("lstm_step",)),
    GlossaryEntry("softmax", "operations", r"\operatorname{softmax}", ("softmax",), ("rnn_step",)),
    GlossaryEntry("diag", "operations", r"\operatorname{diag}", ("diag",), ("bptt",)),
    GlossaryEntry("transpose", "operations", r"W^\top", (r"\top",), ("bptt",)),
    GlossaryEntry("product", "operations", r"\prod,\ \sum", (r"\prod", r"\sum"), ("gradients",)),
    GlossaryEntry("concat", "operations", r"[h_{t-1}, x_t]", ("[,]",), ("lstm_step",)),
)

# LaTeX commands that only lay a formula out; every other command must be a glossary form.
LAYOUT_COMMANDS = frozenset({
    "left", "right", "big", "Big", "bigl", "bigr", "quad", "qquad", "cdot", "frac", "mid", "le", "ge", "in", "log",
    "times", "infty", "dots", "ldots", "cdots", "approx", "to", "rVert", "max", "min", "exp", "text", "mathrm",
    "operatorname", "begin", "end", "tilde", "hat", "leftarrow", "rightarrow", "Rightarrow", "sqrt", "textstyle",
    "displaystyle", "Bigl", "Bigr",
})
TIME_INDEX = re.compile(r"^(?:[tTksj]|\d+|[tTk]\s*[-+−]\s*(?:\d+|n)|k,\s*j|t,\s*j)$")
DECORATED = {r"\tilde{C}": "\u24b8", r"\tilde{h}": "\u24d7", r"\hat{y}": "\u24e8"}  # stand-ins while parsing
UNDECORATED = {stand_in: latex for latex, stand_in in DECORATED.items()}
SUBSCRIPTS = dict(zip("ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₀₁₂₃₄₅₆₇₈₉₊₋", "aehijklmnoprstuvx0123456789+-"))


def canonical(base: str, prime: str, subscript: str | None) -> str:
    """``h`` + ``3`` → ``h_t``; ``W`` + ``xh`` → ``W_{xh}``; time-like subscripts all read as ``t``."""
    base = UNDECORATED.get(base, base)
    if subscript is None:
        return base + prime
    subscript = subscript.strip("{}() ").replace(" ", "")
    if TIME_INDEX.match(subscript):
        subscript = "t"
    return f"{base}{prime}_{subscript}" if len(subscript) == 1 else f"{base}{prime}_{{{subscript}}}"


def symbols_in(latex: str) -> set[str]:
    """The canonical symbols a LaTeX string prints (numbers and layout commands left out)."""
    found: set[str] = set()
    text = latex
    for name in re.findall(r"\\(?:operatorname|mathrm)\{(\w+)\}", text):
        found.add(name)
    text = re.sub(r"\\(?:operatorname|mathrm|text|begin|end)\{[^{}]*\}", " ", text)
    if r"\sigma_{\max}" in text:
        found.add(r"\sigma_{\max}")
        text = text.replace(r"\sigma_{\max}", " ")
    if r"\partial^{+}" in text:
        found.add(r"\partial^{+}")
        text = text.replace(r"\partial^{+}", r"\partial")
    text = re.sub(r"\\(?:max|min)_\w", " ", text)
    for operator in re.findall(r"\\(prod|sum)_", text):
        found.add("\\" + operator)
    text = re.sub(r"\\(?:prod|sum)_\{[^{}]*\}(?:\^\{[^{}]*\}|\^\w)?", " ", text)
    for latex_form, stand_in in DECORATED.items():
        text = text.replace(latex_form, stand_in)
    if r"^\top" in text:
        found.add(r"\top")
    text = re.sub(r"\^(?:\{[^{}]*\}|\\[A-Za-z]+|\w)", " ", text)
    if re.search(r"\\lVert|\\\|", text):
        found.add(r"\lVert")
    for command in re.findall(r"\\([A-Za-z]+)", text):
        if command not in LAYOUT_COMMANDS:
            found.add("\\" + command)
    text = re.sub(r"\\[A-Za-z]+(?:_(?:\{[^{}]*\}|\w))?", " ", text)  # a command takes its own subscript along
    if re.search(r"\[\s*h_", text):
        found.add("[,]")
    stand_ins = "".join(DECORATED.values())
    pattern = rf"(?<![A-Za-z0-9])([A-Za-z{stand_ins}])('?)(?:_(\{{[^{{}}]*\}}|[A-Za-z0-9]))?(?![A-Za-z])"
    for base, prime, subscript in re.findall(pattern, text):
        found.add(canonical(base, prime, subscript or None))
    return found


def symbols_in_text(text: str) -> set[str]:
    """Symbols in page prose: ``$…$`` LaTeX, Unicode subscripts (``hₜ₋₁``, ``Wₕₕ``) and ASCII ones (``z_t``)."""
    found: set[str] = set()
    text = re.sub(r"\{\{\{\w+\}\}\}", "{t}", text)  # a str.format placeholder inside LaTeX braces: a step number
    text = text.replace("{{", "{").replace("}}", "}")
    text = re.sub(r"_\{(?:step|previous|next|last)\}", "_t", text)
    for latex in re.findall(r"\$([^$]+)\$", text):
        found |= symbols_in(latex)
    text = re.sub(r"\$[^$]+\$", " ", text)
    text = text.replace("C\u0303", DECORATED[r"\tilde{C}"]).replace("h\u0303", DECORATED[r"\tilde{h}"])
    text = text.replace("ŷ", DECORATED[r"\hat{y}"])
    stand_ins = "".join(DECORATED.values())
    letters = "".join(SUBSCRIPTS)
    for base, prime, subscript in re.findall(rf"(?<![A-Za-z])([A-Za-z{stand_ins}])(′?)([{letters}]+)", text):
        found.add(canonical(base, "'" if prime else "", "".join(SUBSCRIPTS[char] for char in subscript)))
    ascii_pattern = rf"(?<![\w.`])([A-Za-z{stand_ins}])('?)_(\{{[^}}]*\}}|\([^)]*\)|[A-Za-z0-9]+)(?![\w(`])"
    for base, prime, subscript in re.findall(ascii_pattern, text):
        found.add(canonical(base, prime, subscript))
    return found


def covered_forms() -> set[str]:
    """Every canonical form some glossary entry explains."""
    return {form for entry in GLOSSARY for form in entry.forms}
