"""Huffman's code tree as it is built: the forest of merged trees hanging from their roots,
every edge in one curve item (`connect='pairs'`), the newest merge's two edges in the accent
colour, each leaf labelled with its character (space as ␣, line end as ⏎) and, on small
trees, each edge with its bit."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.labels import LabelPool
from widgets.plot import plot_widget
from widgets.style import Style

MAX_BIT_LABELS = 40  # edges: more than this and their 0 / 1 labels would crowd the tree


class CodeTreeCanvas(Canvas):
    """Nodes at given positions, edges as pairs of node numbers; leaves 0 … V−1 labelled."""

    canvas_name = "Code tree"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        for axis in ("left", "bottom"):
            self._plot.hideAxis(axis)
        item = self._plot.getPlotItem()
        self._edges = pg.PlotCurveItem(connect="pairs")
        self._newest = pg.PlotCurveItem(connect="pairs")
        self._nodes = pg.ScatterPlotItem()
        for z, it in enumerate((self._edges, self._newest, self._nodes)):
            it.setZValue(z)
            self._plot.addItem(it)
        self._leaf_labels = LabelPool(item, (0.5, 0.0))
        self._bit_labels = LabelPool(item, (0.5, 0.5))
        self._xy = np.empty((0, 2))
        self._pairs = np.empty((0, 2), np.int64)
        self._size = 0
        self._labels: list[str] = []
        self._newest_node: int | None = None
        self._title = ""
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        theme = style.theme
        self._edges.setPen(pg.mkPen(theme.colour("foreground", 200), width=style.width(1.5)))
        self._newest.setPen(pg.mkPen(theme.accent, width=style.width(3.0)))
        self._leaf_labels.restyle(theme.foreground, style.font(1.1))
        self._bit_labels.restyle(theme.muted, style.font(0.85))
        self._draw()
        self.set_plot_title(self._plot, self._title or None)

    def set_tree(self, xy: np.ndarray, pairs: np.ndarray, size: int, labels: list[str],
                 newest: int | None = None, title: str = "") -> None:
        """Nodes `xy` (the first `size` are the leaves, named by `labels`), edges `pairs`
        (parent, child) with the left child first; `newest` a node whose two edges stand
        out."""
        self._xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self._pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        self._size, self._labels = size, list(labels)
        self._newest_node, self._title = newest, title
        self._draw()
        self.set_plot_title(self._plot, title or None)
        if len(self._xy):
            depth = -float(self._xy[:, 1].min())
            self._plot.setXRange(-0.8, max(size - 0.2, 1.0), padding=0.0)
            self._plot.setYRange(-depth - 1.0, 0.4, padding=0.0)

    def _draw(self) -> None:
        style = self.canvas_style()
        xy, pairs = self._xy, self._pairs
        newest = (pairs[:, 0] == self._newest_node) if len(pairs) else np.zeros(0, bool)
        for item, chosen in ((self._edges, ~newest), (self._newest, newest)):
            seg = xy[pairs[chosen].ravel()] if len(pairs) else np.empty((0, 2))
            item.setData(seg[:, 0], seg[:, 1], connect="pairs")
        leaves = np.arange(len(xy)) < self._size
        colours = style.colours
        brushes = [pg.mkBrush(colours[0]) if leaf else pg.mkBrush(style.theme.muted)
                   for leaf in leaves]
        self._nodes.setData(pos=xy, size=np.where(leaves, style.marker(9), style.marker(5)),
                            brush=brushes, pen=pg.mkPen(None))
        self._leaf_labels.show(self._labels[:self._size], xy[:self._size, 0],
                               xy[:self._size, 1] - 0.12)
        if 0 < len(pairs) <= MAX_BIT_LABELS:
            mid = 0.5 * (xy[pairs[:, 0]] + xy[pairs[:, 1]])
            self._bit_labels.show(["0", "1"] * (len(pairs) // 2), mid[:, 0], mid[:, 1])
        else:
            self._bit_labels.show([], [], [])

    def leaf_labels(self) -> list[str]:
        return self._leaf_labels.texts()

    def bit_labels(self) -> list[str]:
        return self._bit_labels.texts()

    def edge_segments(self) -> np.ndarray:
        """(e, 2, 2): every edge drawn now, the newest merge's included."""
        parts = [np.column_stack(item.getData()).reshape(-1, 2, 2)
                 for item in (self._edges, self._newest) if item.getData()[0] is not None]
        return np.concatenate(parts) if parts else np.empty((0, 2, 2))

    def newest_segments(self) -> np.ndarray:
        x, y = self._newest.getData()
        return np.empty((0, 2, 2)) if x is None else np.column_stack([x, y]).reshape(-1, 2, 2)

    def title(self) -> str:
        return self._title

    def sizeHint(self) -> QSize:
        return QSize(620, 480)
