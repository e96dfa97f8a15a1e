"""A small bar chart with one bar singled out: the final J of each restart, the best kept."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.plot import IntegerAxis, plot_widget, set_axis_labels
from widgets.style import Style


class BarCanvas(Canvas):
    """Bars 1..m; the `chosen` one in the accent colour, the others in the first colour."""

    canvas_name = "Bars"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = plot_widget(self, axisItems={"bottom": IntegerAxis("bottom")})
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self._plot.addItem(self._bars)
        self._values = np.empty(0)
        self._chosen: int | None = None
        self._title = ""
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        self._draw()
        self.set_plot_title(self._plot, self._title or None)

    def set_labels(self, x: str, y: str) -> None:
        set_axis_labels(self._plot, x, y)

    def set_bars(self, values, chosen: int | None = None, title: str = "") -> None:
        """Bar i + 1 has height values[i]; bar `chosen` (0-based) stands out."""
        self._values = np.asarray(values, dtype=np.float64).ravel()
        self._chosen = chosen
        self._title = title
        self._draw()
        self.set_plot_title(self._plot, title or None)
        m = self._values.size
        if m:
            self._plot.setXRange(0.4, m + 0.6, padding=0.0)
            # From just under the lowest bar: small differences between runs stay visible.
            lo, hi = float(np.nanmin(self._values)), float(np.nanmax(self._values))
            spread = hi - lo if hi > lo else max(abs(hi), 1.0) * 0.1
            self._plot.setYRange(max(0.0, lo - spread), hi + 0.15 * spread, padding=0.0)

    def _draw(self) -> None:
        m = self._values.size
        if m == 0:
            self._bars.setOpts(x=[], height=[], brushes=None)
            return
        style = self.canvas_style()
        normal, chosen = pg.mkBrush(style.colours[0]), pg.mkBrush(style.theme.accent)
        brushes = [chosen if i == self._chosen else normal for i in range(m)]
        self._bars.setOpts(x=np.arange(1, m + 1), height=self._values, width=0.7,
                           brushes=brushes, pens=[pg.mkPen(None)] * m)

    def values(self) -> np.ndarray:
        return self._values.copy()

    def chosen(self) -> int | None:
        return self._chosen

    def title(self) -> str:
        return self._title

    def clear(self) -> None:
        self.set_bars([], None, "")

    def sizeHint(self) -> QSize:
        return QSize(400, 220)
