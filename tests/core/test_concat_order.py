"""[h, x] (the tutorial's formulas) and [x, h] (its code) give torch's gate when the matrix follows the vector."""

import numpy as np
import torch

from core.lessons.concat_order import concat_orders
from core.lessons.lstm_step import build_lstm, walkthrough


def test_both_orders_are_torchs_forget_gate_and_mixing_them_is_not():
    lesson = walkthrough("the cat sat on the mat", seed=3)
    step = 4
    order = concat_orders(*lesson.weights["forget"], lesson.inputs[step - 1], lesson.previous_hidden[step - 1])
    np.testing.assert_allclose(order.separate, lesson.pre_activations["forget"][step - 1], atol=1e-5)
    module = build_lstm(3)  # the same module, read independently: rows H:2H are f in torch's i, f, g, o stacking
    hidden = module.hidden_size
    x = torch.tensor(lesson.inputs[step - 1])
    h = torch.tensor(lesson.previous_hidden[step - 1])
    with torch.no_grad():
        torch_forget = (module.weight_ih_l0[hidden:2 * hidden] @ x + module.bias_ih_l0[hidden:2 * hidden]
                        + module.weight_hh_l0[hidden:2 * hidden] @ h + module.bias_hh_l0[hidden:2 * hidden])
    np.testing.assert_allclose(order.hidden_first, torch_forget.numpy(), atol=1e-5)
    np.testing.assert_allclose(order.input_first, torch_forget.numpy(), atol=1e-5)
    assert order.orders_gap < 1e-6
    assert order.mismatch_gap > 1e-3  # the columns meant for h multiply x


def test_at_the_first_step_h0_is_zero_so_only_the_matrix_order_matters():
    rng = np.random.default_rng(0)
    w_x, w_h, b, x = rng.normal(size=(4, 3)), rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=3)
    order = concat_orders(w_x, w_h, b, x, np.zeros(4))
    np.testing.assert_allclose(order.separate, w_x @ x + b)
    np.testing.assert_allclose(order.mismatched, w_h[:, :3] @ x + b)  # x lands on W_h's first columns
