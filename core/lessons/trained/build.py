r"""Train the three lesson models on the agreement grammar and write ``assets/models/agreement_<kind>.*``.

    python -m core.lessons.trained.build            # all three, about a minute on one core
    python -m core.lessons.trained.build --kind rnn

Deterministic: one CPU thread, every random draw (initial weights, sentences) from private generators seeded by
:data:`SEEDS`, Adam with a fixed schedule; the same torch version gives the same weights. Each model is written as
``<name>.safetensors`` (the state dict, no pickle) and ``<name>.json``, a card with the task, the held-out accuracy,
the seed and :data:`SCRIPT_VERSION` (bump it when training changes, so a card says which recipe made its weights).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import save_file
from torch import nn

from core.lessons.trained.grammar import LABELS, NO_LABEL, sample_batch
from core.lessons.trained.network import KINDS, AgreementModel, initialise

SCRIPT_VERSION = 1
MODELS_DIR = Path(__file__).resolve().parents[3] / "assets" / "models"
SEEDS = {"rnn": 11, "lstm": 12, "gru": 13}
TASK = "agreement: at every step, the verb (was / were) the latest noun needs"


@dataclass(frozen=True)
class Recipe:
    """How a model is trained: the same for all three kinds."""

    steps: int = 600  # Adam updates
    batch_size: int = 32  # sentences per update
    seq_len: int = 16  # words per training sentence
    learning_rate: float = 0.03
    test_sentences: int = 512  # held-out sentences for the card's accuracy
    test_seq_len: int = 24  # longer than training: the memory must hold past what it was trained on


def model_name(kind: str) -> str:
    return f"agreement_{kind}"


def accuracy(model: AgreementModel, generator: torch.Generator, recipe: Recipe) -> float:
    """Share of labelled steps (after the first noun) where the larger logit is the right verb."""
    batch = sample_batch(generator, recipe.test_sentences, recipe.test_seq_len)
    with torch.no_grad():
        predicted = model(batch.tokens).argmax(-1)  # (T, N)
    labelled = batch.labels != NO_LABEL
    return float((predicted[labelled] == batch.labels[labelled]).float().mean())


def train(kind: str, recipe: Recipe = Recipe()) -> tuple[AgreementModel, float]:
    """Train one kind from its seed; returns the model (eval mode) and its held-out accuracy."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: sums in one order, so the same weights on every run
    try:
        seed = SEEDS[kind]
        model = initialise(AgreementModel(kind), torch.Generator().manual_seed(seed))
        data = torch.Generator().manual_seed(seed + 1000)
        optimiser = torch.optim.Adam(model.parameters(), lr=recipe.learning_rate)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, recipe.steps)
        loss_function = nn.CrossEntropyLoss(ignore_index=NO_LABEL)
        model.train()
        for _ in range(recipe.steps):
            batch = sample_batch(data, recipe.batch_size, recipe.seq_len)
            logits = model(batch.tokens)  # (T, N, 2)
            loss = loss_function(logits.reshape(-1, len(LABELS)), batch.labels.reshape(-1))
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # the lessons' recipe; keeps early steps sane
            optimiser.step()
            schedule.step()
        model.eval()
        return model, accuracy(model, torch.Generator().manual_seed(seed + 2000), recipe)
    finally:
        torch.set_num_threads(threads)


def state_of(model: AgreementModel) -> dict[str, torch.Tensor]:
    """The state dict as contiguous float32 tensors (what safetensors stores)."""
    return {name: tensor.detach().contiguous().clone() for name, tensor in model.state_dict().items()}


def weights_digest(state: dict[str, torch.Tensor]) -> str:
    """SHA-256 over the tensors' names and bytes in name order: a fingerprint of the weights alone."""
    digest = hashlib.sha256()
    for name in sorted(state):
        digest.update(name.encode())
        digest.update(state[name].numpy().tobytes())
    return digest.hexdigest()


def write(kind: str, model: AgreementModel, accuracy_value: float, recipe: Recipe, directory: Path = MODELS_DIR):
    """Write ``<name>.safetensors`` and its card ``<name>.json`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    state = state_of(model)
    save_file(state, directory / f"{model_name(kind)}.safetensors", metadata={"kind": kind})
    card = {
        "name": model_name(kind), "kind": kind, "task": TASK, "labels": list(LABELS),
        "accuracy": round(accuracy_value, 4), "seed": SEEDS[kind], "script_version": SCRIPT_VERSION,
        "torch": torch.__version__.split("+")[0], "recipe": asdict(recipe), "sha256": weights_digest(state),
    }
    (directory / f"{model_name(kind)}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=KINDS, action="append", help="train only these kinds (default: all)")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="folder for the .safetensors and .json files")
    arguments = parser.parse_args(argv)
    recipe = Recipe()
    for kind in arguments.kind or KINDS:
        model, accuracy_value = train(kind, recipe)
        write(kind, model, accuracy_value, recipe, arguments.out)
        print(f"{model_name(kind)}: accuracy {accuracy_value:.4f}")


if __name__ == "__main__":
    main()
