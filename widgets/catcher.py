"""An invisible item over a plot's ViewBox that takes the mouse from it while a tool is on.

The drawing tool and the selection tool each put one over the ViewBox, so that their drags
draw or select instead of panning; the buttons a tool does not take still pan and zoom.
Subclasses say which buttons they take (`hoverEvent`) and what a drag or click does.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore


class ViewBoxCatcher(pg.GraphicsObject):
    """Covers `view_box` exactly, above its items (at `z`), with a cross cursor."""

    def __init__(self, tool, view_box: pg.ViewBox, z: float):
        super().__init__()
        self._tool = tool
        self.setParentItem(view_box)
        self.setZValue(z)
        self.setCursor(QtCore.Qt.CursorShape.CrossCursor)
        self.setAcceptHoverEvents(True)
        view_box.sigResized.connect(lambda _vb: self.prepareGeometryChange())

    def boundingRect(self) -> QtCore.QRectF:
        parent = self.parentItem()
        return parent.boundingRect() if parent is not None else QtCore.QRectF()

    def paint(self, painter, option=None, widget=None) -> None:
        pass
