"""Canvases of a mixture of experts: the scatter with each expert's line or boundary, and
the softmax gate, as curves over a single input or as a map over two.

Each expert's line is two curve items in its cluster colour: thin across the whole box, thick
over the stretch where its gate is the largest (the part of the plane it is in charge of).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.canvas import Canvas
from widgets.ellipses import MixtureCanvas
from widgets.palette import cluster_colour
from widgets.plot import plot_widget, set_axis_labels
from widgets.style import Style

THIN, THICK = 1.2, 3.5
MAP_ALPHA = 0.5  # share of the experts' blended colour in the gate map; the rest background
MARK_SIZE = 7.0
GATE_MARK_SIZE = 5.0  # the gate map is smaller: lighter marks


class _ExpertLines:
    """Per expert a thin full line and a thick owned part, kept for reuse."""

    def __init__(self, plot_item: pg.PlotItem, z: float):
        self._plot, self._z = plot_item, z
        self._items: list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]] = []
        self._segments: list[tuple[np.ndarray | None, np.ndarray | None]] = []
        self._style = Style()

    def set_segments(self, segments: list[tuple[np.ndarray | None, np.ndarray | None]]) -> None:
        while len(self._items) < len(segments):
            pair = (pg.PlotCurveItem(), pg.PlotCurveItem())
            for item in pair:
                item.setZValue(self._z)
                self._plot.addItem(item, ignoreBounds=True)
            self._items.append(pair)
        self._segments = list(segments)
        for j, items in enumerate(self._items):
            parts = segments[j] if j < len(segments) else (None, None)
            for item, seg in zip(items, parts, strict=True):
                if seg is None:
                    item.setData([], [])
                    item.setVisible(False)
                else:
                    item.setData(seg[:, 0], seg[:, 1])
                    item.setVisible(True)
        self._pens()

    def restyle(self, style: Style) -> None:
        self._style = style
        self._pens()

    def _pens(self) -> None:
        for j, (thin, thick) in enumerate(self._items):
            colour = cluster_colour(j, self._style.colours)
            thin.setPen(pg.mkPen(colour, width=self._style.width(THIN),
                                 style=QtCore.Qt.PenStyle.DashLine))
            thick.setPen(pg.mkPen(colour, width=self._style.width(THICK)))

    def drawn(self) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
        """(full, owned) segments (2, 2) per expert as drawn now (None: not drawn)."""
        out = []
        for j in range(len(self._segments)):
            pair = []
            for item in self._items[j]:
                x, y = item.getData()
                pair.append(np.column_stack([x, y]) if item.isVisible() and x is not None
                            and len(x) else None)
            out.append(tuple(pair))
        return out


class ExpertsCanvas(MixtureCanvas):
    """Points in responsibility-blended colours, each expert's line or boundary, and a +
    on every point of class 1 (logistic experts)."""

    canvas_name = "Experts"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self.lines: _ExpertLines | None = None
        self._marked: np.ndarray | None = None
        super().__init__(parent)
        self.marks_item = pg.ScatterPlotItem(pxMode=True)
        self.marks_item.setZValue(self.points.zValue() + 0.5)
        self.plot_item.addItem(self.marks_item)
        self.lines = _ExpertLines(self.plot_item, self.centres_item.zValue() - 0.25)
        self._restyle(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if self.lines is not None:
            self.lines.restyle(style)
            self._draw_marks()

    def set_expert_lines(self, segments: list[tuple[np.ndarray | None, np.ndarray | None]]
                         ) -> None:
        """Per expert (full segment, owned segment), each (2, 2) or None."""
        self.lines.set_segments(segments)

    def expert_lines(self) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
        return self.lines.drawn()

    def set_marked(self, xy: np.ndarray | None) -> None:
        """Points (m, 2) that get a + (class 1); None: none."""
        self._marked = None if xy is None else np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self._draw_marks()

    def marked(self) -> np.ndarray:
        x, y = self.marks_item.getData()
        return np.column_stack([x, y]) if x is not None else np.empty((0, 2))

    def _draw_marks(self) -> None:
        if self._marked is None or not len(self._marked):
            self.marks_item.setData([], [])
            return
        style = self.canvas_style()
        self.marks_item.setData(x=self._marked[:, 0], y=self._marked[:, 1], symbol="+",
                                size=style.marker(MARK_SIZE), brush=style.theme.foreground,
                                pen=pg.mkPen(None))


class GatingCanvas(Canvas):
    """The gate π_i(x): a curve per expert over one input, or over two a map in the
    experts' colours blended by π (the argmax's colour where one expert is sure), with the
    points on top."""

    canvas_name = "Gate"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = plot_widget()
        self.plot_widget.setMinimumSize(120, 90)
        self.plot_item = self.plot_widget.getPlotItem()
        self.show_views(self.plot_widget)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.plot_item.addItem(self.image)
        self.points_item = pg.ScatterPlotItem(pxMode=True)
        self.points_item.setZValue(10)
        self.plot_item.addItem(self.points_item)
        self._curves: list[pg.PlotCurveItem] = []
        self._map: tuple[np.ndarray, tuple] | None = None
        self._points: tuple[np.ndarray, np.ndarray | None] | None = None
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        for j, item in enumerate(self._curves):
            item.setPen(pg.mkPen(cluster_colour(j, style.colours), width=style.width(2.5)))
        self._draw_map()
        self._draw_points()

    # ---- one input: curves

    def set_curves(self, x: np.ndarray, pis: np.ndarray) -> None:
        """π_i(x) over a grid x (m,), pis (m, k): one curve per expert in its colour."""
        self._show_map(None)
        k = pis.shape[1]
        style = self.canvas_style()
        while len(self._curves) < k:
            item = pg.PlotCurveItem()
            item.setPen(pg.mkPen(cluster_colour(len(self._curves), style.colours),
                                 width=style.width(2.5)))
            self.plot_item.addItem(item)
            self._curves.append(item)
        for j, item in enumerate(self._curves):
            item.setVisible(j < k)
            if j < k:
                item.setData(x, pis[:, j])
            else:
                item.setData([], [])

    def curves(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(x, π_i) of every curve shown."""
        out = []
        for item in self._curves:
            if item.isVisible():
                x, y = item.getData()
                out.append((np.asarray(x), np.asarray(y)))
        return out

    # ---- two inputs: a map

    def set_map(self, pis: np.ndarray, box: tuple[float, float, float, float]) -> None:
        """π on a grid (rows over y from ymin, columns over x from xmin; (h, w, k)) over
        box (xmin, xmax, ymin, ymax)."""
        for item in self._curves:
            item.setVisible(False)
        self._show_map((np.asarray(pis, dtype=np.float32), box))

    def _show_map(self, value) -> None:
        self._map = value
        self._draw_map()

    def _draw_map(self) -> None:
        if self._map is None:
            self.image.clear()
            self.image.setVisible(False)
            return
        pis, (xmin, xmax, ymin, ymax) = self._map
        style = self.canvas_style()
        rgb = np.array([cluster_colour(j, style.colours).getRgb()[:3]
                        for j in range(pis.shape[2])], dtype=np.float32)
        back = np.array(QtGui.QColor(style.theme.background).getRgb()[:3], dtype=np.float32)
        mix = (1 - MAP_ALPHA) * back + MAP_ALPHA * (pis @ rgb)
        rgba = np.concatenate([mix, np.full((*mix.shape[:2], 1), 255.0)], axis=2)
        self.image.setImage(np.clip(rgba, 0, 255).astype(np.uint8), autoLevels=False)
        self.image.setRect(QtCore.QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.image.setVisible(True)

    def map_image(self) -> np.ndarray | None:
        """The (h, w, 4) RGBA image drawn, or None."""
        return None if not self.image.isVisible() else self.image.image

    def set_points(self, xy: np.ndarray | None, marked: np.ndarray | None = None) -> None:
        """Points on the map (m, 2); marked (m,) bool: drawn as + rather than o."""
        self._points = None if xy is None else (np.asarray(xy, dtype=np.float64), marked)
        self._draw_points()

    def _draw_points(self) -> None:
        if self._points is None:
            self.points_item.setData([], [])
            return
        xy, marked = self._points
        style = self.canvas_style()
        symbols = np.where(marked, "+", "o") if marked is not None else "o"
        self.points_item.setData(x=xy[:, 0], y=xy[:, 1], symbol=symbols,
                                 size=style.marker(GATE_MARK_SIZE),
                                 pen=pg.mkPen(style.theme.foreground, width=style.width(1.0)),
                                 brush=pg.mkBrush(None))

    def set_labels(self, x: str, y: str) -> None:
        set_axis_labels(self.plot_item, x, y)

    def set_title(self, text: str | None) -> None:
        self.set_plot_title(self.plot_widget, text)

    def clear(self) -> None:
        for item in self._curves:
            item.setVisible(False)
        self._show_map(None)
        self.set_points(None)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(500, 300)
