"""Section 7 of the training page, "Classify a file": upload → table of predictions → escaped CSV download."""

import csv
import io

import numpy as np
import pytest

from core.classifier.bundle import load_bundle
from core.classifier.predict import predict_many
from core.classifier.predictions import to_csv
from core.classifier.training import TrainingConfig, train_classifier
from pages.kit.i18n import texts
from tests.core.classifier_data import synthetic
from tests.pages.test_train import errors, open_page, upload

TEXTS = ["Lovely clean room and friendly staff", "=1+2 rude and dirty", "我们很喜欢这家酒店", "@noisy night"]


@pytest.fixture(scope="module")
def bundle_bytes():
    config = TrainingConfig(embed_size=16, hidden_size=16, epochs=3, batch_size=16, learning_rate=1e-2,
                            min_freq=1, device="cpu", num_threads=1, baseline=False)
    return train_classifier(synthetic(count=120), config).bundle


def csv_of(texts):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "comment"])
    writer.writerows((index, text) for index, text in enumerate(texts))
    return buffer.getvalue().encode("gbk")  # read like training data: the encoding is detected


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_loaded_model_classifies_an_uploaded_file(bundle_bytes, lang):
    app = open_page(lang)
    t = texts("train", lang)
    assert t["classify"]["heading"] in [header.value for header in app.header]
    assert t["classify"]["no_model"] in [caption.value for caption in app.caption]
    upload(app, bundle_bytes, "model.zip", key="train.bundle_upload")
    upload(app, csv_of(TEXTS), "reviews.csv", key="train.classify_upload")
    assert not errors(app)
    chosen = [box.value for box in app.selectbox if box.label == t["classify"]["column"]]
    assert chosen[-1] == "comment"  # section 7's box (section 1 has one of that name too): the text, not the ids
    table = app.dataframe[-1].value  # section 7 is the last on the page
    bundle = load_bundle(bundle_bytes)
    expected = predict_many(bundle, TEXTS)
    columns = t["classify"]["columns"]
    assert table[columns["text"]].tolist() == TEXTS  # shown as data, never as markup
    assert table[columns["predicted"]].tolist() == [bundle.label_names[i] for i in expected.argmax(axis=1)]
    for index, label in enumerate(bundle.label_names):
        np.testing.assert_allclose(table[t["classify"].format("probability", label=label)], expected[:, index],
                                   rtol=1e-9)
    counts = ", ".join(f"{label}: {int((expected.argmax(axis=1) == i).sum())}"
                       for i, label in enumerate(bundle.label_names))
    assert t["classify"].format("summary", rows=4, counts=counts) in [markdown.value for markdown in app.markdown]
    assert app.download_button(key="train.classified_download").label == t["classify"]["download"]
    result = app.session_state["train.classified"][1]  # what the download button was given
    rows = list(csv.reader(io.StringIO(to_csv(result).decode("utf-8")[1:])))
    assert [row[0] for row in rows[1:]] == [TEXTS[0], "'=1+2 rude and dirty", TEXTS[2], "'@noisy night"]


def test_a_bad_file_is_explained_and_the_model_stays(bundle_bytes):
    app = open_page("en")
    t = texts("train", "en")
    upload(app, bundle_bytes, "model.zip", key="train.bundle_upload")
    upload(app, b"", "empty.csv", key="train.classify_upload")
    assert t["errors"]["empty_file"] in errors(app)
    assert app.session_state["train.loaded"].name == "model.zip"
