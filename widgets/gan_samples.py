"""A generator's samples: a grid of its images of fixed noise, and a slider that walks the
noise from one grid cell (A) to another (B), decoding every step.

The grid is given, already generated (the worker makes it); the walk decodes on this thread
through a `generate(z, label)` callable (a numpy copy of the generator: well under a
millisecond per image). A generator conditioned on a class gets a class picker that redraws
both for the chosen class.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.generative.gan import slerp
from widgets.canvas import Canvas
from widgets.images import ImageStrip
from widgets.style import Style

GRID_ROWS = 6
PATH_STEPS = 9
SLIDER_STEPS = 100
HINT = "The same noise all run long: watch these samples sharpen."

Generate = Callable[[np.ndarray, int | None], np.ndarray]


class GeneratorCanvas(Canvas):
    """Sample grid + class picker + A→B interpolation (slider, decoded image, path strip)."""

    canvas_name = "Generated samples"
    class_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._noise = np.empty((0, 0))
        self._samples = np.empty((0, 0))
        self._generate: Generate | None = None
        self._shape: tuple[int, int] = (0, 0)
        self._levels = (0.0, 1.0)
        self._n_classes = 0
        self._class = 0
        self._syncing = False
        self._decoded = np.empty(0)
        self._path = np.empty((0, 0))
        self._build()
        self.apply_style(self.canvas_style())

    # ------------------------------------------------------------ construction

    def _build(self) -> None:
        self._class_label = QLabel("class:")
        self._class_box = QComboBox()
        self._class_box.currentIndexChanged.connect(self._on_class)
        self._a, self._b = QSpinBox(), QSpinBox()
        for spin in (self._a, self._b):
            spin.setRange(1, 1)
            spin.valueChanged.connect(self._on_pair)
        row = QHBoxLayout()
        row.addWidget(self._class_label)
        row.addWidget(self._class_box)
        row.addSpacing(12)
        row.addWidget(QLabel("walk from sample A"))
        row.addWidget(self._a)
        row.addWidget(QLabel("to B"))
        row.addWidget(self._b)
        row.addStretch(1)

        self._grid = ImageStrip()
        self._grid.canvas_name = "Sample grid"
        self._hint = QLabel(HINT)
        self._hint.setWordWrap(True)

        self._image_view = pg.GraphicsView()
        box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        box.setMouseEnabled(x=False, y=False)
        self._image_view.setCentralItem(box)
        self._image_item = pg.ImageItem(axisOrder="row-major")
        box.addItem(self._image_item)
        self._image_box = box
        self._slider = QSlider(Qt.Orientation.Horizontal)
        self._slider.setRange(0, SLIDER_STEPS)
        self._slider.valueChanged.connect(self._on_slider)
        self._t_text = QLabel("")

        self._path_strip = ImageStrip()
        self._path_strip.canvas_name = "A to B"
        self._path_strip.setMinimumHeight(80)

        left = QVBoxLayout()
        left.addWidget(self._grid, 1)
        left.addWidget(self._hint)
        right = QVBoxLayout()
        right.addWidget(QLabel("generated from the noise at t"))
        right.addWidget(self._image_view, 1)
        right.addWidget(self._slider)
        right.addWidget(self._t_text)
        middle = QHBoxLayout()
        middle.addLayout(left, 3)
        middle.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(row)
        outer.addLayout(middle, 1)
        outer.addWidget(self._path_strip)
        self._show_classes(0, ())

    def graphics_views(self) -> list[pg.GraphicsView]:
        return [self._image_view]

    def _restyle(self, style: Style) -> None:
        self.setFont(style.font())
        self._grid.apply_style(style)
        self._path_strip.apply_style(style)

    # ------------------------------------------------------------ public API

    def set_model(self, noise: np.ndarray, samples: np.ndarray, generate: Generate,
                  image_shape: tuple[int, int], class_names: tuple[str, ...] = (),
                  levels: tuple[float, float] = (0.0, 1.0)) -> None:
        """Show a generator: its images `samples` of `noise` ((m, d), or (C, m, d) per class
        when `class_names` name C classes), and `generate(z, label)` to decode any noise."""
        noise = np.asarray(noise, dtype=np.float64)
        samples = np.asarray(samples, dtype=np.float64)
        expected = (len(class_names),) if class_names else ()
        if samples.shape[:-1] != (*expected, noise.shape[0]):
            raise ValueError(f"samples of shape {samples.shape} for {noise.shape[0]} noise "
                             f"vectors and {len(class_names)} classes")
        new_grid = noise.shape[0] != self._noise.shape[0]
        self._noise, self._samples, self._generate = noise, samples, generate
        self._shape = tuple(image_shape)
        self._levels = (float(levels[0]), float(levels[1]))
        if len(class_names) != self._n_classes:
            self._show_classes(len(class_names), class_names)
        if new_grid:
            self._set_pair_range(noise.shape[0])
        self._redraw()

    def set_class(self, label: int) -> None:
        """Show class `label` (a conditional generator only)."""
        if not 0 <= label < self._n_classes:
            raise IndexError(f"no class {label}; there are {self._n_classes}")
        self._class_box.setCurrentIndex(int(label))

    def current_class(self) -> int | None:
        return self._class if self._n_classes else None

    def set_pair(self, a: int, b: int) -> None:
        """Walk from grid cell a to cell b (0-based)."""
        m = self._noise.shape[0]
        for i in (a, b):
            if not 0 <= i < m:
                raise IndexError(f"no sample {i}; the grid has {m}")
        self._syncing = True
        self._a.setValue(a + 1)
        self._b.setValue(b + 1)
        self._syncing = False
        self._redraw()

    def pair(self) -> tuple[int, int]:
        return self._a.value() - 1, self._b.value() - 1

    def set_t(self, t: float) -> None:
        """Move the slider to t in [0, 1] (rounded to its steps) and decode there."""
        self._slider.setValue(round(float(np.clip(t, 0.0, 1.0)) * SLIDER_STEPS))

    def t(self) -> float:
        return self._slider.value() / SLIDER_STEPS

    def z(self) -> np.ndarray:
        """The noise decoded now: on the great circle from A's noise to B's, at t."""
        a, b = self.pair()
        return slerp(self._noise[a], self._noise[b], self.t())[0]

    def decoded_image(self) -> np.ndarray:
        return np.array(self._image_item.image)

    def grid_count(self) -> int:
        return self._grid.image_count()

    def grid_image(self, i: int) -> np.ndarray:
        return self._grid.image(i)

    def grid_title(self, i: int) -> str:
        return self._grid.title(i)

    def path_images(self) -> np.ndarray:
        return np.array([self._path_strip.image(i)
                         for i in range(self._path_strip.image_count())])

    # ------------------------------------------------------------ drawing

    def _show_classes(self, n: int, names: tuple[str, ...]) -> None:
        self._n_classes = n
        self._syncing = True
        self._class_box.clear()
        self._class_box.addItems([str(name) for name in names])
        self._class = 0
        self._syncing = False
        for w in (self._class_label, self._class_box):
            w.setVisible(n > 0)

    def _set_pair_range(self, m: int) -> None:
        self._syncing = True
        for spin in (self._a, self._b):
            spin.setRange(1, max(1, m))
        self._a.setValue(1)
        self._b.setValue(min(2, m))
        self._syncing = False

    def _label(self) -> int | None:
        return self._class if self._n_classes else None

    def _redraw(self) -> None:
        if self._generate is None:
            return
        self._draw_grid()
        self._draw_path()
        self._decode_now()

    def _draw_grid(self) -> None:
        grid = self._samples[self._class] if self._n_classes else self._samples
        a, b = self.pair()
        titles = [""] * len(grid)
        titles[b] = "B"
        titles[a] = "A" if a != b else "A = B"
        images = grid.reshape(-1, *self._shape)
        self._grid.set_images(images, titles, rows=GRID_ROWS, levels=self._levels)

    def _draw_path(self) -> None:
        a, b = self.pair()
        z = slerp(self._noise[a], self._noise[b], np.linspace(0.0, 1.0, PATH_STEPS))
        self._path = self._run(z)
        titles = ["A", *[""] * (PATH_STEPS - 2), "B"]
        self._path_strip.set_images(self._path.reshape(-1, *self._shape), titles,
                                    levels=self._levels)

    def _decode_now(self) -> None:
        self._decoded = self._run(self.z()[None])[0]
        self._image_item.setImage(self._decoded.reshape(self._shape), levels=self._levels,
                                  autoLevels=False)
        self._image_box.autoRange(padding=0.0)
        self._t_text.setText(f"t = {self.t():.2f}: from A (t = 0) to B (t = 1)")

    def _run(self, z: np.ndarray) -> np.ndarray:
        out = np.asarray(self._generate(np.atleast_2d(z), self._label()), dtype=np.float64)
        return out.reshape(z.shape[0], -1)

    # ------------------------------------------------------------ events

    def _on_class(self, index: int) -> None:
        if self._syncing or index < 0:
            return
        self._class = index
        self._redraw()
        self.class_changed.emit(index)

    def _on_pair(self, _value: int) -> None:
        if not self._syncing:
            self._redraw()

    def _on_slider(self, _value: int) -> None:
        if self._generate is not None:
            self._decode_now()
