"""Canvases of a normalizing flow on 2-D data: the learnt density as a heatmap under the data
and the model's samples, and the base distribution's grid warped by the first k layers, k
chosen with a slider.

The density image and the warped lines are computed by the run; these canvases only draw
them (a slider move is one setData per item).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt, Signal

from widgets.canvas import Canvas
from widgets.heatmap import colour_map
from widgets.palette import cluster_colour
from widgets.plot import plot_widget, set_axis_labels
from widgets.scatter import ScatterCanvas
from widgets.style import Style

SAMPLE_SIZE = 5.0
LINE_WIDTH = 1.2


def _line_data(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, connect) drawing (m, points, 2) polylines as one curve, unjoined."""
    m, p = lines.shape[:2]
    connect = np.ones(m * p, dtype=bool)
    connect[p - 1::p] = False
    flat = lines.reshape(-1, 2)
    return flat[:, 0], flat[:, 1], connect


class _Samples:
    """Hollow circles for points drawn from a model, kept in one item."""

    def __init__(self, plot_item: pg.PlotItem, z: float):
        self.item = pg.ScatterPlotItem(pxMode=True)
        self.item.setZValue(z)
        plot_item.addItem(self.item)
        self.xy = np.empty((0, 2))

    def set(self, xy: np.ndarray | None, style: Style) -> None:
        self.xy = np.empty((0, 2)) if xy is None else np.asarray(xy, np.float64).reshape(-1, 2)
        self.draw(style)

    def draw(self, style: Style) -> None:
        self.item.setData(x=self.xy[:, 0], y=self.xy[:, 1], symbol="o",
                          size=style.marker(SAMPLE_SIZE),
                          pen=pg.mkPen(style.theme.accent, width=style.width(1.0)),
                          brush=pg.mkBrush(None))

    def drawn(self) -> np.ndarray:
        x, y = self.item.getData()
        return np.column_stack([np.asarray(x, float), np.asarray(y, float)])


