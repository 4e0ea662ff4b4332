"""trace() must reproduce torch's fused RNN / LSTM / GRU exactly, gate by gate."""

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from core.trace import Trace, trace

INPUT_SIZE, HIDDEN_SIZE, BATCH_SIZE, SEQ_LEN = 3, 4, 3, 5
TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _grid():
    for kind, num_layers, bidirectional, batch_first, bias, dtype in itertools.product(
        MODULES, (1, 2, 3), (False, True), (False, True), (False, True), (torch.float32, torch.float64)
    ):
        for nonlinearity in ("tanh", "relu") if kind == "rnn" else ("tanh",):
            yield pytest.param(
                kind, num_layers, bidirectional, batch_first, bias, nonlinearity, dtype,
                id=f"{kind}-L{num_layers}-{'bi' if bidirectional else 'uni'}-{'bf' if batch_first else 'sf'}"
                   f"-{'bias' if bias else 'nobias'}-{nonlinearity}-{str(dtype)[-7:]}",
            )


def _module(kind, num_layers=1, bidirectional=False, batch_first=False, bias=True, nonlinearity="tanh",
            dtype=torch.float64, seed=0, **extra):
    torch.manual_seed(seed)
    options = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias, **extra)
    if kind == "rnn":
        options["nonlinearity"] = nonlinearity
    return MODULES[kind](INPUT_SIZE, HIDDEN_SIZE, **options).to(dtype).eval()


def _state(kind, num_states, batch_size, dtype, size=HIDDEN_SIZE):
    hidden = torch.randn(num_states, batch_size, size, dtype=dtype)
    return (hidden, torch.randn(num_states, batch_size, HIDDEN_SIZE, dtype=dtype)) if kind == "lstm" else hidden


def _assert_matches(traced: Trace, output, final, tolerance):
    if isinstance(final, tuple):
        final, final_cell = final
        torch.testing.assert_close(traced.c_n, final_cell, rtol=tolerance, atol=tolerance)
    else:
        assert traced.c_n is None
    torch.testing.assert_close(traced.output, output, rtol=tolerance, atol=tolerance)
    torch.testing.assert_close(traced.h_n, final, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("kind,num_layers,bidirectional,batch_first,bias,nonlinearity,dtype", list(_grid()))
def test_trace_matches_fused_module(kind, num_layers, bidirectional, batch_first, bias, nonlinearity, dtype):
    module = _module(kind, num_layers, bidirectional, batch_first, bias, nonlinearity, dtype)
    tolerance = TOLERANCE[dtype]
    num_directions = 2 if bidirectional else 1
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=dtype)  # (seq_len, batch, input)
    if batch_first:
        inputs = inputs.transpose(0, 1).contiguous()
    state = _state(kind, num_layers * num_directions, BATCH_SIZE, dtype)
    with torch.no_grad():
        traced = trace(module, inputs, state)
        _assert_matches(traced, *module(inputs, state), tolerance)
        for name, values in traced.gates.items():
            assert values.shape == (num_layers, num_directions, SEQ_LEN, BATCH_SIZE, HIDDEN_SIZE), name

        # Random lengths, including a full-length and a length-1 sequence, against a packed sequence.
        lengths = torch.tensor([SEQ_LEN, 1, int(torch.randint(1, SEQ_LEN + 1, ()))])
        packed = pack_padded_sequence(inputs, lengths, batch_first=batch_first, enforce_sorted=False)
        packed_output, final = module(packed, state)
        expected, _ = pad_packed_sequence(packed_output, batch_first=batch_first, total_length=SEQ_LEN)
        traced = trace(module, inputs, state, lengths=lengths)
        _assert_matches(traced, expected, final, tolerance)
    past_end = torch.arange(SEQ_LEN)[:, None] >= lengths[None, :]  # (seq_len, batch)
    for name, values in traced.gates.items():
        assert bool((values[:, :, past_end] == 0).all()), f"{name} not masked past the end"


