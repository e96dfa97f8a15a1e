"""A data set drawn by hand: 2-D points with class labels, every edit undoable.

The history stores each edit with what it needs to be undone: an added stroke keeps its
points, an erase keeps the rows it removed and where they were, so memory grows with the
size of the edits, not with the drawing times the number of edits. Replacing everything
(clear, starting from another data set) keeps both whole states.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.data import Dataset

N_CLASSES = 10  # the brush offers classes 0..9
FEATURE_NAMES = ("x", "y")
SOURCE = "drawn"


def spray(centre, spread: float, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` points scattered around `centre` with standard deviation `spread` per axis.

    The points come from `rng`, so a seeded generator sprays the same points every time.
    """
    centre = np.asarray(centre, dtype=np.float64).reshape(2)
    if count < 0 or spread < 0:
        raise ValueError(f"count and spread must not be negative, got {count} and {spread}")
    return centre + spread * rng.standard_normal((count, 2))


@dataclass(frozen=True)
class _State:
    points: np.ndarray  # (n, 2) float64
    labels: np.ndarray  # (n,) int64
    names: tuple[str, ...]  # the classes' names, at least N_CLASSES of them


class _Add:
    """Rows appended at the end; undone by dropping that many rows."""

    def __init__(self, points: np.ndarray, labels: np.ndarray):
        self.points, self.labels = points, labels

    def apply(self, s: _State) -> _State:
        return _State(np.concatenate([s.points, self.points]),
                      np.concatenate([s.labels, self.labels]), s.names)

    def revert(self, s: _State) -> _State:
        n = len(s.points) - len(self.points)
        return _State(s.points[:n], s.labels[:n], s.names)


class _Remove:
    """Rows removed at sorted indices; undone by putting them back where they were."""

    def __init__(self, s: _State, index: np.ndarray):
        self.index = index
        self.points, self.labels = s.points[index], s.labels[index]

    def apply(self, s: _State) -> _State:
        return _State(np.delete(s.points, self.index, axis=0),
                      np.delete(s.labels, self.index), s.names)

    def revert(self, s: _State) -> _State:
        # Row index[k] goes back before the row that now sits at index[k] - k.
        at = self.index - np.arange(len(self.index))
        return _State(np.insert(s.points, at, self.points, axis=0),
                      np.insert(s.labels, at, self.labels), s.names)


class _Replace:
    """Everything replaced (clear, or start from another data set): both states kept."""

    def __init__(self, before: _State, after: _State):
        self.before, self.after = before, after

    def apply(self, s: _State) -> _State:
        return self.after

    def revert(self, s: _State) -> _State:
        return self.before


class _Group:
    """Edits made during one stroke: undone and redone together."""

    def __init__(self, edits: list):
        self.edits = edits

    def apply(self, s: _State) -> _State:
        for edit in self.edits:
            s = edit.apply(s)
        return s

    def revert(self, s: _State) -> _State:
        for edit in reversed(self.edits):
            s = edit.revert(s)
        return s


def _names(given: Sequence[str] | None = None) -> tuple[str, ...]:
    """Class names: those given, then "k" for every class up to the brush's last."""
    given = tuple(given or ())
    return given + tuple(str(k) for k in range(len(given), N_CLASSES))


def _empty() -> _State:
    return _State(np.empty((0, 2)), np.empty(0, dtype=np.int64), _names())


