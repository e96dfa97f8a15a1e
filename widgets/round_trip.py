"""One picked image followed through a chain of translations (CycleGAN's A → B → A), with a
spin box to pick which.

The canvas is given every stage already computed, for each of m images (the worker makes
them); picking an image only chooses which column of those arrays to draw, so it redraws at
once and runs nothing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from widgets.canvas import Canvas
from widgets.images import ImageStrip
from widgets.style import Style


class RoundTripCanvas(Canvas):
    """A spin box over the images and a strip of the picked one at every stage."""

    canvas_name = "Round trip"
    picked_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._names: list[str] = []
        self._stages = np.empty((0, 0, 0, 0))
        self._levels: tuple[float, float] | None = None
        self._prompt = QLabel("follow held-out image")
        self._spin = QSpinBox()
        self._spin.setRange(1, 1)
        self._spin.valueChanged.connect(self._on_spin)
        self._strip = ImageStrip()
        self._strip.canvas_name = "Round trip"
        row = QHBoxLayout()
        row.setContentsMargins(6, 4, 6, 0)
        row.addWidget(self._prompt)
        row.addWidget(self._spin)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addWidget(self._strip, 1)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        self.setFont(style.font())
        self._strip.apply_style(style)

    def set_stages(self, stages: list[tuple[str, np.ndarray]], image_shape: tuple[int, int],
                   levels: tuple[float, float] | None = None) -> None:
        """Each stage's name and its images (m, h·w), the same m images in every stage."""
        counts = {len(images) for _, images in stages}
        if len(counts) != 1:
            raise ValueError(f"every stage needs the same number of images, not {counts}")
        m = counts.pop()
        self._names = [name for name, _ in stages]
        self._stages = np.stack([np.asarray(images, np.float64).reshape(m, *image_shape)
                                 for _, images in stages])
        self._levels = levels
        self._spin.blockSignals(True)
        self._spin.setRange(1, max(1, m))
        self._spin.blockSignals(False)
        self._draw()

    def set_picked(self, i: int) -> None:
        """Follow image i (0-based)."""
        m = self._stages.shape[1]
        if not 0 <= i < m:
            raise IndexError(f"no image {i}; there are {m}")
        self._spin.setValue(i + 1)

    def picked(self) -> int:
        return self._spin.value() - 1

    def image_count(self) -> int:
        return self._strip.image_count()

    def image(self, stage: int) -> np.ndarray:
        """The picked image at this stage, as drawn."""
        return self._strip.image(stage)

    def title(self, stage: int) -> str:
        return self._strip.title(stage)

    def _draw(self) -> None:
        if not self._stages.size:
            return
        self._strip.set_images(self._stages[:, self.picked()], self._names,
                               levels=self._levels)

    def _on_spin(self, _value: int) -> None:
        self._draw()
        self.picked_changed.emit(self.picked())
