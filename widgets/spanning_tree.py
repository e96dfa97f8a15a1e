"""A scatter with a tree's edges on it: kept edges solid, cut edges dashed and faded.

The edges sit under the points (a point stays visible where edges meet it); each kind is one
curve item drawn with `connect='pairs'`, updated in place on every frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from widgets.scatter import ScatterCanvas
from widgets.style import Style


class SpanningTreeCanvas(ScatterCanvas):
    """Points in cluster colours, the tree's kept edges (m, 2, 2) and its cut edges."""

    canvas_name = "Spanning tree"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self.edges_item = pg.PlotCurveItem(connect="pairs")
        self.cut_item = pg.PlotCurveItem(connect="pairs")
        self._kept = np.empty((0, 2, 2))
        self._cut = np.empty((0, 2, 2))
        super().__init__(parent)
        for item in (self.edges_item, self.cut_item):
            item.setZValue(-1)  # under the points
            self.plot_item.addItem(item, ignoreBounds=True)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        theme = style.theme
        self.edges_item.setPen(pg.mkPen(theme.colour("foreground", 170),
                                        width=style.width(1.5)))
        self.cut_item.setPen(pg.mkPen(theme.colour("accent", 200), width=style.width(2.5),
                                      style=QtCore.Qt.PenStyle.DashLine))

    def set_edges(self, kept: np.ndarray | None, cut: np.ndarray | None = None) -> None:
        """Kept edges and cut edges, each (m, 2, 2): two end points per edge."""
        self._kept = _draw(self.edges_item, kept)
        self._cut = _draw(self.cut_item, cut)

    def kept_edges(self) -> np.ndarray:
        """The (m, 2, 2) solid edges drawn now."""
        return self._kept.copy()

    def cut_edges(self) -> np.ndarray:
        """The (c, 2, 2) dashed edges drawn now."""
        return self._cut.copy()

    def edge_pens(self) -> tuple[pg.QtGui.QPen, pg.QtGui.QPen]:
        """The pens of the kept and the cut edges."""
        return self.edges_item.opts["pen"], self.cut_item.opts["pen"]

    def clear(self) -> None:
        super().clear()
        self.set_edges(None, None)


def _draw(item: pg.PlotCurveItem, segments: np.ndarray | None) -> np.ndarray:
    s = np.empty((0, 2, 2)) if segments is None else np.asarray(segments, float).reshape(-1, 2, 2)
    flat = s.reshape(-1, 2)
    item.setData(flat[:, 0], flat[:, 1], connect="pairs")
    item.setVisible(len(s) > 0)
    return s
