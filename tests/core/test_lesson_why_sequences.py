import numpy as np
import pytest
import torch

from core.lessons.rnn_step import build_network
from core.lessons.why_sequences import (
    DNA_ALPHABET, TONE_HZ, build_feedforward, compare_lengths, memory_positions, parameter_count, probe_memory,
    sequence_examples,
)
from core.sequence_input import embed_tokens

# The standard genetic code, codons ordered T, C, A, G at each position.
AMINO_ACIDS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {a + b + c: AMINO_ACIDS[16 * i + 4 * j + k]
        for i, a in enumerate("TCAG") for j, b in enumerate("TCAG") for k, c in enumerate("TCAG")}


def test_examples_are_real_sequences():
    examples = sequence_examples("我 爱 北京 天安门", seed=0)
    assert examples.tokens == ("我", "爱", "北京", "天安门")
    np.testing.assert_array_equal(examples.token_vectors, embed_tokens(list(examples.tokens), 3, 0).numpy())
    spectrum = np.abs(np.fft.rfft(examples.audio))
    frequencies = np.fft.rfftfreq(len(examples.audio), d=(examples.audio_time_ms[1] - examples.audio_time_ms[0]) / 1000)
    assert frequencies[spectrum.argmax()] == pytest.approx(TONE_HZ, abs=100)  # the tone's fundamental dominates
    assert np.abs(examples.audio).max() <= 1.0
    assert examples.prices[0] == 100.0 and (examples.prices > 0).all()
    assert not np.allclose(examples.prices, sequence_examples("a", seed=1).prices)
    protein = "".join(CODE[examples.dna[i:i + 3]] for i in range(0, len(examples.dna), 3))
    assert protein == "MALWMRLLPLLALLALWGPD"  # human preproinsulin's first 20 residues
    np.testing.assert_array_equal(examples.dna_one_hot.sum(axis=1), 1.0)
    assert "".join(DNA_ALPHABET[i] for i in examples.dna_one_hot.argmax(axis=1)) == examples.dna


@pytest.fixture(scope="module")
def comparison():
    return compare_lengths(["我 爱 北京 天安门", "", "the cat sat on the mat today", "hello world"], seed=5)


def test_one_rnn_reads_every_length_and_matches_torch(comparison):
    assert [len(run.tokens) for run in comparison.runs] == [4, 7, 2]  # the empty sentence is skipped
    rnn, _ = build_network(5)
    for run in comparison.runs:
        inputs = embed_tokens(list(run.tokens), 3, 5)
        with torch.no_grad():
            output, h_n = rnn(inputs)
        np.testing.assert_allclose(run.hidden, output.numpy(), atol=1e-6)
        np.testing.assert_allclose(run.final_hidden, h_n[0].numpy(), atol=1e-6)
        assert run.final_hidden.shape == (4,)
    assert comparison.rnn_parameters == 3 * 4 + 4 * 4 + 4 + 4
    assert comparison.longest.tokens[0] == "the"
    assert comparison.max_abs_diff < 1e-5


def test_feedforward_pads_short_and_cuts_long_sentences(comparison):
    short, long = comparison.runs[2], comparison.runs[1]
    assert short.padding == 2 and short.dropped == () and short.window_tokens == ("hello", "world")
    assert long.padding == 0 and long.dropped == ("the", "mat", "today") and len(long.window_tokens) == 4
    assert comparison.feedforward_parameters == 4 * 3 * 4 + 4
    feedforward = build_feedforward(4, 5)
    padded = torch.cat([torch.as_tensor(short.inputs), torch.zeros(2, 3)]).reshape(-1)
    with torch.no_grad():
        np.testing.assert_allclose(short.feedforward_output, feedforward(padded).numpy(), atol=1e-6)
    assert parameter_count(build_feedforward(8, 5)) > parameter_count(feedforward)  # longer input, more weights
    with pytest.raises(ValueError):
        compare_lengths(["", "  "], seed=0)


def test_an_early_word_reaches_the_final_state_but_not_the_window_net():
    sentence = "the cat sat on the mat today"
    probe = probe_memory(sentence, position=1, replacement="dog", seed=0, window=4)
    assert probe.changed_tokens == ("the", "dog", "sat", "on", "the", "mat", "today")
    assert probe.window_tokens == ("on", "the", "mat", "today")  # the changed word lies outside
    assert probe.step_gap[0] == 0.0  # before the change both runs are identical
    assert (probe.step_gap[1:] > 1e-6).all() and probe.final_gap > 1e-4
    assert probe.feedforward_gap == 0.0
    assert probe.changed_gap == probe.step_gap[1] and probe.steps_after == 5
    assert probe.trend == ("fades" if probe.final_gap < probe.changed_gap else "grows")
    rnn, _ = build_network(0)
    window_net = build_feedforward(4, 0)  # the lengths demo's net, same weights
    with torch.no_grad():
        changed, _ = rnn(embed_tokens(list(probe.changed_tokens), 3, 0))
        last_four = embed_tokens(list(probe.tokens), 3, 0)[-4:].reshape(-1)
        np.testing.assert_allclose(probe.feedforward_output, window_net(last_four).numpy(), atol=1e-6)
    np.testing.assert_allclose(probe.changed_hidden, changed.numpy(), atol=1e-6)
    np.testing.assert_allclose(probe.step_gap, np.linalg.norm(probe.hidden - probe.changed_hidden, axis=1),
                               atol=1e-6)
    assert probe.max_abs_diff < 1e-5
    inside = probe_memory(sentence, position=2, replacement="dog", seed=0, window=2)
    assert inside.feedforward_gap == 0.0 and memory_positions(7, 2) == range(5)
    with pytest.raises(ValueError):  # a word inside the window: the window net would see the change
        probe_memory(sentence, position=3, replacement="dog", seed=0, window=4)


@pytest.mark.parametrize("sentence, position, replacement", [
    ("我", 0, "你"),                   # one token: nothing earlier to change
    ("我 爱 北京 天安门", 0, "你"),      # fits the window of four: no word lies outside it
    ("a b c d e f", 2, "x"),           # inside the window (the last four words)
    ("a b c d e f", -1, "x"),
    ("a b c d e f", 0, "  "),
    ("a b c d e f", 0, "two words"),
])
def test_probe_refuses_bad_requests(sentence, position, replacement):
    with pytest.raises(ValueError):
        probe_memory(sentence, position, replacement, seed=0)
