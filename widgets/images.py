"""A grid of small grayscale images with titles: components, reconstructions, decodings.

All images share one view box (so they share a scale and cost one scene), each image
is one `ImageItem` placed in its cell; the items are kept and reused between calls.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.style import Style, base_points

GAP = 0.08  # space between cells, as a fraction of an image's width
TITLE_BAND = 0.3  # room above each row for its titles, as a fraction of an image's height


class ImageStrip(Canvas):
    """m grayscale images in `rows` rows, row 0 of each image at its top.

    A strip of data rows (reconstructions, not components) says which row each image shows
    with `set_data_rows`; it then reports a linked selection with `highlight_changed`, for
    its view to show the selected rows, and reads back which selected rows it draws."""

    canvas_name = "Images"
    highlight_changed = Signal(object)  # the data rows selected anywhere (int64 array)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._view = pg.GraphicsView(self)
        self._box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self._box.setMouseEnabled(x=False, y=False)
        self._view.setCentralItem(self._box)
        self._items: list[pg.ImageItem] = []
        self._titles: list[pg.TextItem] = []
        self._count = 0
        self._shown: tuple | None = None  # the last arguments of set_images
        self._data_rows = np.empty(0, np.int64)  # the data row each image shows, or -1
        self.show_views(self._view)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        for title in self._titles:
            self._style_title(title)
        if self._shown is not None:
            self.set_images(*self._shown)  # the title band follows the font

    def _style_title(self, title: pg.TextItem) -> None:
        style = self.canvas_style()
        title.setColor(style.theme.foreground)
        title.setFont(style.font())

    def font_size(self) -> float:
        """The titles' point size (an image strip has no axes), read from a title if any."""
        if self._titles:
            return float(self._titles[0].textItem.font().pointSizeF())
        return self.canvas_style().points()

    def set_images(self, images: np.ndarray, titles: list[str] | None = None, rows: int = 1,
                   levels: tuple[float, float] | None = None) -> None:
        """Draw images (m, h, w); without `levels` each image spans black to white."""
        stack = np.asarray(images, dtype=np.float64)
        if stack.ndim == 2:
            stack = stack[None]
        if stack.ndim != 3:
            raise ValueError(f"images must have shape (m, h, w), not {stack.shape}")
        if titles is not None and len(titles) != stack.shape[0]:
            raise ValueError(f"{len(titles)} titles for {stack.shape[0]} images")
        self._shown = (stack, titles, rows, levels)
        m, h, w = stack.shape
        cols = max(1, math.ceil(m / max(1, int(rows))))
        gap = GAP * w
        band = self._title_band(h, w, cols, math.ceil(m / cols)) if titles else gap
        for i in range(m):
            r, c = divmod(i, cols)
            x, y = c * (w + gap), r * (h + band) + band
            self._show_image(i, stack[i], QRectF(x, y, w, h), levels)
            self._show_title(i, titles[i] if titles else "", x, y - 0.04 * h)
        for i in range(m, len(self._items)):
            self._items[i].setVisible(False)
            self._titles[i].setVisible(False)
        self._count = m
        n_rows = math.ceil(m / cols) if m else 0
        if m:
            self._box.setRange(QRectF(-gap / 2, 0, cols * (w + gap), n_rows * (h + band)),
                               padding=0.0)

    def _title_band(self, h: float, w: float, cols: int, n_rows: int) -> float:
        """Room above each row for its titles, in image units: a line of the title font at
        the scale the strip will be drawn at. A fixed share of an image's height was less
        than a line in a wide, shallow strip, and the titles ran into the images."""
        grow = max(1.0, self.canvas_style().points() / base_points())
        fallback = TITLE_BAND * h * grow
        view_w, view_h = self._view.width(), self._view.height()
        if view_w <= 0 or view_h <= 0 or not self.isVisible():
            return fallback
        probe = pg.TextItem("Ag")  # a title's own box: the font's line plus its margins
        probe.setFont(self.canvas_style().font())
        line = probe.boundingRect().height()
        scale = view_w / (cols * w * (1.0 + GAP))  # pixels per image unit, the width fitted
        if view_h > n_rows * line:  # or the height, with a line above each row
            scale = min(scale, (view_h - n_rows * line) / (n_rows * h))
        return line / scale if scale > 0 else fallback

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        """Lay the titled images out again: their title band is measured in pixels."""
        if self._shown is not None and self._shown[1] is not None:
            self.set_images(*self._shown)

    def set_data_rows(self, rows: np.ndarray | None) -> None:
        """The data row each image shows (-1: none); None for images of no row."""
        self._data_rows = np.empty(0, np.int64) if rows is None else np.asarray(rows, np.int64)

    def _show_highlight(self, rows: np.ndarray) -> None:
        self.highlight_changed.emit(rows)

    def _highlighted_rows(self) -> np.ndarray:
        shown = self._data_rows[: self._count]
        return np.unique(shown[np.isin(shown, self._highlight) & (shown >= 0)])

    def image_count(self) -> int:
        return self._count

    def image(self, i: int) -> np.ndarray:
        """The array drawn in cell i."""
        if not 0 <= i < self._count:
            raise IndexError(f"no image {i}; {self._count} drawn")
        return np.array(self._items[i].image)

    def title(self, i: int) -> str:
        return self._titles[i].toPlainText() if 0 <= i < self._count else ""

    def clear(self) -> None:
        for item, title in zip(self._items, self._titles, strict=True):
            item.setVisible(False)
            title.setVisible(False)
        self._count = 0
        self._shown = None
        self._data_rows = np.empty(0, np.int64)

    def _show_image(self, i: int, image: np.ndarray, rect: QRectF,
                    levels: tuple[float, float] | None) -> None:
        while len(self._items) <= i:
            item = pg.ImageItem(axisOrder="row-major")
            self._box.addItem(item)
            self._items.append(item)
        lo, hi = levels if levels is not None else _span(image)
        item = self._items[i]
        item.setImage(image, levels=(lo, hi if hi > lo else lo + 1.0), autoLevels=False)
        item.setRect(rect)
        item.setVisible(True)

    def _show_title(self, i: int, text: str, x: float, y: float) -> None:
        while len(self._titles) <= i:
            # From the cell's left edge: a title wider than its image (a big font at the
            # projector) runs on over the next cell, not off the strip's left edge.
            title = pg.TextItem(anchor=(0.0, 1.0))
            self._style_title(title)
            self._box.addItem(title)
            self._titles.append(title)
        title = self._titles[i]
        title.setText(text)
        title.setPos(x, y)
        title.setVisible(bool(text))


def _span(image: np.ndarray) -> tuple[float, float]:
    finite = image[np.isfinite(image)]
    if finite.size == 0:
        return 0.0, 1.0
    return float(finite.min()), float(finite.max())