class Drawing:
    """Points (n, 2) with integer labels, edited by strokes, erasing and clearing.

    Each public edit is one undo step, except inside `begin_stroke()` … `end_stroke()`,
    which makes all the edits of one mouse drag a single step. A new edit after an undo
    drops what could have been redone.
    """

    def __init__(self):
        self._state = _empty()
        self._undo: list = []
        self._redo: list = []
        self._stroke: list | None = None
        self._revision = 0  # bumped by every change, undo and redo included
        self._saved_revision = 0

    # ---- what it holds
    @property
    def points(self) -> np.ndarray:
        return self._state.points

    @property
    def labels(self) -> np.ndarray:
        return self._state.labels

    @property
    def n(self) -> int:
        return len(self._state.points)

    @property
    def class_names(self) -> tuple[str, ...]:
        return self._state.names

    @property
    def revision(self) -> int:
        """Changes with every edit, undo and redo: a view redraws when it differs."""
        return self._revision

    @property
    def modified(self) -> bool:
        """True when the points differ from the last saved (or started-from) state."""
        return self._revision != self._saved_revision

    def mark_saved(self) -> None:
        self._saved_revision = self._revision

    # ---- edits
    def add_stroke(self, points, labels) -> int:
        """Append points with their labels (one int for all, or one per point); returns
        how many were added."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        labels = np.broadcast_to(np.asarray(labels, dtype=np.int64), (len(points),)).copy()
        if not np.isfinite(points).all():
            raise ValueError("points must be finite")
        if len(labels) and (labels.min() < 0 or labels.max() >= len(self._state.names)):
            raise ValueError(f"labels must be classes 0..{len(self._state.names) - 1}")
        if len(points):
            self._do(_Add(points.copy(), labels))
        return len(points)

    def erase(self, centre, radius: float) -> int:
        """Remove the points within `radius` of `centre`; returns how many went."""
        centre = np.asarray(centre, dtype=np.float64).reshape(2)
        d2 = ((self._state.points - centre) ** 2).sum(axis=1)
        index = np.flatnonzero(d2 <= radius * radius)
        if len(index):
            self._do(_Remove(self._state, index))
        return len(index)

    def clear(self) -> int:
        """Remove every point (one undo step); returns how many went."""
        n = self.n
        if n:
            empty = _empty()
            self._do(_Replace(self._state, _State(empty.points, empty.labels, self._state.names)))
        return n

    def load_dataset(self, dataset: Dataset) -> None:
        """Replace the drawing by a 2-D data set's points and labels (one undo step).

        A set without labels becomes class 0; its class names are kept.
        """
        if dataset.d != 2:
            raise ValueError(f"only a 2-D data set can be drawn on; this one has {dataset.d} "
                             f"features")
        if dataset.y is None:
            labels, names = np.zeros(dataset.n, dtype=np.int64), _names()
        else:
            labels, names = np.array(dataset.y, dtype=np.int64), _names(dataset.target_names)
        after = _State(np.array(dataset.X, dtype=np.float64), labels, names)
        self._do(_Replace(self._state, after))

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Drawing:
        """A drawing that starts from a 2-D data set, with nothing to undo."""
        drawing = cls()
        drawing.load_dataset(dataset)
        drawing._undo.clear()
        drawing.mark_saved()
        return drawing

    def _do(self, edit) -> None:
        self._state = edit.apply(self._state)
        self._revision += 1
        if self._stroke is not None:
            self._stroke.append(edit)
        else:
            self._push(edit)

    def _push(self, edit) -> None:
        self._undo.append(edit)
        self._redo.clear()

    # ---- strokes: one undo step each
    def begin_stroke(self) -> None:
        """Start gathering edits into one undo step (ends any stroke left open)."""
        self.end_stroke()
        self._stroke = []

    def end_stroke(self) -> None:
        """Close the stroke: its edits, if any, become one undo step."""
        edits, self._stroke = self._stroke, None
        if edits:
            self._push(edits[0] if len(edits) == 1 else _Group(edits))

    @property
    def in_stroke(self) -> bool:
        return self._stroke is not None

    # ---- undo and redo
    def can_undo(self) -> bool:
        return bool(self._undo) or bool(self._stroke)

    def can_redo(self) -> bool:
        return bool(self._redo) and not self._stroke

    def undo(self) -> bool:
        """Undo the last step (closing a stroke under way first); False if there is none."""
        self.end_stroke()
        if not self._undo:
            return False
        edit = self._undo.pop()
        self._state = edit.revert(self._state)
        self._redo.append(edit)
        self._revision += 1
        return True

    def redo(self) -> bool:
        """Redo the last undone step; False if there is none."""
        if not self._redo or self._stroke:
            return False
        edit = self._redo.pop()
        self._state = edit.apply(self._state)
        self._undo.append(edit)
        self._revision += 1
        return True

    # ---- as a data set, and as a file
    def to_dataset(self, name: str = "drawing") -> Dataset:
        """The drawing as a Dataset any method can run on; needs at least one point.

        Labels keep their class numbers, so class 3 keeps class 3's colour even when
        classes 1 and 2 have no points.
        """
        if not self.n:
            raise ValueError("the drawing has no points yet")
        top = int(self.labels.max()) + 1
        return Dataset(name=name, X=self.points.copy(), y=self.labels.copy(),
                       feature_names=FEATURE_NAMES, target_names=self.class_names[:top],
                       source=SOURCE, description=f"{name}: drawn by hand, {self.n} points")

    def save_csv(self, path) -> None:
        """Write `x,y,label` rows with a header, the label as the class's name, so that
        engine.datasets.files.load_file reads it back with its labels."""
        if not self.n:
            raise ValueError("the drawing has no points to save")
        names = self.class_names
        with Path(path).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow([*FEATURE_NAMES, "label"])
            for (x, y), label in zip(self.points.tolist(), self.labels.tolist(), strict=True):
                writer.writerow([repr(x), repr(y), names[label]])
        self.mark_saved()
