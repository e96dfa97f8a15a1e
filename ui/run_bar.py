"""Run / Pause / Step / Cancel, the speed, the progress and the timeline of recorded steps."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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

SPEEDS = (("1 step/s", 1.0), ("3 steps/s", 3.0), ("10 steps/s", 10.0), ("30 steps/s", 30.0),
          ("as fast as it goes", 0.0))
DEFAULT_SPEED = 2


class RunBar(QWidget):
    run_clicked = Signal()
    pause_toggled = Signal(bool)
    step_clicked = Signal()
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
        self.step_button = QPushButton(icon(pixmaps.SP_MediaSkipForward), "Step")
        self.step_button.setToolTip("Advance one snapshot, then pause")
        self.cancel_button = QPushButton(icon(pixmaps.SP_MediaStop), "Cancel")
        self.cancel_button.setToolTip("Stop the run (Esc)")
        self.speed = QComboBox()
        self.speed.addItems([label for label, _ in SPEEDS])
        self.speed.setCurrentIndex(DEFAULT_SPEED)
        self.speed.setToolTip("How fast the run plays its steps")
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
        for w in (self.run_button, self.pause_button, self.step_button, self.cancel_button):
            top.addWidget(w)
        top.addWidget(QLabel("Speed:"))
        top.addWidget(self.speed)
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
        self.step_button.clicked.connect(self.step_clicked)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.speed.currentIndexChanged.connect(lambda i: self.speed_changed.emit(SPEEDS[i][1]))
        self.timeline.valueChanged.connect(self._on_timeline)
        self._following = True
        self._n = 0
        self.set_running(False)

    def rate(self) -> float:
        return SPEEDS[self.speed.currentIndex()][1]

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
        self.progress.setValue(round(fraction * 1000))
        if message:
            self.message.setText(message)

    def set_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #C0392B; font-weight: bold;" if error else "")

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

    def _on_timeline(self, i: int) -> None:
        self._following = i >= self.timeline.maximum()
        self._update_label()
        self.scrubbed.emit(i)

    def _update_label(self):
        shown = self.timeline.value() + 1 if self._n else 0
        self.step_label.setText(f"step {shown} / {self._n}")
