"""Dataset: the one thing every algorithm receives."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """A table of n points in d features, with optional integer labels.

    `X` is float64 and finite; `y` holds class indices 0..C-1 (or None) and
    `target_names` their names. `image_shape` is set when each row is an image
    (digits: (8, 8)), so views can draw rows as pictures. `texts` is set when each row
    stands for a string (a word list, a text file of one item a line): X is then a 2-D map
    of the strings (engine/datasets/texts.py), and the edit distance compares the strings.
    `distances` is set when the data set is a table of distances (a CSV of distances between
    cities, engine/datasets/distance_table.py): the n × n matrix itself, which MDS scales; X
    is then its classical MDS map, so every other method has coordinates to work on.
    `raw_text` is set when the data set came from a running text (the built-in text, a .txt
    file): the whole text as read, line ends made line feeds, for methods that learn from a
    sequence of characters (the char-RNN); the rows are then the text's lines or words.
    `point_names` names each row (the cities of a distance table), for small scatters to
    write beside the points; `names()` falls back on the texts. `note` is a remark on how
    a file was read, for the data panel to show (a square table not read as distances).
    `series` is set when the rows are time bins of trials (a population recording, a CSV
    time series): which trial, time and condition each row belongs to (`Series`), for the
    methods of time (LDS, GPFA, demixed PCA).
    `documents` is set when each row is a document of a corpus (engine/datasets/corpus.py): X
    is then its document-term counts and `feature_names` the vocabulary.
    """

    name: str
    X: np.ndarray
    y: np.ndarray | None = None
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] | None = None
    image_shape: tuple[int, int] | None = None
    source: str = "built-in"
    description: str = ""
    options: dict = field(default_factory=dict)
    texts: tuple[str, ...] | None = None
    distances: np.ndarray | None = None
    raw_text: str | None = None
    point_names: tuple[str, ...] | None = None
    note: str = ""
    series: Series | None = None
    documents: tuple[str, ...] | None = None

    def __post_init__(self):
        X = np.asarray(self.X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError(f"data must be a 2-D table, got an array of shape {X.shape}")
        if X.shape[0] < 1 or X.shape[1] < 1:
            raise ValueError(f"data is empty (shape {X.shape})")
        if not np.isfinite(X).all():
            row, col = np.argwhere(~np.isfinite(X))[0]
            raise ValueError(f"data has a non-finite value at row {row + 1}, column {col + 1}")
        X.setflags(write=False)
        object.__setattr__(self, "X", X)
        if self.y is not None:
            y = np.asarray(self.y)
            if y.shape != (X.shape[0],):
                raise ValueError(f"{y.shape[0]} labels for {X.shape[0]} rows")
            y = y.astype(np.int64)
            y.setflags(write=False)
            object.__setattr__(self, "y", y)
            if self.target_names is None:
                names = tuple(str(c) for c in range(int(y.max()) + 1))
                object.__setattr__(self, "target_names", names)
        if not self.feature_names:
            names = tuple(f"x{j + 1}" for j in range(X.shape[1]))
            object.__setattr__(self, "feature_names", names)
        elif len(self.feature_names) != X.shape[1]:
            raise ValueError(f"{len(self.feature_names)} feature names for {X.shape[1]} columns")
        if self.image_shape is not None and int(np.prod(self.image_shape)) != X.shape[1]:
            raise ValueError(f"image shape {self.image_shape} does not match {X.shape[1]} features")
        if self.texts is not None:
            texts = tuple(str(t) for t in self.texts)
            if len(texts) != X.shape[0]:
                raise ValueError(f"{len(texts)} texts for {X.shape[0]} rows")
            object.__setattr__(self, "texts", texts)
        if self.distances is not None:
            object.__setattr__(self, "distances", _distance_matrix(self.distances, X.shape[0]))
        if self.point_names is not None:
            names = tuple(str(t) for t in self.point_names)
            if len(names) != X.shape[0]:
                raise ValueError(f"{len(names)} point names for {X.shape[0]} rows")
            object.__setattr__(self, "point_names", names)
        if self.series is not None and len(self.series.trial) != X.shape[0]:
            raise ValueError(f"a series of {len(self.series.trial)} time bins for "
                             f"{X.shape[0]} rows")
        if self.documents is not None:
            documents = tuple(str(t) for t in self.documents)
            if len(documents) != X.shape[0]:
                raise ValueError(f"{len(documents)} documents for {X.shape[0]} rows")
            object.__setattr__(self, "documents", documents)
        if self.raw_text is not None and not isinstance(self.raw_text, str):
            raise ValueError(f"raw_text must be a string, got {type(self.raw_text).__name__}")

    @property
    def n(self) -> int:
        return self.X.shape[0]

    def rows(self, rows: np.ndarray, name: str, source: str, description: str) -> Dataset:
        """A data set of these rows (a selection, a subsample), keeping the feature names,
        labels, label names, image shape, texts, names and distances; options do not carry
        over."""
        texts = None if self.texts is None else tuple(self.texts[i] for i in np.asarray(rows))
        names = (None if self.point_names is None
                 else tuple(self.point_names[i] for i in np.asarray(rows)))
        d = None if self.distances is None else self.distances[np.ix_(rows, rows)]
        docs = (None if self.documents is None
                else tuple(self.documents[i] for i in np.asarray(rows)))
        return Dataset(name=name, X=self.X[rows], y=None if self.y is None else self.y[rows],
                       feature_names=self.feature_names, target_names=self.target_names,
                       image_shape=self.image_shape, source=source, description=description,
                       texts=texts, distances=d, point_names=names, documents=docs)

    def names(self) -> tuple[str, ...] | None:
        """What each row is called, when rows have names: point names, else the texts."""
        return self.point_names if self.point_names is not None else self.texts

    @property
    def d(self) -> int:
        return self.X.shape[1]

    def require_spread(self, method: str, what: str = "lay out") -> None:
        """Raise ValueError when every row equals the first: the method has nothing to do,
        and its library would fail with a message that says nothing to a user."""
        X = self.X
        if self.n > 1 and bool((X[-1] != X[0]).any()):
            return  # the usual case, told in O(d): the full check took 40 ms on 70,000 × 784
        if bool((X[0] == X).all()):
            raise ValueError(f"all {self.n} points are the same: {method} has nothing to "
                             f"{what}")

    @property
    def has_labels(self) -> bool:
        return self.y is not None

    @property
    def n_classes(self) -> int:
        return 0 if self.target_names is None else len(self.target_names)

    def summary(self) -> str:
        """One line for the preview: n, d and the labels."""
        labels = f"{self.n_classes} classes" if self.has_labels else "no labels"
        if self.raw_text is not None:  # the text first: the rows only stand in for it
            return (f"{self.name}: a text of {len(self.raw_text):,} characters "
                    f"({len(set(self.raw_text))} different); as rows for other methods, "
                    f"{self.n} words × {self.d} features, {labels}")
        if self.documents is not None:
            return f"{self.name}: {self.n} documents × {self.d} words (counts), {labels}"
        return f"{self.name}: {self.n} points × {self.d} features, {labels}"


@dataclass(frozen=True, eq=False)
class Series:
    """Where each row of a data set of time series stands: its trial, its time and its
    trial's condition, each (n,). The rows of a trial are contiguous and in time order.
    `latents` (n, k) are the signals planted in generated data (None for a file): the truth
    the methods of time are checked against."""

    trial: np.ndarray
    time: np.ndarray
    condition: np.ndarray
    condition_names: tuple[str, ...]
    latents: np.ndarray | None = None

    def __post_init__(self):
        trial = _read_only(self.trial, np.int64)
        n = len(trial)
        for name, dtype in (("time", np.float64), ("condition", np.int64)):
            value = _read_only(getattr(self, name), dtype)
            if value.shape != (n,):
                raise ValueError(f"series {name} has {value.shape} entries for {n} time bins")
            object.__setattr__(self, name, value)
        object.__setattr__(self, "trial", trial)
        starts = np.flatnonzero(np.diff(trial)) + 1
        if len(np.unique(trial)) != len(starts) + 1:
            raise ValueError("the time bins of a trial must be contiguous rows")
        bounds = np.concatenate([[0], starts, [n]])
        for a, b in itertools.pairwise(bounds):
            if np.any(np.diff(self.time[a:b]) <= 0):
                raise ValueError(f"the times of trial {int(trial[a])} do not increase")
            if np.any(self.condition[a:b] != self.condition[a]):
                raise ValueError(f"trial {int(trial[a])} changes condition midway")
        if self.condition.min(initial=0) < 0 or (
                n and self.condition.max() >= len(self.condition_names)):
            raise ValueError(f"conditions must be 0..{len(self.condition_names) - 1}")
        object.__setattr__(self, "condition_names", tuple(map(str, self.condition_names)))
        if self.latents is not None:
            latents = _read_only(self.latents, np.float64)
            if latents.ndim != 2 or len(latents) != n:
                raise ValueError(f"latents of shape {latents.shape} for {n} time bins")
            object.__setattr__(self, "latents", latents)
        object.__setattr__(self, "_bounds", bounds)

    def trials(self) -> list[np.ndarray]:
        """The rows of each trial, in order: one array of row indices per trial."""
        b = self._bounds
        return [np.arange(b[i], b[i + 1]) for i in range(len(b) - 1)]

    @property
    def n_trials(self) -> int:
        return len(self._bounds) - 1

    @property
    def n_conditions(self) -> int:
        return len(self.condition_names)

    def trial_conditions(self) -> np.ndarray:
        """(n_trials,) the condition of each trial."""
        return self.condition[self._bounds[:-1]]


def _read_only(values, dtype) -> np.ndarray:
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


def _distance_matrix(d, n: int) -> np.ndarray:
    """The distances as a read-only float64 (n, n) array, checked."""
    d = np.array(d, dtype=np.float64)
    if d.shape != (n, n):
        raise ValueError(f"a distance matrix of shape {d.shape} for {n} rows")
    if not np.isfinite(d).all():
        raise ValueError("the distance matrix has a value that is not a finite number")
    d.setflags(write=False)
    return d
