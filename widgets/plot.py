"""The one way canvases make a pyqtgraph plot, so that what every plot needs is set once."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem


def plot_widget(parent=None, **kwargs) -> pg.PlotWidget:
    """A PlotWidget whose axes repaint from a cached pixmap.

    Each axis replays its tick labels as text at every repaint of anything under it (with a
    grid, that is the whole plot), which cost more than a 100,000-point scatter here. Cached,
    an axis is redrawn only when its range or size changes. No axis rescales its ticks with
    an SI prefix: "stress-1 (x0.001)" over ticks of 0 to 800 read as a stress of 800.
    """
    widget = pg.PlotWidget(parent, **kwargs)
    for name in ("left", "bottom", "right", "top"):
        axis = widget.getPlotItem().getAxis(name)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        axis.enableAutoSIPrefix(False)
    _replace_title(widget.getPlotItem())
    return widget


def set_axis_labels(plot, x: str, y: str) -> None:
    """Label a plot's bottom and left axes (plot: a PlotItem or PlotWidget). Views set them
    at every step, and pyqtgraph redraws and re-sizes an axis whose label is set, even to
    the same text: only a new one is set."""
    for side, text in (("bottom", x), ("left", y)):
        axis = plot.getAxis(side)
        if axis.labelText != text or not axis.isVisible():
            plot.setLabel(side, text)


class TitleLabel(pg.LabelItem):
    """A plot title that never widens its plot: pyqtgraph's asks for its text's width as a
    minimum, so a long title in a big font pushed the plot out of its widget. Cut instead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)

    def updateMin(self):
        super().updateMin()
        self.setMinimumWidth(0)
        height = self._sizeHint[Qt.SizeHint.MinimumSize][1]
        self._sizeHint[Qt.SizeHint.MinimumSize] = (0, height)


def _replace_title(item: pg.PlotItem) -> None:
    old = item.titleLabel
    item.layout.removeItem(old)
    old.setParentItem(None)
    if old.scene() is not None:
        old.scene().removeItem(old)
    item.titleLabel = TitleLabel("", size="11pt", parent=item)
    item.layout.addItem(item.titleLabel, 0, 1)
    item.setTitle(None)


class IntegerAxis(pg.AxisItem):
    """An axis of counts (components, steps): ticks only at whole numbers."""

    def tickValues(self, minVal, maxVal, size):
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            if spacing < 1:
                continue
            whole = [v for v in values if float(v).is_integer()]
            if whole:
                levels.append((spacing, whole))
        if not levels:  # zoomed in below one unit: the whole numbers in range, if any
            lo, hi = int(np.ceil(minVal)), int(np.floor(maxVal))
            levels = [(1.0, list(range(lo, hi + 1)))] if hi >= lo else []
        return levels
