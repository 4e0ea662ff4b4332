import io
import json
import pickle
import struct
import zipfile

import numpy as np
import pytest
import torch
from safetensors.torch import save as save_safetensors

from core.classifier import bundle as bundle_module
from core.classifier.bundle import (CONFIG_FILE, WEIGHTS_FILE, BundleError, ClassifierBundle, bundle_files,
                                    load_bundle, load_bundle_files, save_bundle)
from core.classifier.model import ClassifierConfig, TextClassifier
from core.classifier.predict import predict, predict_many
from core.textdata.errors import DataError
from core.textdata.tokenize import Tokenizer, Vocabulary

TEXTS = ["free prize call now", "see you at lunch", "酒店很好", "win cash now!!!", ""]


@pytest.fixture(scope="module")
def bundle():
    torch.manual_seed(0)
    vocabulary = Vocabulary.build([Tokenizer()(text) for text in TEXTS])
    config = ClassifierConfig(vocab_size=len(vocabulary), num_classes=3, cell="gru", num_layers=2,
                              embed_size=8, hidden_size=6, pooling="mean")
    return ClassifierBundle(model=TextClassifier(config).eval(), vocabulary=vocabulary,
                            label_names=["ham", "spam", "其他"], tokenizer=Tokenizer(), max_length=5,
                            metrics={"accuracy": 0.5})


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def edited_config(bundle, edit) -> bytes:
    files = bundle_files(bundle)
    description = json.loads(files[CONFIG_FILE])
    edit(description)
    files[CONFIG_FILE] = json.dumps(description).encode()
    return rezip(files)


def test_round_trip_gives_identical_predictions(bundle):
    data = save_bundle(bundle)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == [CONFIG_FILE, WEIGHTS_FILE]
    loaded = load_bundle(data)
    assert loaded.config == bundle.config
    assert loaded.vocabulary == bundle.vocabulary and loaded.label_names == bundle.label_names
    assert loaded.tokenizer == bundle.tokenizer and loaded.max_length == 5 and loaded.metrics == {"accuracy": 0.5}
    assert not loaded.model.training
    np.testing.assert_array_equal(predict_many(loaded, TEXTS), predict_many(bundle, TEXTS))
    assert predict(data, "win cash") == predict(bundle, "win cash")


def test_separate_files_load_too(bundle):
    files = bundle_files(bundle)
    loaded = load_bundle_files(files[WEIGHTS_FILE], files[CONFIG_FILE])
    for name, tensor in bundle.model.state_dict().items():
        torch.testing.assert_close(loaded.model.state_dict()[name], tensor, rtol=0, atol=0)


def test_errors_are_data_errors_with_page_codes():
    with pytest.raises(DataError) as caught:
        load_bundle(b"definitely not a zip")
    assert isinstance(caught.value, BundleError)
    assert caught.value.code == "bundle_invalid" and set(caught.value.params) == {"detail"}


def test_tampered_weights_shape_is_a_mismatch(bundle):
    files = bundle_files(bundle)
    state = {name: tensor.clone() for name, tensor in bundle.model.state_dict().items()}
    state["classifier.weight"] = torch.zeros(4, state["classifier.weight"].shape[1])
    files[WEIGHTS_FILE] = save_safetensors(state)
    with pytest.raises(BundleError) as caught:
        load_bundle(rezip(files))
    assert caught.value.code == "bundle_mismatch" and "classifier.weight" in caught.value.params["detail"]


def test_missing_or_extra_tensors_are_a_mismatch(bundle):
    files = bundle_files(bundle)
    state = dict(bundle.model.state_dict())
    del state["embedding.weight"]
    state["backdoor"] = torch.zeros(1)
    files[WEIGHTS_FILE] = save_safetensors(state)
    with pytest.raises(BundleError, match="bundle_mismatch"):
        load_bundle(rezip(files))


