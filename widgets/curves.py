"""Line plots of named series per step (objective, losses, quality) with a timeline cursor."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.plot import plot_widget

# Distinct on white, colour-blind friendly first (Okabe and Ito), then Tableau's.
SERIES_HEX = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
    "#8C564B", "#9467BD", "#7F7F7F", "#BCBD22", "#17BECF",
)


class CurveCanvas(QtWidgets.QWidget):
    """One line per named series, a legend, and a vertical cursor at the current step."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = plot_widget(background="w")
        self.plot_widget.setMinimumSize(120, 90)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(pg.mkPen("#404040"))
            axis.setTextPen(pg.mkPen("#202020"))
        self.legend = self.plot_item.addLegend(offset=(-10, 10), labelTextColor="#202020")
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#D62728", width=1.5))
        self.cursor.setZValue(100)
        self.cursor.setVisible(False)
        self.plot_item.addItem(self.cursor, ignoreBounds=True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self._items: dict[str, pg.PlotDataItem] = {}
        self._colours: dict[str, QtGui.QColor] = {}
        self._x: np.ndarray | None = None
        self._line_width = 2.0

    def set_curves(self, curves: dict[str, np.ndarray], x: np.ndarray | None = None) -> None:
        """Draw each named series (x defaults to 0, 1, 2, ...); items are updated in place."""
        self._x = None if x is None else np.asarray(x, dtype=np.float64).reshape(-1)
        for name in [n for n in self._items if n not in curves]:
            self._remove(name)
        for name, values in curves.items():
            y = np.asarray(values, dtype=np.float64).reshape(-1)
            xs = np.arange(len(y), dtype=np.float64) if self._x is None else self._x[: len(y)]
            y = y[: len(xs)]
            item = self._items.get(name)
            if item is None:
                item = self.plot_item.plot(pen=self._pen(name), name=name, connect="finite")
                self._items[name] = item
            item.setData(xs, y, connect="finite")

    def _pen(self, name: str) -> QtGui.QPen:
        if name not in self._colours:
            used = {c.name() for c in self._colours.values()}
            free = [h for h in SERIES_HEX if QtGui.QColor(h).name() not in used]
            hexcode = free[0] if free else SERIES_HEX[len(self._colours) % len(SERIES_HEX)]
            self._colours[name] = QtGui.QColor(hexcode)
        return pg.mkPen(self._colours[name], width=self._line_width)

    def _remove(self, name: str) -> None:
        item = self._items.pop(name)
        self.legend.removeItem(item)
        self.plot_item.removeItem(item)

    def curve_names(self) -> list[str]:
        return list(self._items)

    def curve_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of one series as drawn."""
        x, y = self._items[name].getData()
        return np.asarray(x), np.asarray(y)

    def curve_colour(self, name: str) -> QtGui.QColor:
        return QtGui.QColor(self._colours[name])

    def set_cursor(self, i: int | None) -> None:
        """Vertical line at step i (at x[i] when x was given); None hides it."""
        if i is None:
            self.cursor.setVisible(False)
            return
        pos = float(i)
        if self._x is not None and 0 <= i < len(self._x):
            pos = float(self._x[i])
        self.cursor.setValue(pos)
        self.cursor.setVisible(True)

    def cursor_position(self) -> float | None:
        return float(self.cursor.value()) if self.cursor.isVisible() else None

    def set_title(self, title: str) -> None:
        self.plot_item.setTitle(title, color="#202020")

    def set_labels(self, x: str, y: str) -> None:
        self.plot_item.setLabel("bottom", x)
        self.plot_item.setLabel("left", y)

    def set_log_y(self, log: bool) -> None:
        """Logarithmic y axis, for losses that fall over orders of magnitude."""
        self.plot_item.setLogMode(x=False, y=log)

    def set_line_width(self, px: float) -> None:
        """Line width in pixels (presentation mode uses thick lines)."""
        self._line_width = float(px)
        for name, item in self._items.items():
            item.setPen(self._pen(name))

    def clear(self) -> None:
        """Remove every series and hide the cursor."""
        for name in list(self._items):
            self._remove(name)
        self._colours.clear()
        self._x = None
        self.set_cursor(None)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(500, 300)
