"""A growing dendrogram with a draggable cut line.

Links are drawn as one `PlotCurveItem` per colour with `connect='pairs'`, so 20,000
leaves cost a few items, not 60,000. The layout is computed once per linkage matrix;
a growth frame only changes how many of its rows are drawn. Big trees are truncated
to their top merges (like scipy's `truncate_mode="lastp"`); while the hidden merges
are still happening, each leaf shows a stub that rises as its cluster forms.

A selection made on another canvas rings the leaves that hold selected points; a click on a
leaf's mark selects the points under it (Ctrl adds).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QWidget

from engine.clustering.dendrogram import DendrogramLayout, labels_of_merges, layout
from widgets.canvas import Canvas
from widgets.palette import CLUSTER_HEX, NO_LABEL_HEX
from widgets.plot import plot_widget
from widgets.style import Style

CUT_HEX = "#D62728"  # the cut line in the light theme (the style's accent colour)
MAX_TICK_LABELS = 200  # more labels than this at once: none, only coloured marks
LINK_WIDTH = 1.5
MARK_SIZE = 8.0
RING_FACTOR = 2.0  # a selected leaf's ring is this much wider than its mark
HEIGHT_LABEL = "merge height (distance)"


def _colour_key(labels: np.ndarray, colours: int = len(CLUSTER_HEX)) -> np.ndarray:
    """Clusters that share a palette colour share a curve item; -1 (above the cut) is grey."""
    return np.where(labels < 0, -1, labels % colours)


class DendrogramCanvas(Canvas):
    """Draws a `Tree` snapshot: merges [0, n_merges), coloured by the cut at k clusters."""

    canvas_name = "Dendrogram"
    cut_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None, truncate: int | None = 60):
        super().__init__(parent)
        self._truncate = truncate
        self._line_width = LINK_WIDTH
        self._palette = CLUSTER_HEX
        self._linkage: np.ndarray | None = None
        self._layout: DendrogramLayout | None = None
        self._labels_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._n_merges = 0
        self._k = 1
        self._drawn = 0
        self._quiet = False

        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setLabel("left", HEIGHT_LABEL)
        item = self._plot.getPlotItem()
        item.setMouseEnabled(x=True, y=False)
        self._curves: dict[int, pg.PlotCurveItem] = {}
        self._marks = pg.ScatterPlotItem(size=MARK_SIZE, pen=None)
        self._marks_for: tuple | None = None
        self._brushes: dict[int, object] = {}
        self._plot.addItem(self._marks)
        self._rings = pg.ScatterPlotItem(pen=None, brush=None, symbol="o")
        self._rings.setZValue(-1)  # under the coloured marks: a ring around each
        self._plot.addItem(self._rings)
        self._point_leaf: np.ndarray | None = None  # the leaf each point is under
        self._ringed = np.empty(0, np.intp)  # the leaves ringed now
        self._plot.scene().sigMouseClicked.connect(self._on_click)
        self._line = pg.InfiniteLine(angle=0, movable=True)
        self._line.setZValue(10)
        self._line_label = pg.InfLineLabel(self._line, "", position=0.95,
                                           anchors=[(1, 1), (1, 1)])
        self._line.setVisible(False)
        self._line.sigPositionChanged.connect(self._on_line_moved)
        self._line.sigPositionChangeFinished.connect(self._on_line_released)
        self._plot.addItem(self._line)
        self._tick_stride = 0
        self._plot.getViewBox().sigXRangeChanged.connect(self._update_ticks)
        self._plot.getViewBox().sigResized.connect(self._update_ticks)

        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        self._palette = style.colours
        # shared brush objects, so the scatter renders each colour's symbol once
        self._brushes = {-1: pg.mkBrush(NO_LABEL_HEX)}
        self._brushes.update((i, pg.mkBrush(h)) for i, h in enumerate(self._palette))
        accent = style.theme.accent
        self._line.setPen(pg.mkPen(accent, width=style.width(2.0), style=Qt.PenStyle.DashLine))
        self._line.setHoverPen(pg.mkPen(accent, width=style.width(4.0)))
        self._line_label.setColor(accent)
        self._line_label.setFont(style.font())
        self._marks.setSize(style.marker(MARK_SIZE))
        self._rings.setSize(style.marker(MARK_SIZE * RING_FACTOR))
        self._rings.setPen(pg.mkPen(style.theme.foreground, width=style.width(2.0)))
        self._rings.setBrush(pg.mkBrush(style.theme.colour("foreground", 60)))
        for key, curve in self._curves.items():
            curve.setPen(self._pen(key))
        self._marks_for = None  # leaf marks take the new colours at the next redraw
        self._tick_stride = 0  # the tick font changed: space the leaf labels again
        self._redraw()
        self._update_ticks()

    # ------------------------------------------------------------ public API

    def set_tree(self, linkage: np.ndarray, n_merges: int, k: int) -> None:
        """Show the first `n_merges` merges of `linkage`, coloured as cut into k clusters."""
        z = np.asarray(linkage, dtype=np.float64)
        if z.ndim != 2 or z.shape[0] == 0:  # one point or none: no tree to draw
            self.clear()
            return
        if not self._same_linkage(z):
            self._linkage = z
            self._labels_cache.clear()
            self._relayout()
        n = z.shape[0] + 1
        self._n_merges = int(np.clip(n_merges, 0, n - 1))
        self._k = int(np.clip(k, 1, n))
        self._redraw()
        self._fit_height()
        self._place_line()

    def set_k(self, k: int) -> None:
        """Move the cut to k clusters without emitting `cut_changed`."""
        if self._linkage is None:
            self._k = max(int(k), 1)
            return
        self._k = int(np.clip(k, 1, self._linkage.shape[0] + 1))
        self._redraw()
        self._place_line()

    def k(self) -> int:
        return self._k

    def set_truncate(self, truncate: int | None) -> None:
        """Show at most this many leaves (None: all); a bigger tree shows only its top merges."""
        self._truncate = truncate
        if self._linkage is not None:
            self._relayout()
            self._redraw()
            self._fit_height()

    def truncate(self) -> int | None:
        return self._truncate

    def set_height_label(self, text: str) -> None:
        """What the heights mean (by default merge distances; a divisive tree's are SSEs)."""
        self._plot.setLabel("left", text)

    def height_label(self) -> str:
        return self._plot.getAxis("left").labelText

    def set_title(self, text: str | None) -> None:
        """A line above the tree (the agglomerative view shows its ultrametric check)."""
        self.set_plot_title(self._plot, text)

    def title(self) -> str:
        item = self._plot.getPlotItem().titleLabel
        return item.text if item.isVisible() else ""

    def set_line_width(self, width: float) -> None:
        """Link width in pixels, before the style's line scale."""
        self._line_width = float(width)
        for key, curve in self._curves.items():
            curve.setPen(self._pen(key))

    def segment_count(self) -> int:
        """Links drawn (three per merge shown), not counting the stubs of truncated leaves."""
        return self._drawn

    def drawn_by_colour(self) -> dict[str, int]:
        """Segments drawn per colour (hex), stubs included: what each curve item holds."""
        out = {}
        for key, curve in self._curves.items():
            x, _ = curve.getData()
            if x is not None and len(x):
                out[self._palette[key] if key >= 0 else NO_LABEL_HEX] = len(x) // 2
        return out

    def layout(self) -> DendrogramLayout | None:
        return self._layout

    def cut_height(self) -> float:
        return float(self._line.value())

    def cut_line(self) -> pg.InfiniteLine:
        """The draggable line, for tests and for the host's styling."""
        return self._line

    def clear(self) -> None:
        self._linkage = None
        self._layout = None
        self._labels_cache.clear()
        self._n_merges = 0
        self._drawn = 0
        for curve in self._curves.values():
            curve.setData([], [])
        self._marks.setData([], [])
        self._marks_for = None
        self._point_leaf = None
        self._show_highlight(self._highlight)
        self._line.setVisible(False)
        self._tick_stride = 0
        self._plot.getAxis("bottom").setTicks(None)

    # ------------------------------------------------------------ drawing

    def _same_linkage(self, z: np.ndarray) -> bool:
        old = self._linkage
        return old is not None and (z is old or (z.shape == old.shape and np.array_equal(z, old)))

    def _relayout(self) -> None:
        z = self._linkage
        n = z.shape[0] + 1
        p = self._truncate if self._truncate is not None and n > self._truncate else None
        self._layout = layout(z, truncate=p)
        lay = self._layout
        top = float(z[:, 2].max()) if z.size else 1.0
        self._line.setBounds((0.0, 1.1 * top if top > 0 else 1.0))
        self._plot.getPlotItem().setLimits(xMin=-1.0, xMax=lay.n_leaves)
        self._plot.setXRange(-0.5, lay.n_leaves - 0.5, padding=0.01)
        self._plot.setLabel("bottom", "cluster (size)" if lay.truncated else "point")
        self._tick_stride = 0
        self._update_ticks()
        self._point_leaf = _point_leaves(z, lay)
        self._show_highlight(self._highlight)

    # ------------------------------------------------------------ selection

    def ringed_leaves(self) -> np.ndarray:
        """The leaves (0 .. n_leaves-1, left to right) ringed as holding selected points."""
        return self._ringed.copy()

    def leaf_rows(self, leaf: int) -> np.ndarray:
        """The data rows under a leaf."""
        if self._point_leaf is None:
            return np.empty(0, np.int64)
        return np.flatnonzero(self._point_leaf == leaf)

    def _show_highlight(self, rows: np.ndarray) -> None:
        lay, leaf_of = self._layout, self._point_leaf
        if lay is None or leaf_of is None:
            self._ringed = np.empty(0, np.intp)
        else:
            rows = rows[rows < len(leaf_of)]
            self._ringed = np.unique(leaf_of[rows])
        if self._ringed.size:
            self._rings.setData(lay.leaf_x[self._ringed], np.zeros(self._ringed.size))
        else:
            self._rings.setData([], [])

    def _highlighted_rows(self) -> np.ndarray:
        if self._point_leaf is None or not self._ringed.size:
            return np.empty(0, np.int64)
        rows = self._highlight[self._highlight < len(self._point_leaf)]
        return rows[np.isin(self._point_leaf[rows], self._ringed)]

    def _on_click(self, ev) -> None:
        """A left click on a leaf's mark selects the points under that leaf."""
        lay = self._layout
        # Not ev.isAccepted(): the marks' ScatterPlotItem accepts clicks on itself.
        if ev.button() != Qt.MouseButton.LeftButton or lay is None:
            return
        box = self._plot.getViewBox()
        if not box.sceneBoundingRect().contains(ev.scenePos()):
            return
        where = box.mapSceneToView(ev.scenePos())
        leaf = int(np.clip(round(where.x()), 0, lay.n_leaves - 1))
        mark = box.mapViewToScene(QPointF(float(lay.leaf_x[leaf]), 0.0))
        reach = self.canvas_style().marker(MARK_SIZE * RING_FACTOR) / 2
        if (abs(mark.x() - ev.scenePos().x()) > reach
                or abs(mark.y() - ev.scenePos().y()) > reach):
            return
        ev.accept()
        add = bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier)
        self.selection_made.emit(self.leaf_rows(leaf), add)

    def _fit_height(self) -> None:
        """Scale y to the merges done so far, so early merges are not flat against the axis."""
        z = self._linkage
        done = z[: self._n_merges, 2] if self._n_merges else z[:, 2]
        top = float(done.max()) if done.size else 1.0
        top = top if top > 0 else 1.0
        self._plot.setYRange(-0.03 * top, 1.06 * top, padding=0.0)

    def _update_ticks(self) -> None:
        """Label every s-th leaf, s chosen so that the labels do not overlap at this width."""
        lay = self._layout
        if lay is None:
            return
        x0, x1 = self._plot.getViewBox().viewRange()[0]
        pixels = max(self._plot.getViewBox().width(), 50.0)
        per_leaf = pixels / max(x1 - x0, 1e-9)
        axis = self._plot.getAxis("bottom")
        label = QFontMetrics(axis.style["tickFont"] or QFont(axis.font()))
        widest = max((label.horizontalAdvance(t) for t in lay.leaf_text[:MAX_TICK_LABELS]),
                     default=0) + 8
        stride = max(1, math.ceil(widest / per_leaf))
        if stride == self._tick_stride:
            return
        self._tick_stride = stride
        ticks = list(zip(lay.leaf_x.tolist(), lay.leaf_text, strict=True))
        if len(ticks) > MAX_TICK_LABELS * stride:
            self._plot.getAxis("bottom").setTicks([[]])
            return
        major = ticks[::stride]
        minor = [(x, "") for i, (x, _) in enumerate(ticks) if i % stride]
        self._plot.getAxis("bottom").setTicks([major, minor])

    def _cluster_labels(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(point labels, merge labels) at k clusters, cached per k."""
        if k not in self._labels_cache:
            from engine.clustering.hierarchical import cut

            points = np.asarray(cut(self._linkage, k))
            self._labels_cache[k] = (points, labels_of_merges(self._linkage, points))
        return self._labels_cache[k]

    def _redraw(self) -> None:
        lay = self._layout
        if lay is None:
            return
        z = self._linkage
        points, merges = self._cluster_labels(self._k)
        shown = int(np.clip(self._n_merges - lay.first_shown_merge, 0, lay.segment_merge.size // 3))
        segs = lay.segments[: 3 * shown]
        keys = _colour_key(merges[lay.segment_merge[: 3 * shown]], len(self._palette))
        leaf_labels = self._leaf_labels(lay, points, merges)
        if lay.truncated:
            stubs, stub_keys = self._stubs(lay, z, leaf_labels)
            segs = np.concatenate([segs, stubs])
            keys = np.concatenate([keys, stub_keys])
        self._drawn = 3 * shown
        self._draw_by_colour(segs, keys)
        if self._marks_for != (lay, self._k):  # leaf colours change only with the cut
            self._marks_for = (lay, self._k)
            keys = _colour_key(leaf_labels, len(self._palette))
            brushes = [self._brushes[c] for c in keys.tolist()]
            self._marks.setData(lay.leaf_x, np.zeros(lay.n_leaves), brush=brushes)

    def _leaf_labels(self, lay: DendrogramLayout, points: np.ndarray,
                     merges: np.ndarray) -> np.ndarray:
        n = lay.n_points
        node = lay.leaf_order
        out = np.empty(node.size, np.intp)
        single = node < n
        out[single] = points[node[single]]
        out[~single] = merges[node[~single] - n]
        return out

    def _stubs(self, lay: DendrogramLayout, z: np.ndarray,
               leaf_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A vertical per truncated leaf, up to the highest of its merges done so far."""
        done = min(self._n_merges, lay.first_shown_merge)
        height = np.zeros(lay.n_leaves)
        np.maximum.at(height, lay.merge_leaf[:done], z[:done, 2])
        rising = np.flatnonzero(height > 0)
        stubs = np.zeros((rising.size, 2, 2))
        stubs[:, :, 0] = lay.leaf_x[rising, None]
        stubs[:, 1, 1] = height[rising]
        return stubs, _colour_key(leaf_labels[rising], len(self._palette))

    def _draw_by_colour(self, segs: np.ndarray, keys: np.ndarray) -> None:
        used = set(np.unique(keys).tolist())
        for key in used:
            pts = segs[keys == key].reshape(-1, 2)
            self._curve(key).setData(pts[:, 0], pts[:, 1], connect="pairs")
        for key, curve in self._curves.items():
            if key not in used:
                curve.setData([], [])

    def _curve(self, key: int) -> pg.PlotCurveItem:
        if key not in self._curves:
            curve = pg.PlotCurveItem(pen=self._pen(key), antialias=False)
            self._plot.addItem(curve)
            self._curves[key] = curve
        return self._curves[key]

    def _pen(self, key: int):
        colour = self._palette[key] if key >= 0 else NO_LABEL_HEX
        return pg.mkPen(colour, width=self.canvas_style().width(self._line_width))

    # ------------------------------------------------------------ the cut line

    def _place_line(self) -> None:
        from engine.clustering.hierarchical import height_for_k

        z = self._linkage
        if z is None or z.shape[0] == 0:
            self._line.setVisible(False)
            return
        self._quiet = True
        try:
            self._line.setValue(float(height_for_k(z, self._k)))
        finally:
            self._quiet = False
        self._line.setVisible(True)  # first: a hidden line's label ignores new text
        self._line_label.setFormat(f"k = {self._k}")

    def _on_line_moved(self) -> None:
        if self._quiet or self._linkage is None:
            return
        from engine.clustering.hierarchical import k_for_height

        k = int(k_for_height(self._linkage, float(self._line.value())))
        if k != self._k:
            self._k = k
            self._line_label.setFormat(f"k = {k}")
            self._redraw()
            self.cut_changed.emit(k)

    def _on_line_released(self) -> None:
        """Settle the line at the middle of the gap that gives the chosen k."""
        if not self._quiet and self._linkage is not None:
            self._place_line()


def _point_leaves(z: np.ndarray, lay: DendrogramLayout) -> np.ndarray:
    """For each point, the leaf (left-to-right index) it sits under: itself when it is a
    leaf, else the truncated leaf that hides the merge that took it in."""
    n = lay.n_points
    position = np.full(2 * n - 1, -1, np.intp)
    position[lay.leaf_order] = np.arange(lay.n_leaves)
    out = position[:n].copy()
    hidden = lay.merge_leaf >= 0
    for side in (0, 1):
        child = z[:, side].astype(np.intp)
        taken = hidden & (child < n)
        out[child[taken]] = lay.merge_leaf[taken]
    return out
