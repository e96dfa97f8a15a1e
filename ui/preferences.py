"""What the program remembers between runs (QSettings): the window's layout, the theme, the
presentation scale, the speed of play, and the recent data files and sessions.

A window made with `persistent=False` (tests, `--screenshot`) reads and writes nothing, so
a screenshot looks the same whatever the user did last; its recent lists live in memory.
Values given on the command line win: the window asks for a remembered theme only when
none was given.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

from widgets.style import PRESENTATION_SCALES

ORGANIZATION = "Unsupervised Explorer"
APPLICATION = "Unsupervised Explorer"
MAX_RECENT = 10
DATA, SESSIONS = "data", "sessions"  # the two recent lists
RECENT_KEYS = {DATA: "recent/data", SESSIONS: "recent/sessions"}


def app_settings() -> QSettings:
    """The user's settings store, named explicitly so that it does not depend on the
    application object's names having been set."""
    return QSettings(ORGANIZATION, APPLICATION)


def _normal(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def push_recent(paths: list[str], path: str, cap: int = MAX_RECENT) -> list[str]:
    """`path` first, each path once, at most `cap`."""
    return [path, *(p for p in paths if p != path)][:cap]


class Preferences(QObject):
    """The window's remembered settings; `recent_changed` fires when a recent list does."""

    recent_changed = Signal()

    def __init__(self, window, persistent: bool = True):
        super().__init__(window)
        self.window = window
        self._settings = app_settings() if persistent else None
        self._recent = {kind: self._read_list(RECENT_KEYS[kind]) for kind in RECENT_KEYS}
        self.theme_given: str | None = None  # the theme the command line asked for, if any

    def persistent(self) -> bool:
        return self._settings is not None

    # ---- single values
    def value(self, key: str, default=None):
        if self._settings is None:
            return default
        return self._settings.value(key, default)

    def set_value(self, key: str, value) -> None:
        if self._settings is not None:
            self._settings.setValue(key, value)
            self._settings.sync()

    def theme_mode(self, default: str = "system") -> str:
        """The remembered theme, for a window not told one on the command line."""
        mode = str(self.value("look/theme", default))
        return mode if mode in ("system", "light", "dark") else default

    def presentation_scale(self) -> float | None:
        return _float(self.value("look/presentation_scale"))

    def speed(self) -> float | None:
        """The remembered speed of play, in steps a second (0: as fast as it goes)."""
        return _float(self.value("run/speed"))

    # ---- recent files
    def recent(self, kind: str) -> list[str]:
        """Most recent first; files that no longer exist are left out."""
        return [p for p in self._recent[kind] if Path(p).is_file()]

    def add_recent_file(self, path: str | Path) -> None:
        self._add(DATA, path)

    def add_recent_session(self, path: str | Path) -> None:
        self._add(SESSIONS, path)

    def clear_recent(self) -> None:
        for kind in self._recent:
            self._recent[kind] = []
            self.set_value(RECENT_KEYS[kind], [])
        self.recent_changed.emit()

    def _add(self, kind: str, path: str | Path) -> None:
        paths = push_recent(self._recent[kind], _normal(path))
        self._recent[kind] = paths
        self.set_value(RECENT_KEYS[kind], paths)
        self.recent_changed.emit()

    def _read_list(self, key: str) -> list[str]:
        value = self.value(key, [])
        if isinstance(value, str):  # QSettings gives a one-item list back as a string
            value = [value] if value else []
        return [str(p) for p in value or []][:MAX_RECENT]

    # ---- the window
    def restore_window(self) -> None:
        """Geometry, toolbars, the splitter, the presentation scale and the speed of play."""
        if self._settings is None:
            return
        w = self.window
        geometry = self.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            w.restoreGeometry(geometry)
        state = self.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            w.restoreState(state)
        try:
            sizes = [int(s) for s in _list(self.value("window/splitter"))]
        except (TypeError, ValueError):  # a hand-edited or garbled settings file
            sizes = []
        if len(sizes) == w.splitter.count() and all(s > 0 for s in sizes):
            w.splitter.setSizes(sizes)
        scale = self.presentation_scale()
        if scale in PRESENTATION_SCALES:  # not a scale from a hand-edited file
            w.presentation.set_scale(scale)
        speed = self.speed()
        if speed is not None:
            w.run_bar.set_rate(speed)

    def watch(self) -> None:
        """Save the look and the speed as soon as they change, not only on closing."""
        self.window.appearance.style_changed.connect(lambda _style: self.save_look())
        self.window.run_bar.speed_changed.connect(lambda rate: self.set_value("run/speed", rate))

    def save_look(self) -> None:
        appearance = self.window.appearance
        if self.theme_given is not None and appearance.theme_mode() != self.theme_given:
            self.theme_given = None  # chosen in the window from now on: remember it
        if self.theme_given is None:
            self.set_value("look/theme", appearance.theme_mode())
        self.set_value("look/presentation_scale", appearance.scale())

    def save_window(self) -> None:
        """On closing: the layout, and everything `watch` saves, once more."""
        if self._settings is None:
            return
        w = self.window
        self.set_value("window/geometry", w.saveGeometry())
        self.set_value("window/state", w.saveState())
        sizes = w.splitter.sizes()
        if all(s > 0 for s in sizes):  # not while presentation mode folds the panels away
            self.set_value("window/splitter", sizes)
        self.save_look()
        self.set_value("run/speed", w.run_bar.rate())


def _float(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str | int) else list(value)
