"""The lab's long-range tasks: shapes, determinism, and that the answer really is in the sequence."""

import math

import pytest
import torch
import torch.nn.functional as F

from core.lab.tasks import AddingTask, RecallTask, batch_stream, make_task, probe_batch


def test_recall_shapes_and_answer_is_the_first_token():
    task = RecallTask(seq_len=12)
    batch = task.sample(16, torch.Generator().manual_seed(3))
    assert batch.inputs.shape == (16, 12, task.input_size)
    assert batch.targets.shape == (16,) and batch.targets.dtype == torch.long
    tokens = batch.inputs.argmax(dim=-1)  # (batch, seq_len)
    assert torch.equal(batch.inputs.sum(dim=-1), torch.ones(16, 12))  # one-hot at every step
    assert torch.equal(tokens[:, 0], batch.targets)  # the cue is the answer
    middle = tokens[:, 1:-1]
    assert bool((middle >= task.num_symbols).all()) and bool((middle < task.input_size - 1).all())  # distractors
    assert bool((tokens[:, -1] == task.input_size - 1).all())  # the query marker


def test_adding_shapes_and_answer_is_the_sum_of_the_marked_values():
    task = AddingTask(seq_len=20)
    batch = task.sample(32, torch.Generator().manual_seed(5))
    assert batch.inputs.shape == (32, 20, 2)
    values, markers = batch.inputs[..., 0], batch.inputs[..., 1]
    assert torch.equal(markers.sum(dim=1), torch.full((32,), 2.0))
    assert torch.equal(markers[:, :10].sum(dim=1), torch.ones(32))  # one mark in each half
    torch.testing.assert_close(batch.targets, (values * markers).sum(dim=1))
    assert bool(task.correct(batch.targets[:, None], batch.targets).all())
    assert not bool(task.correct(batch.targets[:, None] + 0.05, batch.targets).any())


@pytest.mark.parametrize("name", ["recall", "adding"])
def test_same_seed_same_batches_other_seed_other_batches(name):
    task = make_task(name, 15)
    first, again, other = batch_stream(task, 8, seed=1), batch_stream(task, 8, seed=1), batch_stream(task, 8, seed=2)
    for _ in range(3):
        a, b, c = next(first), next(again), next(other)
        assert torch.equal(a.inputs, b.inputs) and torch.equal(a.targets, b.targets)
        assert not torch.equal(a.inputs, c.inputs)
    probe = probe_batch(task, 8, seed=1)
    assert torch.equal(probe.inputs, probe_batch(task, 8, seed=1).inputs)
    assert not torch.equal(probe.inputs, next(batch_stream(task, 8, seed=1)).inputs)  # not a training batch


def test_chance_levels_are_what_a_blind_guess_scores():
    recall = RecallTask(seq_len=10)
    batch = recall.sample(4000, torch.Generator().manual_seed(0))
    uniform = torch.zeros(4000, recall.num_symbols)
    assert math.isclose(float(recall.loss(uniform, batch.targets)), recall.chance_loss, rel_tol=1e-6)
    adding = AddingTask(seq_len=10)
    batch = adding.sample(20000, torch.Generator().manual_seed(0))
    constant = torch.ones(20000, 1)
    assert abs(float(adding.loss(constant, batch.targets)) - adding.chance_loss) < 0.01
    assert abs(float(adding.correct(constant, batch.targets).float().mean()) - adding.chance_accuracy) < 0.01


def test_recall_loss_is_cross_entropy():
    task = RecallTask(seq_len=6)
    logits, targets = torch.randn(5, task.num_symbols), torch.tensor([0, 1, 2, 3, 4])
    torch.testing.assert_close(task.loss(logits, targets), F.cross_entropy(logits, targets))


@pytest.mark.parametrize("name,seq_len", [("recall", 4), ("adding", 201), ("copy", 10)])
def test_bad_task_settings_are_refused(name, seq_len):
    with pytest.raises(ValueError):
        make_task(name, seq_len)
