"""Preferences: what a window remembers for the next one, the recent files, and what the
command line and --screenshot do to remembered values."""

import numpy as np
import pytest
from PySide6.QtGui import QImage

from main import main, parse_args
from tests.pixels import rgb
from ui.main_window import MainWindow
from ui.preferences import DATA, MAX_RECENT, SESSIONS, Preferences, app_settings


@pytest.fixture
def settings():
    """The test's settings start empty and are emptied again, so no other test sees them."""
    store = app_settings()
    store.clear()
    store.sync()
    yield store
    store.clear()
    store.sync()


def _window(qtbot, **kwargs) -> MainWindow:
    w = MainWindow(dataset=None, **kwargs)
    qtbot.addWidget(w)
    return w


def _close(window) -> None:
    window.presentation.set_theme_mode("system")  # the application's palette, as it was
    window.close()


def test_settings_survive_a_close_and_a_new_window(qtbot, settings):
    first = _window(qtbot, remember=True)
    first.resize(first.width(), 520)  # the offscreen screen is 800 × 600: a height that fits
    first.show()
    first.splitter.setSizes([420, 480])
    first.presentation.set_theme_mode("dark")
    first.presentation.set_scale(2.0)
    first.run_bar.set_rate(3.0)
    sizes = first.splitter.sizes()
    assert settings.value("look/theme") == "dark"  # saved when it changed, not only on close
    first.close()

    second = _window(qtbot, remember=True)
    second.show()
    assert second.appearance.theme_mode() == "dark"
    assert second.appearance.scale() == 2.0
    assert second.presentation.scale_box.currentText() == "2×"
    assert second.run_bar.rate() == 3.0 and second.controller.rate == 3.0
    assert second.height() == 520  # not the 880 a new window starts with
    assert second.splitter.sizes()[0] == sizes[0] == 420  # the panels' width
    _close(second)


def test_the_command_line_theme_beats_the_remembered_one(qtbot, settings):
    settings.setValue("look/theme", "dark")
    assert parse_args([]).theme is None  # no --theme: the remembered one
    assert _window(qtbot, remember=True).appearance.theme_mode() == "dark"
    told = _window(qtbot, theme="light", remember=True)
    assert told.appearance.theme_mode() == "light"
    _close(told)


def test_a_theme_given_on_the_command_line_is_not_remembered(qtbot, settings):
    settings.setValue("look/theme", "dark")
    told = _window(qtbot, theme="light", remember=True)
    told.preferences.save_window()  # what closing saves
    assert settings.value("look/theme") == "dark"
    told.presentation.set_theme_mode("dark")  # chosen in the window: remembered from now on
    assert settings.value("look/theme") == "dark"
    told.presentation.set_theme_mode("light")
    assert settings.value("look/theme") == "light"
    _close(told)


def test_a_garbled_settings_file_does_not_stop_the_window(qtbot, settings):
    settings.setValue("window/splitter", ["wide", "narrow"])
    _close(_window(qtbot, remember=True))


def test_a_window_that_does_not_remember_neither_reads_nor_writes(qtbot, settings):
    settings.setValue("look/theme", "dark")
    settings.setValue("look/presentation_scale", 2.5)
    w = _window(qtbot)
    assert w.appearance.theme_mode() == "system" and w.appearance.scale() == 1.5
    w.presentation.set_scale(1.25)
    w.close()
    assert float(settings.value("look/presentation_scale")) == 2.5


def test_screenshot_ignores_remembered_geometry_and_theme(qtbot, settings, tmp_path):
    settings.setValue("look/theme", "dark")
    first = _window(qtbot, remember=True)
    first.resize(900, 500)
    first.show()
    _close(first)
    settings.setValue("look/theme", "dark")
    path = tmp_path / "shot.png"
    assert main(["--screenshot", str(path), "--size", "1000x700", "--dataset", "moons"]) == 0
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1000, 700)
    values, counts = np.unique(rgb(image), return_counts=True)
    commonest = values[np.argmax(counts)]
    assert sum((commonest >> s) & 0xFF for s in (16, 8, 0)) > 3 * 150  # light, not dark


def test_recent_files_most_recent_first_capped_and_missing_dropped(qtbot, settings, tmp_path):
    files = []
    for i in range(MAX_RECENT + 2):
        files.append(tmp_path / f"d{i}.csv")
        files[-1].write_text("x,y\n1,2\n")
    prefs = Preferences(None)
    for f in files:
        prefs.add_recent_file(f)
    newest = [str(f) for f in reversed(files)][:MAX_RECENT]
    assert prefs.recent(DATA) == newest
    prefs.add_recent_file(files[5])  # opened again: to the front, listed once
    assert prefs.recent(DATA)[0] == str(files[5]) and prefs.recent(DATA).count(str(files[5])) == 1
    files[11].unlink()
    assert str(files[11]) not in prefs.recent(DATA)
    prefs.add_recent_session(files[0])
    again = Preferences(None)  # a new run reads the same lists
    assert again.recent(DATA) == prefs.recent(DATA) and again.recent(SESSIONS) == [str(files[0])]
    again.clear_recent()
    assert Preferences(None).recent(DATA) == [] and Preferences(None).recent(SESSIONS) == []


def test_open_recent_menu_lists_and_opens_files_and_sessions(qtbot, window, tmp_path):
    csv = tmp_path / "points.csv"
    csv.write_text("a,b\n" + "".join(f"{i},{i % 3}\n" for i in range(20)))
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=10000):
        window.data_panel.load_path(str(csv))
    assert window.preferences.recent(DATA) == [str(csv)]
    session = tmp_path / "lesson.json"
    session.write_text("{}")
    window.preferences.add_recent_session(session)
    opened = []
    window.session = type("FakeSession", (), {"open": staticmethod(opened.append)})()

    window.recent_menu.rebuild()
    entries = {a.text().replace("&", ""): a for a in window.recent_menu.menu.actions()}
    assert entries["points.csv"].toolTip() == str(csv)
    assert entries["lesson.json"].toolTip() == str(session)
    entries["lesson.json"].trigger()
    assert opened == [str(session)]
    with qtbot.waitSignal(window.data_panel.file_loaded, timeout=10000):
        entries["points.csv"].trigger()
    entries["Clear recent"].trigger()
    assert window.preferences.recent(DATA) == [] and window.preferences.recent(SESSIONS) == []
    window.recent_menu.rebuild()
    assert not [a for a in window.recent_menu.menu.actions() if a.isEnabled() and a.text()]
