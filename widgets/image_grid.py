"""A grid of equal-sized grayscale images (samples from a prior, a latent traversal) drawn as
one mosaic image, with its rows and columns named on the axes.

One item and one texture, however many cells: a 16 × 9 traversal redraws in about a
millisecond, where an item per cell (`widgets.images.ImageStrip`) costs a hundred times more.
The gaps between cells are the middle grey of the images' scale: transparent gaps let the
canvas's background through, and white ink at a cell's edge ran into a light theme's white (as
black ground did into a dark theme's), so cells of binary digits merged.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from widgets.canvas import Canvas
from widgets.plot import plot_widget
from widgets.style import Style


class ImageGridCanvas(Canvas):
    """Images (rows, cols, h, w) as one mosaic, row 0 at the top; named rows and columns."""

    canvas_name = "Image grid"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = plot_widget()
        self.plot_widget.setMinimumSize(120, 90)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.hideButtons()
        self.plot_item.setMenuEnabled(False)
        box = self.plot_item.getViewBox()
        box.setMouseEnabled(x=False, y=False)
        box.setAspectLocked(True)
        box.invertY(True)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.plot_item.addItem(self.item)
        self._cells = np.empty((0, 0, 0, 0))
        self._gap = 1
        self._title: str | None = None
        self._names: tuple[list[str] | None, list[str] | None] = (None, None)
        self.show_views(self.plot_widget)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        # The names, without axis lines or ticks: the cells themselves mark rows and columns.
        for axis in ("left", "bottom"):
            self.plot_item.getAxis(axis).setPen(pg.mkPen(None))
        if getattr(self, "_title", None) is not None:
            self.set_title(self._title)

    # ---- public API -------------------------------------------------------------------------

    def set_images(self, images: np.ndarray, levels: tuple[float, float] | None = None,
                   row_names: list[str] | None = None,
                   column_names: list[str] | None = None) -> None:
        """Draw images (rows, cols, h, w) on one grey scale, `levels` (default: their range).
        Names label the rows (left axis) and columns (bottom axis); "" leaves one unnamed."""
        cells = np.asarray(images, dtype=np.float64)
        if cells.ndim != 4:
            raise ValueError(f"images must have shape (rows, cols, h, w), not {cells.shape}")
        rows, cols, h, w = cells.shape
        for names, count, what in ((row_names, rows, "rows"), (column_names, cols, "columns")):
            if names is not None and len(names) != count:
                raise ValueError(f"{len(names)} names for {count} {what}")
        self._cells = cells.copy()
        self._names = (row_names, column_names)
        self._gap = max(1, round(0.125 * max(h, w)))
        lo, hi = levels if levels is not None else _span(cells)
        hi = hi if hi > lo else lo + 1.0
        mosaic = self._mosaic(cells, (lo + hi) / 2.0)
        self.item.setImage(mosaic, levels=(lo, hi), autoLevels=False)
        self._name_axes()
        self.plot_item.getViewBox().setRange(
            QtCore.QRectF(0, 0, mosaic.shape[1], mosaic.shape[0]), padding=0.02)

    def images(self) -> np.ndarray:
        """The cells drawn now, (rows, cols, h, w), read back from the mosaic."""
        rows, cols, h, w = self._cells.shape
        mosaic = np.asarray(self.item.image) if self.item.image is not None else None
        out = np.empty((rows, cols, h, w))
        for r in range(rows):
            for c in range(cols):
                y, x = r * (h + self._gap), c * (w + self._gap)
                out[r, c] = mosaic[y:y + h, x:x + w]
        return out

    def names(self) -> tuple[list[str] | None, list[str] | None]:
        """The row and column names shown."""
        return self._names

    def set_title(self, text: str | None) -> None:
        self._title = text
        self.set_plot_title(self.plot_widget, text)

    def title(self) -> str:
        return self._title or ""

    def clear(self) -> None:
        self.item.clear()
        self._cells = np.empty((0, 0, 0, 0))
        self._names = (None, None)
        self._name_axes()

    # ---- drawing ----------------------------------------------------------------------------

    def _mosaic(self, cells: np.ndarray, gap_value: float) -> np.ndarray:
        """The cells side by side, `gap_value` in the gaps between them."""
        rows, cols, h, w = cells.shape
        g = self._gap
        mosaic = np.full((rows * (h + g) - g, cols * (w + g) - g), gap_value)
        for r in range(rows):
            for c in range(cols):
                mosaic[r * (h + g):r * (h + g) + h, c * (w + g):c * (w + g) + w] = cells[r, c]
        return mosaic

    def _name_axes(self) -> None:
        _, _, h, w = self._cells.shape if self._cells.ndim == 4 else (0, 0, 0, 0)
        for axis, names, size in (("left", self._names[0], h), ("bottom", self._names[1], w)):
            shown = names is not None
            self.plot_item.showAxis(axis, shown)
            if shown:
                ticks = [((i * (size + self._gap) + size / 2), name)
                         for i, name in enumerate(names) if name]
                self.plot_item.getAxis(axis).setTicks([ticks, []])


def _span(cells: np.ndarray) -> tuple[float, float]:
    finite = cells[np.isfinite(cells)]
    if finite.size == 0:
        return 0.0, 1.0
    return float(finite.min()), float(finite.max())
