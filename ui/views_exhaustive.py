"""The view of the exhaustive search: the best partition so far beside k-means's answer from
one seed (the worst of them, where local minima show), each seed's final J against the
optimum, the best J as the search goes on, and the scores."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.clustering.exhaustive import aligned, centres_of
from engine.protocol import OptimalPartition
from ui.scores import ScoresPane
from ui.views import DataFrame2D, View, _scatter_for
from ui.views_spectral import _row
from widgets.bars import BarCanvas
from widgets.curves import CurveCanvas
from widgets.scatter import ScatterCanvas


def shown_seed(snap: OptimalPartition) -> int:
    """Which k-means run to show beside the optimum: the one with the highest J."""
    return int(np.argmax(snap.kmeans_objective))


def reached(snap: OptimalPartition) -> np.ndarray:
    """Which seeds' k-means reached the optimum's J (to a relative 1e-9)."""
    return snap.kmeans_objective <= snap.objective + 1e-9 * max(1.0, abs(snap.objective))


class OptimalPartitionView(View):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Optimal partition"
        self.kmeans = ScatterCanvas()
        self.kmeans.canvas_name = "k-means"
        self.search = CurveCanvas()
        self.search.canvas_name = "Best J while searching"
        self.search.set_labels("partitions searched", "best J")
        self.seeds = BarCanvas()
        self.seeds.canvas_name = "k-means J per seed"
        self.seeds.set_labels("seed", "final J")
        self.scores = ScoresPane(self)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(_row(self.scatter, self.kmeans))
        main.addWidget(self.search)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 1)
        self._arrange(main, self.seeds, self.scores.canvas)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        for scatter in (self.scatter, self.kmeans):
            _scatter_for(frame, scatter, None)
            scatter.set_centres(None)
            scatter.set_title(None)
        self.search.clear()
        self.seeds.clear()
        self.scores.show_labels(None, None)

    def show_snapshot(self, snap: OptimalPartition) -> None:
        project = self.frame.project
        self.scatter.set_labels(snap.labels)
        self.scatter.set_centres(project(snap.centres))
        what = "Optimum" if snap.complete else f"Best of {snap.searched:,}"
        self.scatter.set_title(f"{what}: J = {snap.objective:.4g}")
        self._show_kmeans(snap)
        self._later(lambda: self._show_side(snap))

    def _show_kmeans(self, snap: OptimalPartition) -> None:
        i, k = shown_seed(snap), snap.k
        labels = aligned(snap.kmeans_labels[i], snap.labels, k)
        self.kmeans.set_labels(labels)
        filled = [j for j in range(k) if np.any(labels == j)]
        centres = centres_of(self.frame.dataset.X, labels, k)[filled] if filled else None
        self.kmeans.set_centres(None if centres is None else self.frame.project(centres))
        self.kmeans.set_title(f"k-means seed {int(snap.kmeans_seeds[i])} (worst): "
                              f"J = {snap.kmeans_objective[i]:.4g}")

    def _show_side(self, snap: OptimalPartition) -> None:
        self.search.set_curves({"best J": snap.trace}, x=snap.searched_trace)
        self.search.set_cursor(len(snap.trace) - 1)
        hits = int(reached(snap).sum())
        self.seeds.set_labels(f"run i (seed {int(snap.kmeans_seeds[0])} + i − 1)", "final J")
        self.seeds.set_bars(snap.kmeans_objective, shown_seed(snap),
                            f"best J {snap.objective:.4g}: reached by {hits} of "
                            f"{len(snap.kmeans_objective)} seeds")
        self.scores.show_labels(self.frame.dataset, snap.labels)

    def pending(self) -> bool:
        return super().pending() or self.scores.busy()
