"""Never lose work: the current session, a drawing inline, goes to a recovery file every minute.

The file lives in the application's data folder (QStandardPaths.AppDataLocation) and is
written only when something changed, through a temporary file and os.replace. A clean close
removes it; a file found at start-up means the program did not close properly, and `offer`
asks, without blocking, whether to bring that session back. Until the question is answered
the file is neither overwritten nor removed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QMessageBox

from engine import session as sessions
from engine.session import SessionError

INTERVAL_MS = 60_000
FILE_NAME = "recovery" + sessions.SUFFIX
QUESTION = "Unsupervised Explorer did not close properly. Restore your last session?"


def recovery_path() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / FILE_NAME


class Recovery(QObject):
    """Writes `window.session.capture()` to `path` every `interval_ms` when it changed."""

    def __init__(self, window, interval_ms: int = INTERVAL_MS, path: str | Path | None = None):
        super().__init__(window)
        self.window = window
        self.path = Path(path) if path is not None else recovery_path()
        self.box: QMessageBox | None = None  # the question, while it waits for an answer
        self._dirty = False
        self._written: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        for signal in (window.data_panel.dataset_changed, window.data_panel.dataset_cleared,
                       window.data_panel.view_changed, window.method_panel.algorithm_changed,
                       window.method_panel.params_changed, window.run_ended,
                       window.run_bar.scrubbed):
            signal.connect(self._changed)
        window.installEventFilter(self)
        self.timer.start()

    def _changed(self, *_args) -> None:
        self._dirty = True

    def save_now(self) -> bool:
        """Write the session if it changed since the last write; True if written."""
        if not self._dirty or self.box is not None:
            return False
        session = self.window.session.capture()
        if session is None:
            return False
        text = sessions.to_json(session)
        self._dirty = False
        if text == self._written:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            sessions.write_text(self.path, text)
        except OSError as exc:
            self.window.statusBar().showMessage(f"Could not write the recovery file "
                                                f"{self.path}: {exc.strerror or exc}", 10000)
            return False
        self._written = text
        return True

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.closed_cleanly()
        return False

    def closed_cleanly(self) -> None:
        """No crash to recover from: stop, and remove the file unless a question about it
        is still open."""
        self.timer.stop()
        if self.box is None:
            self.path.unlink(missing_ok=True)

    # ---- after a crash
    def offer(self) -> QMessageBox | None:
        """If a recovery file is there, ask whether to restore it (Restore / Discard)."""
        if not self.path.is_file() or self.box is not None:
            return None
        try:
            session = sessions.read(self.path)
        except SessionError as exc:
            self.window.statusBar().showMessage(f"The recovery file could not be read and was "
                                                f"removed: {exc}", 15000)
            self.path.unlink(missing_ok=True)
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Restore the last session?", QUESTION,
                          QMessageBox.StandardButton.NoButton, self.window)
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.buttonClicked.connect(lambda button: self._answer(button is restore, session))
        self.box = box
        box.open()
        return box

    def _answer(self, restore: bool, session) -> None:
        self.box.deleteLater()
        self.box = None
        self.path.unlink(missing_ok=True)
        if restore:
            self.window.session.restore(session, None, FILE_NAME)
