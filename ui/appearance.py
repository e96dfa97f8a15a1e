"""The window's look as state: the theme (light, dark or the system's), presentation mode
and its scale. It makes the Style every canvas gets, and says when that changes.

Changes are applied once each (a new Style, one signal), never per snapshot.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from widgets.style import DEFAULT_PRESENTATION_SCALE, THEMES, Style, Theme
from widgets.theme import apply_theme, system_theme

THEME_MODES = ("system", "light", "dark")


class Appearance(QObject):
    """Theme mode, presentation on/off and scale; `style_changed` carries the new Style."""

    style_changed = Signal(object)

    def __init__(self, theme_mode: str = "system", parent: QObject | None = None):
        super().__init__(parent)
        self._mode = _checked(theme_mode)
        self._presentation = False
        self._scale = DEFAULT_PRESENTATION_SCALE
        self._theme = self._resolve()
        self._style = self._make_style()
        apply_theme(self._theme)
        app = QGuiApplication.instance()
        if app is not None:
            QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    # ---- state
    def theme_mode(self) -> str:
        return self._mode

    def theme(self) -> Theme:
        return self._theme

    def style(self) -> Style:
        return self._style

    def presentation(self) -> bool:
        return self._presentation

    def scale(self) -> float:
        return self._scale

    # ---- changes
    def set_theme_mode(self, mode: str) -> None:
        self._mode = _checked(mode)
        self._update()

    def set_presentation(self, on: bool) -> None:
        self._presentation = bool(on)
        self._update()

    def set_scale(self, scale: float) -> None:
        if not float(scale) > 0:
            raise ValueError(f"presentation scale must be positive, not {scale}")
        self._scale = float(scale)
        self._update()

    def _on_system_scheme(self, *_args) -> None:
        if self._mode == "system":
            self._update()

    def _update(self) -> None:
        theme = self._resolve()
        if theme != self._theme:
            self._theme = theme
            apply_theme(theme)
        style = self._make_style()
        if style != self._style:
            self._style = style
            self.style_changed.emit(style)

    def _resolve(self) -> Theme:
        return system_theme() if self._mode == "system" else THEMES[self._mode]

    def _make_style(self) -> Style:
        if self._presentation:
            return Style.projector(self._theme, self._scale)
        return Style.desk(self._theme)


def _checked(mode: str) -> str:
    if mode not in THEME_MODES:
        raise ValueError(f"no theme {mode!r}; choose one of {', '.join(THEME_MODES)}")
    return mode
