"""The lesson computations a page and its questions share (core.lessons.shared_results) equal the direct ones."""

import numpy as np

from core.lessons import shared_results
from core.lessons.bptt import MAX_TOKENS
from core.sequence_input import split_tokens


def test_shared_keys_give_the_old_computations_bit_for_bit():
    """The questions now ask for a loss at ``T − 1`` and a chain from ``length − 1`` (the page's keys) where they
    asked for ``-1``: the same computation."""
    from core.lessons.bptt import BPTTSetup, backward_pass
    from core.lessons.gradients import ChainSetup, measure_chain, random_inputs

    sentence, setup = "the cat sat on the mat", BPTTSetup(seed=4)
    old = backward_pass(sentence, -1, setup)
    new = shared_results.bptt_pass(sentence, 4, len(split_tokens(sentence, MAX_TOKENS)) - 1, "cpu", False)
    assert old.loss_steps == new.loss_steps and np.array_equal(old.grad_norms, new.grad_norms)
    assert np.array_equal(old.target_probability, new.target_probability)
    chain_setup = ChainSetup(seed=6)
    old_chain = measure_chain(random_inputs(30, chain_setup), chain_setup)
    new_chain = shared_results.jacobian_chain(chain_setup, 30, (), 29, "cpu")
    assert old_chain.loss_step == new_chain.loss_step and np.array_equal(old_chain.measured, new_chain.measured)
    assert old_chain.spectral_radius == new_chain.spectral_radius
