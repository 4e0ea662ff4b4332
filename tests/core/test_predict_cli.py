import csv
import io
import json
from dataclasses import replace

import numpy as np
import pytest

from core.classifier.bundle import load_bundle
from core.classifier.predict import predict_many
from core.classifier.predictions import predict_table, to_csv
from core.textdata.export import spreadsheet_safe
from core.classifier.training import TrainingConfig, train_classifier
from core.messages import describe
from core.predict import main
from core.textdata.errors import DataError
from core.textdata.loading import read_path
from tests.core.classifier_data import synthetic

TINY = TrainingConfig(embed_size=16, hidden_size=16, epochs=4, batch_size=16, learning_rate=1e-2, min_freq=1,
                      device="cpu", num_threads=1, baseline=False)
TEXTS = ["Lovely clean room, friendly staff.", "Rude and noisy.", "我们很喜欢这家酒店", "=HYPERLINK(\"http://x\")",
         "+1 great", "-dirty", "@rude", "\tclean", "just fine, nothing more"]


@pytest.fixture(scope="module")
def bundle_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("predict") / "model.zip"
    path.write_bytes(train_classifier(synthetic(count=120), TINY).bundle)
    return path


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def written_rows(path):
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs then read UTF-8 (and Chinese) correctly
    return list(csv.reader(io.StringIO(text[1:])))


def unescape(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


@pytest.mark.parametrize("name,encoding,content", [
    ("texts.txt", "utf-8", "\n".join(["Rude and noisy.", "Lovely clean room", "我们很喜欢这家酒店"])),  # no header
    ("texts.txt", "gbk", "\n".join(["我们很喜欢这家酒店", "房间很脏，服务很差", "一般般吧"])),
    ("reviews.csv", "utf-16", "id,review\n" + "\n".join(f'{i},"{text}"' for i, text in enumerate(TEXTS[:3]))),
    ("reviews.jsonl", "utf-8", "\n".join(json.dumps({"review": text, "n": i}) for i, text in enumerate(TEXTS))),
])
def test_predictions_round_trip_in_every_format_and_encoding(bundle_path, tmp_path, capsys, name, encoding, content):
    source = tmp_path / name
    source.write_bytes(content.encode(encoding))
    out = tmp_path / "out.csv"
    code, stdout, stderr = run(capsys, bundle_path, source, "--out", out)
    assert code == 0, stderr
    texts = read_path(source)
    column = "review" if "review" in texts.columns else texts.columns[0]
    expected_texts = texts.column(column)
    bundle = load_bundle(bundle_path.read_bytes())
    rows = written_rows(out)
    assert rows[0] == ["text", "predicted"] + [f"p_{label}" for label in bundle.label_names]
    assert [unescape(row[0]) for row in rows[1:]] == expected_texts
    probabilities = np.array([[float(cell) for cell in row[2:]] for row in rows[1:]])
    np.testing.assert_allclose(probabilities, predict_many(bundle, expected_texts), atol=1e-6)
    assert [row[1] for row in rows[1:]] == [bundle.label_names[i] for i in probabilities.argmax(axis=1)]
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert summary["rows"] == len(expected_texts) and summary["out"] == str(out)
    assert summary["text_column"] == column and summary["encoding"].replace("-", "").startswith(
        encoding.replace("-", "")[:4])
    assert sum(summary["counts"].values()) == len(expected_texts) and list(summary["counts"]) == bundle.label_names


def test_formula_cells_are_escaped_and_others_left_alone(bundle_path):
    bundle = load_bundle(bundle_path.read_bytes())
    rows = list(csv.reader(io.StringIO(to_csv(predict_table(bundle, TEXTS)).decode("utf-8")[1:])))
    cells = [row[0] for row in rows[1:]]
    assert cells[3] == "'=HYPERLINK(\"http://x\")" and cells[4] == "'+1 great" and cells[5] == "'-dirty"
    assert cells[6] == "'@rude" and cells[7] == "'\tclean"
    assert cells[:3] == TEXTS[:3] and cells[8] == TEXTS[8]
    assert spreadsheet_safe("\rx") == "'\rx" and spreadsheet_safe("a=b") == "a=b" and spreadsheet_safe("") == ""
    table = predict_table(bundle, ["x"])  # labels come from user data too
    evil = replace(table, labels=("=evil", "ok"), predicted=("=evil",))
    assert to_csv(evil).decode("utf-8").splitlines()[1].split(",")[1] == "'=evil"


def test_default_output_name_and_named_column(bundle_path, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "tickets.csv"
    source.write_text("body,other\nclean and lovely,a long second text column here\nrude and dirty,x\n",
                      encoding="utf-8")
    code, stdout, _ = run(capsys, bundle_path, source, "--text-col", "body")
    assert code == 0
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert summary["out"] == "tickets_predictions.csv" and summary["text_column"] == "body"
    assert [row[0] for row in written_rows(tmp_path / "tickets_predictions.csv")[1:]] == ["clean and lovely",
                                                                                         "rude and dirty"]


def test_bad_data_and_bad_bundles_exit_3_with_the_pages_sentence(bundle_path, tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, stdout, stderr = run(capsys, bundle_path, empty)
    assert code == 3 and stdout == "" and describe(DataError("empty_file")) in stderr
    assert "The file is empty" in stderr  # the sentence from assets/text/en/train.toml, not the code
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"not a zip")
    code, _, stderr = run(capsys, fake, bundle_path)
    assert code == 3 and "This is not a model saved by RNN Explorer" in stderr
    code, _, stderr = run(capsys, bundle_path, tmp_path / "missing.csv")
    assert code == 3 and "missing.csv" in stderr
    source = tmp_path / "texts.csv"
    source.write_text("a,b\nx y,1\n", encoding="utf-8")
    code, _, stderr = run(capsys, bundle_path, source, "--text-col", "nope")
    assert code == 3 and "There is no column called “nope”" in stderr


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2


def test_a_txt_of_lines_with_commas_is_classified_line_by_line(bundle_path, tmp_path, capsys):
    lines = ["clean, friendly and quiet", "rude, dirty, noisy", "lovely room, great staff"]
    source = tmp_path / "texts.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, stdout, _ = run(capsys, bundle_path, source, "--out", str(tmp_path / "out.csv"))
    assert code == 0
    assert json.loads(stdout.strip().splitlines()[-1])["rows"] == 3
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_bytes().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == lines
