"""A pool of text items on a plot, reused frame after frame: a frame that needs fewer labels
hides the rest, one that needs more adds only the missing ones, once."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor


class LabelPool:
    """Text items of one anchor and colour on one plot item."""

    def __init__(self, plot_item: pg.PlotItem, anchor: tuple[float, float]):
        self._plot = plot_item
        self._anchor = anchor
        self._items: list[pg.TextItem] = []
        self._shown: list[str] = []
        self._colour = "#000000"
        self._font = None

    def restyle(self, colour: str, font) -> None:
        self._colour, self._font = colour, font
        for item in self._items:
            self._style(item)

    def _style(self, item: pg.TextItem) -> None:
        item.setColor(QColor(self._colour))
        if self._font is not None:
            item.setFont(self._font)

    def show(self, texts: list[str], xs, ys) -> None:
        """Label i says texts[i] at (xs[i], ys[i]); labels beyond len(texts) hide."""
        while len(self._items) < len(texts):
            item = pg.TextItem(anchor=self._anchor)
            self._style(item)
            self._plot.addItem(item, ignoreBounds=True)
            self._items.append(item)
        for i, item in enumerate(self._items):
            if i < len(texts):
                item.setText(texts[i])
                self._style(item)
                item.setPos(float(xs[i]), float(ys[i]))
            item.setVisible(i < len(texts))
        self._shown = list(texts)

    def texts(self) -> list[str]:
        return list(self._shown)

    def items(self) -> list[pg.TextItem]:
        return self._items[:len(self._shown)]
