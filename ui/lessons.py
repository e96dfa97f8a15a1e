"""The Lessons menu: built-in lessons by family, the user's own, and saving the window's state as
a lesson.

A lesson opens through the session machinery (`window.session.restore`), so the data set,
method, parameters and view come back exactly as a session's would, but it never runs: the class
steps through it. Its notes for the teacher appear at the top of the left panel, above the data
set, where they cover no canvas. They stay while the lesson's method is chosen (a note
often says "now try noise 0.1" or "tick scale", so changing the data or the parameters keeps
them) and go when the user picks another method or closes them. They are folded away with the
left panel in presentation mode: they are for the teacher, not for the class.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QMessageBox,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
)

from engine import lessons, registry
from engine.lessons import Lesson
from engine.session import SessionError
from ui.resources import resource_path

_LEAD = re.compile(r"^(\w[\w ]{0,15}):\s")  # "Ask: …" → a bold "Ask:"
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def is_html(notes: str) -> bool:
    return bool(_TAG.search(notes))


def user_folder() -> Path:
    """Where the user's lessons are saved: AppDataLocation/lessons."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "lessons"


def notes_html(notes: str) -> str:
    """Notes as HTML: tiny HTML is kept as written; plain text gets a paragraph a line."""
    if is_html(notes):
        return notes
    lines = (html.escape(line) for line in notes.splitlines() if line.strip())
    return "".join("<p>" + _LEAD.sub(r"<b>\1:</b> ", line) + "</p>" for line in lines)


def first_line(notes: str) -> str:
    plain = _TAG.sub(" ", notes) if is_html(notes) else notes
    return next((line.strip() for line in plain.splitlines() if line.strip()), "")


