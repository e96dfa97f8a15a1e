"""The view of spectral clustering: its clusters beside plain k-means's on the same data, the
points in the eigenvectors (where k-means runs), the scores, the affinity heatmap and the
Laplacian's smallest eigenvalues with the eigengap."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.clustering.scores import adjusted_rand
from engine.protocol import Spectral
from ui.scores import ScoresPane
from ui.views import DataFrame2D, View, _scatter_for
from widgets.eigenvalues import EigenvalueCanvas
from widgets.heatmap import HeatmapCanvas
from widgets.scatter import ScatterCanvas


def affinity_order(snap: Spectral) -> np.ndarray:
    """Points by cluster once k-means has assigned them, and within a cluster (or before) by
    their first non-constant eigenvector coordinate, so the graph's blocks show."""
    n = len(snap.labels)
    if snap.embedding is None:
        return np.arange(n)
    within = snap.embedding[:, 1] if snap.embedding.shape[1] > 1 else snap.embedding[:, 0]
    if (snap.labels < 0).all():
        return np.argsort(within, kind="stable")
    return np.lexsort((within, snap.labels))


class SpectralView(View):
    """Main: spectral clusters and plain k-means's side by side, over the eigenvector space
    and the scores. Beside: the affinity heatmap and the eigenvalues."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Clusters"
        self.kmeans = ScatterCanvas()
        self.kmeans.canvas_name = "k-means on the data"
        self.embedding = ScatterCanvas()
        self.embedding.canvas_name = "Eigenvector space"
        self.scores = ScoresPane(self)
        self.heatmap = HeatmapCanvas()
        self.heatmap.canvas_name = "Affinity"
        self.heatmap.set_axis_labels("point", "point")
        self.eigenvalues = EigenvalueCanvas()
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(_row(self.scatter, self.kmeans))
        main.addWidget(_row(self.embedding, self.scores.canvas, stretch=(2, 3)))
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        self._arrange(main, self.heatmap, self.eigenvalues)
        self._affinity_shown: tuple | None = None  # (matrix, order key) drawn now

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, None)
        _scatter_for(frame, self.kmeans, None)
        self.scatter.set_title("Spectral clustering")
        self.kmeans.set_title("k-means alone: at the end")
        self.scores.show_labels(None, None)
        self.embedding.set_points(np.zeros((frame.dataset.n, 2)), None)
        self.embedding.set_axis_labels("eigenvector 1", "eigenvector 2")
        self.embedding.set_centres(None)
        self.heatmap.clear()
        self.eigenvalues.clear()
        self._affinity_shown = None

    def show_snapshot(self, snap: Spectral) -> None:
        labels = snap.labels if (snap.labels >= 0).any() else None
        self.scatter.set_labels(labels)
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Spectral) -> None:
        labels = snap.labels if (snap.labels >= 0).any() else None
        self._show_kmeans(snap)
        self.scores.show_labels(self.frame.dataset if labels is not None else None, labels)
        self._show_embedding(snap, labels)
        self.eigenvalues.set_eigenvalues(snap.eigenvalues, snap.n_clusters if
                                         snap.eigenvalues.size else 0, snap.eigengap_k)
        self.eigenvalues.setVisible(True)
        self._show_affinity(snap, labels)

    def _show_kmeans(self, snap: Spectral) -> None:
        self.kmeans.set_labels(snap.kmeans_labels)
        if snap.kmeans_labels is None:
            self.kmeans.set_title("k-means alone: at the end")
            return
        agree = round(adjusted_rand(snap.labels, snap.kmeans_labels), 2) + 0.0  # no "-0.00"
        self.kmeans.set_title(f"k-means alone: ARI {agree:.2f}")

    def _show_embedding(self, snap: Spectral, labels) -> None:
        e = snap.embedding
        if e is None:
            self.embedding.set_points(np.zeros((len(snap.labels), 2)), None)
            self.embedding.set_centres(None)
            return
        xy = e[:, :2] if e.shape[1] >= 2 else np.c_[e[:, 0], np.zeros(len(e))]
        self.embedding.set_points(xy, labels)
        centres = None
        if snap.centres is not None:
            c = snap.centres
            centres = c[:, :2] if c.shape[1] >= 2 else np.c_[c[:, 0], np.zeros(len(c))]
        self.embedding.set_centres(centres)
        self.embedding.set_axis_labels("eigenvector 1", "eigenvector 2" if e.shape[1] > 1
                                       else "")

    def _show_affinity(self, snap: Spectral, labels) -> None:
        """Redraw the heatmap only when its matrix or its order changes (not per k-means
        step that moves no point between clusters)."""
        order = affinity_order(snap)
        key = (id(snap.affinity), snap.tau_added, labels is None, order.tobytes())
        if self._affinity_shown == key:
            return
        self._affinity_shown = key
        self.heatmap.set_matrix(snap.affinity, order, offset=snap.tau_added, groups=labels)
        how = ("by cluster" if labels is not None else
               "by eigenvector 2" if snap.embedding is not None else "in data order")
        self.heatmap.set_title(f"{snap.affinity_name}, {how}")
        self.heatmap.set_axis_labels(f"point ({how})", "point")

    def affinity_order(self) -> np.ndarray:
        """The points from top to bottom of the heatmap."""
        return self.heatmap.row_order()

    def pending(self) -> bool:
        return super().pending() or self.scores.busy()


def _row(*canvases, stretch: tuple[int, ...] = ()) -> QSplitter:
    row = QSplitter(Qt.Orientation.Horizontal)
    for i, canvas in enumerate(canvases):
        row.addWidget(canvas)
        row.setStretchFactor(i, stretch[i] if stretch else 1)
    return row
