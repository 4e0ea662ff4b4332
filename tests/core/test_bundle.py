import io
import json
import pickle
import struct
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save as save_safetensors

from core.classifier import bundle as bundle_module
from core.classifier.bundle import (CONFIG_FILE, MAX_BUNDLE_BYTES, MAX_PARAMETERS, WEIGHTS_FILE, BundleError,
                                    ClassifierBundle, bundle_files, check_model_size, load_bundle,
                                    load_bundle_files, save_bundle)
from core.classifier.card import BUNDLE_NAME, CARD_FILE, card_code, model_card
from core.classifier.model import ClassifierConfig, TextClassifier
from core.classifier.predict import encode_ngrams_for, predict, predict_many
from core.textdata.errors import DataError
from core.textdata.ngrams import encode_ngrams
from core.textdata.tokenize import Tokenizer, Vocabulary

ROOT = Path(__file__).resolve().parents[2]
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


def variant(bundle, seed: int, **settings) -> ClassifierBundle:
    """A small untrained bundle on ``bundle``'s vocabulary and labels with some model settings changed."""
    torch.manual_seed(seed)
    config = ClassifierConfig(vocab_size=len(bundle.vocabulary), num_classes=3, embed_size=8, hidden_size=6,
                              **settings)
    return ClassifierBundle(model=TextClassifier(config).eval(), vocabulary=bundle.vocabulary,
                            label_names=bundle.label_names, tokenizer=Tokenizer(), max_length=5)


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
        assert sorted(archive.namelist()) == [CARD_FILE, CONFIG_FILE, WEIGHTS_FILE]
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
    lambda d: d.update(tokenizer={"lowercase": True, "rules": 3}),
    lambda d: d.update(tokenizer={"lowercase": True, "rules": "2"}),
    lambda d: d["vocabulary"]["tokens"].reverse(),
])
def test_malformed_descriptions_are_invalid(bundle, edit):
    with pytest.raises(BundleError) as caught:
        load_bundle(edited_config(bundle, edit))
    assert caught.value.code == "bundle_invalid"


def test_a_bundle_saved_before_tokenizer_rules_were_numbered_reads_text_as_it_was_trained(bundle):
    # Its description has no "rules": it was trained under rules 1, where a combining mark was a token of its own.
    loaded = load_bundle(edited_config(bundle, lambda d: d["tokenizer"].pop("rules")))
    assert loaded.tokenizer == Tokenizer(lowercase=True, rules=1)
    assert loaded.tokenizer("फिल्म") == ["फ", "ि", "ल", "्", "म"]
    assert load_bundle(save_bundle(bundle)).tokenizer("फिल्म") == ["फिल्म"]


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


def test_the_model_card_is_in_the_zip_and_its_python_lines_run(bundle, tmp_path, monkeypatch, capsys):
    data = save_bundle(bundle)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == [CARD_FILE, CONFIG_FILE, WEIGHTS_FILE]
        card = archive.read(CARD_FILE).decode("utf-8")
    id2label = json.loads(card.split("```json")[1].split("```")[0])["id2label"]
    assert id2label == {"0": "ham", "1": "spam", "2": "其他"}
    assert "accuracy: 50.0%" in card and f"vocabulary: {len(bundle.vocabulary)} tokens" in card
    code = card_code(card)
    assert len(code.splitlines()) == 5
    (tmp_path / BUNDLE_NAME).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    exec(compile(code, "README.md", "exec"), {})  # exactly the lines a reader copies
    printed = capsys.readouterr().out
    expected = predict(bundle, "Type a sentence to classify here.")
    assert printed.startswith(expected.label + " {") and repr(expected.probabilities["spam"]) in printed
    assert load_bundle(data).label_names == bundle.label_names  # the card does not stop it loading back


def test_a_bundle_without_a_card_still_loads(bundle):
    files = bundle_files(bundle)
    del files[CARD_FILE]
    assert load_bundle(rezip(files)).label_names == bundle.label_names


def test_card_labels_cannot_break_its_tables(bundle):
    odd = ClassifierBundle(model=bundle.model, vocabulary=bundle.vocabulary, label_names=["a|b", "c\nd", "e"],
                           tokenizer=bundle.tokenizer, max_length=5,
                           metrics={"per_class": [{"label": "a|b", "precision": 1.0, "recall": 1.0, "f1": 1.0,
                                                   "support": 1}]})
    assert "| a\\|b | 100.0% |" in model_card(odd)


def test_sizes_agree_with_the_server_upload_limit():
    with (ROOT / ".streamlit" / "config.toml").open("rb") as handle:
        upload_limit = tomllib.load(handle)["server"]["maxUploadSize"] * 2 ** 20  # Streamlit counts MiB
    assert MAX_BUNDLE_BYTES == upload_limit
    assert 4 * MAX_PARAMETERS < MAX_BUNDLE_BYTES


def test_the_largest_model_training_accepts_downloads_and_uploads_back(monkeypatch):
    # The form allows a vocabulary up to 500,000 and embeddings up to 512: the size check decides.
    vocabulary = Vocabulary(["<pad>", "<unk>"] + [f"token{index}" for index in range(89_998)])
    config = ClassifierConfig(vocab_size=len(vocabulary), num_classes=5, embed_size=128, hidden_size=64)
    check_model_size(config, vocabulary)  # 11.6 M weights: allowed
    torch.manual_seed(0)
    large = ClassifierBundle(model=TextClassifier(config).eval(), vocabulary=vocabulary,
                             label_names=[f"class {index}" for index in range(5)], tokenizer=Tokenizer(),
                             max_length=64)
    data = save_bundle(large)
    assert len(data) <= MAX_BUNDLE_BYTES
    assert load_bundle(data).config == config
    too_big = ClassifierConfig(vocab_size=500_000, num_classes=5, embed_size=512)
    with pytest.raises(BundleError) as refused:
        check_model_size(too_big, Vocabulary(["<pad>", "<unk>", "x"]))
    assert refused.value.code == "model_too_large" and refused.value.params["limit_mb"] == 50.0