def test_config_that_no_longer_fits_the_weights_is_a_mismatch(bundle):
    def bigger_hidden(description):
        description["model"]["hidden_size"] = 7

    with pytest.raises(BundleError, match="bundle_mismatch"):
        load_bundle(edited_config(bundle, bigger_hidden))

    def fewer_labels(description):
        description["labels"] = ["ham", "spam"]

    with pytest.raises(BundleError, match="bundle_mismatch"):
        load_bundle(edited_config(bundle, fewer_labels))

    def shorter_vocabulary(description):
        description["vocabulary"]["tokens"].pop()

    with pytest.raises(BundleError, match="bundle_mismatch"):
        load_bundle(edited_config(bundle, shorter_vocabulary))


@pytest.mark.parametrize("edit", [
    lambda d: d.update(format="something-else"),
    lambda d: d.update(version=99),
    lambda d: d["model"].update(vocab_size="12"),
    lambda d: d["model"].update(cell="transformer"),
    lambda d: d["model"].update(num_layers=True),
    lambda d: d["model"].update(extra_field=1),
    lambda d: d.update(labels="ham"),
    lambda d: d.update(max_length=-1),
    lambda d: d.update(tokenizer={"lowercase": "yes"}),
    lambda d: d["vocabulary"]["tokens"].reverse(),
])
def test_malformed_descriptions_are_invalid(bundle, edit):
    with pytest.raises(BundleError) as caught:
        load_bundle(edited_config(bundle, edit))
    assert caught.value.code == "bundle_invalid"


def test_absurd_model_sizes_are_refused_before_building(bundle):
    def huge(description):
        description["model"]["hidden_size"] = 2048
        description["model"]["num_layers"] = 8

    with pytest.raises(BundleError) as caught:
        load_bundle(edited_config(bundle, huge))
    assert caught.value.code == "bundle_too_large"


def test_oversized_upload_is_refused(bundle, monkeypatch):
    data = save_bundle(bundle)
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", len(data) - 1)
    with pytest.raises(BundleError, match="bundle_too_large"):
        load_bundle(data)


def test_zip_bomb_member_is_refused_by_its_declared_size(bundle, monkeypatch):
    files = bundle_files(bundle)
    files[CONFIG_FILE] = files[CONFIG_FILE] + b" " * 5000  # compresses to almost nothing
    monkeypatch.setattr(bundle_module, "MAX_CONFIG_BYTES", 4000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with pytest.raises(BundleError, match="bundle_too_large"):
        load_bundle(buffer.getvalue())


def test_pickles_and_extra_members_are_never_loaded(bundle):
    files = bundle_files(bundle)
    pickled = pickle.dumps(dict(bundle.model.state_dict()))
    with pytest.raises(BundleError, match="bundle_invalid"):
        load_bundle(rezip({**files, "model.pt": pickled}))
    with pytest.raises(BundleError, match="bundle_invalid"):
        load_bundle(rezip({WEIGHTS_FILE: pickled, CONFIG_FILE: files[CONFIG_FILE]}))


def test_corrupt_weights_are_invalid(bundle):
    files = bundle_files(bundle)
    weights = files[WEIGHTS_FILE]
    with pytest.raises(BundleError, match="bundle_invalid"):
        load_bundle(rezip({WEIGHTS_FILE: weights[:-10], CONFIG_FILE: files[CONFIG_FILE]}))
    with pytest.raises(BundleError, match="bundle_invalid"):
        load_bundle(rezip({WEIGHTS_FILE: struct.pack("<Q", 10 ** 9) + b"{}", CONFIG_FILE: files[CONFIG_FILE]}))


def test_non_finite_weights_are_invalid(bundle):
    files = bundle_files(bundle)
    state = {name: tensor.clone() for name, tensor in bundle.model.state_dict().items()}
    state["classifier.bias"][0] = float("nan")
    files[WEIGHTS_FILE] = save_safetensors(state)
    with pytest.raises(BundleError, match="bundle_invalid"):
        load_bundle(rezip(files))
