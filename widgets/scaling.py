"""The two pictures MDS adds to an embedding: the eigenvalues of B = −½ H D² H as bars, the
negative ones in the accent colour (they say D is not Euclidean), and the Shepard diagram:
each pair's input distance against its distance in the embedding, with the disparities of
non-metric MDS as a monotone line through them."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QVBoxLayout, QWidget

from widgets.canvas import Canvas
from widgets.plot import IntegerAxis, plot_widget
from widgets.style import Style

SHOWN = 20  # bars: the largest, then the most negative, at most this many in all
POINT_SIZE = 4.0


def bars_shown(values: np.ndarray, shown: int = SHOWN) -> tuple[np.ndarray, np.ndarray]:
    """(indices 1-based, values) of the eigenvalues drawn: all when few, else the largest
    and, when there are negative ones, up to a third of the bars for the most negative."""
    values = np.asarray(values, dtype=np.float64).ravel()
    n = values.size
    if n <= shown:
        return np.arange(1, n + 1), values
    negative = int(np.count_nonzero(values < 0))
    tail = min(negative, shown // 3)
    head = shown - tail
    index = np.r_[np.arange(head), np.arange(n - tail, n)].astype(np.int64)
    return index + 1, values[index]


def _plot(parent: QWidget, integer_x: bool) -> pg.PlotWidget:
    kwargs = {"axisItems": {"bottom": IntegerAxis("bottom")}} if integer_x else {}
    plot = plot_widget(parent, **kwargs)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    return plot


class EigenBarCanvas(Canvas):
    """The eigenvalues of B, largest first; negative ones stand out."""

    canvas_name = "Eigenvalues of B"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = _plot(self, integer_x=False)
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.setLabel("bottom", "eigenvalue (largest first)")
        self._plot.setLabel("left", "λ of −½HD²H")
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self._zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self._plot.addItem(self._bars)
        self._plot.addItem(self._zero)
        self._index, self._values, self._title = np.empty(0, np.int64), np.empty(0), ""
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._plot)
        self.apply_style(self.canvas_style())

    def graphics_views(self) -> list[pg.GraphicsView]:
        return [self._plot]

    def _restyle(self, style: Style) -> None:
        self._zero.setPen(pg.mkPen(style.theme.muted, width=style.width(1.0)))
        self._draw()
        self.set_plot_title(self._plot, self._title or None)

    def set_eigenvalues(self, values: np.ndarray, title: str = "") -> None:
        self._index, self._values = bars_shown(values)
        self._title = title
        self._draw()
        self.set_plot_title(self._plot, title or None)

    def shown(self) -> tuple[np.ndarray, np.ndarray]:
        """(which eigenvalues, 1-based, and their values) drawn."""
        return self._index.copy(), self._values.copy()

    def negative_drawn(self) -> int:
        """How many bars are drawn in the accent colour (negative eigenvalues)."""
        return int(np.count_nonzero(self._values < 0))

    def title(self) -> str:
        return self._title

    def _draw(self) -> None:
        m = self._values.size
        if m == 0:
            self._bars.setOpts(x=[], height=[], brushes=None)
            return
        style = self.canvas_style()
        normal, negative = pg.mkBrush(style.colours[0]), pg.mkBrush(style.theme.accent)
        brushes = [negative if v < 0 else normal for v in self._values]
        self._bars.setOpts(x=np.arange(1, m + 1), height=self._values, width=0.7,
                           brushes=brushes, pens=[pg.mkPen(None)] * m)
        ticks = [(i + 1, str(k)) for i, k in enumerate(self._index)]
        step = max(1, m // 10)
        self._plot.getAxis("bottom").setTicks([ticks[::step], []])
        lo, hi = min(0.0, float(self._values.min())), max(0.0, float(self._values.max()))
        pad = 0.05 * (hi - lo or 1.0)
        self._plot.setRange(xRange=(0.4, m + 0.6), yRange=(lo - pad, hi + pad), padding=0.0)

    def clear(self) -> None:
        self.set_eigenvalues(np.empty(0))

    def sizeHint(self) -> QSize:
        return QSize(400, 220)


class ShepardCanvas(Canvas):
    """Input distance (x) against embedded distance (y) for a sample of pairs; the
    disparities (non-metric) as a monotone line; the diagonal y = x for metric fits."""

    canvas_name = "Shepard diagram"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = _plot(self, integer_x=False)
        self._plot.setLabel("bottom", "input distance")
        self._plot.setLabel("left", "distance in the map")
        self._points = pg.ScatterPlotItem(pxMode=True)
        self._fit = pg.PlotCurveItem()
        self._fit.setZValue(2)
        self._plot.addItem(self._points)
        self._plot.addItem(self._fit)
        self._x, self._y = np.empty(0), np.empty(0)
        self._line: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0))
        self._title = ""
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._plot)
        self.apply_style(self.canvas_style())

    def graphics_views(self) -> list[pg.GraphicsView]:
        return [self._plot]

    def _restyle(self, style: Style) -> None:
        colour = pg.mkColor(style.colours[0])
        colour.setAlpha(110)
        self._points.setBrush(pg.mkBrush(colour))
        self._points.setPen(pg.mkPen(None))
        self._points.setSize(style.marker(POINT_SIZE))
        self._fit.setPen(pg.mkPen(style.theme.accent, width=style.width(2.0)))
        self.set_plot_title(self._plot, self._title or None)

    def set_pairs(self, inputs: np.ndarray, outputs: np.ndarray,
                  disparities: np.ndarray | None = None, title: str = "") -> None:
        """Draw the pairs; the line is the disparities over the input distances in order,
        or, without disparities, the diagonal (a perfect metric fit)."""
        self._x = np.asarray(inputs, dtype=np.float64).ravel()
        self._y = np.asarray(outputs, dtype=np.float64).ravel()
        self._points.setData(self._x, self._y)
        if self._x.size == 0:
            self._line = (np.empty(0), np.empty(0))
        elif disparities is None:
            top = float(max(self._x.max(), 0.0))
            self._line = (np.array([0.0, top]), np.array([0.0, top]))
        else:
            order = np.argsort(self._x, kind="stable")
            self._line = (self._x[order], np.asarray(disparities, dtype=np.float64)[order])
        self._fit.setData(*self._line)
        self._title = title
        self.set_plot_title(self._plot, title or None)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x.copy(), self._y.copy()

    def line(self) -> tuple[np.ndarray, np.ndarray]:
        return self._line[0].copy(), self._line[1].copy()

    def title(self) -> str:
        return self._title

    def clear(self) -> None:
        self.set_pairs(np.empty(0), np.empty(0))

    def sizeHint(self) -> QSize:
        return QSize(400, 220)
