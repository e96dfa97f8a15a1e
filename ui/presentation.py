"""Presentation mode, full screen and the theme as window commands: the View menu and a
toolbar. The state lives in `Appearance`; this module is its buttons, keys and menus, and
folds away the panels a teacher does not need at the projector."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QMainWindow, QMenu, QMenuBar, QToolBar, QWidget

from ui.appearance import Appearance
from widgets.style import PRESENTATION_SCALES

THEME_LABELS = (("system", "&System"), ("light", "&Light"), ("dark", "&Dark"))


def scale_label(scale: float) -> str:
    return f"{scale:g}×"


class PresentationControls(QObject):
    """F5 toggles presentation mode (and folds `folded` away), F11 full screen; the scale and
    the theme are chosen from the View menu or the toolbar."""

    def __init__(self, window: QMainWindow, appearance: Appearance, folded: QWidget):
        super().__init__(window)
        self.window = window
        self.appearance = appearance
        self.folded = folded
        self._was_maximized = False

        self.present_action = QAction("&Presentation mode", window, checkable=True)
        self.present_action.setShortcut(QKeySequence("F5"))
        self.present_action.setToolTip("Large fonts, thick lines, colour-blind-safe colours and "
                                       "the canvases alone, for a projector (F5)")
        self.present_action.toggled.connect(self.set_presentation)
        self.full_screen_action = QAction("&Full screen", window, checkable=True)
        self.full_screen_action.setShortcut(QKeySequence("F11"))
        self.full_screen_action.toggled.connect(self.set_full_screen)

        self.scale_group = QActionGroup(self)
        for scale in PRESENTATION_SCALES:
            action = QAction(scale_label(scale), self.scale_group, checkable=True)
            action.setData(scale)
            action.setChecked(scale == appearance.scale())
        self.scale_group.triggered.connect(lambda a: self.set_scale(float(a.data())))
        self.scale_box = QComboBox()
        self.scale_box.setToolTip("How much larger text, lines and markers are when presenting")
        for scale in PRESENTATION_SCALES:
            self.scale_box.addItem(scale_label(scale), scale)
        self.scale_box.setCurrentIndex(PRESENTATION_SCALES.index(appearance.scale()))
        self.scale_box.activated.connect(
            lambda i: self.set_scale(float(self.scale_box.itemData(i))))

        self.theme_group = QActionGroup(self)
        for mode, label in THEME_LABELS:
            action = QAction(label, self.theme_group, checkable=True)
            action.setData(mode)
            action.setChecked(mode == appearance.theme_mode())
        self.theme_group.triggered.connect(lambda a: self.set_theme_mode(str(a.data())))

    # ---- commands
    def set_presentation(self, on: bool) -> None:
        """Presentation style on every canvas, and the side panels folded away (or back)."""
        on = bool(on)
        if self.present_action.isChecked() != on:
            self.present_action.setChecked(on)  # comes back here through `toggled`
            return
        self.folded.setVisible(not on)
        self.appearance.set_presentation(on)

    def set_scale(self, scale: float) -> None:
        self.appearance.set_scale(scale)
        for action in self.scale_group.actions():
            action.setChecked(float(action.data()) == scale)
        index = self.scale_box.findData(scale)
        if index >= 0:
            self.scale_box.setCurrentIndex(index)

    def set_theme_mode(self, mode: str) -> None:
        self.appearance.set_theme_mode(mode)
        for action in self.theme_group.actions():
            action.setChecked(action.data() == mode)

    def set_full_screen(self, on: bool) -> None:
        on = bool(on)
        if self.full_screen_action.isChecked() != on:
            self.full_screen_action.setChecked(on)
            return
        if on and not self.window.isFullScreen():
            self._was_maximized = self.window.isMaximized()
            self.window.showFullScreen()
        elif not on and self.window.isFullScreen():
            if self._was_maximized:
                self.window.showMaximized()
            else:
                self.window.showNormal()

    # ---- where the commands appear
    def add_menu(self, bar: QMenuBar) -> QMenu:
        menu = bar.addMenu("&View")
        menu.addAction(self.present_action)
        scales = menu.addMenu("Presentation &scale")
        for action in self.scale_group.actions():
            scales.addAction(action)
        menu.addAction(self.full_screen_action)
        menu.addSeparator()
        themes = menu.addMenu("&Theme")
        for action in self.theme_group.actions():
            themes.addAction(action)
        return menu

    def add_toolbar(self) -> QToolBar:
        bar = QToolBar("Presentation", self.window)
        bar.setObjectName("presentation-toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.present_action)
        bar.addWidget(self.scale_box)
        bar.addAction(self.full_screen_action)
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        return bar
