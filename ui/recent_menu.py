"""File → Open recent: the recent data files, then the recent sessions, each with its full
path as tooltip, and "Clear recent". Rebuilt each time it opens, so it is never stale (and
never while one of its own entries is being handled)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from ui.preferences import DATA, SESSIONS, Preferences

SECTIONS = ((DATA, "Data files"), (SESSIONS, "Sessions"))


class RecentMenu(QObject):
    """The submenu; choosing an entry calls `open_data(path)` or `open_session(path)`."""

    def __init__(self, preferences: Preferences, open_data, open_session, parent=None):
        super().__init__(parent)
        self.preferences = preferences
        self._open = {DATA: open_data, SESSIONS: open_session}
        self.menu: QMenu | None = None

    def add_to(self, file_menu: QMenu) -> QMenu:
        self.menu = file_menu.addMenu("Open &recent")
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self.rebuild)
        self.rebuild()
        return self.menu

    def rebuild(self) -> None:
        menu = self.menu
        menu.clear()
        any_entry = False
        for kind, title in SECTIONS:
            paths = self.preferences.recent(kind)
            if not paths:
                continue
            menu.addSection(title)
            for path in paths:
                action = menu.addAction(Path(path).name)
                action.setToolTip(path)
                action.setStatusTip(path)
                action.triggered.connect(lambda _=False, k=kind, p=path: self._open[k](p))
            any_entry = True
        if not any_entry:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("&Clear recent", self.preferences.clear_recent)
        clear.setEnabled(any_entry)
