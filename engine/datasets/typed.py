"""A text typed or pasted into the window, as a data set: the text in `raw_text` (what the
coders and the char-RNN read), its words as rows (engine/datasets/prose.py), however short."""

from __future__ import annotations

from engine.data import Dataset
from engine.datasets.errors import DataFileError
from engine.datasets.prose import VOCABULARY, normalise, prose_dataset, words

TYPED_NAME = "Typed text"


def typed_text(text: str, name: str = TYPED_NAME) -> Dataset:
    """The text as a data set; DataFileError, in words, when it has no words at all."""
    text = normalise(text)
    if not words(text):
        raise DataFileError("the text has no words: type or paste a text with letters in it")
    found = len(set(words(text)))
    return prose_dataset(text, name, "typed",
                         f"A text typed in the window ({len(text):,} characters); the rows "
                         f"are its {min(found, VOCABULARY)} most frequent words, placed by their "
                         f"edit distances")
