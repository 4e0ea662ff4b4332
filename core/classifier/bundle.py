"""Save and load a trained classifier as one .zip: ``model.safetensors`` + ``config.json`` + ``README.md``.

The README is the model card (core.classifier.card); loading ignores its content, and bundles without one
(saved before cards existed) still load.

Loading never unpickles anything: the weights are safetensors (raw arrays plus a JSON header) and
everything else is JSON. Because bundles are uploaded by users, loading checks, in this order,
before any weight reaches a model:

1. total size, zip member names and their uncompressed sizes (no zip bombs);
2. the JSON schema of ``config.json`` and sane sizes (vocabulary, hidden sizes, parameter count);
3. that the safetensors header names exactly the tensors the configured model has, with the same
   shapes and float32 dtype, and that every value is finite.

Every failure is a `BundleError` (a ``DataError``, so the page handles it like bad data) whose
code the page translates: ``bundle_too_large`` (size_mb, limit_mb), ``bundle_invalid`` (unreadable
or malformed; detail) and ``bundle_mismatch`` (well-formed, but the weights do not fit the
described model; detail). ``detail`` is a short technical English note, not meant for translation.
Training raises ``model_too_large`` (parameters, size_mb, limit_mb) before it starts when the model it
would save could not be uploaded back (see `check_model_size`).

Sizes are in MiB (2**20 bytes), the unit Streamlit's ``server.maxUploadSize`` uses: the bundle limit is
the server's upload limit, so every model the page can train can also be uploaded again.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from dataclasses import dataclass, field

import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from core.classifier.card import CARD_FILE, model_card
from core.classifier.model import ClassifierConfig, TextClassifier, count_parameters
from core.sizes import MIB, UPLOAD_LIMIT_MIB, mebibytes
from core.textdata.errors import DataError
from core.textdata.tokenize import Tokenizer, Vocabulary

FORMAT = "rnn-explorer-text-classifier"
VERSION = 1
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
MAX_BUNDLE_BYTES = UPLOAD_LIMIT_MIB * MIB  # = server.maxUploadSize (core.sizes); also caps the weights member
MAX_CONFIG_BYTES = 50 * MIB  # a 500k-token vocabulary fits easily
MAX_CARD_BYTES = MIB
MAX_VOCAB_SIZE = 500_000
MAX_CLASSES = 1_000
MAX_LAYER_SIZE = 2048  # embed_size and hidden_size
MAX_LAYERS = 8
MAX_PARAMETERS = 12_000_000  # float32: 45.8 MiB, leaving room for config.json inside MAX_BUNDLE_BYTES
SIZE_MARGIN = 256 * 1024  # safetensors header, labels, metrics and the card, beside weights and vocabulary
MAX_LENGTH = 4096

# code -> names of its parameters (the same contract as core.textdata.errors.ERROR_PARAMS)
BUNDLE_ERROR_PARAMS: dict[str, tuple[str, ...]] = {
    "bundle_invalid": ("detail",),
    "bundle_mismatch": ("detail",),
    "bundle_too_large": ("size_mb", "limit_mb"),
    "model_too_large": ("parameters", "size_mb", "limit_mb"),
}


class BundleError(DataError):
    """A bundle that cannot be loaded; ``code`` and ``params`` work like any `DataError`'s."""

    def __init__(self, code: str, **params):
        if set(params) != set(BUNDLE_ERROR_PARAMS.get(code, ("?",))):
            raise TypeError(f"bundle error {code!r} takes {BUNDLE_ERROR_PARAMS.get(code)}, got {tuple(params)}")
        self.code = code
        self.params = params
        details = ", ".join(f"{name}={value!r}" for name, value in params.items())
        ValueError.__init__(self, f"{code}({details})")


def error_from_record(code: str, params: dict) -> DataError:
    """The error a job's ``{"kind": "error", "code", "params"}`` record describes (data or bundle/model size)."""
    return BundleError(code, **params) if code in BUNDLE_ERROR_PARAMS else DataError(code, **params)


def _invalid(detail: str) -> BundleError:
    return BundleError("bundle_invalid", detail=detail)


def _mismatch(detail: str) -> BundleError:
    return BundleError("bundle_mismatch", detail=detail)


def _too_large(size: float, limit: float) -> BundleError:
    return BundleError("bundle_too_large", size_mb=mebibytes(size), limit_mb=mebibytes(limit))


