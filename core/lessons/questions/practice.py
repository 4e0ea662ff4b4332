"""Questions for lessons 7–9: the code, the architectures and the summary, counted on real torch modules."""

from __future__ import annotations

import torch
from torch import nn

from core.lessons.code import text_classifier
from core.lessons.questions import Question, number_choices

ARCHITECTURE_HIDDEN = 10  # per direction, like core.lessons.architectures.HIDDEN_SIZE
ATTENTION_LENGTHS = (256, 512)  # T before and after doubling
COMPARED_WIDTH = 64  # the summary's LSTM / Transformer width


def _count(module: nn.Module) -> int:
    return sum(parameter.numel() for parameter in module.parameters())


def code(**_) -> tuple[Question, ...]:
    classifier = text_classifier()
    count = _count(classifier)
    embedding = classifier.embedding.weight.numel()
    recurrent = _count(classifier.rnn)
    choices, index = number_choices(count, (recurrent, embedding, count - recurrent // 2), lambda value: f"{value:,}")
    parameters = Question(
        id="code.classifier_parameters", lesson="code", choices=choices, choices_are_keys=False, correct=index,
        facts=(("count", f"{count:,}"), ("embedding", f"{embedding:,}"), ("lstm", f"{recurrent:,}"),
               ("rest", f"{count - embedding - recurrent:,}")),
    )

    generator = torch.Generator().manual_seed(0)
    small = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    with torch.no_grad():
        for parameter in small.parameters():
            parameter.uniform_(-0.5, 0.5, generator=generator)
        output, (h_n, _) = small(torch.randn(5, 1, 3, generator=generator))  # (T, 1, 2H), (L·2, 1, H)
    hidden = small.hidden_size
    candidates = {  # what h_n[-1] could be, as tensors of the same run
        "last_layer_forward": output[-1, 0, :hidden], "last_layer_backward": output[0, 0, hidden:],
        "both_directions": output[-1, 0], "first_layer_backward": None,
    }
    keys = tuple(candidates)
    correct = next(index for index, key in enumerate(keys) if candidates[key] is not None
                   and candidates[key].shape == h_n[-1, 0].shape and torch.allclose(candidates[key], h_n[-1, 0]))
    last_state = Question(
        id="code.last_state", lesson="code", choices=keys, choices_are_keys=True, correct=correct,
        facts=(("h_n_shape", str(tuple(h_n.shape))), ("output_shape", str(tuple(output.shape))),
               ("hidden", str(hidden))),
    )

    lstm = nn.LSTM(128, 256)
    shape = tuple(lstm.weight_ih_l0.shape)
    options = (shape, (256, 128), (shape[0], 256), (128, shape[0]))
    texts = tuple(sorted({str(option) for option in options}))
    weight_shape = Question(
        id="code.weight_shape", lesson="code", choices=texts, choices_are_keys=False, correct=texts.index(str(shape)),
        facts=(("shape", str(shape)), ("gates", str(shape[0] // 256))),
    )
    return parameters, last_state, weight_shape


def architectures(**_) -> tuple[Question, ...]:
    bidirectional = nn.LSTM(8, ARCHITECTURE_HIDDEN, bidirectional=True)
    with torch.no_grad():
        output, _ = bidirectional(torch.zeros(3, 1, 8))  # (T, 1, 2H)
    size = output.shape[-1]
    choices, index = number_choices(size, (ARCHITECTURE_HIDDEN, 4 * ARCHITECTURE_HIDDEN, ARCHITECTURE_HIDDEN // 2),
                                    str)
    width = Question(
        id="architectures.bidirectional_width", lesson="architectures", choices=choices, choices_are_keys=False,
        correct=index, facts=(("hidden", str(ARCHITECTURE_HIDDEN)), ("size", str(size))),
    )

    from core.lessons.architectures import run_architecture
    tokens = ("the", "movie", "was", "great", "fun")
    counts = []
    for kind in ("many_to_one", "many_to_many"):
        run = run_architecture(kind, tokens, 0, ("a", "b", "c"))
        counts.append(sum(1 for label in run.output_labels if label))
    options = ((1, len(tokens)), (len(tokens), 1), (1, 1), (len(tokens), len(tokens)))
    texts = tuple(f"{first} / {second}" for first, second in options)
    outputs = Question(
        id="architectures.output_count", lesson="architectures", choices=texts, choices_are_keys=False,
        correct=options.index(tuple(counts)),
        facts=(("steps", str(len(tokens))), ("many_to_one", str(counts[0])), ("many_to_many", str(counts[1]))),
    )
    return width, outputs


def summary(**_) -> tuple[Question, ...]:
    short, long = ATTENTION_LENGTHS
    growth = (long * long) // (short * short)  # query-key scores per head grow with T²
    choices, index = number_choices(growth, (long // short, 1, 2 * growth), lambda value: f"{value}×")
    attention = Question(
        id="summary.attention_growth", lesson="summary", choices=choices, choices_are_keys=False, correct=index,
        facts=(("short", str(short)), ("long", str(long)), ("short_scores", f"{short * short:,}"),
               ("long_scores", f"{long * long:,}"), ("growth", str(growth))),
    )

    counts = {kind: _count(module(COMPARED_WIDTH, COMPARED_WIDTH))
              for kind, module in (("rnn", nn.RNN), ("lstm", nn.LSTM), ("gru", nn.GRU))}
    ratio = counts["lstm"] // counts["rnn"]
    choices, index = number_choices(ratio, (2, counts["gru"] // counts["rnn"], 8), lambda value: f"{value}×")
    sizes = Question(
        id="summary.lstm_size", lesson="summary", choices=choices, choices_are_keys=False, correct=index,
        facts=(("width", str(COMPARED_WIDTH)), ("rnn", f"{counts['rnn']:,}"), ("lstm", f"{counts['lstm']:,}"),
               ("gru", f"{counts['gru']:,}")),
    )
    return attention, sizes
