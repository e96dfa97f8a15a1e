"""Help → Keyboard shortcuts: a table made from the window's own menu actions, so that it
lists exactly the keys the menus have (a key added to a menu appears here by itself)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class Shortcut:
    menu: str  # "File › Export"
    command: str  # "Copy canvas"
    keys: str  # "Ctrl+Shift+C", several joined by ", "


def plain(text: str) -> str:
    """A menu text as read: no & mnemonics (&& is a literal &), no trailing tab part."""
    return text.split("\t")[0].replace("&&", "\0").replace("&", "").replace("\0", "&")


def menu_shortcuts(bar: QMenuBar) -> list[Shortcut]:
    """Every action with a key in the bar's menus and submenus, in menu order."""
    out: list[Shortcut] = []
    for top in bar.actions():
        if top.menu() is not None:
            _collect(top.menu(), plain(top.text()), out)
    return out


def _collect(menu: QMenu, path: str, out: list[Shortcut]) -> None:
    for action in menu.actions():
        sub = action.menu()
        if sub is not None:
            _collect(sub, f"{path} › {plain(action.text())}", out)
        elif not action.isSeparator() and _keys(action):
            out.append(Shortcut(path, plain(action.text()), _keys(action)))


def _keys(action: QAction) -> str:
    fmt = QKeySequence.SequenceFormat.NativeText
    return ", ".join(k.toString(fmt) for k in action.shortcuts() if not k.isEmpty())


class ShortcutsDialog(QDialog):
    """The table of shortcuts, in the window's presentation font when presenting."""

    def __init__(self, shortcuts: list[Shortcut], parent: QWidget | None = None, font=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        if font is not None:
            self.setFont(font)
        self.table = QTableWidget(len(shortcuts), 3)
        self.table.setHorizontalHeaderLabels(["Command", "Keys", "Menu"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, s in enumerate(shortcuts):
            for col, text in enumerate((s.command, s.keys, s.menu)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self._fit()

    def _fit(self) -> None:
        """Wide and tall enough to show every row without scrolling, where the screen allows."""
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        width = sum(self.table.columnWidth(c) for c in range(3)) + 40
        height = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        height += self.table.horizontalHeader().height() + 90
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 80)
        self.resize(max(width, 360), max(height, 200))


def show_shortcuts(window) -> ShortcutsDialog:
    """Open the page (non-modal, so tests can read it); it deletes itself when closed."""
    style = window.appearance.style()
    font = style.font() if style.presentation else None
    dialog = ShortcutsDialog(menu_shortcuts(window.menuBar()), window, font)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
