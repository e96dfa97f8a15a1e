"""Bars stacked to one: each document's topic mixture, each component's variance split into
time, condition and interaction. One coloured layer per part, a legend in a row above."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.curves import SERIES_HEX
from widgets.palette import palette_hex
from widgets.plot import plot_widget, set_axis_labels
from widgets.style import Style

MIN_TOP, MAX_TOP = 1.15, 3.0  # the y range's top: above the bars' 1.0, the legend's band
MANY_BARS = 60  # from here on bars touch: thin gaps flicker as stripes


class StackedBarCanvas(Canvas):
    """Bar i stacks values[i, 0], values[i, 1], … bottom to top. `colours` "clusters" gives
    layer j cluster colour j (topics, like classes elsewhere); "series" the curves' colours
    (parts of a whole, as in a legend of lines). One bar item per layer, kept while the
    layers stay the same: setData each frame, never new items."""

    canvas_name = "Stacked bars"

    def __init__(self, colours: str = "clusters", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colour_kind = colours
        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._legend = self._plot.getPlotItem().addLegend(offset=(8, 4))
        self._items: list[pg.BarGraphItem] = []
        self._values = np.zeros((0, 0))
        self._names: tuple[str, ...] = ()
        self._categories: list[str] = []
        self._title = ""
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())
        self._plot.getPlotItem().getViewBox().sigResized.connect(self._fit_headroom)

    def _colours(self, style: Style) -> Sequence[str]:
        if self._colour_kind == "clusters":
            return style.colours
        return palette_hex("colour-blind", True) if style.theme.dark else SERIES_HEX

    def _restyle(self, style: Style) -> None:
        colours = self._colours(style)
        for j, item in enumerate(self._items):
            item.setOpts(brush=pg.mkBrush(colours[j % len(colours)]), pen=pg.mkPen(None))
        self._legend.setLabelTextColor(style.theme.foreground)
        self._legend.setLabelTextSize(f"{style.points():.1f}pt")
        self._legend.setBrush(pg.mkBrush(style.theme.legend))
        self.set_plot_title(self._plot, self._title or None)
        self._fit_headroom()

    def set_labels(self, x: str, y: str) -> None:
        set_axis_labels(self._plot, x, y)

    def set_stacks(self, values, names: Sequence[str], title: str = "",
                   x: np.ndarray | None = None,
                   categories: Sequence[str] | None = None) -> None:
        """values (m, k), each row summing to about one; `names` the k layers. Bars stand at
        0, 1, … or at `x` (gaps allowed), named by `categories` under them if given."""
        names = tuple(str(n) for n in names)
        values = np.asarray(values, dtype=np.float64)
        values = values.reshape(-1, len(names)) if names else np.zeros((0, 0))
        if names != self._names:
            self._make_items(names)
        m = len(values)
        x = np.arange(m, dtype=np.float64) if x is None else np.asarray(x, dtype=np.float64)
        self._values, self._title = values, title
        self._categories = [] if categories is None else [str(c) for c in categories]
        bottoms = np.cumsum(values, axis=1) - values
        width = 1.0 if m > MANY_BARS else 0.8
        for j, item in enumerate(self._items):
            item.setOpts(x=x, y0=bottoms[:, j], height=values[:, j], width=width)
        axis = self._plot.getAxis("bottom")
        axis.setTicks([list(zip(x, self._categories, strict=True))] if categories is not None
                      else None)
        low, high = (x.min(), x.max()) if m else (0.0, 0.0)
        self._plot.setXRange(low - 0.6, high + 0.6, padding=0.0)
        self.set_plot_title(self._plot, title or None)
        self._fit_headroom()

    def _fit_headroom(self) -> None:
        """Raise the y range's top until the band above 1.0 is as tall as the legend in
        pixels: in a short plot (presentation mode) a fixed band put the legend on the bars."""
        box = self._plot.getPlotItem().getViewBox()
        height = box.height()
        legend = self._legend.boundingRect().height() + 16  # its offset and a margin
        top = MAX_TOP if height <= legend else 1.0 / (1.0 - legend / height)
        self._plot.setYRange(0.0, min(max(top, MIN_TOP), MAX_TOP), padding=0.0)

    def _make_items(self, names: tuple[str, ...]) -> None:
        """New layers: new bar items (only when the layers change, not per frame)."""
        for item in self._items:
            self._legend.removeItem(item)
            self._plot.removeItem(item)
        self._items = [pg.BarGraphItem(x=[], height=[], width=0.8) for _ in names]
        for item, name in zip(self._items, names, strict=True):
            self._plot.addItem(item)
            self._legend.addItem(item, name)
        self._legend.setColumnCount(max(len(names), 1))
        self._names = names
        self._restyle(self.canvas_style())

    def values(self) -> np.ndarray:
        """What is drawn: the height of each layer of each bar."""
        return self._values.copy()

    def names(self) -> list[str]:
        return list(self._names)

    def categories(self) -> list[str]:
        return list(self._categories)

    def title(self) -> str:
        return self._title

    def clear(self) -> None:
        self.set_stacks(np.zeros((0, len(self._names))), self._names, "")

    def sizeHint(self) -> QSize:
        return QSize(440, 260)
