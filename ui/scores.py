"""Scores for whatever clustering a view shows, computed off the main thread.

Every clustering view (k-means, agglomerative, and the views other methods add) owns one
`ScoresPane`: it hands the labels shown to `show_labels` and puts `pane.canvas` (the
silhouette plot with the scores as its title) in its side column. The pane waits until the
labels stop changing (a streaming run sends 30 steps a second: scores would be stale before
they were drawn), then computes them on Qt's thread pool with
`engine.clustering.scores.compute_scores`: the silhouette on at most 5,000 points (a seeded
subsample above that, so a dragged dendrogram cut is rescored in a fraction of a second).
Only the newest request's result is drawn; the CSV export computes the same numbers.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from engine.clustering.scores import Scores, compute_scores
from engine.data import Dataset
from widgets.silhouette import SilhouetteCanvas

SETTLE_MS = 120  # labels unchanged this long: compute


class _Relay(QObject):
    done = Signal(int, object)


class _Task(QRunnable):
    def __init__(self, request: int, dataset: Dataset, labels: np.ndarray, relay: _Relay):
        super().__init__()
        self.setAutoDelete(False)  # the pane keeps it until it reports, stale or not
        self.request, self.dataset, self.labels, self.relay = request, dataset, labels, relay
        self.stale = False

    def run(self) -> None:
        try:
            result = compute_scores(self.dataset.X, self.labels, self.dataset.y,
                                    cancelled=lambda: self.stale)
        except Exception as exc:  # our bug, but the window lives on: say it in the canvas
            result = exc
        self.relay.done.emit(self.request, result)


class ScoresPane(QObject):
    """The scores and silhouette plot of the labels a view shows."""

    scores_ready = Signal(object)  # Scores

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas = SilhouetteCanvas()
        self._relay = _Relay()
        self._relay.done.connect(self._on_done)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start)
        self._request = 0
        self._wanted: tuple[Dataset, np.ndarray] | None = None
        self._task: _Task | None = None
        self._running: set[_Task] = set()
        self._shown_key: tuple | None = None

    def show_labels(self, dataset: Dataset | None, labels: np.ndarray | None) -> None:
        """Score these labels of this data set once they settle; None clears."""
        if dataset is None or labels is None:
            self._cancel()
            self._shown_key = None
            self.canvas.clear()
            return
        labels = np.asarray(labels)
        if not np.any(labels >= 0):  # seeding, or a tree not cut yet: nothing to judge
            self._cancel()
            self._shown_key = None
            self.canvas.set_scores(None, "scores once the points are in clusters")
            return
        key = (id(dataset), labels.shape, hash(labels.tobytes()))
        if key == self._shown_key:
            return
        self._shown_key = key
        self._cancel()
        self._wanted = (dataset, labels)
        self.canvas.set_scores(None)
        self._timer.start(SETTLE_MS)

    def busy(self) -> bool:
        """Labels are waiting to be scored or being scored."""
        return self._wanted is not None or self._task is not None

    def scores(self) -> Scores | None:
        return self.canvas.scores()

    def _cancel(self) -> None:
        self._timer.stop()
        self._wanted = None
        if self._task is not None:
            self._task.stale = True
            self._task = None
        self._request += 1

    def _start(self) -> None:
        if self._wanted is None:
            return
        dataset, labels = self._wanted
        self._wanted = None
        self._request += 1
        self._task = _Task(self._request, dataset, labels, self._relay)
        self._running.add(self._task)
        QThreadPool.globalInstance().start(self._task)

    def _on_done(self, request: int, result) -> None:
        self._running = {t for t in self._running if t.request != request}
        if request != self._request:
            return
        self._task = None
        if isinstance(result, Exception):
            self.canvas.set_scores(None, f"scores failed: {type(result).__name__}: {result}")
        elif result is not None:
            self.canvas.set_scores(result)
            self.scores_ready.emit(result)
