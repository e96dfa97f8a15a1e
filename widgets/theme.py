"""The application's look for a theme: pyqtgraph's defaults and the Qt widgets' palette.

Canvases take their colours from their Style; this module sets what is global: pyqtgraph's
default colours (for items made without a style) and the palette of the Qt widgets around
the canvases. Dark uses the Fusion style with a dark QPalette, which looks the same on every
platform; light restores the style and palette the application started with.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from widgets.style import DARK, LIGHT, Theme

_ORIGINAL: dict[str, object] = {}  # the style name and palette before any theme was applied


def system_theme() -> Theme:
    """Dark when the desktop says so (Qt 6.5+), else light."""
    app = QGuiApplication.instance()
    if app is None:
        return LIGHT
    dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return DARK if dark else LIGHT


def apply_theme(theme: Theme) -> None:
    """Set pyqtgraph's defaults and the widgets' palette for the theme."""
    pg.setConfigOptions(background=theme.background, foreground=theme.foreground,
                        antialias=True)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if not _ORIGINAL:
        _ORIGINAL["style"] = app.style().name()
        _ORIGINAL["palette"] = QPalette(app.palette())
    if theme.dark:
        if app.style().name().lower() != "fusion":
            app.setStyle("Fusion")
        app.setPalette(dark_palette(theme))
    else:
        if app.style().name() != _ORIGINAL["style"]:
            app.setStyle(str(_ORIGINAL["style"]))
        app.setPalette(_ORIGINAL["palette"])


def dark_palette(theme: Theme = DARK) -> QPalette:
    """A dark QPalette around the theme's background and text colours."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    base = QColor(theme.background)
    text = QColor(theme.foreground)
    window = base.lighter(125)
    palette = QPalette()
    colours = {
        role.Window: window, role.WindowText: text, role.Base: base,
        role.AlternateBase: window.lighter(110), role.ToolTipBase: window.lighter(130),
        role.ToolTipText: text, role.PlaceholderText: text.darker(160), role.Text: text,
        role.Button: window.lighter(115), role.ButtonText: text, role.BrightText: QColor("#FF6B6B"),
        role.Link: QColor("#56B4E9"), role.Highlight: QColor("#2F6FB0"),
        role.HighlightedText: QColor("#FFFFFF"), role.Light: window.lighter(160),
        role.Midlight: window.lighter(130), role.Mid: window.darker(120),
        role.Dark: window.darker(160), role.Shadow: QColor("#000000"),
    }
    for r, c in colours.items():
        palette.setColor(r, c)
    disabled = text.darker(180)
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, r, disabled)
    palette.setColor(group.Disabled, role.Highlight, window.lighter(140))
    return palette