@dataclass
class ClassifierBundle:
    """A trained model with everything needed to classify new text the way it was trained."""

    model: TextClassifier
    vocabulary: Vocabulary
    label_names: list[str]
    tokenizer: Tokenizer
    max_length: int  # tokens kept per text
    metrics: dict = field(default_factory=dict)  # JSON-friendly validation metrics

    @property
    def config(self) -> ClassifierConfig:
        return self.model.config


def check_model_size(config: ClassifierConfig, vocabulary: Vocabulary) -> None:
    """Refuse, before any training, a model whose bundle could not be uploaded back.

    The bound: float32 weights (4 bytes per parameter) + the vocabulary's JSON + a margin; the zip can only be
    smaller (deflate never grows it by more than a few bytes per block).

    Raises:
        BundleError: ``model_too_large`` past `MAX_PARAMETERS` or `MAX_BUNDLE_BYTES`.
    """
    parameters = count_parameters(config)
    size = 4 * parameters + len(vocabulary.to_json().encode("utf-8")) + SIZE_MARGIN
    if parameters > MAX_PARAMETERS or size > MAX_BUNDLE_BYTES:
        raise BundleError("model_too_large", parameters=f"{parameters:,}", size_mb=mebibytes(size),
                          limit_mb=mebibytes(MAX_BUNDLE_BYTES))


def bundle_files(bundle: ClassifierBundle) -> dict[str, bytes]:
    """The files of a bundle: ``{"model.safetensors": ..., "config.json": ..., "README.md": ...}``."""
    state = {name: tensor.detach().cpu().contiguous() for name, tensor in bundle.model.state_dict().items()}
    description = {
        "format": FORMAT,
        "version": VERSION,
        "model": bundle.config.to_dict(),
        "labels": list(bundle.label_names),
        "tokenizer": bundle.tokenizer.to_dict(),
        "max_length": bundle.max_length,
        "vocabulary": bundle.vocabulary.to_dict(),
        "metrics": bundle.metrics,
    }
    config_json = json.dumps(description, ensure_ascii=False, indent=1).encode("utf-8")
    return {WEIGHTS_FILE: save_safetensors(state, metadata={"format": FORMAT}), CONFIG_FILE: config_json,
            CARD_FILE: model_card(bundle).encode("utf-8")}


def save_bundle(bundle: ClassifierBundle) -> bytes:
    """The .zip bytes users download (and upload again later)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in bundle_files(bundle).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def load_bundle(data: bytes) -> ClassifierBundle:
    """Check and load a bundle .zip (see the module docstring); the model comes back in eval mode."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise _too_large(len(data), MAX_BUNDLE_BYTES)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _invalid(f"not a zip file: {error}") from None
    if set(members) - {CARD_FILE} != {WEIGHTS_FILE, CONFIG_FILE}:
        raise _invalid(f"expected {WEIGHTS_FILE}, {CONFIG_FILE} (and {CARD_FILE}), found {sorted(members)[:10]}")
    limits = {WEIGHTS_FILE: MAX_BUNDLE_BYTES, CONFIG_FILE: MAX_CONFIG_BYTES, CARD_FILE: MAX_CARD_BYTES}
    files = {}
    for name, info in members.items():
        if info.file_size > limits[name]:
            raise _too_large(info.file_size, limits[name])
        try:
            files[name] = archive.read(name)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise _invalid(f"cannot read {name}: {error}") from None
    return load_bundle_files(files[WEIGHTS_FILE], files[CONFIG_FILE])


def load_bundle_files(weights: bytes, config_json: bytes) -> ClassifierBundle:
    """Check and load the two bundle files given separately."""
    if len(weights) > MAX_BUNDLE_BYTES or len(config_json) > MAX_CONFIG_BYTES:
        raise _too_large(len(weights) + len(config_json), MAX_BUNDLE_BYTES)
    description = _parse_description(config_json)
    config = description["config"]
    model = TextClassifier(config)
    expected = {name: (tuple(tensor.shape), tensor.dtype) for name, tensor in model.state_dict().items()}
    _check_header(weights, expected)
    try:
        state = load_safetensors(weights)
    except Exception as error:  # safetensors raises its own error types for corrupt data
        raise _invalid(f"unreadable weights: {error}") from None
    for name, tensor in state.items():
        if (tuple(tensor.shape), tensor.dtype) != expected[name]:
            raise _mismatch(f"tensor {name} has the wrong shape")
        if not torch.isfinite(tensor).all():
            raise _invalid(f"tensor {name} holds NaN or infinity")
    model.load_state_dict(state, strict=True)
    model.eval()
    return ClassifierBundle(model=model, vocabulary=description["vocabulary"],
                            label_names=description["labels"], tokenizer=description["tokenizer"],
                            max_length=description["max_length"], metrics=description["metrics"])


