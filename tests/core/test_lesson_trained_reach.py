"""How far a gradient reaches in the trained lesson models: the chain norms equal autograd Jacobians taken by hand,
"before training" is the exact model training started from, and the gated cells keep the tutorial's path open."""

import pytest
import torch
from torch import nn

from core.lessons.trained.build import SEEDS
from core.lessons.trained.load import trained_model
from core.lessons.trained.network import KINDS, AgreementModel, initialise
from core.lessons.trained.reach import reach, untrained_model

TOKENS = "The cat , which already ate a lot of food , was".split()  # lesson 4's preset, up to the loss word "was"
CAT = 1


def cell_copy(model: AgreementModel):
    """The recurrent module's single-step cell, float64, with the same weights."""
    recurrent = model.recurrent
    cell = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}[model.kind](
        recurrent.input_size, recurrent.hidden_size).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(recurrent, f"{name}_l0"))
    return cell


def by_hand(model: AgreementModel, tokens: list[str]) -> list[float]:
    """‖∂s_T/∂s_t‖₂ for every t by torch.autograd.functional.jacobian: run the cell from t to T as a function of s_t
    (s = h; for the LSTM s = C, with h_t = o_t ⊙ tanh(C_t) following it, o_t fixed from the forward pass)."""
    cell, x = cell_copy(model), model.embed(tokens).double()
    size, steps = cell.hidden_size, len(tokens)
    states, h, c = [], torch.zeros(size, dtype=torch.float64), torch.zeros(size, dtype=torch.float64)
    with torch.no_grad():
        for t in range(steps):
            if model.kind == "lstm":
                gates = cell.weight_ih @ x[t] + cell.bias_ih + cell.weight_hh @ h + cell.bias_hh
                output_gate = torch.sigmoid(gates[3 * size:])
                h, c = cell(x[t], (h, c))
                states.append((c.clone(), output_gate))
            else:
                h = cell(x[t], h)
                states.append((h.clone(), None))

    def run_from(t):
        def final(state):
            if model.kind == "lstm":
                h, c = states[t][1] * torch.tanh(state), state
                for k in range(t + 1, steps):
                    h, c = cell(x[k], (h, c))
                return c
            for k in range(t + 1, steps):
                state = cell(x[k], state)
            return state
        return final

    return [float(torch.linalg.matrix_norm(torch.autograd.functional.jacobian(run_from(t), states[t][0]), ord=2))
            for t in range(steps)]


@pytest.mark.parametrize("kind", KINDS)
def test_chain_norms_equal_autograd_jacobians_before_and_after_training(kind):
    measured = reach(kind, TOKENS)
    assert measured.loss_step == len(TOKENS) and measured.trained[-1] == pytest.approx(1.0)
    assert measured.trained == pytest.approx(by_hand(trained_model(kind), TOKENS), rel=1e-6, abs=1e-12)
    assert measured.untrained == pytest.approx(by_hand(untrained_model(kind), TOKENS), rel=1e-6, abs=1e-12)
    assert measured.ratio(CAT) == pytest.approx(measured.trained[CAT] / measured.untrained[CAT])


@pytest.mark.parametrize("kind", KINDS)
def test_before_training_is_the_build_scripts_starting_point(kind):
    start = initialise(AgreementModel(kind), torch.Generator().manual_seed(SEEDS[kind])).state_dict()
    for name, tensor in untrained_model(kind).state_dict().items():
        assert torch.equal(tensor, start[name])
    assert not torch.equal(untrained_model(kind).recurrent.weight_hh_l0, trained_model(kind).recurrent.weight_hh_l0)


def test_training_keeps_the_gated_paths_open_and_not_the_rnns():
    """What lesson 4's section and the summary's picture show on the tutorial's "was" ← "cat"."""
    ratios = {kind: reach(kind, TOKENS).ratio(CAT) for kind in KINDS}
    assert ratios["gru"] > 10 and ratios["lstm"] > 2 and ratios["rnn"] < 1, ratios


def test_the_shipped_model_is_left_unchanged():
    before = {name: tensor.clone() for name, tensor in trained_model("gru").state_dict().items()}
    reach("gru", TOKENS)
    for name, tensor in trained_model("gru").state_dict().items():
        assert torch.equal(tensor, before[name]) and tensor.dtype == torch.float32