class LessonNotes(QFrame):
    """The open lesson's title and notes, with a button to close them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lessonNotes")
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold;")
        close = QToolButton()
        close.setText("×")
        close.setToolTip("Close the lesson notes")
        close.setAutoRaise(True)
        close.clicked.connect(self.clear)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title, 1)
        top.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.body)
        self.lesson: Lesson | None = None
        self.hide()

    def show_lesson(self, lesson: Lesson, accent: str) -> None:
        self.lesson = lesson
        self.title.setText(f"Lesson: {lesson.title}")
        self.body.setText(notes_html(lesson.notes))
        self.setStyleSheet(f"#lessonNotes {{ border-left: 4px solid {accent}; "
                           "background: palette(base); }")
        self.show()

    def clear(self) -> None:
        self.lesson = None
        self.hide()


class SaveLessonDialog(QDialog):
    """Title, family and notes for a lesson made from the window's state."""

    def __init__(self, title: str, family: str, notes: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Save as lesson")
        self.title = QLineEdit(title)
        self.title.setMaxLength(lessons.TITLE_MAX)
        self.family = QComboBox()
        self.family.addItems(registry.FAMILIES)
        self.family.setCurrentText(family)
        self.notes = QPlainTextEdit(notes)
        self.notes.setPlaceholderText("A few lines for the teacher: what to show, what to ask "
                                      "the class, what to try next.")
        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Family", self.family)
        form.addRow("&Notes", self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 320)


class LessonsMenu(QObject):
    """`window.lessons`: the menu, opening a lesson, saving and removing the user's own."""

    def __init__(self, window, builtin: Path | None = None, user: Path | None = None):
        super().__init__(window)
        self.window = window
        self.builtin_folder = builtin or resource_path("lessons")
        self.user_folder = user or user_folder()
        self.builtin, builtin_errors = lessons.scan(self.builtin_folder)
        self.errors = list(builtin_errors)  # kept: a broken built-in lesson is a bug to report
        self.user: list[Lesson] = []
        self.user_errors: list[SessionError] = []
        self.menu: QMenu | None = None
        self.last_error = ""
        self.message_box: QMessageBox | None = None
        self.dialog: SaveLessonDialog | None = None
        self._opening: Lesson | None = None
        self.notes = LessonNotes()
        window.left_panel.widget().layout().insertWidget(0, self.notes)  # above the data
        window.method_panel.algorithm_changed.connect(lambda _a: self._method_changed())
        window.session.restored.connect(self._on_restored)

    # ---- the menu
    def add_menu(self, bar: QMenuBar) -> QMenu:
        self.menu = bar.addMenu("&Lessons")
        self.menu.setToolTipsVisible(True)
        families = lessons.by_family(self.builtin)
        for family, found in families.items():
            if found:
                sub = self._submenu(self.menu, family)
                for lesson in found:
                    self._add_lesson(sub, lesson)
        for error in self.errors:
            self._add_error(self.menu, error)
        self.menu.addSeparator()
        self.mine = self._submenu(self.menu, "&My lessons")
        self.menu.addAction("&Save current state as lesson…", self.save_dialog)
        self.remove_menu = self._submenu(self.menu, "&Remove my lesson")
        self.menu.aboutToShow.connect(self.refresh)
        self.refresh()
        return self.menu

    @staticmethod
    def _submenu(parent: QMenu, title: str) -> QMenu:
        sub = parent.addMenu(title)
        sub.setToolTipsVisible(True)
        return sub

    def _add_lesson(self, menu: QMenu, lesson: Lesson, label: str | None = None) -> None:
        label = (label or lesson.title).replace("&", "&&")  # "&" is a mnemonic in a menu
        action = menu.addAction(label, lambda: self.open(lesson))
        action.setToolTip(first_line(lesson.notes) or lesson.title)
        action.setData(lesson.name)

    def _add_error(self, menu: QMenu, error: SessionError) -> None:
        action = menu.addAction(f"{error.where or 'A lesson'}: cannot be read…",
                                lambda: self._say("Could not read the lesson.", error))
        action.setToolTip(str(error))

    def refresh(self) -> None:
        """Read the user's lessons again and list them (after a save or a removal, and each
        time the menu opens, so a lesson copied into the folder shows up too)."""
        self.user, self.user_errors = lessons.scan(self.user_folder)
        if self.menu is None:
            return
        self.mine.clear()
        self.remove_menu.clear()
        for lesson in self.user:
            self._add_lesson(self.mine, lesson, f"{lesson.title}  ({lesson.family})")
            action = self.remove_menu.addAction(lesson.title.replace("&", "&&"),
                                                lambda le=lesson: self.remove_dialog(le))
            action.setToolTip(str(lesson.path))
        for error in self.user_errors:
            self._add_error(self.mine, error)
        if not self.user and not self.user_errors:
            self.mine.addAction("(none saved yet)").setEnabled(False)
        self.remove_menu.setEnabled(bool(self.user))

    # ---- opening
    def open(self, lesson: Lesson) -> bool:
        """Bring the lesson back, ready to step; False (with a message, and nothing changed)
        if its data cannot be found."""
        base = lesson.path.parent if lesson.path else None
        where = lesson.path.name if lesson.path else lesson.title
        try:
            lesson.session.data.check(base)
        except SessionError as exc:
            return self._say("Could not open the lesson.", exc.located(where))
        self._opening = lesson
        if not self.window.session.restore(lesson.session, base, where):
            self._opening = None
            return False
        return True

    def open_named(self, name: str) -> bool:
        """A built-in or saved lesson by file name or title (for `--lesson NAME`)."""
        self.refresh()
        lesson = lessons.find(self.builtin + self.user, name)
        if lesson is None:
            known = ", ".join(le.name for le in self.builtin + self.user)
            return self._say("Could not open the lesson.",
                             SessionError(f"there is no lesson {name!r} (known: {known})"))
        return self.open(lesson)

    def _on_restored(self, outcome: str) -> None:
        lesson, self._opening = self._opening, None
        if lesson is None or outcome != "done":
            return
        w = self.window
        self.notes.show_lesson(lesson, w.appearance.style().theme.accent)
        w.left_panel.verticalScrollBar().setValue(0)
        w.explain.clear(f"Lesson “{lesson.title}”: press Step to go through it one step at a "
                        "time, or Run to play it.")
        w.statusBar().showMessage(f"Opened the lesson “{lesson.title}”", 8000)

    def _method_changed(self) -> None:
        if self._opening is None:  # the user's choice, not the lesson's own
            self.notes.clear()

    # ---- saving and removing
    def save_dialog(self) -> SaveLessonDialog | None:
        """Ask for a title, family and notes (the open lesson's, to start from); not modal."""
        w = self.window
        if w.dataset is None or w.algorithm is None:
            self._say("Could not save a lesson.",
                      SessionError("there is nothing to save: choose a data set and a method"))
            return None
        shown = self.notes.lesson if self.notes.isVisible() else None
        title = shown.title if shown else f"{w.algorithm.name} on {w.dataset.name}"
        self.dialog = SaveLessonDialog(title, w.algorithm.family,
                                       shown.notes if shown else "", w)
        self.dialog.accepted.connect(lambda d=self.dialog: self.save(
            d.title.text(), d.family.currentText(), d.notes.toPlainText()))
        self.dialog.open()
        return self.dialog

    def save(self, title: str, family: str, notes: str) -> Path | None:
        """Save the window's state as a lesson in the user's folder; it is in the menu at once."""
        session = self.window.session.capture()
        try:
            if session is None:
                raise SessionError("there is nothing to save: choose a data set and a method")
            path = lessons.write(lessons.make(title, family, notes, session), self.user_folder)
        except SessionError as exc:
            self._say("Could not save the lesson.", exc)
            return None
        except OSError as exc:
            self._say("Could not save the lesson.",
                      SessionError(f"cannot write it: {exc.strerror or exc}",
                                   where=str(self.user_folder)))
            return None
        self.refresh()
        self.window.statusBar().showMessage(f"Saved the lesson “{' '.join(title.split())}” "
                                            f"in {path}", 10000)
        return path

    def remove_dialog(self, lesson: Lesson) -> None:
        answer = QMessageBox.question(self.window, "Remove lesson",
                                      f"Remove your lesson “{lesson.title}”?\n{lesson.path}")
        if answer == QMessageBox.StandardButton.Yes:
            self.remove(lesson)

    def remove(self, lesson: Lesson) -> bool:
        try:
            lesson.path.unlink()
        except OSError as exc:
            return self._say("Could not remove the lesson.",
                             SessionError(exc.strerror or str(exc), where=lesson.path.name))
        if self.notes.lesson is not None and self.notes.lesson.path == lesson.path:
            self.notes.clear()
        self.refresh()
        self.window.statusBar().showMessage(f"Removed the lesson “{lesson.title}”", 8000)
        return True

    # ---- messages
    def _say(self, doing: str, error: SessionError) -> bool:
        """A message in a box that does not block, and in the status bar; False."""
        self.last_error = str(error)
        text = f"{doing} {error}"
        self.window.statusBar().showMessage(text, 15000)
        if self.message_box is not None:
            self.message_box.deleteLater()
        self.message_box = QMessageBox(QMessageBox.Icon.Warning, "Lessons", text,
                                       QMessageBox.StandardButton.Ok, self.window)
        self.message_box.open()
        return False
