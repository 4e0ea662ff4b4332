"""One notation: every symbol the lessons print is in the glossary, and the old clashes stay fixed."""

import re
import tomllib
from pathlib import Path

import pytest

from core.lessons import bptt, cell_path, clipping, gradients, gru_step, lstm_step, rnn_step, summary
from core.lessons.notation import GLOSSARY, covered_forms, symbols_in, symbols_in_text

TEXT_ROOT = Path(__file__).resolve().parents[2] / "assets" / "text"


def printed_latex() -> list[str]:
    """Every LaTeX string the lessons build: fixed formulas and step-by-step substitutions."""
    latex = [*rnn_step.EQUATIONS, *lstm_step.EQUATIONS, *gru_step.EQUATIONS, *gru_step.TUTORIAL_EQUATIONS]
    latex += [formula for _, formulas in summary.CHEAT_SHEET for _, formula in formulas]
    latex += [*bptt.MODEL_EQUATIONS, bptt.SUM_EQUATION, gradients.CHAIN_EQUATION, lstm_step.LAYOUT_EQUATION,
              *cell_path.PATH_EQUATIONS, clipping.rule_latex("parameters", "threshold")]
    latex += rnn_step.step_equations(rnn_step.run_lesson(rnn_step.DEFAULT_SENTENCE, 0), 2).values()
    for module in (lstm_step, gru_step):
        lesson = module.walkthrough(module.DEFAULT_SENTENCE, 0)
        latex += [line for lines in module.step_equations(lesson, 2).values() for line in lines]
    backward = bptt.backward_pass(rnn_step.DEFAULT_SENTENCE)
    latex += [bptt.recursion_latex(backward, 1), bptt.recursion_latex(backward, backward.seq_len - 1),
              bptt.term_latex(backward, 1)]
    setup = gradients.ChainSetup()
    chain = gradients.measure_chain(gradients.random_inputs(8, setup), setup)
    latex += [gradients.chain_latex(chain, 2, "tanh"), gradients.chain_latex(chain, 2, "relu")]
    return latex


def strings(table):
    if isinstance(table, dict):
        for value in table.values():
            yield from strings(value)
    elif isinstance(table, list):
        for value in table:
            yield from strings(value)
    elif isinstance(table, str):
        yield table


def load(lang, name):
    with open(TEXT_ROOT / lang / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def test_symbol_extraction_reads_latex_and_prose():
    assert symbols_in(r"h_{3} = \tanh(a_{3})") == {"h_t", "a_t", r"\tanh"}
    assert symbols_in(r"\tilde{C}_{2} = \tanh(W_{xg}\,x_{2} + b_g)") == {r"\tilde{C}_t", r"\tanh", "W_{xg}", "x_t", "b_g"}
    assert symbols_in(r"\hat{y}_t = \operatorname{softmax}(s_t)") == {r"\hat{y}_t", "softmax", "s_t"}
    assert symbols_in_text("Wₕₕ hₜ₋₁ and z_t and $W_{hy}^\\top$") == {"W_{hh}", "h_t", "z_t", "W_{hy}", r"\top"}
    assert "weight" not in " ".join(symbols_in_text("torch calls it weight_hh_l0"))


def test_every_symbol_the_lessons_print_in_latex_is_in_the_glossary():
    printed = set().union(*(symbols_in(latex) for latex in printed_latex()))
    assert printed - covered_forms() == set()
    assert {"a_t", "s_t", r"\hat{y}_t", "z_t", "W_{xf}", "b_{xr}"} <= printed  # the notation really is in use


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_symbol_in_the_texts_is_in_the_glossary(lang):
    missing = {}
    for path in sorted((TEXT_ROOT / lang).glob("*.toml")):
        with open(path, "rb") as handle:
            found = set().union(set(), *(symbols_in_text(text) for text in strings(tomllib.load(handle))))
        if found - covered_forms():
            missing[path.name] = sorted(found - covered_forms())
    assert missing == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_glossary_texts_name_and_explain_every_entry(lang):
    table = load(lang, "glossary")
    assert set(table["symbols"]) == {entry.key for entry in GLOSSARY}
    for entry in GLOSSARY:
        assert entry.section in table["sections"]
        assert table["symbols"][entry.key]["name"].strip() and table["symbols"][entry.key]["meaning"].strip()
    forms = [form for entry in GLOSSARY for form in entry.forms]
    assert len(forms) == len(set(forms)), "a form explained by two entries has two meanings"


def test_old_notation_clashes_stay_fixed():
    latex = " ".join(printed_latex())
    assert not re.search(r"(?<![\\\w])z_\{?\d", " ".join(rnn_step.step_equations(
        rnn_step.run_lesson(rnn_step.DEFAULT_SENTENCE, 0), 1).values()))  # z is the GRU's update gate only
    assert "y_t" not in latex.replace(r"\hat{y}_t", "") and r"\operatorname{softmax}(y" not in latex
    assert not re.search(r"[Wb]_\{i[a-z]\}", latex)  # input side is x: b_i means the input gate's bias only
    for lang in ("en", "zh"):
        for name in ("rnn_step", "gradients", "bptt"):
            prose = " ".join(strings(load(lang, name)))
            assert "zₜ" not in prose and "z_t" not in prose and "yₜ" not in prose, (lang, name)
            assert "e₁" not in prose and "e_1" not in prose, (lang, name)


def page_latex() -> list[str]:
    """The fixed LaTeX the lesson pages pass to formula_block (f-string fields read as a number)."""
    import ast

    found = []
    for path in sorted((Path(__file__).resolve().parents[2] / "pages").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "formula_block":
                parts = []
                for piece in ast.walk(node.args[0]):
                    if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                        parts.append(piece.value)
                    elif isinstance(piece, ast.FormattedValue):
                        parts.append(" 1 ")
                found.append("".join(parts))
    return found


def test_every_symbol_the_pages_print_in_latex_is_in_the_glossary():
    latex = page_latex()
    assert latex  # the lessons now keep their formulas in core; whatever a page still writes itself is checked
    printed = set().union(*(symbols_in(formula) for formula in latex))
    assert printed - covered_forms() == set()
    assert not any("z_" in formula or "y_t" in formula.replace(r"\hat{y}_t", "") for formula in latex)
