"""Bars per named category (a feature), several series side by side: the loadings of a few
factors on each feature, or each feature's noise variance."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QVBoxLayout, QWidget

from widgets.canvas import Canvas
from widgets.legend import MARGIN_PX, CornerLegend, bar_points
from widgets.plot import plot_widget
from widgets.style import Style

GROUP_WIDTH = 0.8  # the share of a category's slot its bars fill


class GroupedBarCanvas(Canvas):
    """One group of bars per category, one bar per series, a legend and named ticks."""

    canvas_name = "Bars"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.getPlotItem().showGrid(x=False, y=True, alpha=0.15)
        self._corner_legend = CornerLegend(self._plot.getPlotItem(), self._bar_points)
        self._legend = self._corner_legend.legend
        self._plot.getPlotItem().getViewBox().sigResized.connect(self._fit_y)
        self._zero = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self._plot.addItem(self._zero, ignoreBounds=True)
        self._items: list[pg.BarGraphItem] = []
        self._categories: list[str] = []
        self._series: dict[str, np.ndarray] = {}
        self._title = ""
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._plot)
        self.apply_style(self.canvas_style())

    def graphics_views(self) -> list[pg.GraphicsView]:
        return [self._plot]

    def _restyle(self, style: Style) -> None:
        self._zero.setPen(pg.mkPen(style.theme.axis, width=style.width(1.0)))
        self._draw()
        self.set_plot_title(self._plot, self._title or None)

    def set_labels(self, x: str, y: str) -> None:
        self._plot.setLabel("bottom", x)
        self._plot.setLabel("left", y)

    def set_groups(self, categories, series: dict[str, np.ndarray], title: str = "") -> None:
        """Bars for each category (x ticks named), one per series (legend), in series order."""
        self._categories = [str(c) for c in categories]
        self._series = {name: np.asarray(v, dtype=np.float64).ravel()
                        for name, v in series.items()}
        self._title = title
        self._draw()
        self.set_plot_title(self._plot, title or None)
        m = len(self._categories)
        self._plot.getAxis("bottom").setTicks([list(enumerate(self._categories))])
        if m:
            self._plot.setXRange(-0.6, m - 0.4, padding=0.0)
        self._fit_y()

    def _fit_y(self, *_) -> None:
        """The bars' range, with room above the tallest for the legend: with bars in every
        corner there was nowhere to put it that hid nothing."""
        if not self._categories:
            return
        values = np.concatenate([v for v in self._series.values()] or [np.zeros(1)])
        lo, hi = min(0.0, float(np.nanmin(values))), max(0.0, float(np.nanmax(values)))
        pad = 0.08 * ((hi - lo) or 1.0)
        low, high = lo - (pad if lo < 0 else 0.0), hi + pad
        view_px = self._plot.getPlotItem().getViewBox().height()
        if view_px > 0 and self._legend.isVisible():
            room = min((self._legend.boundingRect().height() + 2 * MARGIN_PX) / view_px, 0.5)
            high += (high - low) * room / (1.0 - room)
        self._plot.setYRange(low, high, padding=0.0)
        self._corner_legend.update()

    def _bar_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Points filling every bar drawn, for placing the legend."""
        parts = [bar_points(item.opts["x"], item.opts["height"], item.opts["width"])
                 for item in self._items]
        if not parts:
            return np.empty(0), np.empty(0)
        return np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])

    def _draw(self) -> None:
        for item in self._items:
            self._legend.removeItem(item)
            self._plot.removeItem(item)
        self._items = []
        style = self.canvas_style()
        count = max(len(self._series), 1)
        width = GROUP_WIDTH / count
        x = np.arange(len(self._categories), dtype=np.float64)
        for i, (name, values) in enumerate(self._series.items()):
            colour = style.colours[i % len(style.colours)]
            offset = (i - (count - 1) / 2) * width
            item = pg.BarGraphItem(x=x + offset, height=values[: len(x)], width=width * 0.9,
                                   brush=pg.mkBrush(colour), pen=pg.mkPen(None))
            self._plot.addItem(item)
            self._legend.addItem(item, name)
            self._items.append(item)

    def categories(self) -> list[str]:
        return list(self._categories)

    def series(self) -> dict[str, np.ndarray]:
        return {name: v.copy() for name, v in self._series.items()}

    def title(self) -> str:
        return self._title

    def clear(self) -> None:
        self.set_groups([], {}, "")

    def sizeHint(self) -> QSize:
        return QSize(420, 260)
