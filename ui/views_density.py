"""The views of DBSCAN and HDBSCAN: the points as core, border and noise; DBSCAN's growing
cluster with its queue and the eps-balls of its newest core points beside the k-distance
plot; HDBSCAN's core distances, spanning tree and condensed tree."""

from __future__ import annotations

import numpy as np

from engine import distances
from engine.protocol import NOISE, DensityScan, DensityTree
from ui.scores import ScoresPane
from ui.views import DataFrame2D, View, _scatter_for
from widgets.density import CondensedTreeCanvas, DensityCanvas, KDistanceCanvas

MAX_CORE_BALLS = 30  # HDBSCAN: core-distance balls drawn around this many points
STRONG = 1.0 - 1e-9  # HDBSCAN: members with this probability are drawn large


def ball_outline(metric: str, frame: DataFrame2D) -> np.ndarray | None:
    """The unit circle of the metric in the scatter's units, or None when the scatter is
    not the data's own plane (a projection) or the metric has no ball (cosine)."""
    if not frame.exact or metric not in ("euclidean", "manhattan", "chebyshev"):
        return None
    return distances.unit_ball(distances.minkowski_r(metric), 96)


class _DensityBase(View):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = DensityCanvas()
        self.scatter.canvas_name = "Clusters"
        self.scores = ScoresPane(self)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, None)
        # Equal units on both axes where the plane is the data's own: balls look round.
        self.scatter.set_aspect_locked(frame.exact)
        self.scatter.set_centres(None)
        self.scatter.set_segments(None)
        self.scatter.set_marker(None)
        self.scatter.set_frontier(None)
        self.scatter.set_balls(None, 0.0, None)
        n = frame.dataset.n
        self.scatter.set_parts(np.full(n, -1), np.zeros(n, bool), np.zeros(n, bool))
        self.scores.show_labels(None, None)

    def _score(self, labels, done: bool) -> None:
        if done:
            self.scores.show_labels(self.frame.dataset, labels)
        else:
            self.scores.show_labels(None, None)

    def pending(self) -> bool:
        return super().pending() or self.scores.busy()


class DensityView(_DensityBase):
    """DBSCAN: main, the growing clusters; beside, the k-distance plot and the scores."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kdist = KDistanceCanvas()
        self._arrange(self.scatter, self.kdist, self.scores.canvas)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.kdist.clear()

    def show_snapshot(self, snap: DensityScan) -> None:
        kinds = snap.kinds()
        sc = self.scatter
        sc.set_parts(snap.labels, snap.core, kinds == NOISE)
        sc.set_frontier(snap.frontier)
        xy = self.frame.xy
        sc.set_marker(xy[snap.current] if snap.current >= 0 else None)
        outline = ball_outline(snap.metric, self.frame)
        sc.set_balls(xy[snap.new_cores] if snap.new_cores.size else None, snap.eps, outline)
        noise = (f", {int(np.count_nonzero(kinds == NOISE))} noise"
                 if snap.phase == "done" else "")
        sc.set_title(f"DBSCAN, eps = {snap.eps:.3g}: {snap.n_clusters} cluster"
                     f"{'s' if snap.n_clusters != 1 else ''}{noise}")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: DensityScan) -> None:
        self.kdist.set_k_distances(snap.k_distances, snap.eps, snap.min_samples)
        self._score(snap.labels, snap.phase == "done")


class DensityTreeView(_DensityBase):
    """HDBSCAN: main, the points with core-distance balls, then the spanning tree, then the
    clusters; beside, the condensed tree and the scores."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tree = CondensedTreeCanvas()
        self._arrange(self.scatter, self.tree, self.scores.canvas)
        self._tree_shown: tuple | None = None

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.tree.clear()
        self._tree_shown = None

    def show_snapshot(self, snap: DensityTree) -> None:
        sc, xy, n = self.scatter, self.frame.xy, len(snap.labels)
        done = snap.phase == "done"
        strong = (snap.labels >= 0) & (snap.probabilities >= STRONG)
        sc.set_parts(snap.labels, strong, (snap.labels < 0) if done else np.zeros(n, bool))
        outline = ball_outline(snap.metric, self.frame)
        if snap.phase == "core":
            rows = np.unique(np.linspace(0, n - 1, min(n, MAX_CORE_BALLS)).astype(int))
            sc.set_balls(xy[rows], snap.core_distances[rows], outline)
        else:
            sc.set_balls(None, 0.0, None)
        if snap.n_edges and not done:
            sc.set_segments(xy[snap.mst_edges[:snap.n_edges]])
        else:
            sc.set_segments(None)
        titles = {"core": "core distances (balls around some points)",
                  "mst": f"mutual reachability spanning tree: {snap.n_edges} of {n - 1} edges",
                  "condensed": "spanning tree; its condensed tree beside",
                  "done": f"{snap.n_clusters} clusters; large: membership probability 1; "
                          "crosses: noise"}
        sc.set_title(f"HDBSCAN: {titles.get(snap.phase, '')}")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: DensityTree) -> None:
        key = (id(snap.tree_parent), snap.selected.tobytes())
        if snap.tree_parent.size and key != self._tree_shown:
            self._tree_shown = key
            self.tree.set_tree(snap.tree_parent, snap.tree_child, snap.tree_lambda,
                               snap.tree_size, len(snap.labels), snap.selected)
        elif not snap.tree_parent.size and self._tree_shown is not None:
            self._tree_shown = None
            self.tree.clear()
        self._score(snap.labels, snap.phase == "done")
