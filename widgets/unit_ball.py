"""The unit ball of a Minkowski metric: the curve {x : ‖x‖_r = 1} in the plane.

The chosen r is drawn bold over the three named cases (r = 1, the diamond; r = 2, the circle;
r = ∞, the square), dashed and muted, so the eye sees where r sits between them. A metric that
is no norm's (cosine, edit) has no ball: the canvas says so in its title.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from engine.distances import unit_ball
from widgets.canvas import Canvas
from widgets.plot import plot_widget
from widgets.style import Style

REFERENCES = ((1.0, "r = 1"), (2.0, "r = 2"), (np.inf, "r = ∞"))


class UnitBallCanvas(Canvas):
    """The chosen metric's unit circle, bold, over the r = 1, 2, ∞ ones."""

    canvas_name = "Unit ball"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        item = self._plot.getPlotItem()
        item.setAspectLocked(True)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", "x₁")
        item.setLabel("left", "x₂")
        self._references = []
        for r, _ in REFERENCES:
            curve = pg.PlotCurveItem(*unit_ball(r).T)
            item.addItem(curve)
            self._references.append(curve)
        self._curve = pg.PlotCurveItem()
        self._curve.setZValue(10)
        item.addItem(self._curve)
        self._labels = []
        for r, text in REFERENCES:  # r = 1 and 2 at 45°; r = ∞ inside its corner at 225°
            label = pg.TextItem(text, anchor=(0, 1))
            corner = unit_ball(r, 8)[5 if np.isinf(r) else 1]
            label.setPos(float(corner[0]), float(corner[1]))
            item.addItem(label)
            self._labels.append(label)
        item.setRange(xRange=(-1.15, 1.15), yRange=(-1.15, 1.15), padding=0.0)
        self._r: float | None = None
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        theme = style.theme
        muted = pg.mkPen(theme.muted, width=style.width(1.0), style=Qt.PenStyle.DashLine)
        for curve in self._references:
            curve.setPen(muted)
        self._curve.setPen(pg.mkPen(theme.accent, width=style.width(3.0)))
        for label in self._labels:
            label.setColor(theme.muted)
            label.setFont(style.font(0.9))

    def set_ball(self, points: np.ndarray | None, name: str) -> None:
        """Draw this closed curve (None: the metric has no unit ball) and title it `name`."""
        if points is None:
            self._curve.setData([], [])
            self.set_plot_title(self._plot, f"{name}: no unit ball")
            return
        xy = np.asarray(points, dtype=np.float64)
        self._curve.setData(xy[:, 0], xy[:, 1])
        self.set_plot_title(self._plot, f"unit ball, {name}")

    def ball(self) -> np.ndarray:
        """The chosen curve as drawn, (m, 2); empty when there is none."""
        x, y = self._curve.getData()
        if x is None or not len(x):
            return np.empty((0, 2))
        return np.column_stack([x, y])

    def title(self) -> str:
        return self._plot.getPlotItem().titleLabel.text

    def clear(self) -> None:
        self._curve.setData([], [])
        self.set_plot_title(self._plot, None)
