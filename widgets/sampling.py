"""Images drawn pixel by pixel, played back: a slider over the steps, a play button, and the
pixel just drawn outlined in every image, with the probability it had of being ink.

The frames come finished from the run (the model is not evaluated here): frame t holds the
partial images after t pixels are drawn, with a negative value where a pixel is not drawn
yet. Ink is white and background black, as the other digit views draw them; pixels still to
come are grey. One image item per sample and one outline item are kept and updated.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from widgets.canvas import Canvas
from widgets.style import Style, base_points

GAP = 0.15  # between images, in image widths
TEXT_BAND = 0.3  # room under each row for its probability, in image heights
TICK_MS = 70  # one step of playback: 64 pixels in about four and a half seconds
INK = (255, 255, 255, 255)
PAPER = (0, 0, 0, 255)
PENDING = (128, 128, 128, 255)


def rgba(frame: np.ndarray) -> np.ndarray:
    """(h, w) of 1, 0 or negative (not drawn yet) to (h, w, 4) colours."""
    out = np.empty((*frame.shape, 4), np.uint8)
    out[...] = PENDING
    out[frame == 1] = INK
    out[frame == 0] = PAPER
    return out


class SamplingCanvas(Canvas):
    """m images being sampled: step with the slider, or play the whole sampling."""

    canvas_name = "Sampling pixel by pixel"

    def __init__(self, parent: QWidget | None = None, columns: int = 4):
        super().__init__(parent)
        self._columns = int(columns)
        self._frames = np.zeros((1, 0, 1, 1), np.int8)
        self._probabilities = np.zeros((0, 0))
        self._order = np.zeros(0, np.int64)
        self._step = 0
        self._items: list[pg.ImageItem] = []
        self._texts: list[pg.TextItem] = []
        self._cells: list[tuple[float, float]] = []  # each image's top-left corner
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._build()
        self.apply_style(self.canvas_style())

    def _build(self) -> None:
        self._view = pg.GraphicsView(self)
        self._box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self._box.setMouseEnabled(x=False, y=False)
        self._view.setCentralItem(self._box)
        self._outline = pg.PlotDataItem([], [], connect="pairs")
        self._outline.setZValue(10)
        self._box.addItem(self._outline)
        self._play = QPushButton("▶ Play")
        self._play.setToolTip("Play the sampling from the first pixel (space while focused)")
        self._play.clicked.connect(self.toggle_play)
        self._slider = QSlider(Qt.Orientation.Horizontal)
        self._slider.setRange(0, 0)
        self._slider.valueChanged.connect(self._on_slider)
        self._label = QLabel("")
        self._label.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(self._play)
        controls.addWidget(self._slider, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._view, 1)
        box.addLayout(controls)
        box.addWidget(self._label)

    def graphics_views(self) -> list[pg.GraphicsView]:
        return [self._view]

    def _restyle(self, style: Style) -> None:
        self._outline.setPen(pg.mkPen(style.theme.accent, width=style.width(2.5)))
        for text in self._texts:
            text.setColor(style.theme.foreground)
            text.setFont(style.font())
        self.setFont(style.font())  # the button, slider label and step text
        if self._frames.shape[1]:
            self._layout_cells()
            self._draw()

    # ------------------------------------------------------------ public API

    def set_sampling(self, frames: np.ndarray, probabilities: np.ndarray,
                     order: np.ndarray) -> None:
        """New frames (D + 1, m, h, w), each step's probability of ink (D, m) and the pixel
        drawn at each step (D,). The step shown stays where the user put it; at the end (as
        it starts) it stays at the end, showing the finished samples."""
        frames = np.asarray(frames)
        d = frames.shape[0] - 1
        if frames.ndim != 4 or np.shape(probabilities) != (d, frames.shape[1]) \
                or np.shape(order) != (d,):
            raise ValueError(f"frames {frames.shape}, probabilities {np.shape(probabilities)} "
                             f"and order {np.shape(order)} do not fit together")
        at_end = self._step >= self._slider.maximum()
        new_shape = frames.shape[1:] != self._frames.shape[1:]
        self._frames = frames
        self._probabilities = np.asarray(probabilities, dtype=np.float64)
        self._order = np.asarray(order, dtype=np.int64)
        if new_shape:
            self._layout_cells()
        self._slider.blockSignals(True)
        self._slider.setRange(0, d)
        self._step = d if at_end or new_shape else min(self._step, d)
        self._slider.setValue(self._step)
        self._slider.blockSignals(False)
        self._draw()

    def set_step(self, t: int) -> None:
        """Show the images after t pixels are drawn (0: none, D: all)."""
        self._slider.setValue(int(t))  # clamps, and draws through _on_slider

    def step(self) -> int:
        return self._step

    def n_steps(self) -> int:
        return self._frames.shape[0] - 1

    def toggle_play(self) -> None:
        if self._timer.isActive():
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        """Play from where the slider is (from the start when it is at the end)."""
        if self.n_steps() <= 0:
            return
        if self._step >= self.n_steps():
            self.set_step(0)
        self._timer.start()
        self._play.setText("⏸ Pause")

    def pause(self) -> None:
        self._timer.stop()
        self._play.setText("▶ Play")

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def shown_frame(self) -> np.ndarray:
        """The partial images drawn now, (m, h, w): 1 ink, 0 background, negative to come."""
        return np.array(self._frames[self._step])

    def image(self, i: int) -> np.ndarray:
        """The colours drawn in image i, (h, w, 4)."""
        return np.array(self._items[i].image)

    def marked_pixel(self) -> tuple[int, int] | None:
        """(row, column) of the pixel outlined: the one drawn last; None before the first."""
        if self._step == 0:
            return None
        return tuple(int(v) for v in divmod(int(self._order[self._step - 1]),
                                            self._frames.shape[3]))

    def outline(self) -> tuple[np.ndarray, np.ndarray]:
        """The outlines' segments as drawn, (x, y)."""
        x, y = self._outline.getData()
        return (np.empty(0), np.empty(0)) if x is None else (np.asarray(x), np.asarray(y))

    def probability_text(self, i: int) -> str:
        return self._texts[i].toPlainText() if self._texts[i].isVisible() else ""

    def step_text(self) -> str:
        return self._label.text()

    def slider(self) -> QSlider:
        return self._slider

    def hideEvent(self, event) -> None:
        self.pause()
        super().hideEvent(event)

    # ------------------------------------------------------------ drawing

    def _layout_cells(self) -> None:
        """Place m images in rows of `columns`, a band for text under each row."""
        _, m, h, w = self._frames.shape
        cols = max(1, min(self._columns, m))
        band = TEXT_BAND * h * max(1.0, self.canvas_style().points() / base_points())
        gap = GAP * w
        self._cells = []
        for i in range(m):
            r, c = divmod(i, cols)
            self._cells.append((c * (w + gap), r * (h + band + gap)))
        style = self.canvas_style()
        while len(self._items) < m:
            item = pg.ImageItem(axisOrder="row-major")
            self._box.addItem(item)
            self._items.append(item)
            text = pg.TextItem(anchor=(0.0, 0.0))
            text.setColor(style.theme.foreground)
            text.setFont(style.font())
            self._box.addItem(text)
            self._texts.append(text)
        for i in range(len(self._items)):
            shown = i < m
            self._items[i].setVisible(shown)
            self._texts[i].setVisible(shown)
            if shown:
                x, y = self._cells[i]
                self._texts[i].setPos(x, y + h)
        rows = math.ceil(m / cols) if m else 0
        if m:
            self._box.setRange(QRectF(-gap / 2, -gap / 2, cols * (w + gap),
                                      rows * (h + band + gap)), padding=0.0)

    def _draw(self) -> None:
        t = self._step
        frame = self._frames[t]
        m, h, w = frame.shape
        for i in range(m):
            # The image first: an ImageItem places a rect by the size of its image.
            self._items[i].setImage(rgba(frame[i]), autoLevels=False, levels=(0, 255))
            self._items[i].setRect(QRectF(*self._cells[i], w, h))
        pixel = self.marked_pixel()
        xs, ys = [], []
        for i in range(m):
            if pixel is None:
                self._texts[i].setText("")
                continue
            p = self._probabilities[t - 1, i]
            self._texts[i].setText(f"p(ink) = {p:.2f}")
            x0, y0 = self._cells[i]
            left, top = x0 + pixel[1], y0 + pixel[0]
            corners = [(left, top), (left + 1, top), (left + 1, top + 1), (left, top + 1)]
            for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
                xs += [a[0], b[0]]
                ys += [a[1], b[1]]
        self._outline.setData(np.array(xs, float), np.array(ys, float), connect="pairs")
        self._label.setText(self._describe(t, pixel))

    def _describe(self, t: int, pixel: tuple[int, int] | None) -> str:
        d = self.n_steps()
        if pixel is None:
            return f"step 0 of {d}: nothing drawn yet (grey: pixels still to come)"
        if t == d:
            return (f"step {d} of {d}: all pixels drawn; the last, row {pixel[0] + 1}, "
                    f"column {pixel[1] + 1}, is outlined")
        return (f"step {t} of {d}: the pixel at row {pixel[0] + 1}, column {pixel[1] + 1} "
                "(outlined) is drawn; under each image, the probability it had of being ink "
                "(grey: still to come)")

    def _on_slider(self, value: int) -> None:
        self._step = int(value)
        if self._frames.shape[1]:
            self._draw()

    def _tick(self) -> None:
        if self._step >= self.n_steps():
            self.pause()
            return
        self.set_step(self._step + 1)
        if self._step >= self.n_steps():
            self.pause()
