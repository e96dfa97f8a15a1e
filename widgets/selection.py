"""Selecting points on a scatter with a lasso or a rectangle, and showing a selection.

`SelectionTool` attaches to one PointsItem in one ViewBox. In Pan mode it does nothing, so
plain drags pan and zoom as before. In Lasso or Rectangle mode an invisible item over the
ViewBox takes the left button: a drag outlines a region, a click picks the point under the
mouse or, on empty space, clears; Ctrl adds to the selection. The middle button and the
wheel still pan and zoom, the right button still opens the menu. The tool reports data
rows (`PointsItem.point_rows`), never screen points; the host keeps the selection.

The selection is drawn over the scatter, never by recolouring it: a veil in the background
colour dims everything, then only the selected points are drawn again above it, ringed. A
selection of 37 points among 100,000 costs a 37-point item, and the big item keeps its cache.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from engine.selection import as_rows, points_in_box, points_in_polygon
from widgets.catcher import ViewBoxCatcher
from widgets.points_item import PointsItem

PAN, LASSO, RECTANGLE = "pan", "lasso", "rectangle"
MODES = (PAN, LASSO, RECTANGLE)
PICK_PX = 6.0  # a click this close to a point's centre (beyond its radius) picks it
RING_PX = 2.0  # the ring around a selected point, in pixels on each side
VEIL_ALPHA = 165  # how much the veil hides the points not selected (of 255)
_CATCHER_Z = 1e6 - 1  # under the drawing tool's catcher: drawing wins if both are on
_LEFT = QtCore.Qt.MouseButton.LeftButton
_ADD = QtCore.Qt.KeyboardModifier.ControlModifier | QtCore.Qt.KeyboardModifier.MetaModifier


class _Catcher(ViewBoxCatcher):
    """Covers the ViewBox while selecting and turns left drags and clicks into selections."""

    def __init__(self, tool: SelectionTool, view_box: pg.ViewBox):
        super().__init__(tool, view_box, _CATCHER_Z)
        self.modifiers = QtCore.Qt.KeyboardModifier.NoModifier

    def hoverEvent(self, ev) -> None:
        if not ev.isExit():
            ev.acceptDrags(_LEFT)
            ev.acceptClicks(_LEFT)

    def mousePressEvent(self, ev) -> None:
        # Ctrl is read at the press: that is when a user holds it, and a drag's later move
        # events may not carry it. Ignored, so that pyqtgraph still makes drags and clicks.
        self.modifiers = ev.modifiers()
        ev.ignore()

    def _adding(self, ev) -> bool:
        return bool((self.modifiers | ev.modifiers()) & _ADD)

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != _LEFT:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart():
            self._tool._begin(ev.buttonDownScenePos())
        self._tool._extend(ev.scenePos())
        if ev.isFinish():
            self._tool._finish(self._adding(ev))

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != _LEFT:
            ev.ignore()
            return
        ev.accept()
        self._tool._click(ev.scenePos(), self._adding(ev))


class _Veil(pg.GraphicsObject):
    """The visible part of the view, filled with the background colour half see-through."""

    def __init__(self):
        super().__init__()
        self._brush = QtGui.QBrush(QtGui.QColor(255, 255, 255, VEIL_ALPHA))

    def set_colour(self, colour: QtGui.QColor) -> None:
        colour = QtGui.QColor(colour)
        colour.setAlpha(VEIL_ALPHA)
        self._brush = QtGui.QBrush(colour)
        self.update()

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        return (None, None)

    def viewTransformChanged(self) -> None:
        super().viewTransformChanged()
        self.prepareGeometryChange()

    def boundingRect(self) -> QtCore.QRectF:
        view = self.viewRect()
        return QtCore.QRectF() if view is None else QtCore.QRectF(view)

    def paint(self, painter, option=None, widget=None) -> None:
        painter.fillRect(self.boundingRect(), self._brush)


class SelectionTool(QtCore.QObject):
    """Lasso and rectangle selection on one PointsItem, and the drawing of the selection.

    `selected(rows, add)` reports the rows a gesture chose (empty: clear); `add` is True when
    Ctrl was held. `set_highlight(rows)` draws a selection made anywhere.
    """

    selected = QtCore.Signal(object, bool)

    def __init__(self, plot_item: pg.PlotItem, points: PointsItem, parent=None):
        super().__init__(parent)
        self.plot_item = plot_item
        self.points = points
        self.view_box: pg.ViewBox = plot_item.getViewBox()
        self._mode = PAN
        self._catcher = _Catcher(self, self.view_box)
        self._catcher.setVisible(False)
        self._outline = QtWidgets.QGraphicsPathItem()
        self._outline.setZValue(1e5)
        self._outline.setVisible(False)
        self.view_box.addItem(self._outline, ignoreBounds=True)
        self._path: list[QtCore.QPointF] = []  # the gesture's points, in data coordinates
        self._veil = _Veil()
        self._ring = PointsItem()
        self._chosen = PointsItem()
        z = points.zValue()
        for offset, item in ((0.2, self._veil), (0.4, self._ring), (0.6, self._chosen)):
            item.setZValue(z + offset)
            item.setVisible(False)
            plot_item.addItem(item, ignoreBounds=True)
        self._rows = np.empty(0, np.int64)  # the selection, as data rows
        self._shown = np.empty(0, np.int64)  # the positions of its points in `points`
        self._actions: list[QtGui.QAction] = []
        self._in_menu: list[QtGui.QAction] = []  # what this tool put in the ViewBox's menu
        self._popup: QtWidgets.QMenu | None = None
        points.changed.connect(self._redraw)
        self.view_box.scene().sigMouseClicked.connect(self._on_scene_click)

    # ---- mode
    def set_mode(self, mode: str) -> None:
        """PAN (the mouse pans and zooms), LASSO or RECTANGLE."""
        if mode not in MODES:
            raise ValueError(f"no selection mode {mode!r}; there are {', '.join(MODES)}")
        self._mode = mode
        self._catcher.setVisible(mode != PAN)
        if mode == PAN:
            self._stop_outline()

    def mode(self) -> str:
        return self._mode

    # ---- the context menu
    def set_menu_actions(self, actions: list[QtGui.QAction]) -> None:
        """Commands offered on a right click: first in the ViewBox's own menu, or alone in a
        menu of their own where the canvas turned pyqtgraph's off."""
        self._actions = list(actions)
        menu = self.view_box.menu
        if menu is None:
            return
        for action in self._in_menu:
            menu.removeAction(action)
        first = menu.actions()[0] if menu.actions() else None
        self._in_menu = [*self._actions, QtGui.QAction(menu)] if self._actions else []
        if self._in_menu:
            self._in_menu[-1].setSeparator(True)
        menu.insertActions(first, self._in_menu)

    def _on_scene_click(self, ev) -> None:
        if (ev.button() != QtCore.Qt.MouseButton.RightButton or ev.isAccepted()
                or not self._actions or self.view_box.menuEnabled()
                or not self.view_box.sceneBoundingRect().contains(ev.scenePos())):
            return
        ev.accept()
        self._popup = QtWidgets.QMenu()  # kept: a popup outlives this call
        self._popup.addActions(self._actions)
        self._popup.popup(ev.screenPos().toPoint())

    # ---- the selection drawn
    def set_highlight(self, rows) -> None:
        """Show these data rows as selected (those the scatter draws); empty: none."""
        self._rows = as_rows(rows)
        self._redraw()

    def highlighted(self) -> np.ndarray:
        """The data rows drawn as selected now."""
        return self.points.point_rows()[self._shown]

    def restyle(self, style) -> None:
        """Colours of the veil, the ring and the outline; sizes follow the points."""
        theme = style.theme
        self._veil.set_colour(QtGui.QColor(theme.background))
        self._ring.set_palette((theme.foreground,))
        self._chosen.set_palette(style.colours)
        pen = QtGui.QPen(QtGui.QColor(theme.foreground), style.width(1.5),
                         QtCore.Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self._outline.setPen(pen)
        fill = QtGui.QColor(theme.foreground)
        fill.setAlpha(25)
        self._outline.setBrush(QtGui.QBrush(fill))
        self._redraw()

    def _redraw(self) -> None:
        """Find the selected rows among the points drawn and draw them over the veil."""
        if len(self._rows):
            self._shown = _positions(self.points.point_rows(), self._rows)
        else:
            self._shown = np.empty(0, np.int64)
        on = len(self._shown) > 0
        for item in (self._veil, self._ring, self._chosen):
            item.setVisible(on)
        if not on:
            self._ring.set_data(np.empty((0, 2)))
            self._chosen.set_data(np.empty((0, 2)))
            return
        xy, labels = self.points.points_data()
        xy, labels = xy[self._shown], labels[self._shown]
        size = self.points.size()
        self._chosen.set_size(size)
        self._ring.set_size(size + 2 * RING_PX)
        self._ring.set_data(xy, np.zeros(len(xy), np.int64))
        self._chosen.set_colour_table(self.points.colour_table())  # blended colours too
        self._chosen.set_data(xy, labels)

    # ---- gestures (called by the catcher)
    def _begin(self, scene_pos: QtCore.QPointF) -> None:
        self._path = [self.view_box.mapSceneToView(scene_pos)]

    def _extend(self, scene_pos: QtCore.QPointF) -> None:
        if not self._path:
            return
        self._path.append(self.view_box.mapSceneToView(scene_pos))
        path = QtGui.QPainterPath()
        polygon = self._polygon()
        path.addPolygon(QtGui.QPolygonF([QtCore.QPointF(x, y) for x, y in polygon]))
        path.closeSubpath()
        self._outline.setPath(path)
        self._outline.setVisible(True)

    def _finish(self, add: bool) -> None:
        polygon = self._polygon()
        self._stop_outline()
        xy, _ = self.points.points_data()
        if self._mode == RECTANGLE:
            inside = points_in_box(xy, polygon[0], polygon[2]) if len(polygon) else []
        else:
            inside = points_in_polygon(xy, polygon)
        self.selected.emit(self.points.point_rows()[np.flatnonzero(inside)], add)

    def _click(self, scene_pos: QtCore.QPointF, add: bool) -> None:
        """The point under the mouse, if any, is selected; a click on empty space clears."""
        p = self.view_box.mapSceneToView(scene_pos)
        near = self._nearest(p.x(), p.y())
        rows = np.empty(0, np.int64) if near is None else self.points.point_rows()[[near]]
        if len(rows) or not add:
            self.selected.emit(rows, add)

    def _polygon(self) -> np.ndarray:
        """The gesture as a polygon in data coordinates: the lasso's path or the box's corners."""
        if not self._path:
            return np.empty((0, 2))
        pts = np.array([(p.x(), p.y()) for p in self._path])
        if self._mode != RECTANGLE:
            return pts
        (x0, y0), (x1, y1) = pts[0], pts[-1]
        return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])

    def _stop_outline(self) -> None:
        self._path = []
        self._outline.setVisible(False)

    def _nearest(self, x: float, y: float) -> int | None:
        """The point drawn under (x, y): within its radius plus PICK_PX pixels."""
        xy, _ = self.points.points_data()
        if not len(xy):
            return None
        px, py = self.view_box.viewPixelSize()
        d2 = ((xy[:, 0] - x) / px) ** 2 + ((xy[:, 1] - y) / py) ** 2
        j = int(np.argmin(d2))
        reach = self.points.size() / 2.0 + PICK_PX
        return j if d2[j] <= reach**2 else None


def _positions(rows: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions i with rows[i] in `wanted` (both int arrays, `wanted` sorted and unique)."""
    if not len(wanted) or not len(rows):
        return np.empty(0, np.int64)
    j = np.searchsorted(wanted, rows)
    j[j >= len(wanted)] = 0
    return np.flatnonzero(wanted[j] == rows)
