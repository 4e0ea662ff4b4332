import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.classifier.bundle import load_bundle
from core.classifier.distributed import Ranks
from tests.core.classifier_data import synthetic
from tests.core.test_cli import write_csv

ROOT = Path(__file__).resolve().parents[2]


def test_each_rank_reads_an_interleaved_share_of_every_batch():
    batches = [np.arange(10), np.arange(10, 13), np.arange(13, 14)]
    first, second = Ranks(rank=0, world_size=2), Ranks(rank=1, world_size=2)
    assert [len(batch) for batch in first.whole_batches(batches)] == [10, 3]  # a 1-text batch cannot be shared
    assert first.share(batches[0]).tolist() == [0, 2, 4, 6, 8] and second.share(batches[0]).tolist() == [1, 3, 5, 7, 9]
    assert sorted(first.share(batches[1]).tolist() + second.share(batches[1]).tolist()) == [10, 11, 12]
    alone = Ranks()
    assert alone.whole_batches(batches) == batches and alone.share(batches[2]).tolist() == [13]


# Runs in CI like every test (the "slow" marker only documents it): two processes import torch, ~20-60 s here.
@pytest.mark.slow
def test_torchrun_with_two_cpu_processes_trains_one_model(tmp_path):
    data = synthetic(count=240)
    path = write_csv(tmp_path / "reviews.csv", zip(data.texts, data.labels))
    out = tmp_path / "model"
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "core.train",
         str(path), "--epochs", "6", "--hidden", "16", "--embed", "16", "--lr", "0.02", "--min-freq", "1",
         "--batch-size", "16", "--device", "cpu", "--no-baseline", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240, env=environment)
    assert completed.returncode == 0, completed.stderr[-3000:]
    json_lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    assert len(json_lines) == 1  # rank 0 alone prints the result
    summary = json.loads(json_lines[0])
    assert summary["train_size"] == 192 and summary["val_size"] == 48
    assert summary["val_accuracy"] >= 0.85  # chance: 0.5; the cue words are learnable in a few epochs
    bundle = load_bundle((out / "rnn-explorer-classifier.zip").read_bytes())
    assert bundle.label_names == ["bad", "good"] and bundle.config.hidden_size == 16
    assert completed.stderr.count("bundle written") == 1
