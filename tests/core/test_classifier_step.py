"""The classifier walk-through: h_n[-2] / h_n[-1] are the top layer's final states, and one step does what it says."""

import copy

import pytest
import torch
from torch import nn

from core.classifier.model import TextClassifier
from core.lessons.classifier_step import (
    BATCH, CONFIG, LEARNING_RATE, LENGTH, MAX_NORM, classifier_step,
)
from core.seeding import generator, seeded_module


@pytest.mark.parametrize("seed", [0, 3])
def test_finals_and_one_step_match_an_independent_replay(seed):
    step = classifier_step(seed)
    assert step.shapes["h_n"] == (CONFIG.num_layers * 2, BATCH, CONFIG.hidden_size)
    assert step.shapes["features"] == (BATCH, 2 * CONFIG.hidden_size)
    assert step.forward_final_gap < 1e-6 and step.backward_final_gap < 1e-6 and step.features_gap < 1e-6

    model = seeded_module(lambda: TextClassifier(CONFIG), seed)  # replay by hand, plain SGD arithmetic
    draw = generator(seed + 1)
    ids = torch.randint(2, CONFIG.vocab_size, (BATCH, LENGTH), generator=draw)
    labels = torch.randint(0, CONFIG.num_classes, (BATCH,), generator=draw)
    lengths = torch.full((BATCH,), LENGTH)
    model.train()
    loss = nn.functional.cross_entropy(model(ids, lengths), labels)
    grads = torch.autograd.grad(loss, list(model.parameters()))
    norm = torch.linalg.vector_norm(torch.stack([grad.norm() for grad in grads]))
    scale = min(1.0, MAX_NORM / (float(norm) + 1e-6))
    stepped = copy.deepcopy(model)
    with torch.no_grad():
        for parameter, grad in zip(stepped.parameters(), grads):
            parameter -= LEARNING_RATE * scale * grad
        after = nn.functional.cross_entropy(stepped(ids, lengths), labels)
    assert step.loss_before == pytest.approx(loss.item(), rel=1e-5)
    assert step.grad_norm == pytest.approx(float(norm), rel=1e-5)
    assert step.clipped_norm == pytest.approx(min(float(norm), MAX_NORM), rel=1e-4)
    assert step.loss_after == pytest.approx(after.item(), rel=1e-4)
    assert step.zeroed_grad == 0.0
