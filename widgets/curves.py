"""Line plots of named series per step (objective, losses, quality) with a timeline cursor."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.canvas import Canvas
from widgets.legend import CornerLegend
from widgets.palette import palette_hex
from widgets.plot import IntegerAxis, plot_widget, set_axis_labels
from widgets.style import Style

# Distinct on white, colour-blind friendly first (Okabe and Ito), then Tableau's.
SERIES_HEX = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
    "#8C564B", "#9467BD", "#7F7F7F", "#BCBD22", "#17BECF",
)
BLACK = "#000000"  # drawn in the theme's text colour, so it shows on dark too
LINE_WIDTH = 2.0


class CurveCanvas(Canvas):
    """One line per named series, a legend, and a vertical cursor at the current step."""

    canvas_name = "Curves"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = plot_widget(axisItems={"bottom": IntegerAxis("bottom")})  # steps
        self.plot_widget.setMinimumSize(120, 90)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        self._corner_legend = CornerLegend(self.plot_item, self._all_points, headroom=True)
        self.legend = self._corner_legend.legend
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.cursor.setZValue(100)
        self.cursor.setVisible(False)
        self.plot_item.addItem(self.cursor, ignoreBounds=True)
        self.show_views(self.plot_widget)
        self._items: dict[str, pg.PlotDataItem] = {}
        self._slots: dict[str, int] = {}  # each series' place in the series colours
        self._x: np.ndarray | None = None
        self._line_width = LINE_WIDTH
        self._marks: list[pg.InfiniteLine] = []
        self._y_label = ""
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        self.cursor.setPen(pg.mkPen(style.theme.accent, width=style.width(1.5)))
        if getattr(self, "_marks", None):
            self._draw_marks(self.marks())
        for name, item in self._items.items():
            item.setPen(self._pen(name))

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
        self._show_legend()

    def _show_legend(self) -> None:
        """No legend for no series (an empty box before a run) nor for one series that the y
        axis already names; else in the emptiest corner."""
        alone = not self._items or list(self._items) == [self._y_label]
        self.legend.setVisible(not alone)
        if not alone:
            self._corner_legend.update()

    def _all_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Every series' points as drawn, for placing the legend."""
        data = [item.getData() for item in self._items.values()]
        data = [(x, y) for x, y in data if x is not None and y is not None]
        if not data:
            return np.empty(0), np.empty(0)
        return np.concatenate([x for x, _ in data]), np.concatenate([y for _, y in data])

    def _pen(self, name: str) -> QtGui.QPen:
        if name not in self._slots:
            used = set(self._slots.values())
            free = [i for i in range(len(SERIES_HEX)) if i not in used]
            self._slots[name] = free[0] if free else len(self._slots)
        return pg.mkPen(self.curve_colour(name),
                        width=self.canvas_style().width(self._line_width))

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
        """The colour the series is drawn in, in this style."""
        style = self.canvas_style()
        colours = palette_hex("colour-blind", True) if style.theme.dark else SERIES_HEX
        hexcode = colours[self._slots[name] % len(colours)]
        return QtGui.QColor(style.theme.foreground if hexcode == BLACK else hexcode)

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

    def set_marks(self, marks) -> None:
        """Labelled dashed vertical lines at these x positions: (x, label) pairs, e.g. where
        t-SNE's early exaggeration ends. Replaces the marks drawn before (views set them at
        every step: the same marks are left as they are)."""
        marks = [(float(x), str(label)) for x, label in marks]
        if marks != self.marks():
            self._draw_marks(marks)

    def _draw_marks(self, marks) -> None:
        for line in self._marks:
            self.plot_item.removeItem(line)
        self._marks = []
        style = self.canvas_style()
        for x, label in marks:
            line = pg.InfiniteLine(
                pos=float(x), angle=90, movable=False, label=label,
                pen=pg.mkPen(style.theme.muted, width=style.width(1.0),
                             style=QtCore.Qt.PenStyle.DashLine),
                labelOpts={"position": 0.9, "color": style.theme.foreground,
                           "anchors": [(0, 0), (0, 0)]})
            line.label.setFont(style.font())
            self.plot_item.addItem(line, ignoreBounds=True)
            self._marks.append(line)

    def marks(self) -> list[tuple[float, str]]:
        """The marks drawn now, read back from the lines."""
        return [(float(line.value()), line.label.format) for line in self._marks]

    def cursor_position(self) -> float | None:
        return float(self.cursor.value()) if self.cursor.isVisible() else None

    def set_title(self, title: str) -> None:
        self.set_plot_title(self.plot_widget, title)

    def set_labels(self, x: str, y: str) -> None:
        set_axis_labels(self.plot_item, x, y)
        self._y_label = y
        self._show_legend()

    def set_log_y(self, log: bool) -> None:
        """Logarithmic y axis, for losses that fall over orders of magnitude."""
        self.plot_item.setLogMode(x=False, y=log)

    def set_line_width(self, px: float) -> None:
        """Line width in pixels, before the style's line scale."""
        self._line_width = float(px)
        for name, item in self._items.items():
            item.setPen(self._pen(name))

    def clear(self) -> None:
        """Remove every series and hide the cursor."""
        for name in list(self._items):
            self._remove(name)
        self._slots.clear()
        self._x = None
        self.set_cursor(None)
        self._show_legend()

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(500, 300)
