"""Divisive clustering: the tree split top down, drawn as the agglomerative dendrogram is.

The dendrogram's leaves are the current clusters (with their sizes) and its heights the SSE
of each cluster when it was split; the scatter shows the current clusters and their means,
the curve the total SSE after each split, and the scores pane judges the clusters shown.
"""

from __future__ import annotations

import numpy as np

from engine.clustering.divisive import cluster_means
from engine.protocol import Divisive
from ui.views import DataFrame2D, TreeView, ultrametric_title
from widgets.curves import CurveCanvas

HEIGHT_LABEL = "SSE of the cluster split"


class DivisiveView(TreeView):
    """TreeView's scatter, dendrogram and scores, with the total SSE per step."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.dendrogram.set_height_label(HEIGHT_LABEL)
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Total SSE per split"
        self.curve.set_labels("clusters (one more per split)", "total SSE")
        self.side.insertWidget(1, self.curve)
        self.side.setSizes([400, 250, 300])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.scatter.set_centres(None, None)

    def show_snapshot(self, snap: Divisive) -> None:
        self._tree = snap
        self.k = snap.n_clusters  # the cut follows the splits; a drag changes it afterwards
        self._recolour()
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Divisive) -> None:
        n = snap.n_leaves
        self.dendrogram.set_truncate(snap.n_clusters if snap.n_clusters < n else None)
        self.dendrogram.set_tree(snap.linkage, snap.n_merges, self.k)
        self.dendrogram.set_title(ultrametric_title(snap))
        trace = snap.trace  # after 0, 1, 2, ... splits: 1, 2, 3, ... clusters
        self.curve.set_curves({"total SSE": trace}, x=np.arange(1, len(trace) + 1))
        self.curve.set_cursor(len(snap.trace) - 1)

    def _recolour(self) -> None:
        super()._recolour()
        snap = self._tree
        if snap is None or self.frame is None:
            return
        if self.k == snap.n_clusters:
            centres = snap.centres
        else:  # a dragged cut: the means of the clusters it leaves
            centres = cluster_means(self.frame.dataset.X, np.asarray(self.scatter_labels()))
        self.scatter.set_centres(self.frame.project(centres), None)

    def scatter_labels(self) -> np.ndarray:
        from engine.clustering import hierarchical

        return hierarchical.cut(self._tree.linkage, self.k)

