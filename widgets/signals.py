"""Signals over time, one trace above the next (the sources and mixtures of ICA): each trace
scaled to unit spread and drawn in its own cluster colour, so a matched source keeps its
colour from canvas to canvas, named by the left axis's tick."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from widgets.canvas import Canvas
from widgets.palette import cluster_colour
from widgets.plot import plot_widget
from widgets.style import Style

SPACING = 4.0  # vertical distance between traces, in standard deviations
MAX_SAMPLES = 600  # the first samples are drawn: a few periods stay readable
LINE_WIDTH = 1.5


class SignalCanvas(Canvas):
    """Stacked traces: trace i drawn at height −i · SPACING, labelled."""

    canvas_name = "Signals"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = plot_widget()
        self.plot_widget.setMinimumSize(120, 60)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setLabel("bottom", "time step")
        self.plot_item.setMouseEnabled(x=True, y=False)
        self.show_views(self.plot_widget)
        self._curves: list[pg.PlotCurveItem] = []
        self._names: list[str] = []
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        for i, curve in enumerate(getattr(self, "_curves", [])):
            curve.setPen(self._pen(i, style))

    @staticmethod
    def _pen(i: int, style: Style):
        return pg.mkPen(cluster_colour(i, style.colours), width=style.width(LINE_WIDTH))

    def set_signals(self, traces: np.ndarray | None, names: list[str] | None = None,
                    title: str | None = None) -> None:
        """Draw the columns of traces (n, k), the first MAX_SAMPLES rows; None: nothing."""
        style = self.canvas_style()
        k = 0 if traces is None else traces.shape[1]
        while len(self._curves) < k:
            curve = pg.PlotCurveItem()
            self.plot_item.addItem(curve)
            self._curves.append(curve)
        self._names = list(names or [])[:k]
        for i, curve in enumerate(self._curves):
            shown = i < k
            curve.setVisible(shown)
            if not shown:
                continue
            y = np.asarray(traces[:MAX_SAMPLES, i], dtype=np.float64)
            spread = y.std()
            y = (y - y.mean()) / (spread if spread > 0 else 1.0) - i * SPACING
            curve.setData(np.arange(len(y)), y)
            curve.setPen(self._pen(i, style))
        self.plot_item.getAxis("left").setTicks(
            [[(-i * SPACING, name) for i, name in enumerate(self._names)], []])
        self.set_plot_title(self.plot_widget, title)
        if k:
            self.plot_item.setYRange(-(k - 0.5) * SPACING, 0.5 * SPACING, padding=0.0)
            self.plot_item.setXRange(0, min(len(traces), MAX_SAMPLES) - 1, padding=0.01)

    def leave_time_name(self) -> None:
        """Leave the time axis's name to a canvas below: canvases stacked over the same time
        steps need "time step" once, under the last, and the line it gives back goes to the
        traces (at 1024 × 768 in presentation mode their names overlapped). Each keeps its
        numbers: the names beside the traces differ in width, so the axes do not line up.
        The name is cleared, not hidden: a restyle shows every axis name that has text."""
        self.plot_item.setLabel("bottom", None)

    def time_named(self) -> bool:
        """Whether the time axis shows its name."""
        return self.plot_item.getAxis("bottom").label.isVisible()

    def trace_count(self) -> int:
        return sum(c.isVisible() for c in self._curves)

    def trace_data(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of trace i as drawn (shifted down by i · SPACING)."""
        x, y = self._curves[i].getData()
        return np.asarray(x), np.asarray(y)

    def names(self) -> list[str]:
        """The traces' names, top to bottom."""
        return list(self._names)

    def title(self) -> str:
        return self.plot_item.titleLabel.text

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(420, 160)
