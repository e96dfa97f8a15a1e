"""Draw mode on a scatter canvas: left drags paint, right drags erase, in data coordinates.

An invisible item covering the plot's ViewBox takes the left and right mouse drags and
clicks while the tool is active, so they draw instead of panning and zooming; the middle
button and the wheel still pan and zoom. When inactive the item is hidden and the canvas
behaves as before. The tool only reports where the brush went: what a stroke does to the
data is for whoever listens.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.catcher import ViewBoxCatcher

PAINT = "paint"
CATCHER_Z = 1e6  # above the selection tool's catcher: drawing wins if both are on
ERASE = "erase"
MIN_RADIUS_PX = 8.0  # the brush is never smaller than this on screen
PAINT_STEP_PX = 10.0  # a drag paints once per this many pixels travelled
ERASE_STEP_PX = 4.0
_ERASE_PEN = QtGui.QColor(90, 90, 90)
_BUTTONS = {QtCore.Qt.MouseButton.LeftButton: PAINT, QtCore.Qt.MouseButton.RightButton: ERASE}


class _Catcher(ViewBoxCatcher):
    """Covers the ViewBox and turns its drags and clicks into calls on the tool."""

    def __init__(self, tool: DrawTool, view_box: pg.ViewBox):
        super().__init__(tool, view_box, CATCHER_Z)

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self._tool._hide_brush()
            return
        for button in _BUTTONS:
            ev.acceptDrags(button)
            ev.acceptClicks(button)

    def mouseDragEvent(self, ev) -> None:
        kind = _BUTTONS.get(ev.button())
        if kind is None:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart():
            self._tool._start(kind, ev.buttonDownScenePos())
        self._tool._move(ev.scenePos())
        if ev.isFinish():
            self._tool._finish()

    def mouseClickEvent(self, ev) -> None:
        kind = _BUTTONS.get(ev.button())
        if kind is None:
            ev.ignore()
            return
        ev.accept()
        self._tool._start(kind, ev.scenePos())
        self._tool._finish()


class DrawTool(QtCore.QObject):
    """Reports brush strokes on a ScatterCanvas while active.

    `stroke_started(kind)`, then `stroke_step(kind, x, y, radius)` for the press point and
    every few pixels along the drag (filled in when the mouse jumps), then
    `stroke_finished(kind)`; kind is PAINT or ERASE, x, y and radius are in data units.
    """

    stroke_started = QtCore.Signal(str)
    stroke_step = QtCore.Signal(str, float, float, float)
    stroke_finished = QtCore.Signal(str)

    def __init__(self, canvas, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.canvas = canvas
        self.view_box: pg.ViewBox = canvas.plot_item.getViewBox()
        self._catcher = _Catcher(self, self.view_box)
        self._catcher.setVisible(False)
        self._circle = QtWidgets.QGraphicsEllipseItem()
        self._circle.setZValue(1e6)
        self._circle.setVisible(False)
        self.view_box.addItem(self._circle, ignoreBounds=True)
        self._radius = 1.0
        self._colour = QtGui.QColor("#202020")
        self._kind: str | None = None  # the stroke under way
        self._last: QtCore.QPointF | None = None  # scene position of the last step
        self._cursor: QtCore.QPointF | None = None  # last scene position of the mouse
        self._set_pen(None)
        canvas.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)

    # ---- settings
    def set_active(self, active: bool) -> None:
        """Drawing on or off. While on, the view stays where it is as points come and go."""
        if active == self.is_active():
            return
        if self._kind is not None:
            self._finish()
        self._catcher.setVisible(active)
        if active:
            self.view_box.disableAutoRange()
        else:
            self._hide_brush()

    def is_active(self) -> bool:
        return self._catcher.isVisible()

    def is_drawing(self) -> bool:
        """True between a stroke's start and its finish."""
        return self._kind is not None

    def set_brush(self, radius: float, colour: QtGui.QColor) -> None:
        """The brush's radius in data units (at least MIN_RADIUS_PX on screen) and colour."""
        self._radius = max(0.0, float(radius))
        self._colour = QtGui.QColor(colour)
        self._set_pen(self._kind)
        self._place_brush()

    def brush_radius(self) -> float:
        """The brush's radius in data units now, the minimum on screen included."""
        px = self.view_box.viewPixelSize()
        return max(self._radius, MIN_RADIUS_PX * max(abs(px[0]), abs(px[1])))

    # ---- the view
    def show_region(self, xmin: float, xmax: float, ymin: float, ymax: float,
                    equal_axes: bool = True) -> None:
        """Fix the view on this box (a blank page to draw on), with equal units if asked."""
        self.view_box.disableAutoRange()
        self.view_box.setAspectLocked(equal_axes)
        self.view_box.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)

    def release_view(self) -> None:
        """Give the view back to the data: free aspect, following the points again."""
        self.view_box.setAspectLocked(False)
        self.view_box.enableAutoRange()

    # ---- strokes (called by the catcher)
    def _start(self, kind: str, scene_pos: QtCore.QPointF) -> None:
        if self._kind is not None:
            self._finish()
        self._kind = kind
        self._set_pen(kind)
        self.stroke_started.emit(kind)
        self._last = QtCore.QPointF(scene_pos)
        self._emit_step(self._last)

    def _move(self, scene_pos: QtCore.QPointF) -> None:
        """Steps every few pixels from the last step towards scene_pos."""
        if self._kind is None or self._last is None:
            return
        self._cursor = QtCore.QPointF(scene_pos)
        self._place_brush()
        spacing = PAINT_STEP_PX if self._kind == PAINT else ERASE_STEP_PX
        delta = scene_pos - self._last
        distance = math.hypot(delta.x(), delta.y())
        steps = int(distance // spacing)
        start = self._last
        for k in range(1, steps + 1):
            self._last = start + delta * (k * spacing / distance)
            self._emit_step(self._last)

    def _finish(self) -> None:
        kind, self._kind, self._last = self._kind, None, None
        self._set_pen(None)
        if kind is not None:
            self.stroke_finished.emit(kind)

    def _emit_step(self, scene_pos: QtCore.QPointF) -> None:
        p = self.view_box.mapSceneToView(scene_pos)
        self.stroke_step.emit(self._kind, p.x(), p.y(), self.brush_radius())

    # ---- the brush outline
    def _set_pen(self, kind: str | None) -> None:
        colour = _ERASE_PEN if kind == ERASE else self._colour
        pen = QtGui.QPen(colour, 1.5, QtCore.Qt.PenStyle.DashLine if kind == ERASE
                         else QtCore.Qt.PenStyle.SolidLine)
        pen.setCosmetic(True)
        self._circle.setPen(pen)

    def _on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        if self.is_active():
            self._cursor = QtCore.QPointF(scene_pos)
            self._place_brush()

    def _place_brush(self) -> None:
        inside = (self._cursor is not None and self.is_active()
                  and self.view_box.sceneBoundingRect().contains(self._cursor))
        self._circle.setVisible(inside)
        if inside:
            c = self.view_box.mapSceneToView(self._cursor)
            r = self.brush_radius()
            self._circle.setRect(QtCore.QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))

    def _hide_brush(self) -> None:
        self._cursor = None
        self._circle.setVisible(False)
