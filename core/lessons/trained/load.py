"""Read a shipped lesson model back: ``assets/models/<name>.safetensors`` (weights only, no pickle) + its JSON card.

The safetensors header must name exactly the tensors an :class:`AgreementModel` of that kind has, with the same
shapes; anything else is refused with a ValueError rather than half-loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from safetensors.torch import load_file

from core.lessons.trained.build import MODELS_DIR, model_name
from core.lessons.trained.network import KINDS, AgreementModel


@dataclass(frozen=True)
class ModelCard:
    """What the JSON card next to the weights says about them."""

    name: str
    kind: str
    task: str
    accuracy: float  # held-out share of steps where the model picks the right verb
    seed: int
    script_version: int
    sha256: str  # weights_digest of the shipped tensors


def read_card(kind: str, directory: Path = MODELS_DIR) -> ModelCard:
    """The card of the shipped ``kind`` model."""
    data = json.loads((directory / f"{model_name(kind)}.json").read_text(encoding="utf-8"))
    return ModelCard(name=data["name"], kind=data["kind"], task=data["task"], accuracy=float(data["accuracy"]),
                     seed=int(data["seed"]), script_version=int(data["script_version"]), sha256=data["sha256"])


def load_model(kind: str, directory: Path = MODELS_DIR) -> AgreementModel:
    """A fresh :class:`AgreementModel` with the shipped weights, in eval mode (callers may keep or change it)."""
    if kind not in KINDS:
        raise ValueError(f"no trained lesson model of kind {kind!r}; expected one of {KINDS}")
    model = AgreementModel(kind)
    state = load_file(directory / f"{model_name(kind)}.safetensors")
    expected = {name: tuple(tensor.shape) for name, tensor in model.state_dict().items()}
    found = {name: tuple(tensor.shape) for name, tensor in state.items()}
    if found != expected:
        raise ValueError(f"{model_name(kind)}.safetensors holds {found}, expected {expected}")
    model.load_state_dict(state)
    return model.eval()


@lru_cache(maxsize=len(KINDS))
def _shared(kind: str) -> AgreementModel:
    return load_model(kind)


def trained_model(kind: str) -> AgreementModel:
    """The shipped model, read once per process. Treat it as read-only: lessons copy what they change."""
    return _shared(kind)


def lesson_model(kind: str, input_size: int, hidden_size: int) -> AgreementModel:
    """The shipped ``kind`` model for a lesson of these sizes (read-only, as :func:`trained_model`); ValueError
    unless the trained module has the lesson's sizes (a lesson config changed without a retrain)."""
    model = trained_model(kind)
    found = (model.recurrent.input_size, model.recurrent.hidden_size)
    if found != (input_size, hidden_size):
        raise ValueError(f"the trained {model.kind} model is {found} (input, hidden), the lesson uses "
                         f"{(input_size, hidden_size)}: run python -m core.lessons.trained.build")
    return model
