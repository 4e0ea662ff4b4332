import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.classifier.bundle import load_bundle, load_bundle_files
from core.classifier.predict import predict
from core.train import main
from tests.core.classifier_data import synthetic

ROOT = Path(__file__).resolve().parents[2]


def write_csv(path: Path, rows, header=("review", "sentiment")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    data = synthetic(count=160)
    return write_csv(tmp_path_factory.mktemp("cli") / "reviews.csv", zip(data.texts, data.labels))


def test_cli_prints_one_json_line_last_and_writes_the_bundle(data_file, tmp_path):
    out = tmp_path / "model"
    completed = subprocess.run(
        [sys.executable, "-m", "core.train", str(data_file), "--epochs", "3", "--hidden", "16", "--embed", "16",
         "--cell", "gru", "--lr", "0.01", "--min-freq", "1", "--batch-size", "16", "--device", "cpu",
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert {"val_accuracy", "macro_f1", "train_tokens_per_second", "epochs", "seconds"} <= set(summary)
    assert 0.5 < summary["baseline_accuracy"] <= 1 and 0 < summary["baseline_macro_f1"] <= 1
    assert summary["baseline_seconds"] > 0
    assert summary["epochs"] == 3 and summary["labels"] == ["bad", "good"] and summary["val_size"] == 32
    assert 0 <= summary["val_accuracy"] <= 1 and summary["train_tokens_per_second"] > 0
    assert "epoch 1" in completed.stderr  # progress goes to stderr, not stdout
    bundle = load_bundle((out / "rnn-explorer-classifier.zip").read_bytes())
    assert bundle.config.cell == "gru" and bundle.config.hidden_size == 16
    separate = load_bundle_files((out / "model.safetensors").read_bytes(), (out / "config.json").read_bytes())
    assert predict(separate, "clean and friendly") == predict(bundle, "clean and friendly")
    evaluation = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    assert evaluation["metrics"]["val_accuracy"] == pytest.approx(summary["val_accuracy"])
    assert evaluation["baseline"]["accuracy"] == pytest.approx(summary["baseline_accuracy"])


def test_cli_uses_a_separate_validation_file_and_named_columns(tmp_path, capsys):
    train, val = synthetic(count=100, seed=1), synthetic(count=30, seed=2)
    train_file = write_csv(tmp_path / "train.csv", zip(train.labels, train.texts, ["x"] * 100), ("y", "body", "id"))
    val_file = write_csv(tmp_path / "val.csv", zip(val.labels, val.texts, ["x"] * 30), ("y", "body", "id"))
    code = main([str(train_file), "--val-file", str(val_file), "--text-col", "body", "--label-col", "y",
                 "--epochs", "1", "--hidden", "8", "--embed", "8", "--device", "cpu"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["train_size"] == 100 and summary["val_size"] == 30


@pytest.mark.parametrize("rows,extra,sentence", [
    ([(f"text number {index}", "a") for index in range(30)], ["--text-col", "text", "--label-col", "label"],
     "Every row has the same label (“a”)"),
    ([(f"text number {index}", "ab"[index % 2]) for index in range(30)], ["--text-col", "missing"],
     "There is no column called “missing” in this file."),
    ([("text", "a")] * 30, [], "None of the columns (text, label) looks like text"),
])
def test_bad_data_exits_with_code_3_and_the_pages_sentence(tmp_path, capsys, rows, extra, sentence):
    path = write_csv(tmp_path / "bad.csv", rows, ("text", "label"))
    assert main([str(path), "--epochs", "1", "--device", "cpu", *extra]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error:") and sentence in captured.err  # from assets/text/en/train.toml


def test_missing_file_exits_with_code_3(tmp_path, capsys):
    assert main([str(tmp_path / "nope.csv")]) == 3
    assert "error:" in capsys.readouterr().err


def test_a_model_too_large_to_load_back_is_bad_data_before_training(data_file, capsys):
    assert main([str(data_file), "--layers", "4", "--hidden", "512", "--embed", "512", "--device", "cpu"]) == 3
    captured = capsys.readouterr()
    assert "With these settings the model would have" in captured.err and "epoch 1" not in captured.err


@pytest.mark.parametrize("option", [["--epochs", "0"], ["--layers", "-1"], ["--validation-fraction", "1.5"],
                                    ["--max-vocab", "2"], ["--no-such-option"], ["--layers", "two"]])
def test_usage_errors_exit_with_code_2(data_file, capsys, option):
    with pytest.raises(SystemExit) as exited:
        main([str(data_file), *option])
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_help_shows_defaults_and_only_formats_it_reads(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: lstm)" in text and "(default: 30000)" in text and "(default: True)" in text
    assert "--max-vocab" in text and "--no-lowercase" in text and "(default: None)" not in text
    assert "xlsx" not in text.lower()


def test_max_vocabulary_lowercase_and_the_wide_path_reach_the_model(data_file, tmp_path, capsys):
    code = main([str(data_file), "--epochs", "1", "--hidden", "8", "--embed", "8", "--min-freq", "1",
                 "--max-vocab", "12", "--no-lowercase", "--no-baseline", "--wide", "--device", "cpu", "--out",
                 str(tmp_path)])
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["vocab_size"] == 12 and "baseline_accuracy" not in summary
    bundle = load_bundle((tmp_path / "rnn-explorer-classifier.zip").read_bytes())
    assert len(bundle.vocabulary) == 12 and not bundle.tokenizer.lowercase and bundle.config.wide
    assert bundle.tokenizer("Clean") == ["Clean"]
    assert bundle.config.ngram_buckets > 0  # the linear n-gram path is on by default, sized from the data


def test_the_linear_ngram_path_can_be_fixed_or_turned_off(data_file, tmp_path, capsys):
    for value, expected in (("0", 0), ("2048", 2048)):
        out = tmp_path / value
        code = main([str(data_file), "--epochs", "1", "--hidden", "8", "--embed", "8", "--no-baseline",
                     "--ngram-buckets", value, "--device", "cpu", "--out", str(out)])
        assert code == 0
        assert load_bundle((out / "rnn-explorer-classifier.zip").read_bytes()).config.ngram_buckets == expected
    with pytest.raises(SystemExit):
        main([str(data_file), "--ngram-buckets", "many"])


SHORT_CHINESE = ["很好吃", "服务差", "环境不错", "太贵了", "还会再来", "不推荐", "味道一般", "非常满意"]


def test_cli_accepts_short_repeated_texts_the_page_accepts(tmp_path, capsys):
    rows = [(SHORT_CHINESE[index % 8], "正面" if index % 2 == 0 else "负面") for index in range(60)]
    path = write_csv(tmp_path / "short.csv", rows, ("text", "label"))
    assert main([str(path), "--epochs", "1", "--hidden", "8", "--embed", "8", "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["labels"] == ["正面", "负面"]
    assert "text column 'text', label column 'label'" in captured.err


def test_cli_reports_and_merges_similar_labels(tmp_path, capsys):
    data = synthetic(count=80, seed=3)
    spelled = [label.upper() if index % 3 == 0 else label for index, label in enumerate(data.labels)]
    path = write_csv(tmp_path / "labels.csv", zip(data.texts, spelled))
    common = ["--epochs", "1", "--hidden", "8", "--embed", "8", "--device", "cpu"]
    assert main([str(path), *common]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out.strip().splitlines()[-1])["labels"]) == 4
    assert "notice: similar_labels" in captured.err and "--merge-similar-labels" in captured.err
    assert main([str(path), *common, "--merge-similar-labels"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["labels"] == ["bad", "good"]
    assert "notice: similar_labels_merged" in captured.err