class FlowDensityCanvas(ScatterCanvas):
    """The data over the learnt density p(x) (a heatmap on a grid over the data's box), with
    samples of the model as hollow circles."""

    canvas_name = "Learnt density"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self.image = pg.ImageItem(axisOrder="row-major")
        self._density: np.ndarray | None = None
        self._box: tuple[float, float, float, float] | None = None
        super().__init__(parent)
        self.image.setZValue(-10)
        self.plot_item.addItem(self.image)
        self.samples = _Samples(self.plot_item, 4.5)
        self.samples.draw(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        theme = style.theme
        self.image.setLookupTable(colour_map(theme.dark, theme.background).getLookupTable(
            nPts=256, alpha=False))
        if hasattr(self, "samples"):
            self.samples.draw(style)

    def set_density(self, density: np.ndarray | None,
                    box: tuple[float, float, float, float] | None = None) -> None:
        """p(x) on a grid (rows over y from ymin, columns over x from xmin) over box (xmin,
        xmax, ymin, ymax), from the background colour at 0 to the strongest at its maximum."""
        if density is None:
            self._density = self._box = None
            self.image.clear()
            self.image.setVisible(False)
            return
        self._density = np.asarray(density, dtype=np.float64)
        self._box = tuple(float(v) for v in box)
        top = float(self._density.max())
        self.image.setImage(self._density, levels=(0.0, top if top > 0 else 1.0))
        xmin, xmax, ymin, ymax = self._box
        self.image.setRect(QtCore.QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.image.setVisible(True)

    def density(self) -> np.ndarray | None:
        """The density image drawn now, or None."""
        return None if not self.image.isVisible() else np.asarray(self.image.image)

    def density_rect(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) the image covers on the axes, read back from the item."""
        rect = self.image.mapRectToParent(self.image.boundingRect())
        return rect.left(), rect.right(), rect.top(), rect.bottom()

    def set_samples(self, xy: np.ndarray | None) -> None:
        self.samples.set(xy, self.canvas_style())

    def samples_drawn(self) -> np.ndarray:
        return self.samples.drawn()

    def clear(self) -> None:
        super().clear()
        self.set_density(None)
        self.set_samples(None)


class WarpCanvas(Canvas):
    """The base distribution's grid after the first k layers of the flow, with the model's
    base samples likewise; a slider picks k (0: the base's own grid, L: data space)."""

    canvas_name = "Warped base grid"
    layer_changed = Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = plot_widget()
        self.plot_widget.setMinimumSize(120, 90)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.first_lines = pg.PlotCurveItem()  # lines at constant z₁
        self.second_lines = pg.PlotCurveItem()  # lines at constant z₂
        for item in (self.first_lines, self.second_lines):
            item.setZValue(1)
            self.plot_item.addItem(item)
        self.samples = _Samples(self.plot_item, 3)
        self.slider = QtWidgets.QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self._on_slider)
        self.caption = QtWidgets.QLabel("")
        self._lines = np.empty((1, 0, 0, 2))
        self._sample_layers = np.empty((1, 0, 2))
        box = QtWidgets.QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot_widget, 1)
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(6, 0, 6, 4)
        row.addWidget(QtWidgets.QLabel("layer"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.caption)
        box.addLayout(row)
        self._views = [self.plot_widget]
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        for i, item in enumerate((self.first_lines, self.second_lines)):
            item.setPen(pg.mkPen(cluster_colour(i, style.colours), width=style.width(LINE_WIDTH)))
        self.samples.draw(style)
        self.setFont(style.font())

    def set_layers(self, grid_lines: np.ndarray, sample_layers: np.ndarray) -> None:
        """Grid lines (L + 1, lines, points, 2), the first half at constant z₁, and samples
        (L + 1, m, 2), after each number of layers; keeps the chosen layer (at most L)."""
        self._lines = np.asarray(grid_lines, dtype=np.float64)
        self._sample_layers = np.asarray(sample_layers, dtype=np.float64)
        top = len(self._lines) - 1
        at_end = self.slider.value() == self.slider.maximum()
        self.slider.blockSignals(True)
        self.slider.setMaximum(top)
        if at_end:
            self.slider.setValue(top)
        self.slider.blockSignals(False)
        self._draw()

    def set_layer(self, k: int) -> None:
        self.slider.setValue(int(k))

    def layer(self) -> int:
        return self.slider.value()

    def n_layers(self) -> int:
        return self.slider.maximum()

    def set_range(self, box: tuple[float, float, float, float]) -> None:
        """Show this box (the data's) whatever the layer, so the layers share axes."""
        xmin, xmax, ymin, ymax = box
        self.plot_item.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0.0)

    def _on_slider(self, k: int) -> None:
        self._draw()
        self.layer_changed.emit(k)

    def _draw(self) -> None:
        k = min(self.slider.value(), len(self._lines) - 1)
        lines = self._lines[k]
        half = len(lines) // 2
        for item, part in ((self.first_lines, lines[:half]), (self.second_lines, lines[half:])):
            if part.size:
                x, y, connect = _line_data(part)
                item.setData(x, y, connect=connect)
            else:
                item.setData([], [])
        self.samples.set(self._sample_layers[k], self.canvas_style())
        top = len(self._lines) - 1
        where = ("the base's own grid" if k == 0 else
                 "data space" if k == top else f"after {k} coupling layers")
        self.caption.setText(f"{k} of {top}: {where}")

    def lines_drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) of the constant-z₁ and the constant-z₂ lines as drawn."""
        return tuple(np.column_stack([np.asarray(a, float) for a in item.getData()])
                     for item in (self.first_lines, self.second_lines))

    def samples_drawn(self) -> np.ndarray:
        return self.samples.drawn()

    def set_title(self, text: str | None) -> None:
        self.set_plot_title(self.plot_widget, text)

    def set_labels(self, x: str, y: str) -> None:
        set_axis_labels(self.plot_item, x, y)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(420, 380)
