"""Numbers in the lessons' prose come from the code: the intros print the lesson models' real sizes."""

import re

import pytest

from core.lesson_models import RNNStepConfig
from core.lessons.gru_step import GRUStepConfig
from core.lessons.lstm_step import LSTMStepConfig
from tests.pages.page_app import page_opener


@pytest.mark.parametrize("page, module", [("rnn_step", "RNN"), ("bptt", "RNN"), ("lstm_step", "LSTM"),
                                          ("gru_step", "GRU")])
def test_intro_prints_the_models_own_sizes(page, module):
    config = {"rnn_step": RNNStepConfig(), "bptt": RNNStepConfig(), "lstm_step": LSTMStepConfig(),
              "gru_step": GRUStepConfig()}[page]
    app = page_opener(page, timeout=60)("en")
    prose = "\n".join(block.value for block in app.markdown)
    assert f"torch.nn.{module}({config.input_size}, {config.hidden_size})" in prose
    assert not re.search(r"\{(input|hidden|output)\}", prose)  # no placeholder left unfilled
