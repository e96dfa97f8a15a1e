"""Linked selection: one set of selected data rows for the window, shown on every canvas.

`SelectionModel` is the one source of truth: rows of the current data set, cleared when the
data set changes. `SelectionControls` is its commands (pan, lasso and rectangle tools, select
all, clear, a new data set from the selection) in the Edit menu, a toolbar and the canvases'
context menus; it links every canvas of every view, those made later included, so that a
lasso on one lights the same points up in all the others.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMenuBar, QToolBar

from engine.data import Dataset
from engine.selection import as_rows, combine, subset
from widgets.canvas import Canvas
from widgets.selection import LASSO, PAN, RECTANGLE

HOW = ("Ctrl adds to the selection; a click on a point selects it, a click on empty space "
       "or Esc clears.\nThe middle button pans and the wheel zooms meanwhile. The points light "
       "up on every canvas.")
TOOLS = (
    (PAN, "&Pan and zoom", "Pan", "The mouse pans (left drag) and zooms (right drag, wheel)"),
    (LASSO, "&Lasso select", "Lasso",
     f"Lasso: drag around points on any scatter to select them.\n{HOW}"),
    (RECTANGLE, "&Rectangle select", "Rectangle",
     f"Rectangle: drag a box over points on any scatter to select them.\n{HOW}"),
)


class SelectionModel(QObject):
    """The selected rows (sorted, unique) of the current data set of `n` rows."""

    changed = Signal(object)  # the rows now

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows = np.empty(0, np.int64)
        self._n = 0

    def rows(self) -> np.ndarray:
        return self._rows.copy()

    def count(self) -> int:
        return len(self._rows)

    def reset(self, n: int) -> None:
        """A new data set of n rows: nothing selected."""
        self._n = int(n)
        self._set(np.empty(0, np.int64))

    def select(self, rows, add: bool = False) -> None:
        """Select these rows, or add them to the selection."""
        self._set(combine(self._rows, as_rows(rows, self._n), add))

    def select_all(self) -> None:
        self._set(np.arange(self._n, dtype=np.int64))

    def clear(self) -> None:
        self._set(np.empty(0, np.int64))

    def _set(self, rows: np.ndarray) -> None:
        if np.array_equal(rows, self._rows):
            return
        self._rows = rows
        self.changed.emit(self.rows())


class SelectionControls(QObject):
    """The window's selection commands and the links between its canvases."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.model = SelectionModel(self)
        self._mode = PAN
        self._build_actions()
        self.status = QLabel()
        window.statusBar().addPermanentWidget(self.status)
        self.model.changed.connect(self._on_changed)
        panel = window.data_panel
        panel.dataset_changed.connect(lambda dataset: self.model.reset(dataset.n))
        panel.dataset_cleared.connect(lambda: self.model.reset(0))
        window.draw_panel.draw_button.toggled.connect(lambda on: on and self.set_mode(PAN))
        window.stack.widgetAdded.connect(lambda i: self.attach(window.stack.widget(i)))
        for i in range(window.stack.count()):
            self.attach(window.stack.widget(i))
        if window.dataset is not None:
            self.model.reset(window.dataset.n)
        self._on_changed(self.model.rows())

    def _build_actions(self) -> None:
        self.tool_group = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for mode, text, short, tip in TOOLS:
            action = QAction(text, self.tool_group, checkable=True)
            action.setIconText(short)  # what the toolbar's button says
            action.setData(mode)
            action.setToolTip(tip)
            action.setStatusTip(tip.splitlines()[0])
            action.setChecked(mode == PAN)
            self.tool_actions[mode] = action
        self.tool_group.triggered.connect(lambda a: self.set_mode(str(a.data())))
        self.select_all_action = QAction("Select &all points", self)
        self.select_all_action.setShortcut(QKeySequence.StandardKey.SelectAll)
        self.select_all_action.triggered.connect(self.model.select_all)
        self.clear_action = QAction("&Clear selection", self)
        self.clear_action.setToolTip("Select nothing (Esc when no method is running)")
        self.clear_action.triggered.connect(self.model.clear)
        self.new_dataset_action = QAction("New data set from &selection", self)
        self.new_dataset_action.setToolTip("Make the selected points a data set of their own, "
                                           "to run methods on")
        self.new_dataset_action.triggered.connect(self.new_dataset_from_selection)
        for action in (self.select_all_action, self.clear_action, self.new_dataset_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.window.addAction(action)

    def context_actions(self) -> list[QAction]:
        """What a right click on a scatter offers."""
        separator = QAction(self)
        separator.setSeparator(True)
        return [*self.tool_actions.values(), separator, self.new_dataset_action,
                self.clear_action]

    # ---- where the commands appear
    def add_menu(self, bar: QMenuBar) -> QMenu:
        """The selection commands at the end of the Edit menu (made here if there is none)."""
        menu = next((a.menu() for a in bar.actions()
                     if a.menu() is not None and a.text().replace("&", "") == "Edit"), None)
        if menu is None:
            menu = bar.addMenu("&Edit")
        menu.addSeparator()
        for action in self.tool_actions.values():
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.select_all_action)
        menu.addAction(self.clear_action)
        menu.addAction(self.new_dataset_action)
        return menu

    def add_toolbar(self) -> QToolBar:
        bar = QToolBar("Selection", self.window)
        bar.setObjectName("selection-toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions(list(self.tool_actions.values()))
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        return bar

    # ---- linking canvases
    def canvases(self) -> list[Canvas]:
        """Every canvas of every view the window has made."""
        stack = self.window.stack
        return [c for i in range(stack.count()) for c in stack.widget(i).canvases()
                if isinstance(c, Canvas)]

    def attach(self, view) -> None:
        """Link a view's canvases: their gestures select, and they show the selection."""
        actions = self.context_actions()
        for canvas in view.canvases():
            if not isinstance(canvas, Canvas):
                continue
            canvas.selection_made.connect(self.model.select)
            canvas.set_selection_mode(self._mode)
            canvas.set_selection_actions(actions)
            canvas.set_highlight(self.model.rows())

    # ---- commands
    def set_mode(self, mode: str) -> None:
        """PAN, LASSO or RECTANGLE on every scatter; choosing a selection tool ends drawing."""
        self._mode = mode
        self.tool_actions[mode].setChecked(True)
        if mode != PAN and self.window.draw_panel.tool.is_active():
            self.window.draw_panel.set_draw_mode(False)
        for canvas in self.canvases():
            canvas.set_selection_mode(mode)

    def mode(self) -> str:
        return self._mode

    def new_dataset_from_selection(self) -> Dataset | None:
        """Load the selected rows as the current data set (the selection then clears)."""
        dataset = self.window.dataset
        if dataset is None or not self.model.count():
            return None
        made = subset(dataset, self.model.rows())
        self.window.data_panel.set_dataset(made)
        return made

    def _on_changed(self, rows: np.ndarray) -> None:
        for canvas in self.canvases():
            canvas.set_highlight(rows)
        n = len(rows)
        self.status.setText(f"{n} point{'s' if n != 1 else ''} selected" if n else "")
        self.clear_action.setEnabled(n > 0)
        self.new_dataset_action.setEnabled(n > 0)
