"""The model card: a ``README.md`` inside every bundle, so a downloaded .zip explains itself.

It lists the labels with their ids (``id2label``, the order of the probability vector), what the model was
trained on, its validation scores, its architecture, and the five lines of Python that load the bundle and
classify a sentence (run from a clone of RNN Explorer; a test runs exactly these lines).
"""

from __future__ import annotations

import json

BUNDLE_NAME = "rnn-explorer-classifier.zip"  # the name the page and the command line save a bundle under
CARD_FILE = "README.md"
CODE_FENCE = "```python"


def usage_code(bundle_name: str = BUNDLE_NAME) -> str:
    """Five lines that load the bundle from the current folder and classify one sentence."""
    return "\n".join([
        "from core.classifier.bundle import load_bundle",
        "from core.classifier.predict import predict",
        f"bundle = load_bundle(open({bundle_name!r}, 'rb').read())",
        "prediction = predict(bundle, 'Type a sentence to classify here.')",
        "print(prediction.label, prediction.probabilities)",
    ])


def _percent(value) -> str:
    return f"{100 * value:.1f}%" if isinstance(value, (int, float)) else "–"


def _cell(text: str) -> str:
    """A label inside a Markdown table cell: pipes and line breaks would break the table."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def model_card(bundle) -> str:
    """The README.md text for a `ClassifierBundle`."""
    config, metrics = bundle.config, bundle.metrics
    id2label = {str(index): label for index, label in enumerate(bundle.label_names)}
    lines = [
        "# RNN Explorer text classifier",
        "",
        f"A {'bidirectional ' if config.bidirectional else ''}{config.cell.upper()} classifier trained in "
        "RNN Explorer (\"Train on your text\").",
        "",
        "## Labels",
        "",
        "Class ids index the probability vector the model returns:",
        "",
        "```json",
        json.dumps({"id2label": id2label}, ensure_ascii=False, indent=1),
        "```",
        "",
        "## Data",
        "",
        f"- training texts: {metrics.get('train_size', '–')}, validation texts: {metrics.get('val_size', '–')}",
        f"- vocabulary: {len(bundle.vocabulary)} tokens (`<pad>` and `<unk>` included), "
        f"lower-cased: {'yes' if bundle.tokenizer.lowercase else 'no'}",
        f"- tokens read per text: at most {bundle.max_length}",
        "",
        "## Validation scores",
        "",
        f"- accuracy: {_percent(metrics.get('accuracy'))}, macro-F1: {_percent(metrics.get('macro_f1'))}",
    ]
    if isinstance(metrics.get("baseline"), dict):
        baseline = metrics["baseline"]
        lines.append(f"- TF-IDF + logistic regression on the same split: accuracy "
                     f"{_percent(baseline.get('accuracy'))}, macro-F1 {_percent(baseline.get('macro_f1'))}")
    per_class = metrics.get("per_class")
    if isinstance(per_class, list) and per_class:
        lines += ["", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        lines += [f"| {_cell(row.get('label', ''))} | {_percent(row.get('precision'))} | "
                  f"{_percent(row.get('recall'))} | {_percent(row.get('f1'))} | {row.get('support', '')} |"
                  for row in per_class if isinstance(row, dict)]
    lines += [
        "",
        "## Model",
        "",
        f"embedding {config.embed_size} → {config.num_layers} × {config.cell.upper()} "
        f"({config.hidden_size} per direction, {config.num_directions} direction(s)) → {config.pooling} pooling "
        f"→ linear ({config.num_classes} classes); dropout {config.dropout}"
        + (f"; each token's embedding plus the mean of its character 2–4-gram embeddings "
           f"({config.subword_buckets} hashed rows)" if config.subword_buckets else "")
        + (f"; token-pair embeddings ({config.bigram_buckets} hashed rows)" if config.bigram_buckets else "")
        + ("; the linear layer also reads the mean of the input vectors (wide path)" if config.wide else "")
        + (f"; plus a sparse linear path over the text's word 1–2-grams and character 1–4-grams "
           f"({config.ngram_buckets} hashed rows) whose logits are added" if config.ngram_buckets else "") + ".",
        "",
        "## Use it",
        "",
        "From a clone of RNN Explorer (`pip install -r requirements.txt`), with this .zip in the current folder:",
        "",
        CODE_FENCE,
        usage_code(),
        "```",
        "",
        "Or classify a whole file: `python -m core.predict " + BUNDLE_NAME + " texts.csv --out predictions.csv`.",
        "",
        "Files: `model.safetensors` (weights, no pickle), `config.json` (settings, labels, vocabulary).",
        "",
    ]
    return "\n".join(lines)


def card_code(card: str) -> str:
    """The Python block of a card (what a reader copies)."""
    start = card.index(CODE_FENCE) + len(CODE_FENCE)
    return card[start:card.index("```", start)].strip()
