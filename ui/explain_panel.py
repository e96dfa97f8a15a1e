"""The explanation strip: what the step on show just did, in words and numbers, large enough
to read from the back of a room. It follows the timeline (Play, Step, Back, scrubbing), not
just the newest step."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from widgets.style import Style

IDLE_TEXT = "Press Run to play the method, or Step to go through it one step at a time."
TEXT_FACTOR = 1.15  # a little larger than the rest of the window's text


def step_title(index: int, total: int, last: bool = False, frame_name: str = "Step") -> str:
    """ "Step 3 of 12" for the 0-based `index`; "…, the last" once the run is over. A run
    whose snapshots are pictures of a longer training counts "Picture 3 of 12"."""
    title = f"{frame_name} {index + 1} of {total}"
    return f"{title}, the last" if last else title


class ExplainPanel(QFrame):
    """One wrapped line or two: "Step 3 of 12 — update 1: centres moved …"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("explainPanel")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long message wraps within the window's width instead of widening it
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.label)
        self._title = ""
        self._message = ""
        self.clear()

    def title(self) -> str:
        return self._title

    def message(self) -> str:
        return self._message

    def text(self) -> str:
        """What the strip says, as plain text (for tests and screen readers)."""
        return f"{self._title} — {self._message}" if self._title else self._message

    def show_step(self, index: int, total: int, message: str, last: bool = False,
                  frame_name: str = "Step") -> None:
        self._title = step_title(index, total, last, frame_name)
        self._message = message or "(this step says nothing about itself)"
        self.label.setText(f"<b>{html.escape(self._title)}</b> — {html.escape(self._message)}")
        self.label.setAccessibleName(self.text())

    def clear(self, text: str = IDLE_TEXT) -> None:
        """No step on show: say what to do instead."""
        self._title, self._message = "", text
        self.label.setText(html.escape(text))
        self.label.setAccessibleName(text)

    def apply_style(self, style: Style) -> None:
        """The text grows with the canvases' in presentation mode; an accent bar on the left
        in the theme's colour marks the strip as the place to read."""
        self.label.setFont(style.font(TEXT_FACTOR))
        self.setStyleSheet(f"#explainPanel {{ border-left: 4px solid {style.theme.accent}; "
                           "background: palette(base); }")
