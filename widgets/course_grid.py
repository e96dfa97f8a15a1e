"""Time courses of components, one small plot per component, one line per condition in the
conditions' colours (the scatter's): demixed PCA's components row by row (time, condition,
interaction), or PCA's. All plots share one y range, so their sizes compare."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.style import Style


class CourseGrid(Canvas):
    """Plots in rows (`layout`: the components of each row), a key of the conditions above.
    The plots and their lines are made again only when the layout or the number of
    conditions changes; each snapshot only sets their data."""

    canvas_name = "Components"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = pg.GraphicsLayoutWidget()
        self._key = pg.LabelItem(justify="left")
        self._plots: list[pg.PlotItem] = []
        self._lines: list[list[pg.PlotDataItem]] = []
        self._shape: tuple = ()
        self._titles: list[str] = []
        self._names: list[str] = []
        self._times = np.empty(0)
        self._courses = np.empty((0, 0, 0))
        self.show_views(self._layout)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        colours = style.colours
        for lines in self._lines:
            for c, line in enumerate(lines):
                line.setPen(pg.mkPen(colours[c % len(colours)], width=style.width(1.5)))
        for plot, title in zip(self._plots, self._titles, strict=False):
            plot.setTitle(title, color=style.theme.foreground, size=f"{style.points():.1f}pt")
            for name in ("left", "bottom"):
                plot.getAxis(name).setPen(style.theme.axis)
                plot.getAxis(name).setTextPen(style.theme.foreground)
                plot.getAxis(name).setTickFont(style.font())
        self._show_key()

    def set_courses(self, courses: np.ndarray, times: np.ndarray, layout: list[list[int]],
                    titles: list[str], condition_names: list[str]) -> None:
        """courses (K, C, T): component k's line for condition c over `times`, drawn in the
        plot at its place in `layout` (rows of component indices), titled titles[k]."""
        courses = np.asarray(courses, dtype=np.float64)
        shape = (tuple(map(tuple, layout)), courses.shape[1])
        if shape != self._shape:
            self._build(layout, courses.shape[1])
            self._shape = shape
        self._courses, self._times = courses, np.asarray(times, dtype=np.float64)
        self._titles = [titles[k] for row in layout for k in row]
        self._names = list(condition_names)
        order = [k for row in layout for k in row]
        top = float(np.abs(courses).max()) if courses.size else 1.0
        for plot, k, lines in zip(self._plots, order, self._lines, strict=True):
            for c, line in enumerate(lines):
                line.setData(self._times, courses[k, c])
            plot.setYRange(-top, top, padding=0.05)
            if self._times.size:
                plot.setXRange(self._times[0], self._times[-1], padding=0.0)
        self._restyle(self.canvas_style())

    def _build(self, layout: list[list[int]], n_conditions: int) -> None:
        self._layout.clear()
        columns = max((len(row) for row in layout), default=1)
        self._layout.addItem(self._key, row=0, col=0, colspan=columns)
        self._plots, self._lines = [], []
        for r, row in enumerate(layout):
            for c, _ in enumerate(row):
                plot = self._layout.addPlot(row=r + 1, col=c)
                plot.setMenuEnabled(False)
                plot.hideButtons()
                plot.setMouseEnabled(x=False, y=False)
                plot.setMinimumWidth(40)  # many small plots fit a narrow canvas
                plot.getViewBox().setMinimumWidth(20)
                plot.getAxis("bottom").setStyle(showValues=r == len(layout) - 1)
                if c > 0:  # one y range for all: its values once per row
                    plot.getAxis("left").setStyle(showValues=False)
                    plot.getAxis("left").setWidth(6)
                self._plots.append(plot)
                self._lines.append([plot.plot() for _ in range(n_conditions)])

    def _show_key(self) -> None:
        """The conditions' names, each in its colour, above the plots."""
        style = self.canvas_style()
        colours = style.colours
        parts = [f'<span style="color:{colours[c % len(colours)]}">━ {html.escape(name)}</span>'
                 for c, name in enumerate(self._names)]
        self._key.setText("&nbsp;&nbsp;".join(parts), size=f"{style.points():.1f}pt",
                          color=style.theme.foreground)

    def plot_titles(self) -> list[str]:
        """The titles of the plots, in reading order."""
        return list(self._titles)

    def line_data(self, plot: int, condition: int) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of one condition's line in one plot (reading order), as drawn."""
        x, y = self._lines[plot][condition].getData()
        return np.asarray(x), np.asarray(y)

    def key_text(self) -> str:
        return self._key.text

    def clear(self) -> None:
        self._layout.clear()
        self._plots, self._lines, self._shape, self._titles = [], [], (), []

    def sizeHint(self) -> QSize:
        return QSize(560, 420)