def test_pair_embeddings_round_trip_and_older_bundles_without_them_load(bundle):
    paired = variant(bundle, 1, bigram_buckets=11)
    loaded = load_bundle(save_bundle(paired))
    assert loaded.config.bigram_buckets == 11
    np.testing.assert_array_equal(predict_many(loaded, TEXTS), predict_many(paired, TEXTS))

    def older(description):
        del description["model"]["bigram_buckets"]  # saved before the field existed

    assert load_bundle(edited_config(bundle, older)).config.bigram_buckets == 0


def test_ngram_embeddings_round_trip_and_older_bundles_without_them_load(bundle):
    grams = variant(bundle, 3, subword_buckets=23)
    loaded = load_bundle(save_bundle(grams))
    assert loaded.config.subword_buckets == 23
    torch.testing.assert_close(loaded.model.subwords.weight, grams.model.subwords.weight)
    np.testing.assert_array_equal(predict_many(loaded, TEXTS), predict_many(grams, TEXTS))
    # two unseen words read differently: their n-grams, not only <unk>, reach the model
    first, second = predict_many(loaded, ["zebra", "quokka"])
    assert not np.allclose(first, second)
    assert predict(loaded, "zebra").probabilities == pytest.approx(dict(zip(bundle.label_names, first)))

    def older(description):
        del description["model"]["subword_buckets"]  # saved before the field existed

    assert load_bundle(edited_config(bundle, older)).config.subword_buckets == 0


def test_wide_path_round_trips_and_older_bundles_without_it_load(bundle):
    wide = variant(bundle, 5, wide=True)
    with torch.no_grad():
        wide.model.wide.weight.normal_()  # a trained-looking wide path, not the zeros it starts with
    data = save_bundle(wide)
    loaded = load_bundle(data)
    assert loaded.config.wide is True
    torch.testing.assert_close(loaded.model.wide.weight, wide.model.wide.weight, rtol=0, atol=0)
    np.testing.assert_array_equal(predict_many(loaded, TEXTS), predict_many(wide, TEXTS))
    assert "wide path" in zipfile.ZipFile(io.BytesIO(data)).read(CARD_FILE).decode()

    def older(description):
        del description["model"]["wide"]  # saved before the field existed

    assert load_bundle(edited_config(bundle, older)).config.wide is False

    def mistyped(description):
        description["model"]["wide"] = 1

    with pytest.raises(BundleError):
        load_bundle(edited_config(bundle, mistyped))


def test_linear_ngram_path_round_trips_and_older_bundles_without_it_load(bundle):
    linear = variant(bundle, 6, ngram_buckets=997)  # more rows than the texts have n-grams
    with torch.no_grad():
        linear.model.ngrams.weight[1:].normal_()  # a trained-looking path, not the zeros it starts with
    data = save_bundle(linear)
    loaded = load_bundle(data)
    assert loaded.config.ngram_buckets == 997
    torch.testing.assert_close(loaded.model.ngrams.weight, linear.model.ngrams.weight, rtol=0, atol=0)
    probabilities = predict_many(loaded, TEXTS)
    np.testing.assert_array_equal(probabilities, predict_many(linear, TEXTS))
    # one text at a time reads the same n-grams as a batch, the whole text even past max_length (5 tokens)
    long_text = "free prize call now see you at lunch"
    assert predict(loaded, long_text).probabilities == pytest.approx(
        dict(zip(bundle.label_names, predict_many(loaded, [long_text])[0])))
    assert not np.allclose(predict_many(loaded, [long_text]), predict_many(loaded, ["free prize call now see"]))
    # the linear path splits words by the bundle's own tokenizer rules (an older bundle's: rules 1)
    assert encode_ngrams_for(loaded, ["फिल्म"])[0].tolist() == encode_ngrams(["फिल्म"], 997)[0].tolist()
    older = load_bundle(edited_config(linear, lambda d: d["tokenizer"].pop("rules")))
    assert encode_ngrams_for(older, ["फिल्म"])[0].tolist() == encode_ngrams(["फिल्म"], 997, rules=1)[0].tolist()
    assert "linear path" in zipfile.ZipFile(io.BytesIO(data)).read(CARD_FILE).decode()

    def older(description):
        del description["model"]["ngram_buckets"]  # saved before the field existed

    assert load_bundle(edited_config(bundle, older)).config.ngram_buckets == 0

    def mistyped(description):
        description["model"]["ngram_buckets"] = True

    with pytest.raises(BundleError):
        load_bundle(edited_config(bundle, mistyped))


def test_max_mean_pooling_and_embedding_dropout_round_trip_and_older_bundles_load(bundle):
    pooled = variant(bundle, 2, pooling="max_mean", embedding_dropout=0.2)
    config = pooled.model.config
    loaded = load_bundle(save_bundle(pooled))
    assert loaded.config == config and loaded.model.classifier.in_features == 24  # max and mean of 2 x 6
    np.testing.assert_array_equal(predict_many(loaded, TEXTS), predict_many(pooled, TEXTS))

    def older(description):
        del description["model"]["embedding_dropout"]  # saved before the field existed

    assert load_bundle(edited_config(bundle, older)).config.embedding_dropout == 0.0
