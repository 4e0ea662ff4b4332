"""The training page in a real browser: upload part of the SMS spam data, train one epoch in the background,
read the metrics, explain a sentence, and download the model bundle."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import ROOT, assert_no_exception, screenshot, wait_ready

DATA = ROOT.parent / "shared" / "data" / "sms_spam_en.csv"
ROWS = 300
SENTENCE = "WINNER!! You have won a free prize, call 09061701461 now to claim"


def spam_subset(path: Path) -> Path:
    """The first ROWS ham and spam messages of the shared SMS data, spam share as in the full file."""
    with open(DATA, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    spam = [row for row in rows if row["label"] == "spam"]
    ham = [row for row in rows if row["label"] == "ham"]
    spam_count = round(ROWS * len(spam) / len(rows))
    chosen = ham[: ROWS - spam_count] + spam[:spam_count]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "label"])
        writer.writeheader()
        writer.writerows({"text": row["text"], "label": row["label"]} for row in chosen)
    return path


def keyed(page, key: str):
    """The element container Streamlit marks with a widget key ("train.upload" -> .st-key-train-upload)."""
    return page.locator(f".st-key-{key.replace('.', '-')}")


def test_upload_train_explain_and_download(page, server, tmp_path):
    started = time.time()
    page.goto(server)  # the home page first: a deep link into a fresh server skips app.py's navigation
    wait_ready(page)
    page.locator('[data-testid="stSidebarNav"] a[href$="/train"]').first.click()
    page.wait_for_url("**/train**")
    wait_ready(page)
    assert_no_exception(page, "train page with the demo data")
    assert page.get_by_text("bundled demo dataset").count()
    # 640 demo texts are 20 steps an epoch (expect() waits out the input's first frame, which shows its minimum)
    expect(keyed(page, "train.epochs").locator("input")).to_have_value("15")
    screenshot(page, "train_demo_en")

    keyed(page, "train.upload").locator('input[type="file"]').set_input_files(str(spam_subset(tmp_path / "sms.csv")))
    page.get_by_text(f"{ROWS} rows").first.wait_for()
    wait_ready(page)
    assert_no_exception(page, "after the upload")
    assert not page.get_by_text("bundled demo dataset").count()
    counts = keyed(page, "train.class_counts").inner_text()
    assert "ham" in counts and "spam" in counts
    screenshot(page, "train_uploaded")

    epochs = keyed(page, "train.epochs").locator("input")
    # 240 training texts are 8 steps an epoch: the form suggests enough epochs for a few hundred steps
    expect(epochs).to_have_value("30")
    assert page.get_by_text("Suggested for this data: 30 epochs of 8 steps").count()
    epochs.fill("1")
    epochs.press("Tab")
    keyed(page, "train.start").get_by_role("button", name="Start training").click()
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=150_000)  # polled by the fragment, then rerun
    wait_ready(page)
    assert_no_exception(page, "after training")
    assert page.get_by_text("Training finished").count()
    accuracy = page.locator('[data-testid="stMetric"]').first.inner_text()
    assert "Accuracy" in accuracy and "%" in accuracy
    assert page.locator(".st-key-train-confusion .js-plotly-plot").count()
    screenshot(page, "train_results")

    box = keyed(page, "train.sentence").locator("input")
    box.fill(SENTENCE)
    box.press("Enter")
    time.sleep(0.5)
    wait_ready(page)
    assert_no_exception(page, "after trying a sentence")
    assert page.get_by_text("Prediction:").count()
    assert page.locator(".st-key-train-attribution .js-plotly-plot").count()
    link = page.locator('a[href*="lstm_step.text="]').first
    assert "WINNER" in link.get_attribute("href")
    keyed(page, "train.attribution").scroll_into_view_if_needed()
    screenshot(page, "train_try_sentence")

    with page.expect_download() as download_info:
        keyed(page, "train.download").get_by_role("button", name="Download the model").click()
    download = download_info.value
    assert download.suggested_filename == "rnn-explorer-classifier.zip"
    saved = tmp_path / "bundle.zip"
    download.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["README.md", "config.json", "model.safetensors"]  # the card too
        assert "id2label" in archive.read("README.md").decode("utf-8")
    assert time.time() - started < 150
