"""Canvases of a diffusion model on 2-D data: a plane of points with a step slider under it.

`PlaneCanvas` is the scatter (points in label colours) with, behind them, faint reference
points (the data, for comparison), trails (sampling paths), a field of small arrows (the
denoising direction on a grid), and under the plot a `StepSlider` with an optional play
button. Every item is made once; a slider move only calls setData.

Arrow heads are drawn in screen pixels, a share of each arrow's own length on screen (so a
dense field of short arrows stays readable), and rebuilt when the view's range or size changes.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Qt, Signal

from widgets.scatter import ScatterCanvas
from widgets.style import Style

HEAD_SHARE = 0.35  # an arrow head's barbs are this share of the arrow's length on screen
HEAD_MAX_PX = 7.0  # … and at most this long, before the style's line scale
HEAD_ANGLE = np.deg2rad(28.0)
PLAY_INTERVAL_MS = 30  # one step a frame while playing
REFERENCE_ALPHA = 70  # the faint reference points
REFERENCE_SIZE = 4.0
TRAIL_ALPHA = 90  # sampling paths zigzag (noise at every step): faint, so points stay in front


class StepSlider(QtWidgets.QWidget):
    """A labelled slider over whole steps with a readout, and a play button that steps it
    forward one value a frame to the end."""

    value_changed = Signal(int)

    def __init__(self, label: str, play: bool = True, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.slider = QtWidgets.QSlider(Qt.Orientation.Horizontal)
        self.slider.setSingleStep(1)
        self.slider.setPageStep(10)
        self.slider.valueChanged.connect(self.value_changed)
        self.readout = QtWidgets.QLabel("")
        self.readout.setMinimumWidth(60)
        self.button = QtWidgets.QPushButton("Play")
        self.button.setVisible(play)
        self.button.clicked.connect(self.toggle)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(PLAY_INTERVAL_MS)
        self.timer.timeout.connect(self._tick)
        row = QtWidgets.QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.button)
        row.addWidget(QtWidgets.QLabel(label))
        row.addWidget(self.slider, 1)
        row.addWidget(self.readout)

    def set_range(self, low: int, high: int) -> None:
        """The slider's range; the value is clamped into it (emitting only if it moved)."""
        self.slider.setRange(int(low), int(high))

    def set_value(self, value: int) -> None:
        self.slider.setValue(int(value))

    def value(self) -> int:
        return self.slider.value()

    def maximum(self) -> int:
        return self.slider.maximum()

    def set_text(self, text: str) -> None:
        self.readout.setText(text)

    def playing(self) -> bool:
        return self.timer.isActive()

    def toggle(self) -> None:
        """Play from here (from the start when at the end), or pause."""
        if self.playing():
            self.stop()
            return
        if self.slider.value() >= self.slider.maximum():
            self.slider.setValue(self.slider.minimum())
        self.timer.start()
        self.button.setText("Pause")

    def stop(self) -> None:
        self.timer.stop()
        self.button.setText("Play")

    def _tick(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.stop()
            return
        self.slider.setValue(self.slider.value() + 1)

    def hideEvent(self, event) -> None:
        self.stop()  # a hidden view leaves no timer running
        super().hideEvent(event)


class PlaneCanvas(ScatterCanvas):
    """A scatter with faint reference points, trails, a field of arrows and a step slider."""

    canvas_name = "Plane"

    def __init__(self, slider_label: str, play: bool = True,
                 parent: QtWidgets.QWidget | None = None) -> None:
        self.reference = pg.ScatterPlotItem(pxMode=True)
        self.field_item = pg.PlotCurveItem(connect="pairs")
        self._starts = np.empty((0, 2))
        self._ends = np.empty((0, 2))
        super().__init__(parent)
        self.reference.setZValue(-1)
        self.trails_item.setZValue(-0.5)  # paths behind the points they lead to
        self.field_item.setZValue(4.5)
        self.plot_item.addItem(self.reference)
        self.plot_item.addItem(self.field_item, ignoreBounds=True)
        self.slider = StepSlider(slider_label, play)
        self.layout().addWidget(self.slider)
        view = self.plot_item.getViewBox()
        view.sigRangeChanged.connect(self._draw_field)
        view.sigResized.connect(self._draw_field)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        self.reference.setPen(None)
        self.reference.setBrush(style.theme.colour("muted", REFERENCE_ALPHA))
        self.reference.setSize(style.marker(REFERENCE_SIZE))
        self.trails_item.setPen(pg.mkPen(style.theme.colour("muted", TRAIL_ALPHA),
                                         width=style.width(1.0)))
        self.field_item.setPen(pg.mkPen(style.theme.colour("muted", 190),
                                        width=style.width(1.3)))
        if hasattr(self, "slider"):
            self.slider.setFont(style.font())
        self._draw_field()

    # ---- reference points, trails, field ------------------------------------------------------

    def set_reference(self, xy: np.ndarray | None) -> None:
        """Faint points behind the others (the data, to compare with); None hides them."""
        if xy is None:
            self.reference.setData([], [])
            return
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self.reference.setData(x=xy[:, 0], y=xy[:, 1])

    def reference_points(self) -> np.ndarray:
        x, y = self.reference.getData()
        return np.column_stack([x, y]) if x is not None else np.empty((0, 2))

    def set_trails(self, paths: np.ndarray | None) -> None:
        """Paths (steps, k, 2), each of the k drawn as one line; None hides them."""
        self._set_trails(paths)

    def trails(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the trail vertices drawn now, path by path."""
        if not self.trails_item.isVisible():
            return np.empty(0), np.empty(0)
        x, y = self.trails_item.getData()
        return np.asarray(x), np.asarray(y)

    def set_field(self, starts: np.ndarray | None, ends: np.ndarray | None = None) -> None:
        """Arrows from starts (m, 2) to ends (m, 2); None removes them."""
        if starts is None or ends is None:
            self._starts, self._ends = np.empty((0, 2)), np.empty((0, 2))
        else:
            self._starts = np.asarray(starts, dtype=np.float64).reshape(-1, 2)
            self._ends = np.asarray(ends, dtype=np.float64).reshape(-1, 2)
        self._draw_field()

    def field(self) -> tuple[np.ndarray, np.ndarray]:
        """(starts, ends) of the arrows drawn now."""
        return self._starts.copy(), self._ends.copy()

    def _draw_field(self, *_) -> None:
        """Shafts and heads, the heads sized on screen from each arrow's length there."""
        if not hasattr(self, "slider"):
            return  # styled by ScatterCanvas before this canvas's items exist
        starts, ends = self._starts, self._ends
        if len(ends) == 0:
            self.field_item.setData([], [])
            return
        pixel = self.plot_item.getViewBox().viewPixelSize()
        px = np.array([pixel[0] or 1.0, pixel[1] or 1.0])
        screen = (ends - starts) / px
        length = np.hypot(screen[:, 0], screen[:, 1])
        unit = screen / np.where(length > 0, length, 1.0)[:, None]
        head = np.minimum(HEAD_SHARE * length, self.canvas_style().width(HEAD_MAX_PX))
        pieces = [np.stack([starts, ends], axis=1)]
        for turn in (HEAD_ANGLE, -HEAD_ANGLE):
            c, s = np.cos(turn), np.sin(turn)
            back = -np.c_[c * unit[:, 0] - s * unit[:, 1], s * unit[:, 0] + c * unit[:, 1]]
            pieces.append(np.stack([ends, ends + back * head[:, None] * px], axis=1))
        flat = np.concatenate(pieces).reshape(-1, 2)
        self.field_item.setData(flat[:, 0], flat[:, 1], connect="pairs")

    def set_box(self, low: np.ndarray, high: np.ndarray) -> None:
        """Show this box (data units) and keep to it: no auto-range as the points move."""
        self.plot_item.getViewBox().setRange(xRange=(float(low[0]), float(high[0])),
                                             yRange=(float(low[1]), float(high[1])),
                                             padding=0.0)

    def box(self) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) corners of the range shown now."""
        (x0, x1), (y0, y1) = self.plot_item.getViewBox().viewRange()
        return np.array([x0, y0]), np.array([x1, y1])

    def clear(self) -> None:
        super().clear()
        self.plot_item.enableAutoRange()
        self.set_reference(None)
        self.set_trails(None)
        self.set_field(None)
        self.slider.stop()
