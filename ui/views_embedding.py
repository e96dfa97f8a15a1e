"""The view of every embedding (MDS, Isomap, LLE, t-SNE, UMAP, …): the points where the
method puts them now, in the data's own colours; the data beside with the method's graph;
the objective per iteration with the method's marks; and the quality measures at the end."""

from __future__ import annotations

import numpy as np

from engine.protocol import Embedding
from ui.views import DataFrame2D, View, _scatter_for
from widgets.curves import CurveCanvas
from widgets.scatter import ScatterCanvas
from widgets.table import TableCanvas

QUALITY_WAIT = "Quality measures: at the end of the run"


def plane(coords: np.ndarray) -> np.ndarray:
    """The first two coordinates (a second axis of zeros for a 1-D embedding)."""
    c = np.asarray(coords, dtype=np.float64)
    return c[:, :2] if c.shape[1] >= 2 else np.c_[c[:, 0], np.zeros(len(c))]


def edge_segments(xy: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(e, 2, 2) line segments of a graph's edges between rows of xy."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    return np.stack([xy[edges[:, 0]], xy[edges[:, 1]]], axis=1)


class EmbeddingView(View):
    """Main: the embedding. Beside: the data with the method's graph, the objective, the
    measures."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Embedding"
        self.scatter.range_in_steps()  # it unfolds at every step: rescaled in steps
        self.data = ScatterCanvas()
        self.data.canvas_name = "Data"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Objective per iteration"
        self.curve.set_labels("iteration", "objective")
        self.measures = TableCanvas()
        self.measures.canvas_name = "Quality"
        self._arrange(self.scatter, self.data, self.curve, self.measures)
        self.side.setSizes([3, 2, 2])
        self._edges_shown: int | None = None  # id of the edge array drawn on the data

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        labels = frame.dataset.y
        self.scatter.set_point_names(frame.dataset.names())
        self.scatter.set_points(np.zeros((frame.dataset.n, 2)), labels)
        self.scatter.set_title(None)
        _scatter_for(frame, self.data, labels)
        self.data.set_segments(None)
        self.data.set_title(None)
        self.curve.clear()
        self.curve.set_marks(())
        self.measures.clear(QUALITY_WAIT)
        self._edges_shown = None

    def show_snapshot(self, snap: Embedding) -> None:
        self.scatter.set_points(plane(snap.coords), self.frame.dataset.y)
        self.scatter.set_axis_labels(*snap.axis_names)
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Embedding) -> None:
        self._show_edges(snap)
        # Isomap and LLE do not iterate; an iterating method's start (t-SNE's, UMAP's) has no
        # objective yet, and its curve stays (the plots beside would jump as it went and came
        # back)
        self.curve.setVisible(bool(snap.trace.size) or snap.n_iter > 0)
        if snap.trace.size:
            x = snap.trace_at if snap.trace_at.size == snap.trace.size else None
            self.curve.set_curves({snap.objective_name or "objective": snap.trace}, x=x)
            self.curve.set_cursor(snap.trace.size - 1)
            self.curve.set_labels(snap.iteration_name, snap.objective_name or "objective")
        else:
            self.curve.clear()
        self.curve.set_marks(snap.marks)
        self._show_quality(snap)

    def _show_edges(self, snap: Embedding) -> None:
        if snap.edges is None:
            if self._edges_shown is not None:
                self.data.set_segments(None)
                self.data.set_title(None)
            self._edges_shown = None
            return
        if self._edges_shown == id(snap.edges):
            return
        self._edges_shown = id(snap.edges)
        self.data.set_segments(edge_segments(self.frame.xy, snap.edges), snap.flagged)
        flagged = 0 if snap.flagged is None else int(np.count_nonzero(snap.flagged))
        note = f", {flagged:,} short circuit{'s' * (flagged != 1)}" if flagged else ""
        self.data.set_title(f"the graph: {len(snap.edges):,} edges{note}")

    def _show_quality(self, snap: Embedding) -> None:
        q = snap.quality
        if q is None:
            self.measures.clear(QUALITY_WAIT)
            return
        self.measures.set_table(f"Quality ({q.sample_text()}, k = {q.k})",
                                ["measure", "value", "what it says"], q.rows())