@pytest.mark.parametrize("kind", MODULES)
def test_unbatched_input(kind):
    module = _module(kind, num_layers=2, bidirectional=True)
    inputs = torch.randn(SEQ_LEN, INPUT_SIZE, dtype=torch.float64)  # (seq_len, input)
    state = _state(kind, 4, 1, torch.float64)
    state = tuple(s.squeeze(1) for s in state) if kind == "lstm" else state.squeeze(1)
    with torch.no_grad():
        traced = trace(module, inputs, state)
        _assert_matches(traced, *module(inputs, state), 1e-10)
        _assert_matches(trace(module, inputs), *module(inputs), 1e-10)
    assert traced.output.shape == (SEQ_LEN, 2 * HIDDEN_SIZE)
    assert traced.gates["hidden"].shape == (2, 2, SEQ_LEN, 1, HIDDEN_SIZE)
    assert traced.gate("hidden", layer=1, direction=1).shape == (SEQ_LEN, HIDDEN_SIZE)


CELLS = [
    pytest.param(nn.RNNCell, {"nonlinearity": "tanh"}, id="rnn-tanh"),
    pytest.param(nn.RNNCell, {"nonlinearity": "relu"}, id="rnn-relu"),
    pytest.param(nn.LSTMCell, {}, id="lstm"),
    pytest.param(nn.GRUCell, {}, id="gru"),
]


@pytest.mark.parametrize("cell_type,options", CELLS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batched", [True, False])
def test_cells(cell_type, options, bias, batched):
    torch.manual_seed(1)
    cell = cell_type(INPUT_SIZE, HIDDEN_SIZE, bias=bias, **options).double()
    shape = (BATCH_SIZE,) if batched else ()
    inputs = torch.randn(*shape, INPUT_SIZE, dtype=torch.float64)
    hidden = torch.randn(*shape, HIDDEN_SIZE, dtype=torch.float64)
    state = (hidden, torch.randn_like(hidden)) if cell_type is nn.LSTMCell else hidden
    with torch.no_grad():
        for given in (state, None):
            traced = trace(cell, inputs, given)
            expected = cell(inputs, given)
            if cell_type is nn.LSTMCell:
                torch.testing.assert_close(traced.c_n, expected[1], rtol=1e-10, atol=1e-10)
                expected = expected[0]
            torch.testing.assert_close(traced.output, expected, rtol=1e-10, atol=1e-10)
            torch.testing.assert_close(traced.h_n, expected, rtol=1e-10, atol=1e-10)
    assert traced.gates["hidden"].shape == (1, 1, 1, BATCH_SIZE if batched else 1, HIDDEN_SIZE)


def test_lstm_gates_recomputed_from_weight_slices():
    module = _module("lstm", num_layers=2, bidirectional=True)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    traced = trace(module, inputs)
    hidden = HIDDEN_SIZE
    forget_rows = slice(hidden, 2 * hidden)  # torch stacks i, f, g, o
    for direction, suffix in ((0, ""), (1, "_reverse")):
        hidden_states = traced.gates["hidden"][0, direction]  # (seq_len, batch, hidden)
        for t in range(SEQ_LEN):
            previous_t = t - 1 if direction == 0 else t + 1
            previous = hidden_states[previous_t] if 0 <= previous_t < SEQ_LEN else torch.zeros(BATCH_SIZE, hidden)
            expected = torch.sigmoid(
                inputs[t] @ getattr(module, "weight_ih_l0" + suffix)[forget_rows].T
                + getattr(module, "bias_ih_l0" + suffix)[forget_rows]
                + previous.double() @ getattr(module, "weight_hh_l0" + suffix)[forget_rows].T
                + getattr(module, "bias_hh_l0" + suffix)[forget_rows]
            )
            torch.testing.assert_close(traced.gates["forget"][0, direction, t], expected)
    gates = traced.gates
    torch.testing.assert_close(gates["hidden"], gates["output"] * torch.tanh(gates["cell"]))
    torch.testing.assert_close(gates["forget"], torch.sigmoid(gates["pre_forget"]))
    torch.testing.assert_close(gates["candidate"], torch.tanh(gates["pre_candidate"]))


def test_gru_update_gate_and_state_equation():
    module = _module("gru")
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    traced = trace(module, inputs)
    update_rows = slice(HIDDEN_SIZE, 2 * HIDDEN_SIZE)  # torch stacks r, z, n
    hidden = traced.gates["hidden"][0, 0]  # (seq_len, batch, hidden)
    previous = torch.cat([torch.zeros(1, BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64), hidden[:-1]])
    update = torch.sigmoid(inputs @ module.weight_ih_l0[update_rows].T + module.bias_ih_l0[update_rows]
                           + previous @ module.weight_hh_l0[update_rows].T + module.bias_hh_l0[update_rows])
    torch.testing.assert_close(traced.gates["update"][0, 0], update)
    new = traced.gates["new"][0, 0]
    torch.testing.assert_close(hidden, (1 - update) * new + update * previous)  # z weights the OLD state


@pytest.mark.parametrize("kind", MODULES)
def test_hidden_and_cell_gates_are_the_outputs(kind):
    module = _module(kind, num_layers=2, bidirectional=True, batch_first=True)
    inputs = torch.randn(BATCH_SIZE, SEQ_LEN, INPUT_SIZE, dtype=torch.float64)
    lengths = torch.tensor([SEQ_LEN, 2, 4])
    traced = trace(module, inputs, lengths=lengths)
    hidden = traced.gates["hidden"]  # (layers, directions, seq_len, batch, hidden)
    top_output = torch.cat([hidden[-1, 0], hidden[-1, 1]], dim=-1).transpose(0, 1)  # (batch, seq_len, 2*hidden)
    torch.testing.assert_close(traced.output, top_output)
    for layer, sample in itertools.product(range(2), range(BATCH_SIZE)):
        last = int(lengths[sample]) - 1
        torch.testing.assert_close(traced.h_n[2 * layer, sample], hidden[layer, 0, last, sample])
        torch.testing.assert_close(traced.h_n[2 * layer + 1, sample], hidden[layer, 1, 0, sample])
        if kind == "lstm":
            torch.testing.assert_close(traced.c_n[2 * layer, sample], traced.gates["cell"][layer, 0, last, sample])
            torch.testing.assert_close(traced.c_n[2 * layer + 1, sample], traced.gates["cell"][layer, 1, 0, sample])


def test_dropout_is_traced_in_eval_mode():
    module = _module("lstm", num_layers=3, dropout=0.5).train()
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    traced = trace(module, inputs)
    with torch.no_grad():
        _assert_matches(traced, *module.eval()(inputs), 1e-10)


def test_lstm_projection():
    module = _module("lstm", num_layers=2, bidirectional=True, proj_size=2)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    with torch.no_grad():
        _assert_matches(trace(module, inputs), *module(inputs), 1e-10)


@pytest.mark.parametrize("kind", MODULES)
def test_autograd_flows_through_the_trace(kind):
    module = _module(kind, num_layers=2, bidirectional=True)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64, requires_grad=True)
    weights = [inputs, *module.parameters()]
    expected = torch.autograd.grad(module(inputs)[0].pow(2).sum(), weights)
    actual = torch.autograd.grad(trace(module, inputs).output.pow(2).sum(), weights)
    for got, want in zip(actual, expected):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-10)