def _parse_description(config_json: bytes) -> dict:
    try:
        raw = json.loads(config_json.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _invalid(f"{CONFIG_FILE} is not JSON: {error}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _invalid(f"{CONFIG_FILE} is not an RNN Explorer classifier description")
    if raw.get("version") != VERSION:
        raise _invalid(f"unsupported bundle version {raw.get('version')!r}")
    model_fields = raw.get("model")
    if isinstance(model_fields, dict):
        # bundles saved before pair embeddings, embedding dropout, character n-grams, the wide path and the
        # linear n-gram path existed
        model_fields = {"bigram_buckets": 0, "embedding_dropout": 0.0, "subword_buckets": 0, "wide": False,
                        "ngram_buckets": 0,
                        **model_fields}
    if not isinstance(model_fields, dict) or set(model_fields) != set(ClassifierConfig.__dataclass_fields__):
        raise _invalid("the 'model' section does not list the classifier's settings")
    types = {"vocab_size": int, "num_classes": int, "cell": str, "bidirectional": bool, "num_layers": int,
             "embed_size": int, "hidden_size": int, "dropout": (int, float), "pooling": str, "bigram_buckets": int,
             "embedding_dropout": (int, float), "subword_buckets": int, "wide": bool,
             "ngram_buckets": int}
    for name, kind in types.items():
        value = model_fields[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _invalid(f"model setting {name} has the wrong type")
    try:
        config = ClassifierConfig(**model_fields)
    except ValueError as error:
        raise _invalid(str(error)) from None
    if (max(config.vocab_size, config.bigram_buckets, config.subword_buckets, config.ngram_buckets) > MAX_VOCAB_SIZE
            or config.num_classes > MAX_CLASSES or config.num_layers > MAX_LAYERS
            or max(config.embed_size, config.hidden_size) > MAX_LAYER_SIZE or count_parameters(config) > MAX_PARAMETERS):
        raise _too_large(4 * count_parameters(config), 4 * MAX_PARAMETERS)  # float32 weights
    labels = raw.get("labels")
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise _invalid("'labels' must be a list of strings")
    if len(labels) != config.num_classes or len(set(labels)) != len(labels):
        raise _mismatch("labels do not match num_classes")
    try:
        vocabulary = Vocabulary.from_dict(raw.get("vocabulary"))
        tokenizer = Tokenizer.from_dict(raw.get("tokenizer"))
    except (ValueError, TypeError) as error:
        raise _invalid(str(error)) from None
    if len(vocabulary) != config.vocab_size:
        raise _mismatch("vocabulary size differs from vocab_size")
    max_length = raw.get("max_length")
    if not isinstance(max_length, int) or isinstance(max_length, bool) or not 1 <= max_length <= MAX_LENGTH:
        raise _invalid("'max_length' must be an integer in [1, 4096]")
    metrics = raw.get("metrics", {})
    if not isinstance(metrics, dict):
        raise _invalid("'metrics' must be an object")
    return {"config": config, "labels": labels, "vocabulary": vocabulary, "tokenizer": tokenizer,
            "max_length": max_length, "metrics": metrics}


_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.int64: "I64"}


def _check_header(weights: bytes, expected: dict[str, tuple]) -> None:
    """Compare the safetensors header with the model's tensors before reading any tensor data."""
    if len(weights) < 8:
        raise _invalid("the weights file is truncated")
    (header_size,) = struct.unpack("<Q", weights[:8])
    if header_size > len(weights) - 8:
        raise _invalid("the weights header is truncated")
    try:
        header = json.loads(weights[8:8 + header_size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _invalid("the weights header is not JSON") from None
    if not isinstance(header, dict):
        raise _invalid("the weights header is not an object")
    header.pop("__metadata__", None)
    if set(header) != set(expected):
        missing, extra = sorted(set(expected) - set(header)), sorted(set(header) - set(expected))
        raise _mismatch(f"missing tensors {missing[:5]}, unexpected {extra[:5]}")
    for name, (shape, dtype) in expected.items():
        entry = header[name]
        if not isinstance(entry, dict) or tuple(entry.get("shape", ())) != shape \
                or entry.get("dtype") != _DTYPES.get(dtype):
            raise _mismatch(f"tensor {name} does not fit the model (expected {list(shape)})")
