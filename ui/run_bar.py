"""Run / Pause / Back / Step / Cancel, the speed, the progress and the timeline of recorded
steps."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

# The speed slider's stops in steps a second; the last, 0, means as fast as it goes.
SPEED_RATES = (0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 0.0)
DEFAULT_RATE = 10.0


def speed_label(rate: float) -> str:
    if rate <= 0:
        return "fastest"
    return f"{rate:g} step/s" if rate == 1 else f"{rate:g} steps/s"


class RunBar(QWidget):
    run_clicked = Signal()
    pause_toggled = Signal(bool)
    step_clicked = Signal()
    back_clicked = Signal()
    cancel_clicked = Signal()
    speed_changed = Signal(float)
    scrubbed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        icon = self.style().standardIcon
        pixmaps = QStyle.StandardPixmap
        self.run_button = QPushButton(icon(pixmaps.SP_MediaPlay), "Run")
        self.run_button.setToolTip("Run the method on the data set (Ctrl+R)")
        self.pause_button = QPushButton(icon(pixmaps.SP_MediaPause), "Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip("Pause the run; press again to play on (Ctrl+P)")
        self.back_button = QPushButton(icon(pixmaps.SP_MediaSkipBackward), "Back")
        self.back_button.setToolTip("Show the step before, pausing a playing run "
                                    "(Ctrl+Shift+T or Alt+Left)")
        self.step_button = QPushButton(icon(pixmaps.SP_MediaSkipForward), "Step")
        self.step_button.setToolTip("Show the next recorded step, or compute one more and pause "
                                    "(Ctrl+T or Alt+Right)")
        self.cancel_button = QPushButton(icon(pixmaps.SP_MediaStop), "Cancel")
        self.cancel_button.setToolTip("Stop the run (Esc)")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEED_RATES) - 1)
        self.speed.setPageStep(1)
        self.speed.setValue(SPEED_RATES.index(DEFAULT_RATE))
        self.speed.setMinimumWidth(110)
        self.speed.setMaximumWidth(180)
        self.speed.setToolTip("How fast Run plays the steps: from half a step a second to "
                              "as fast as the computer goes")
        self.speed_value = QLabel()
        self.speed_value.setMinimumWidth(self.speed_value.fontMetrics().horizontalAdvance(
            speed_label(0.5)) + 6)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.message = QLabel("Ready.")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long message must not widen the window: it is cut at the bar's edge
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setRange(0, 0)
        self.timeline.setToolTip("Scrub back and forth through the recorded steps of the last run")
        self.step_label = QLabel("step 0 / 0")

        top = QHBoxLayout()
        for w in (self.run_button, self.pause_button, self.back_button, self.step_button,
                  self.cancel_button):
            top.addWidget(w)
        top.addWidget(QLabel("Speed:"))
        top.addWidget(self.speed)
        top.addWidget(self.speed_value)
        top.addSpacing(12)
        top.addWidget(self.progress)
        top.addWidget(self.message, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Timeline:"))
        bottom.addWidget(self.timeline, 1)
        bottom.addWidget(self.step_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.addLayout(top)
        layout.addLayout(bottom)

        self.run_button.clicked.connect(self.run_clicked)
        self.pause_button.toggled.connect(self.pause_toggled)
        self.back_button.clicked.connect(self.back_clicked)
        self.step_button.clicked.connect(self.step_clicked)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.speed.valueChanged.connect(self._on_speed)
        self.timeline.valueChanged.connect(self._on_timeline)
        self._following = True
        self._n = 0
        self._frame_name = "Step"
        self.set_running(False)
        self._on_speed(self.speed.value())
        self._update_back()

    # ---- speed
    def rate(self) -> float:
        """Steps a second for Play; 0.0 means as fast as it goes."""
        return SPEED_RATES[self.speed.value()]

    def set_rate(self, rate: float) -> None:
        """Move the slider to the stop nearest `rate` (0 or less: as fast as it goes)."""
        if rate <= 0:
            self.speed.setValue(len(SPEED_RATES) - 1)
            return
        finite = range(len(SPEED_RATES) - 1)
        self.speed.setValue(min(finite, key=lambda i: abs(SPEED_RATES[i] - rate)))

    def set_fastest(self) -> None:
        self.set_rate(0.0)

    def _on_speed(self, i: int) -> None:
        self.speed_value.setText(speed_label(SPEED_RATES[i]))
        self.speed_changed.emit(SPEED_RATES[i])

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        if not running:
            self.pause_button.setChecked(False)

    def set_paused(self, paused: bool) -> None:
        self.run_button.setEnabled(paused)  # Run plays a paused run on
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)

    def set_progress(self, fraction: float, message: str) -> None:
        # QProgressBar.setValue repaints at once, and a repaint at once paints every widget of
        # the window waiting for one (a 100,000-point scatter): then a snapshot arriving in the
        # same event was painted a second time. With updates off the bar only marks itself.
        self.progress.setUpdatesEnabled(False)
        self.progress.setValue(round(fraction * 1000))
        self.progress.setUpdatesEnabled(True)
        if message:
            self.message.setText(message)

    def set_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #C0392B; font-weight: bold;" if error else "")

    # ---- timeline
    def shown(self) -> int:
        """Index of the recorded step on show (0 with no history)."""
        return self.timeline.value()

    def history_length(self) -> int:
        return self._n

    def at_newest(self) -> bool:
        return self.timeline.value() >= self._n - 1

    def show_step(self, i: int) -> None:
        """Move the timeline to recorded step `i`, which shows it (as a scrub does)."""
        self.timeline.setValue(i)

    def following(self) -> bool:
        """True while the timeline sits on the newest step."""
        return self._following or self.timeline.value() >= self.timeline.maximum()

    def set_history_length(self, n: int) -> None:
        """The timeline follows the newest step unless the user has moved it back."""
        at_end = self.timeline.value() >= self.timeline.maximum()
        self._n = n
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, max(n - 1, 0))
        if at_end or self._following:
            self.timeline.setValue(max(n - 1, 0))
        self.timeline.blockSignals(False)
        self._update_label()
        self._update_back()

    def _on_timeline(self, i: int) -> None:
        self._following = i >= self.timeline.maximum()
        self._update_label()
        self._update_back()
        self.scrubbed.emit(i)

    def set_frame_name(self, name: str) -> None:
        """What the timeline counts ("Step", "Picture"): the run's algorithm says."""
        self._frame_name = name
        self._update_label()

    def _update_back(self) -> None:
        """Back has somewhere to go only past the first recorded step."""
        self.back_button.setEnabled(self._n > 0 and self.timeline.value() > 0)

    def _update_label(self):
        shown = self.timeline.value() + 1 if self._n else 0
        self.step_label.setText(f"{self._frame_name.lower()} {shown} / {self._n}")
