"""Keyboard shortcuts: each command has one in its menu, and Help → Keyboard shortcuts lists
exactly what the menus have."""

from PySide6.QtGui import QAction, QKeySequence

from tests.ui.conftest import load
from ui.shortcuts import menu_shortcuts, plain, show_shortcuts

COMMANDS = ("Run", "Pause", "Step", "Back", "Cancel", "Open data file…", "This canvas as PNG…")


def _table(dialog) -> list[tuple[str, str, str]]:
    t = dialog.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_every_command_has_a_key_shown_in_its_menu(window):
    keys = {s.command: s.keys for s in menu_shortcuts(window.menuBar())}
    for command in COMMANDS:
        assert keys.get(command), f"{command} has no shortcut"
    assert keys["Pause"] == QKeySequence("Ctrl+P").toString(QKeySequence.SequenceFormat.NativeText)


def test_no_key_is_bound_to_two_actions(window):
    """Every action of the window, in a menu or not: a key shared by two is ambiguous and
    Qt then runs neither."""
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            owners.setdefault(key.toString(), []).append(plain(action.text()))
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert not shared, shared


def test_the_shortcuts_page_is_made_from_the_menus(qtbot, window):
    dialog = show_shortcuts(window)
    qtbot.waitExposed(dialog)
    rows = _table(dialog)
    assert rows == [(s.command, s.keys, s.menu) for s in menu_shortcuts(window.menuBar())]
    assert ("Run", "Ctrl+R", "Run") in rows and any(r[2] == "File › Export" for r in rows)
    dialog.close()
    help_menu = next(a.menu() for a in window.menuBar().actions() if plain(a.text()) == "Help")
    help_menu.addAction("Something new", QKeySequence("Ctrl+Alt+N"), lambda: None)
    dialog = show_shortcuts(window)
    assert ("Something new", "Ctrl+Alt+N", "Help") in _table(dialog)
    dialog.close()


def test_the_shortcuts_page_is_readable_at_the_projector(qtbot, window):
    desk = show_shortcuts(window)
    desk_pt = desk.table.font().pointSizeF()
    desk.close()
    window.presentation.set_presentation(True)
    big = show_shortcuts(window)
    qtbot.waitExposed(big)
    assert big.table.font().pointSizeF() == window.appearance.style().font_pt > desk_pt
    big.close()
    window.presentation.set_presentation(False)


def test_pause_key_pauses_and_plays_on(qtbot, window):
    from engine import datasets

    load(qtbot, window, datasets.load("blobs", n_samples=300, seed=2))
    window.method_panel.select("kmeans")
    window.run_bar.set_rate(1.0)  # slow: the run is still going when Pause comes
    pause = next(a for a in window.findChildren(type(window.step_action))
                 if plain(a.text()) == "Pause")
    pause.trigger()  # nothing running: nothing happens
    assert not window.controller.is_running()
    assert window.run()
    pause.trigger()
    qtbot.waitUntil(window.controller.is_paused, timeout=5000)
    assert window.run_bar.pause_button.isChecked()
    pause.trigger()
    qtbot.waitUntil(lambda: not window.controller.is_paused(), timeout=5000)
    window.controller.cancel()
    qtbot.waitUntil(lambda: not window.controller.is_running(), timeout=5000)


def test_export_key_asks_for_the_canvas_png(window, monkeypatch):
    asked = []
    monkeypatch.setattr(window.export, "ask_canvas_png", lambda: asked.append(True))
    window.export.png_action.trigger()
    assert asked == [True]
    assert window.export.png_action.shortcut() == QKeySequence("Ctrl+E")