def test_gate_accessor_and_errors():
    module = _module("gru", num_layers=2)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    traced = trace(module, inputs)
    assert traced.kind == "gru" and (traced.num_layers, traced.num_directions, traced.seq_len) == (2, 1, SEQ_LEN)
    torch.testing.assert_close(traced.gate("reset", layer=1, sample=2), traced.gates["reset"][1, 0, :, 2])
    with pytest.raises(KeyError, match="forget"):
        traced.gate("forget")
    with pytest.raises(ValueError, match="input_size"):
        trace(module, torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE + 1, dtype=torch.float64))
    with pytest.raises(ValueError, match="between 1 and"):
        trace(module, inputs, lengths=torch.tensor([0, 2, 3]))
    with pytest.raises(ValueError, match="h_0"):
        trace(module, inputs, torch.zeros(1, BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64))
    with pytest.raises(TypeError):
        trace(nn.Linear(3, 4), inputs)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("kind", MODULES)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_matches_cudnn(kind, bidirectional):
    module = _module(kind, num_layers=2, bidirectional=bidirectional, dtype=torch.float32).cuda()
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, device="cuda")
    lengths = torch.tensor([SEQ_LEN, 1, 3])
    with torch.no_grad():
        _assert_matches(trace(module, inputs), *module(inputs), 1e-4)
        packed = pack_padded_sequence(inputs, lengths, enforce_sorted=False)
        packed_output, final = module(packed)
        expected, _ = pad_packed_sequence(packed_output, total_length=SEQ_LEN)
        _assert_matches(trace(module, inputs, lengths=lengths), expected, final, 1e-4)
