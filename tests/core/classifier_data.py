"""Small synthetic labelled texts for the classifier tests: learnable in a second, no files needed."""

import numpy as np

from core.textdata.dataset import LabeledTexts

FILLER = "the a we it is was and to of in on my your this that for with very so just".split()
CUES = {"good": ["great", "lovely", "clean", "friendly"], "bad": ["dirty", "rude", "noisy", "awful"],
        "meh": ["okay", "average", "fine", "plain"]}


def synthetic(labels=("good", "bad"), count=240, seed=0) -> LabeledTexts:
    """Texts of filler words with one cue word of their class somewhere among them."""
    rng = np.random.default_rng(seed)
    texts, names = [], []
    for index in range(count):
        label = labels[index % len(labels)]
        words = [str(word) for word in rng.choice(FILLER, size=rng.integers(4, 12))]
        words.insert(int(rng.integers(0, len(words))), str(rng.choice(CUES[label])))
        texts.append(" ".join(words).capitalize() + ".")
        names.append(label)
    return LabeledTexts(texts, names)
