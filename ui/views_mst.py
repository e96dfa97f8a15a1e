"""The view of the minimum spanning tree: its edges on the scatter as Kruskal adds them, the
cut edges dashed, the points in the colours of the trees; the edge lengths in Kruskal's order
(the cut ones are the last); the scores of the cut."""

from __future__ import annotations

import numpy as np

from engine.protocol import SpanningTree
from ui.scores import ScoresPane
from ui.views import DataFrame2D, View, _scatter_for
from widgets.curves import CurveCanvas
from widgets.spanning_tree import SpanningTreeCanvas


def segments(xy: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(m, 2, 2) end points on the scatter of the edges (m, 2) between rows of xy."""
    return xy[np.asarray(edges, np.int64).reshape(-1, 2)]


class SpanningTreeView(View):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = SpanningTreeCanvas()
        self.scatter.canvas_name = "Spanning tree"
        self.lengths = CurveCanvas()
        self.lengths.canvas_name = "Edge lengths"
        self.lengths.set_labels("edge (Kruskal's order)", "length")
        self.scores = ScoresPane(self)
        self._arrange(self.scatter, self.lengths, self.scores.canvas)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, None)
        self.scatter.set_edges(None, None)
        self.lengths.clear()
        self.scores.show_labels(None, None)

    def show_snapshot(self, snap: SpanningTree) -> None:
        xy = self.frame.xy
        self.scatter.set_labels(snap.labels)
        self.scatter.set_edges(segments(xy, snap.kept), segments(xy, snap.cut))
        self.scatter.set_title(_title(snap))
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: SpanningTree) -> None:
        m = len(snap.weights)
        x = np.arange(1, m + 1)
        cut = np.full(m, np.nan)
        if snap.n_cut:  # from the last edge kept, so the cut part joins the rest
            first = max(m - snap.n_cut - 1, 0)
            cut[first:] = snap.weights[first:]
        self.lengths.set_curves({"edge length": snap.weights, "cut": cut}, x=x)
        grown = min(snap.n_edges, m - snap.n_cut)
        self.lengths.set_cursor(grown - 1 if grown else None)
        self.lengths.set_title(f"{snap.n_cut} longest cut: after edge {m - snap.n_cut} of {m}"
                               if snap.n_cut else f"{snap.n_edges} of {m} edges grown")
        done = snap.phase == "done"
        self.scores.show_labels(self.frame.dataset if done else None, snap.labels if done
                                else None)

    def pending(self) -> bool:
        return super().pending() or self.scores.busy()


def _title(snap: SpanningTree) -> str:
    m = len(snap.weights)
    if snap.phase == "grow":
        return f"Kruskal: {snap.n_edges} of {m} edges"
    if not snap.n_cut:
        return f"the whole tree, one cluster: total length {snap.total_weight:.4g}"
    return (f"{snap.n_cut} longest edges cut (dashed): {snap.n_cut + 1} clusters; "
            f"total length {snap.total_weight:.4g}")
