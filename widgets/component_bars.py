"""Components of data that are not images: one small bar chart per component, a bar per
feature (NMF's parts, a dictionary's atoms, on tables of measurements)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.style import Style

MAX_SHOWN = 8


class ComponentBars(Canvas):
    """The first MAX_SHOWN rows of a (k, d) array as bar charts, stacked, features along x."""

    canvas_name = "Components"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = pg.GraphicsLayoutWidget()
        self.show_views(self._layout)
        self._values = np.empty((0, 0))
        self._names: list[str] = []
        self._titles: list[str] = []
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        if self._values.size:
            self._draw()

    def set_components(self, values: np.ndarray, feature_names: list[str],
                       titles: list[str]) -> None:
        """Row i of values as the bar chart titled titles[i]."""
        self._values = np.asarray(values, dtype=np.float64)[:MAX_SHOWN]
        self._names = list(feature_names)
        self._titles = list(titles)[:MAX_SHOWN]
        self._draw()

    def _draw(self) -> None:
        self._layout.clear()
        style = self.canvas_style()
        brush = pg.mkBrush(style.colours[0])
        ticks = [list(enumerate(self._names))]
        for i, row in enumerate(self._values):
            plot = self._layout.addPlot(row=i, col=0)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=False, y=False)
            plot.addItem(pg.BarGraphItem(x=np.arange(row.size), height=row, width=0.7,
                                         brush=brush, pen=pg.mkPen(None)))
            plot.setTitle(self._titles[i], color=style.theme.foreground,
                          size=f"{style.points():.1f}pt")
            plot.getAxis("bottom").setTicks(ticks)
            plot.getAxis("bottom").setStyle(showValues=i == len(self._values) - 1)
            for name in ("left", "bottom"):
                plot.getAxis(name).setPen(style.theme.foreground)
                plot.getAxis(name).setTextPen(style.theme.foreground)

    def values(self) -> np.ndarray:
        return self._values.copy()

    def titles(self) -> list[str]:
        return list(self._titles)
