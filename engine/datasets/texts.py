"""Data sets of strings: the built-in word list and text files of one item a line.

Every method draws and clusters rows of numbers, so each string gets a place in the plane:
classical (Torgerson) multidimensional scaling of the edit distances between the strings,
which keeps those distances as well as two coordinates can. The strings themselves ride
along in `Dataset.texts`, and the distance explorer compares them letter by letter.

Up to `EXACT_ITEMS` strings the whole n × n matrix is scaled; beyond, up to `LANDMARKS`
strings spread through the list are scaled and every other string placed from its distances
to them (landmark MDS, de Silva and Tenenbaum 2004), so loading stays linear in n. Fewer
landmarks for long strings keep a load to seconds; a file that would still take minutes is
refused with the number of lines that would fit.
"""

from __future__ import annotations

import numpy as np

from engine import distances
from engine.data import Dataset
from engine.datasets.errors import DataFileError

MAX_ITEMS = 20_000  # lines of a text file; each is placed by its distances to the landmarks
MAX_ITEM_CHARS = 200  # the edit distance of two strings costs their lengths' product
EXACT_ITEMS = 1_000
LANDMARKS = 300  # at most; fewer where the strings are long, so loading takes seconds
MIN_LANDMARKS = 20  # fewer place the strings badly: a file needing fewer is refused
# Edit-distance table cells a load may fill (measured here: 5–10 ns a cell, so seconds).
CELL_BUDGET = 300_000_000
WORDS_DESCRIPTION = ("150 short English words in 15 families a letter or two apart (cat, "
                     "bat, hat; light, night, might), placed in the plane by their edit "
                     "distances; each word's family is its class.")


def parse_items(text: str) -> list[str]:
    """The non-blank lines, stripped; DataFileError if there are none, too many, or one is
    too long (named by its line)."""
    lines = text.splitlines()
    items, numbers = [], []
    for k, line in enumerate(lines, start=1):
        item = line.strip()
        if item:
            items.append(item)
            numbers.append(k)
    if not items:
        raise DataFileError("the file is empty (it holds only blank lines)")
    if len(items) > MAX_ITEMS:
        raise DataFileError(f"the file has {len(items):,} items; a text file of one item a "
                            f"line may have at most {MAX_ITEMS:,} (their edit distances grow "
                            f"as the square of their number)")
    for item, k in zip(items, numbers, strict=True):
        if len(item) > MAX_ITEM_CHARS:
            raise DataFileError(f"line {k} has {len(item):,} characters; an item may have at "
                                f"most {MAX_ITEM_CHARS} (the edit distance compares items "
                                f"letter by letter)", k)
    n, longest = len(items), max(map(len, items))
    if landmark_cells(items, min(n, MIN_LANDMARKS)) > 4 * CELL_BUDGET:
        fit = int(4 * CELL_BUDGET / landmark_cells(items, MIN_LANDMARKS) * n)
        raise DataFileError(f"{n:,} items of up to {longest} characters would take minutes to "
                            f"place by their edit distances: use at most {fit:,} such lines, "
                            "or shorter ones")
    return items


def landmark_cells(texts: list[str], m: int) -> float:
    """The table cells m landmark strings' edit distances to every string fill (each row
    as long as the longest string: the rows are computed together)."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    return float(m * lengths.mean() * len(texts) * lengths.max())


def n_landmarks(texts: list[str]) -> int:
    """As many landmarks as fit the budget, between MIN_LANDMARKS and LANDMARKS."""
    fit = int(CELL_BUDGET / max(landmark_cells(texts, 1), 1.0))
    return int(min(np.clip(fit, MIN_LANDMARKS, LANDMARKS), len(texts)))


def looks_like_items(text: str, sample: int = 200) -> bool:
    """Whether a text file is a list of items rather than a table: fewer than half of its
    first non-blank lines are made of numbers only."""
    lines = [line for line in text.splitlines() if line.strip()][:sample]
    if not lines:
        return False
    numeric = sum(_all_numbers(line) for line in lines)
    return 2 * numeric < len(lines)


def _all_numbers(line: str) -> bool:
    cells = line.replace(",", " ").replace(";", " ").replace("\t", " ").split()
    try:
        for cell in cells:
            float(cell)
    except ValueError:
        return False
    return bool(cells)


# ---------------------------------------------------------------- the map


def classical_mds(d: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(coordinates (n, k), the k eigenvalues, eigenvectors) of −½ J D² J, each axis signed
    so its largest entry is positive; axes of a non-positive eigenvalue are zero."""
    d2 = np.asarray(d, dtype=np.float64) ** 2
    n = d2.shape[0]
    b = -0.5 * (d2 - d2.mean(axis=0) - d2.mean(axis=1)[:, None] + d2.mean())
    values, vectors = np.linalg.eigh(b)
    top = np.argsort(values)[::-1][:k]
    values, vectors = values[top], vectors[:, top]
    rows = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[rows, np.arange(vectors.shape[1])])
    vectors = vectors * np.where(signs == 0, 1.0, signs)
    coords = vectors * np.sqrt(np.maximum(values, 0.0))
    if coords.shape[1] < k:  # fewer strings than axes
        coords = np.column_stack([coords, np.zeros((n, k - coords.shape[1]))])
    return coords, values, vectors


def text_map(texts: list[str], cancelled=None) -> np.ndarray:
    """Two coordinates per string whose distances follow the strings' edit distances."""
    n = len(texts)
    if n <= EXACT_ITEMS and landmark_cells(texts, n) / 2 <= CELL_BUDGET:
        return classical_mds(distances.edit_matrix(texts, cancelled), 2)[0]
    marks = np.linspace(0, n - 1, n_landmarks(texts)).round().astype(np.int64)
    chosen = [texts[i] for i in marks]
    between = distances.edit_matrix(chosen, cancelled)
    _, values, vectors = classical_mds(between, 2)
    codes = distances._codes(texts)
    to_marks = np.column_stack([distances.edit_distances(m, texts, codes) for m in chosen])
    dm2 = between ** 2
    keep = values > 1e-12
    pinv = np.zeros_like(vectors.T)
    pinv[keep] = vectors.T[keep] / np.sqrt(values[keep])[:, None]
    return -0.5 * (to_marks ** 2 - dm2.mean(axis=0)) @ pinv.T


def text_dataset(items: list[str], name: str, source: str, description: str,
                 options: dict | None = None, y=None, target_names=None) -> Dataset:
    """A data set of strings: `texts` the strings, X their 2-D map."""
    X = text_map(items)
    return Dataset(name=name, X=X, y=y, feature_names=("MDS 1", "MDS 2"),
                   target_names=target_names, source=source, description=description,
                   options=dict(options or {}), texts=tuple(items))


def load_words() -> Dataset:
    """The built-in word list (engine/datasets/words.py), alphabetically."""
    from engine.datasets.words import FAMILY, FAMILY_NAMES, WORDS

    # In alphabetical order, as a word list is read: the families are scattered through
    # the matrix until seriation gathers them.
    order = sorted(range(len(WORDS)), key=WORDS.__getitem__)
    return text_dataset([WORDS[i] for i in order], "Words", "built-in", WORDS_DESCRIPTION,
                        y=np.array([FAMILY[i] for i in order]), target_names=FAMILY_NAMES)
