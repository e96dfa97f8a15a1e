"""Load a data file (CSV/TSV/TXT, .npy, .npz) as a Dataset; every failure is a DataFileError.

A .txt file whose lines are mostly not numbers is a list of items, one a line (words,
names): a data set of strings (engine/datasets/texts.py). A square, symmetric table with a
header row of names and a zero diagonal is a table of distances (engine/datasets/
distance_table.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np

from engine.data import Dataset
from engine.datasets import time_series
from engine.datasets.arrays import read_npy, read_npz
from engine.datasets.corpus import csv_corpus, load_folder
from engine.datasets.distance_table import distance_dataset, not_distances, square_and_named
from engine.datasets.errors import DataFileError
from engine.datasets.labels import encode_labels
from engine.datasets.prose import looks_like_prose, prose_dataset, with_raw_text
from engine.datasets.text_table import decode, parse_table
from engine.datasets.texts import looks_like_items, parse_items, text_dataset

__all__ = ["DEFAULT_MAX_BYTES", "DataFileError", "load_file"]

DEFAULT_MAX_BYTES = 100 * 2**20
_MB = 2**20


def _size(n: int) -> str:
    """'200.0 MB', '3.9 KB', '512 bytes'."""
    for unit, scale in (("MB", _MB), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _read(path: str, max_bytes: int) -> bytes:
    """The file's bytes, its size checked before anything is read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DataFileError(f"there is no file {path}") from None
    except OSError as e:
        raise DataFileError(f"cannot open {path}: {e.strerror or e}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DataFileError(f"{path} is a folder, not a file")
    if info.st_size > max_bytes:
        raise DataFileError(f"the file is {_size(info.st_size)}; "
                            f"the limit is {_size(max_bytes).replace('.0 ', ' ')}")
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise DataFileError(f"cannot read {path}: {e.strerror or e}") from None
    if len(data) > max_bytes:  # it grew, or stat did not know its size
        raise DataFileError(f"the file is over the limit of {_size(max_bytes)}")
    if not data:
        raise DataFileError("the file is empty")
    return data


def _parse(path: str, data: bytes, label_column):
    """(X, labels, feature names, label name, image shape) by the file's kind."""
    suffix = Path(path).suffix.lower()
    if suffix == ".npy" or (suffix != ".npz" and data.startswith(b"\x93NUMPY")):
        return *_array_parts(read_npy(data, label_column)), "a .npy array"
    if suffix == ".npz" or data.startswith(b"PK\x03\x04"):
        return *_array_parts(read_npz(data, label_column)), "a .npz archive"
    table = parse_table(decode(data), label_column)
    kind = {None: "whitespace", "\t": "tab", ",": "comma", ";": "semicolon"}[table.delimiter]
    return (table.X, table.labels, table.feature_names, table.label_name, None,
            f"{kind}-separated text")


def _array_parts(parts):
    X, labels, image_shape = parts
    return X, labels, (), None, image_shape


def _items(path: str, text: str, label_column) -> Dataset:
    """A text file of one item a line, as a data set of strings; the whole text rides along
    (`raw_text`, for the char-RNN). Prose that cannot be read one item a line (long
    paragraphs, too many lines) becomes a data set of its most frequent words instead."""
    name = Path(path).name
    try:
        items = parse_items(text)
    except DataFileError:
        if not looks_like_prose(text):
            raise
        return prose_dataset(text, Path(path).stem or name, path,
                             f"{name}: a running text of {len(text):,} characters; the rows "
                             f"are its most frequent words, placed by their edit distances",
                             {"label_column": label_column})
    return with_raw_text(text_dataset(items, Path(path).stem or name, path,
                                      f"{name}: {len(items):,} items, one a line, placed in "
                                      f"the plane by their edit distances",
                                      {"label_column": label_column}), text)


def _load(path: str, label_column, max_bytes: int) -> Dataset:
    if os.path.isdir(path):  # a folder of .txt files: a corpus, one document a file
        return load_folder(path, max_bytes)
    data = _read(path, max_bytes)
    if Path(path).suffix.lower() == ".txt" and not data.startswith((b"\x93NUMPY", b"PK")):
        text = decode(data)
        if looks_like_items(text):
            try:  # a table with a text label column is a table, not a list of words
                parsed = _parse(path, data, label_column)
            except DataFileError:
                return _items(path, text, label_column)
            if _table_with_labels(parsed[0], parsed[1]):
                return _table(path, *parsed, label_column)
            return _items(path, text, label_column)
    corpus = csv_corpus(path, data, label_column)  # a CSV with a column of texts
    if corpus is not None:
        return corpus
    return _table(path, *_parse(path, data, label_column), label_column)


def _table_with_labels(X: np.ndarray, labels) -> bool:
    """Whether a text file whose lines mostly hold a word is a table with a label column:
    two numeric columns or more, or a single one whose labels repeat, as classes do ("1
    apple", "2 banana" is a numbered list of words)."""
    if X.shape[1] >= 2:
        return True
    return X.shape[1] == 1 and labels is not None and 2 * len(set(labels)) <= len(labels)


def _table(path, X, labels, feature_names, label_name, image_shape, kind, label_column
           ) -> Dataset:
    """A parsed table as a data set: a square table of distances, or points and labels."""
    name = Path(path).name
    timed, note = time_series.read(path, X, feature_names, labels, label_name, kind,
                                   {"label_column": label_column})
    if timed is not None:  # a time column: rows are time bins of trials
        return timed
    point_names = None
    if labels is not None and _row_names(labels) and square_and_named(X, feature_names):
        point_names, labels = tuple(str(label) for label in labels), None
    if labels is None and square_and_named(X, feature_names):
        problem = not_distances(X)
        if not problem:
            return distance_dataset(X, feature_names, Path(path).stem or name, path,
                                    f"{name}: a table of distances between {X.shape[0]} "
                                    "points.", options={"label_column": label_column})
        note = (f"A square table with named columns, read as points and features, not as "
                f"distances: {problem}.")
    y, target_names = (None, None) if labels is None else encode_labels(labels)
    about = f"{name}: {kind}, {X.shape[0]} rows × {X.shape[1]} features"
    if labels is not None:
        about += f", {len(target_names)} classes" + (f" from {label_name!r}" if label_name
                                                      else "")
    return Dataset(name=Path(path).stem or name, X=X, y=y, feature_names=feature_names,
                   target_names=target_names, image_shape=image_shape, source=path,
                   description=about, options={"label_column": label_column},
                   point_names=point_names, note=note)


def _row_names(labels) -> bool:
    """Whether a text column of a square table names its rows rather than classes them: no
    two alike (a distance table's first column of city names)."""
    return len(labels) > 1 and len(set(labels)) == len(labels)


def load_file(path, label_column="auto", max_bytes: int = DEFAULT_MAX_BYTES) -> Dataset:
    """Load a table of numbers from a file, never running code from it.

    `label_column`: "auto" (CSV: a column named label/class/target/y/species or a last
    column of text; .npz: an array named y/labels/target), a column name, a 0-based
    index, or None. Any problem raises DataFileError saying what and where.
    """
    path = os.fspath(path)
    try:
        return _load(path, label_column, max_bytes)
    except DataFileError:
        raise
    except MemoryError:
        raise DataFileError("there is not enough memory to load this file") from None
    except Exception as e:  # a loader must turn every failure into a message
        raise DataFileError(f"cannot read this file: {e}") from e
