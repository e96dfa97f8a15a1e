"""Running texts as data sets: the prose shipped with the program, and prose files too long to
read as one item a line.

A method that learns a sequence of characters (the char-RNN) reads `Dataset.raw_text`. Every
other method needs rows of numbers, so the rows are the text's most frequent words, placed
in the plane by their edit distances as the word list is (engine/datasets/texts.py), with
their length as the class: the edit distance groups words of a length together.

The shipped text is resources/texts/river_town.txt, written for the program and dedicated to
the public domain (resources/texts/README.md).
"""

from __future__ import annotations

import collections
import dataclasses
import re
import sys
from pathlib import Path

import numpy as np

from engine.data import Dataset
from engine.datasets.errors import DataFileError
from engine.datasets.texts import text_dataset

TEXT_FILE = ("texts", "river_town.txt")
VOCABULARY = 250  # most frequent words placed in the plane: exact MDS, well under a second
MIN_WORDS = 100  # a text file with fewer words is not prose
LENGTH_CLASSES = ((1, 3), (4, 5), (6, 7), (8, 10**9))
LENGTH_NAMES = ("1–3 letters", "4–5 letters", "6–7 letters", "8 letters or more")
TEXT_DESCRIPTION = ("The River Town: twenty short pieces of plain English prose ({chars:,} "
                    "characters), written for this program and free of copyright (CC0). The "
                    "char-RNN learns the whole text; for other methods the rows are its "
                    "{n} most frequent words, placed by their edit distances, classed by "
                    "length.")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def resource_root() -> Path:
    """`resources/` beside the code, or inside the bundle PyInstaller unpacked."""
    bundle = getattr(sys, "_MEIPASS", None)
    return (Path(bundle) if bundle else Path(__file__).resolve().parents[2]) / "resources"


def normalise(text: str) -> str:
    """Line ends made line feeds, so a Windows file and a Unix one are the same text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def words(text: str) -> list[str]:
    """The words of a text, lower case: runs of letters, with inner apostrophes (don't)."""
    return _WORD.findall(text.lower())


def looks_like_prose(text: str) -> bool:
    """At least MIN_WORDS words, and letters make at least half of the non-blank characters."""
    found = words(text)
    if len(found) < MIN_WORDS:
        return False
    visible = sum(not c.isspace() for c in text)
    return 2 * sum(map(len, found)) >= visible


def length_class(word: str) -> int:
    return next(k for k, (low, high) in enumerate(LENGTH_CLASSES) if low <= len(word) <= high)


def vocabulary(text: str, size: int = VOCABULARY) -> list[str]:
    """The `size` most frequent words (ties: first seen first), alphabetically."""
    counts = collections.Counter(words(text))
    return sorted(w for w, _ in counts.most_common(size))


def prose_dataset(text: str, name: str, source: str, description: str,
                  options: dict | None = None) -> Dataset:
    """A running text as a data set: its frequent words as rows, the text in `raw_text`."""
    text = normalise(text)
    items = vocabulary(text)
    if not items:
        raise DataFileError("the text has no words")
    y = np.array([length_class(w) for w in items])
    used = sorted(set(y.tolist()))
    y = np.searchsorted(used, y)
    ds = text_dataset(items, name, source, description, options, y=y,
                      target_names=tuple(LENGTH_NAMES[k] for k in used))
    return dataclasses.replace(ds, raw_text=text)


def with_raw_text(ds: Dataset, text: str) -> Dataset:
    """The same data set, carrying the text it was read from."""
    return dataclasses.replace(ds, raw_text=normalise(text))


def load_text() -> Dataset:
    """The built-in text (resources/texts/river_town.txt)."""
    path = resource_root().joinpath(*TEXT_FILE)
    text = normalise(path.read_text(encoding="utf-8"))
    description = TEXT_DESCRIPTION.format(chars=len(text), n=min(VOCABULARY,
                                                                 len(set(words(text)))))
    return prose_dataset(text, "Text", "built-in", description)
