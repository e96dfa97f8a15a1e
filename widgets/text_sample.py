"""Text written by a generative model, with the controls that steer it: a temperature
slider, a "sample again" button and a priming text the model reads before it writes.

The canvas knows nothing of models: the host gives it a sampler, a callable
(prime, temperature, seed) → text, and the canvas calls it whenever a control moves or a new
sampler arrives (the same seed then shows how the model's writing changes as it learns).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from widgets.canvas import Canvas
from widgets.style import Style

Sampler = Callable[[str, float, int], str]
MAX_TEMPERATURE = 2.0
SLIDER_STEPS = 200  # hundredths
DEFAULT_TEMPERATURE = 0.8


class SampleCanvas(Canvas):
    """A title, the sample (the priming text in the accent colour, then what the model
    wrote), and a row of controls."""

    canvas_name = "Samples"
    resampled = Signal(str)  # the new sample, after every redraw

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._sampler: Sampler | None = None
        self._seed = 0
        self._sample = ""
        self.last_seconds = 0.0  # how long the last sampling took
        self._title = QLabel()
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._title.setWordWrap(True)
        self._text = QTextEdit()
        self._text.setReadOnly(True)
        self._slider = QSlider(Qt.Orientation.Horizontal)
        self._slider.setRange(0, SLIDER_STEPS)
        self._slider.setValue(round(DEFAULT_TEMPERATURE / MAX_TEMPERATURE * SLIDER_STEPS))
        self._slider.setToolTip("Temperature: below 1 the model keeps to its likeliest "
                                "characters, above 1 it takes more chances; 0 always takes "
                                "the likeliest.")
        self._value = QLabel()
        self._label = QLabel("temperature")
        self._again = QPushButton("Sample again")
        self._prime = QLineEdit()
        self._prime.setPlaceholderText("priming text (optional): the model reads it first")
        self._slider.valueChanged.connect(self._on_control)
        self._prime.textChanged.connect(self._on_control)
        self._again.clicked.connect(self.sample_again)
        self._build()
        self._show_value()
        self.apply_style(self.canvas_style())

    def _build(self) -> None:
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self._label)
        controls.addWidget(self._slider, 1)
        controls.addWidget(self._value)
        controls.addWidget(self._again)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._title)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._prime)
        layout.addLayout(controls)

    def _restyle(self, style: Style) -> None:
        theme = style.theme
        self.setFont(style.font())
        self._text.setFont(style.font(1.3))
        self._title.setFont(style.font(1.15))
        for widget in (self._label, self._value, self._again, self._prime):
            widget.setFont(style.font())  # the projector's size, like the text
        self.setStyleSheet(f"QLabel, QTextEdit {{ color: {theme.foreground}; "
                           f"background: {theme.background}; border: none; }}")
        self._draw()

    # ------------------------------------------------------------ what the host calls

    def set_sampler(self, sampler: Sampler | None) -> None:
        """A new model (or none): sample again with the same seed and settings."""
        self._sampler = sampler
        self._resample()

    def set_title(self, title: str) -> None:
        self._title.setText(title)

    def set_temperature(self, temperature: float) -> None:
        self._slider.setValue(round(min(max(temperature, 0.0), MAX_TEMPERATURE)
                                    / MAX_TEMPERATURE * SLIDER_STEPS))

    def set_prime(self, text: str) -> None:
        self._prime.setText(text)

    def sample_again(self) -> None:
        """The same model and settings, new random draws."""
        self._seed += 1
        self._resample()

    # ------------------------------------------------------------ read back

    def temperature(self) -> float:
        return self._slider.value() / SLIDER_STEPS * MAX_TEMPERATURE

    def prime(self) -> str:
        return self._prime.text()

    def seed(self) -> int:
        return self._seed

    def sample_text(self) -> str:
        """What the model wrote (without the priming text)."""
        return self._sample

    def shown_text(self) -> str:
        """The text as drawn: the priming text, then the sample."""
        return self._text.toPlainText()

    def title(self) -> str:
        return self._title.text()

    # ------------------------------------------------------------ drawing

    def _on_control(self, *_) -> None:
        self._show_value()
        self._resample()

    def _show_value(self) -> None:
        self._value.setText(f"{self.temperature():.2f}")

    def _resample(self) -> None:
        started = time.perf_counter()
        self._sample = ("" if self._sampler is None
                        else self._sampler(self.prime(), self.temperature(), self._seed))
        self.last_seconds = time.perf_counter() - started
        self._draw()
        self.resampled.emit(self._sample)

    def _draw(self) -> None:
        theme = self.canvas_style().theme
        prime = html.escape(self.prime()) if self._sampler is not None else ""
        body = html.escape(self._sample)
        self._text.setHtml(f'<div style="white-space: pre-wrap;"><b style="color: '
                           f'{theme.accent};">{prime}</b>{body}</div>')

    def sizeHint(self) -> QSize:
        return QSize(500, 360)


SURPRISE_SCALE = 8.0  # bits at which a character's background is fully coloured


class SurpriseCanvas(Canvas):
    """A text with each character's background as strong as the model's surprise at it (the
    bits it spends on it), so one sees where the model guesses well and where it fails."""

    canvas_name = "Surprise"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._chars = ""
        self._bits: list[float] = []
        self._title = QLabel()
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._title.setWordWrap(True)
        self._text = QTextEdit()
        self._text.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._title)
        layout.addWidget(self._text, 1)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        theme = style.theme
        self.setFont(style.font())
        self._text.setFont(style.font())
        self._title.setFont(style.font())
        self.setStyleSheet(f"QLabel, QTextEdit {{ color: {theme.foreground}; "
                           f"background: {theme.background}; border: none; }}")
        self._draw()

    def set_text(self, chars: str, bits, title: str) -> None:
        """The characters and the bits spent on each (as many as characters)."""
        if len(chars) != len(bits):
            raise ValueError(f"{len(bits)} surprises for {len(chars)} characters")
        self._chars = chars
        self._bits = [float(b) for b in bits]
        self._title.setText(title)
        self._draw()

    def shown_text(self) -> str:
        return self._text.toPlainText()

    def title(self) -> str:
        return self._title.text()

    def _draw(self) -> None:
        theme = self.canvas_style().theme
        accent, ground = theme.colour("accent"), theme.colour("background")
        spans = []
        for char, bits in zip(self._chars, self._bits, strict=True):
            a = min(max(bits / SURPRISE_SCALE, 0.0), 1.0)
            mixed = [round((1.0 - a) * g + a * c) for g, c in
                     zip(ground.getRgb()[:3], accent.getRgb()[:3], strict=True)]
            spans.append(f'<span style="background-color: #{mixed[0]:02x}{mixed[1]:02x}'
                         f'{mixed[2]:02x};">{html.escape(char)}</span>')
        self._text.setHtml(f'<div style="white-space: pre-wrap;">{"".join(spans)}</div>')

    def sizeHint(self) -> QSize:
        return QSize(500, 300)
