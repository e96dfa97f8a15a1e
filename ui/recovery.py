"""Never lose work: the current session, a drawing inline, goes to a recovery file every minute.

Each window writes its own file in the application's data folder (QStandardPaths
.AppDataLocation, `recovery/`), only when something changed, through a temporary file and
os.replace, and holds a lock file beside it while it lives. A clean close removes both. A
file whose lock nobody holds was left by a program that did not close properly: `offer` asks,
without blocking, whether to bring it back. Files of windows still open (in this program or
another copy of it) are never offered nor touched.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QEvent, QLockFile, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from engine import session as sessions
from engine.session import SessionError

INTERVAL_MS = 60_000
# The writer sleeps this long after each part of the text (50 rows of an inline data set,
# about 2 ms of work): the window's thread mostly finds the interpreter free. A 20,000 × 64
# set takes about 9 s to write, once a minute at most; the window's longest stall while it
# writes during a t-SNE run stays under 50 ms here (5 ms pauses: 90 ms).
PAUSE_S = 0.02
QUESTION = "Unsupervised Explorer did not close properly. Restore your last session?"
_numbers = itertools.count(1)  # several windows in one process each get their own file


def recovery_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / "recovery"


def _lock_for(path: Path) -> QLockFile:
    """The lock beside a recovery file; held by the live window that writes the file."""
    lock = QLockFile(str(path.with_name(path.name.removesuffix(sessions.SUFFIX) + ".lock")))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however young
    return lock


class Recovery(QObject):
    """Writes `window.session.capture()` to this window's own file every `interval_ms` when it
    changed; `folder` is where all recovery files live (tests use their own). The text is
    made and written on a thread of its own: a data set held inline (70,000 points drawn or
    selected) takes seconds to turn into JSON, which the window must not wait for."""

    finished = Signal(object)  # a write's outcome, from the writer thread: bool, or a message

    def __init__(self, window, interval_ms: int = INTERVAL_MS, folder: str | Path | None = None):
        super().__init__(window)
        self.window = window
        self.folder = Path(folder) if folder is not None else recovery_folder()
        self.path = self.folder / f"session-{os.getpid()}-{next(_numbers)}{sessions.SUFFIX}"
        self.lock = _lock_for(self.path)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.lock.tryLock(0)
        except OSError:
            pass  # an unwritable folder: save_now says so when it first tries to write
        self.box: QMessageBox | None = None  # the question, while it waits for an answer
        self._offered: tuple[Path, QLockFile] | None = None  # asked about or being restored
        self._dirty = False
        self._written: bytes | None = None  # the last text's digest; the writer's own
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recovery")
        self._writing: Future | None = None
        self._closing = threading.Event()  # the writer stops between parts, writing nothing
        self.finished.connect(self._report)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        for signal in (window.data_panel.dataset_changed, window.data_panel.dataset_cleared,
                       window.data_panel.view_changed, window.method_panel.algorithm_changed,
                       window.method_panel.params_changed, window.run_ended,
                       window.run_bar.scrubbed):
            signal.connect(self._changed)
        window.installEventFilter(self)
        self.timer.start()

    def _changed(self, *_args) -> None:
        self._dirty = True

    def _tick(self) -> None:
        self.save_now(wait=False)

    def save_now(self, wait: bool = True) -> bool:
        """Write the session if it changed since the last write. With `wait`, True if it
        was written; without, True if a write began (its failure reaches the status bar)."""
        if (not self._dirty or self._closing.is_set()
                or (self._writing is not None and not self._writing.done())):
            return False  # unchanged, closing, or the last write still going: the next tick
        try:
            session = self.window.session.capture()  # hashes a data file: it may be gone
        except OSError as exc:
            name = f" {exc.filename}" if exc.filename else ""
            return self._say(f"Could not write the recovery file: cannot read the data "
                             f"file{name}: {exc.strerror or exc}")
        if session is None:
            return False
        self._dirty = False
        self._writing = self._writer.submit(self._write, session)
        if wait:
            return self._report(self._writing.result())
        self._writing.add_done_callback(lambda done: self.finished.emit(done.result()))
        return True

    def _write(self, session) -> bool | str:
        """On the writer thread: True if written, False if the text is as last written or
        the window is closing, or what went wrong. The text stays in encoded parts, compared
        by a digest: joining or encoding 30 MB at once held the interpreter for tens of
        milliseconds, long enough to stall the window."""
        digest, parts = hashlib.sha256(), []
        try:
            for part in sessions.json_parts(session):
                if self._closing.is_set():
                    return False
                parts.append(part.encode("utf-8"))
                digest.update(parts[-1])
                time.sleep(PAUSE_S)
        except Exception as exc:  # a value JSON cannot hold, or our bug: say it, never raise
            return f"Could not write the recovery file: {type(exc).__name__}: {exc}"
        if digest.digest() == self._written or self._closing.is_set():
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            sessions.atomic_write(self.path, parts)
        except OSError as exc:
            self._dirty = True  # try again at the next tick
            return f"Could not write the recovery file {self.path}: {exc.strerror or exc}"
        self._written = digest.digest()
        return True

    def _report(self, outcome: bool | str) -> bool:
        return self._say(outcome) if isinstance(outcome, str) else outcome

    def _say(self, text: str) -> bool:
        self.window.statusBar().showMessage(text, 10000)
        return False

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.closed_cleanly()
        return False

    def closed_cleanly(self) -> None:
        """No crash to recover from: stop, remove this window's file and let go of its lock.
        A file still being asked about stays for the next start."""
        self.timer.stop()
        self._closing.set()  # a write still going stops at its next part, writing nothing
        self._writer.shutdown(wait=True)
        self.path.unlink(missing_ok=True)
        self.lock.unlock()
        self._let_go(remove=False)

    # ---- after a crash
    def left_behind(self) -> list[Path]:
        """Recovery files whose window is gone without closing (no live lock), newest first."""
        found = []
        for path in self.folder.glob("*" + sessions.SUFFIX):
            lock = _lock_for(path)
            if path != self.path and lock.tryLock(0):
                lock.unlock()
                found.append(path)
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def offer(self) -> QMessageBox | None:
        """If a crash left a recovery file, ask whether to restore the newest (Restore /
        Discard); older ones wait for the next start."""
        if self.box is not None or self._offered is not None:
            return None  # a question, or a restore, is under way
        for path in self.left_behind():
            claim = _lock_for(path)
            if not claim.tryLock(0):
                continue  # another copy starting at the same moment took it
            try:
                session = sessions.read(path)
            except SessionError as exc:
                self.window.statusBar().showMessage(
                    f"A recovery file could not be read and was removed: {exc}", 15000)
                path.unlink(missing_ok=True)
                claim.unlock()
                continue
            self._offered = (path, claim)
            return self._ask(session, path.name)
        return None

    def _ask(self, session, where: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Restore the last session?", QUESTION,
                          QMessageBox.StandardButton.NoButton, self.window)
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.buttonClicked.connect(lambda b: self._answer(b is restore, session, where))
        self.box = box
        box.open()
        return box

    def _answer(self, restore: bool, session, where: str) -> None:
        """Discard: the file goes at once. Restore: it stays, claimed, until the session is
        back; if it does not come back, it is left for the next start."""
        self.box.deleteLater()
        self.box = None
        if not restore:
            self._let_go(remove=True)
            return
        self.window.session.restored.connect(self._on_restored)
        self.window.session.restore(session, None, where)

    def _on_restored(self, outcome: str) -> None:
        self.window.session.restored.disconnect(self._on_restored)
        self._let_go(remove=outcome == "done")

    def _let_go(self, remove: bool) -> None:
        """Done with the file asked about: remove it or leave it, and release the claim."""
        if self._offered is None:
            return
        path, claim = self._offered
        self._offered = None
        if remove:
            path.unlink(missing_ok=True)
        claim.unlock()
