"""Bars with named categories (characters, or models), from zero, with an optional level per
bar drawn as a short line across it: a codeword's length against −log₂ p, say. One bar item
and one line item, updated in place."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.labels import LabelPool
from widgets.plot import plot_widget, set_axis_labels
from widgets.style import Style

BAR_WIDTH = 0.7


class SymbolBarCanvas(Canvas):
    """Bar i named names[i], height values[i]; `levels[i]` a line across it; `chosen` bars
    in the accent colour; values written over the bars when asked."""

    canvas_name = "Bars"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.getPlotItem().showGrid(x=False, y=True, alpha=0.15)
        self._bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH)
        self._levels = pg.PlotCurveItem(connect="pairs")
        self._levels.setZValue(1)
        self._plot.addItem(self._bars)
        self._plot.addItem(self._levels)
        self._value_labels = LabelPool(self._plot.getPlotItem(), (0.5, 1.0))
        self._names: list[str] = []
        self._values = np.empty(0)
        self._level_values: np.ndarray | None = None
        self._chosen: set[int] = set()
        self._write = False
        self._title = ""
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        self._levels.setPen(pg.mkPen(style.theme.accent, width=style.width(2.5)))
        self._value_labels.restyle(style.theme.foreground, style.font(0.9))
        self._draw()
        self.set_plot_title(self._plot, self._title or None)

    def set_labels(self, x: str, y: str) -> None:
        set_axis_labels(self._plot, x, y)

    def set_bars(self, names, values, levels=None, chosen=(), title: str = "",
                 write_values: bool = False) -> None:
        self._names = [str(n) for n in names]
        self._values = np.asarray(values, dtype=np.float64).ravel()
        self._level_values = None if levels is None else np.asarray(levels, np.float64).ravel()
        self._chosen = set(chosen)
        self._write = write_values
        self._title = title
        self._draw()
        self.set_plot_title(self._plot, title or None)
        self._plot.getAxis("bottom").setTicks([list(enumerate(self._names))])
        m = len(self._names)
        if m:
            top = float(np.nanmax(self._values)) if self._values.size else 1.0
            if self._level_values is not None and self._level_values.size:
                top = max(top, float(np.nanmax(self._level_values)))
            self._plot.setXRange(-0.6, m - 0.4, padding=0.0)
            self._plot.setYRange(0.0, max(top, 1e-9) * (1.18 if write_values else 1.05),
                                 padding=0.0)

    def _draw(self) -> None:
        style = self.canvas_style()
        m = len(self._values)
        x = np.arange(m, dtype=np.float64)
        normal, accent = pg.mkBrush(style.colours[0]), pg.mkBrush(style.theme.accent)
        self._bars.setOpts(x=x, height=self._values, width=BAR_WIDTH, pen=pg.mkPen(None),
                           pens=None, brush=normal,
                           brushes=[accent if i in self._chosen else normal for i in range(m)]
                           if m else None)
        levels = self._level_values
        if levels is not None and len(levels) == m and m:
            half = BAR_WIDTH / 2 + 0.08
            xs = np.column_stack([x - half, x + half]).ravel()
            ys = np.repeat(levels, 2)
            self._levels.setData(xs, ys, connect="pairs")
        else:
            self._levels.setData([], [])
        if self._write and m:
            self._value_labels.show([f"{v:.2f}" for v in self._values], x, self._values)
        else:
            self._value_labels.show([], [], [])

    def names(self) -> list[str]:
        return list(self._names)

    def values(self) -> np.ndarray:
        return self._values.copy()

    def levels(self) -> np.ndarray | None:
        return None if self._level_values is None else self._level_values.copy()

    def written(self) -> list[str]:
        return self._value_labels.texts()

    def title(self) -> str:
        return self._title

    def sizeHint(self) -> QSize:
        return QSize(420, 240)
