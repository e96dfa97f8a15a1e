"""What both coders share: the text they read, its characters counted, and those characters
written so that a space or a line end can be seen."""

from __future__ import annotations

import collections

import numpy as np

from engine.data import Dataset

SHOWN = {" ": "␣", "\n": "⏎", "\t": "⇥"}


def require_text(dataset: Dataset, method: str) -> str:
    """The data set's running text; ValueError, in words, when it has none or it is empty."""
    text = dataset.raw_text
    if text is None:
        raise ValueError(f"{method} reads a text: load the built-in text 'text', type one, or "
                         f"open a .txt file (this data set, {dataset.name}, is not a text)")
    if not text:
        raise ValueError(f"{method} reads a text, and this one is empty")
    return text


def readable(char: str) -> str:
    """A character as a label: space, line end and tab as visible signs, other invisible
    characters by their code point."""
    if char in SHOWN:
        return SHOWN[char]
    if not char.isprintable():
        return f"U+{ord(char):04X}"
    return char


def symbol_counts(text: str) -> tuple[str, np.ndarray]:
    """(the text's characters in code-point order, how often each occurs)."""
    counts = collections.Counter(text)
    alphabet = "".join(sorted(counts))
    return alphabet, np.array([counts[c] for c in alphabet], dtype=np.int64)


def entropy_bits(counts: np.ndarray) -> float:
    """H = −Σ p log₂ p of the counts' frequencies, in bits per symbol."""
    counts = np.asarray(counts, dtype=np.float64)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log2(p)).sum()) + 0.0


def fixed_length_bits(size: int) -> int:
    """⌈log₂ V⌉: the bits per symbol of a code that gives every one of V symbols a codeword
    of the same length (0 for a single symbol: nothing to tell apart)."""
    return int(size - 1).bit_length() if size > 1 else 0
