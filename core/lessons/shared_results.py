"""The lessons' model computations, cached once per process for a page and its "Check yourself" questions alike.

Each lesson page computes its model on the learner's sentence, seed and switches, and the questions that end the page
(:mod:`core.lessons.questions`) need the same computation on the same inputs. When each cached its own copy, every new
sentence a class typed ran the lesson's model twice (a profile under a class's load: the questions cost ~19 % of the
server's CPU). Both now call the functions here with the same arguments, so the second call is a cache hit.

Every function takes plain hashable arguments (the :class:`core.idle_cache.IdleCache` key, type-tagged: pass ``seed``
as ``int`` and ``trained`` as ``bool`` from both sides) and fixes the lesson's configuration inside, so a page and a
question cannot miss each other over an equal but separately built config. ``copy=True`` wherever the result holds
numpy arrays (each caller gets its own copy, as the pages' own caches gave); the cell facts are plain frozen data.
"""

from __future__ import annotations

from core.idle_cache import idle_cache
from core.lesson_models import RNNStepConfig
from core.lessons.bptt import BackwardPass, BPTTSetup, backward_pass
from core.lessons.cell_comparison import CellFacts, cell_facts
from core.lessons.gradients import ChainSetup, JacobianChain, measure_chain, random_inputs, sentence_inputs
from core.lessons.gru_step import GRUStepConfig, GRUWalkthrough
from core.lessons.gru_step import walkthrough as gru_walkthrough_of
from core.lessons.lstm_step import LSTMStepConfig, LSTMWalkthrough
from core.lessons.lstm_step import walkthrough as lstm_walkthrough_of
from core.lessons.rnn_step import RNNStepLesson, run_lesson
from core.lessons.why_sequences import LengthComparison, MemoryProbe, compare_lengths, probe_memory

# How many views of each computation are kept: a class's sentences and seeds, as the pages' own caches kept.
VIEWS = 64


@idle_cache(max_entries=VIEWS, copy=True)
def length_comparison(sentences: tuple[str, ...], seed: int, window: int) -> LengthComparison:
    """Lesson 1: one RNN and one fixed-window net over each sentence (:func:`compare_lengths`)."""
    return compare_lengths(sentences, seed, window, RNNStepConfig())


@idle_cache(max_entries=VIEWS, copy=True)
def memory_probe(sentence: str, position: int, replacement: str, seed: int, window: int) -> MemoryProbe:
    """Lesson 1: one earlier word replaced (:func:`core.lessons.why_sequences.probe_memory`); ValueError as there."""
    return probe_memory(sentence, position, replacement, seed, RNNStepConfig(), window)


@idle_cache(max_entries=VIEWS, copy=True)
def rnn_step_lesson(sentence: str, seed: int, trained: bool = False) -> RNNStepLesson:
    """Lesson 2: one nn.RNN read step by step (:func:`core.lessons.rnn_step.run_lesson`)."""
    return run_lesson(sentence, seed, RNNStepConfig(), trained=trained)


@idle_cache(max_entries=VIEWS, copy=True)
def bptt_pass(sentence: str, seed: int, loss_step: int | None, device: str, trained: bool = False) -> BackwardPass:
    """Lesson 3: the forward and backward pass (:func:`core.lessons.bptt.backward_pass`).

    ``loss_step`` as counted from the start (0-based; None for a loss at every step): a loss at the last step is
    ``len(tokens) - 1`` from the page and from the question alike, never ``-1``, so both read one entry.
    """
    return backward_pass(sentence, loss_step, BPTTSetup(seed=seed, trained=trained), device)


@idle_cache(max_entries=VIEWS, copy=True)
def jacobian_chain(setup: ChainSetup, length: int, tokens: tuple[str, ...], loss_position: int,
                   device: str) -> JacobianChain:
    """Lesson 4: ‖∂h_T/∂h_t‖ (:func:`measure_chain`) on the sentence's vectors, or ``length`` random ones."""
    inputs = sentence_inputs(list(tokens), setup) if tokens else random_inputs(length, setup)
    return measure_chain(inputs, setup, loss_step=loss_position, device=device)


@idle_cache(max_entries=VIEWS, copy=True)
def lstm_walkthrough(sentence: str, seed: int, trained: bool = False) -> LSTMWalkthrough:
    """Lesson 5: the LSTM step by step (:func:`core.lessons.lstm_step.walkthrough`)."""
    return lstm_walkthrough_of(sentence, seed, LSTMStepConfig(), trained=trained)


@idle_cache(max_entries=VIEWS, copy=True)
def gru_walkthrough(sentence: str, seed: int, trained: bool = False) -> GRUWalkthrough:
    """Lesson 6: the GRU step by step (:func:`core.lessons.gru_step.walkthrough`)."""
    return gru_walkthrough_of(sentence, seed, GRUStepConfig(), trained=trained)


@idle_cache(max_entries=VIEWS)
def cell_sizes_facts(kind: str, input_size: int, hidden_size: int) -> CellFacts:
    """Lesson 6: one column of the LSTM vs GRU table (:func:`core.lessons.cell_comparison.cell_facts`).

    Shared, not copied: :class:`CellFacts` is a frozen dataclass of ints and strings that nobody changes."""
    return cell_facts(kind, input_size, hidden_size)
