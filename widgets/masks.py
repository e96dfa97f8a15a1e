"""Connectivity masks drawn in a grid: which unit of one layer may feed which of the next.

Each matrix (out, in) of 0 and 1 gets a square cell whatever its shape, with its inputs
along x and its outputs down y, so a 64 × 256 mask and a 256 × 256 one read alike; a kept
connection is drawn in a strong colour, a cut one in the background's. All cells share one
view box; the image and title items are kept and reused between calls.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.heatmap import colour_map
from widgets.style import Style, base_points

GAP = 0.12  # between cells, in cell widths
TITLE_BAND = 0.34  # room above the cells for two lines of title, in cell heights


CUT_TINT = 0.12  # how far a cut connection's colour goes from the background to the text's


def cut_colour(style: Style) -> str:
    """A faint tint of the background: a cut connection stays visible as a cell, so a 5 × 5
    kernel reads as a square with some cells kept, not as a shape of its own."""
    back, fore = QColor(style.theme.background), QColor(style.theme.foreground)
    mixed = [round(b + CUT_TINT * (f - b)) for b, f in
             zip(back.getRgb()[:3], fore.getRgb()[:3], strict=True)]
    return QColor(*mixed).name()


class MaskCanvas(Canvas):
    """k binary matrices in rows of `columns`, each stretched to a square cell, titled
    above, with a caption under the grid."""

    canvas_name = "Masks"

    def __init__(self, parent: QWidget | None = None, columns: int = 4):
        super().__init__(parent)
        self._columns = max(1, int(columns))
        self._view = pg.GraphicsView(self)
        self._box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self._box.setMouseEnabled(x=False, y=False)
        self._view.setCentralItem(self._box)
        self._items: list[pg.ImageItem] = []
        self._titles: list[pg.TextItem] = []
        self._count = 0
        self._shown: tuple[list[np.ndarray], list[str], str] | None = None
        self._caption = pg.TextItem(anchor=(0.0, 0.0))
        self._box.addItem(self._caption)
        self.show_views(self._view)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        table = colour_map(style.theme.dark, cut_colour(style)).getLookupTable(0.0, 1.0, 256)
        for item in self._items:
            item.setLookupTable(table)
        for title in [*self._titles, self._caption]:
            title.setColor(style.theme.foreground)
            title.setFont(style.font())
        if self._shown is not None:
            self.set_masks(*self._shown)  # the title band follows the font

    def set_masks(self, masks: list[np.ndarray], titles: list[str], caption: str = "") -> None:
        """Draw each (out, in) matrix of 0/1 in its own cell, with its title above, and a
        caption under them all."""
        if len(masks) != len(titles):
            raise ValueError(f"{len(titles)} titles for {len(masks)} masks")
        self._shown = (list(masks), list(titles), caption)
        grow = max(1.0, self.canvas_style().points() / base_points())
        band = TITLE_BAND * grow
        cols = max(1, min(self._columns, len(masks)))
        for i, (mask, title) in enumerate(zip(masks, titles, strict=True)):
            r, c = divmod(i, cols)
            x, y = c * (1.0 + GAP), r * (1.0 + band) + band
            item = self._item(i)
            item.setImage(np.asarray(mask, dtype=np.float64), levels=(0.0, 1.0),
                          autoLevels=False)
            item.setRect(QRectF(x, y, 1.0, 1.0))
            item.setVisible(True)
            text = self._titles[i]
            text.setText(title)
            text.setPos(x, y - 0.02)
            text.setVisible(True)
        for i in range(len(masks), len(self._items)):
            self._items[i].setVisible(False)
            self._titles[i].setVisible(False)
        self._count = len(masks)
        rows = -(-len(masks) // cols)
        height = rows * (1.0 + band)
        self._caption.setText(caption)
        self._caption.setPos(0.0, height + 0.02)
        self._caption.setVisible(bool(caption) and bool(masks))
        if masks:
            width = cols * (1.0 + GAP) - GAP
            extra = 0.8 * band * (caption.count("\n") + 1) if caption else 0.0  # a line each
            self._box.setRange(QRectF(-GAP / 2, 0.0, width + GAP, height + extra + GAP / 2),
                               padding=0.0)

    def caption(self) -> str:
        return self._caption.toPlainText() if self._caption.isVisible() else ""

    def _item(self, i: int) -> pg.ImageItem:
        style = self.canvas_style()
        while len(self._items) <= i:
            item = pg.ImageItem(axisOrder="row-major")
            item.setLookupTable(colour_map(style.theme.dark, cut_colour(style))
                                .getLookupTable(0.0, 1.0, 256))
            self._box.addItem(item)
            self._items.append(item)
            title = pg.TextItem(anchor=(0.0, 1.0))
            title.setColor(style.theme.foreground)
            title.setFont(style.font())
            self._box.addItem(title)
            self._titles.append(title)
        return self._items[i]

    def mask_count(self) -> int:
        return self._count

    def mask(self, i: int) -> np.ndarray:
        """The matrix drawn in cell i."""
        if not 0 <= i < self._count:
            raise IndexError(f"no mask {i}; {self._count} drawn")
        return np.array(self._items[i].image)

    def title(self, i: int) -> str:
        return self._titles[i].toPlainText() if 0 <= i < self._count else ""

    def clear(self) -> None:
        for item, title in zip(self._items, self._titles, strict=True):
            item.setVisible(False)
            title.setVisible(False)
        self._count = 0
        self._shown = None
        self._caption.setVisible(False)
