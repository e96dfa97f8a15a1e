"""Menus, the About box, and what the window says while a heavy library loads."""

import sys

import numpy
from PySide6.QtWidgets import QMessageBox

from engine import __version__, datasets, registry
from tests.ui.conftest import load, run_and_wait


def _actions(window) -> dict[str, str]:
    """Every menu action's text (without &) and its shortcut."""
    out = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text():
                out[action.text().replace("&", "")] = action.shortcut().toString()
    return out


def test_menus_show_the_shortcuts(window):
    actions = _actions(window)
    assert actions["Run"] == "Ctrl+R"
    assert actions["Cancel"] == "Esc"
    assert actions["Open data file…"] == "Ctrl+O"
    assert "About Unsupervised Explorer" in actions


def test_about_names_the_version_and_the_libraries(qtbot, window):
    box = window.show_about()
    qtbot.waitExposed(box)
    text = box.text()
    assert f"Unsupervised Explorer {__version__}" in text
    for name in ("PySide6-Essentials", "pyqtgraph", "scikit-learn", "torch"):
        assert name in text
    assert f"<td>{numpy.__version__}</td>" in text  # versions read from the metadata
    assert "LGPL-3.0" in text and "BSD-3-Clause" in text
    box.done(QMessageBox.StandardButton.Close)


def test_the_window_says_when_a_library_loads_for_the_first_time(qtbot, window, monkeypatch):
    """A first import takes seconds: the run bar says so, and the worker does the import."""
    sys.modules.pop("colorsys", None)  # a small module nothing here has imported yet
    kmeans = type(registry.get("kmeans"))
    monkeypatch.setattr(kmeans, "libraries", ("colorsys",))
    load(qtbot, window, datasets.load("blobs", n_samples=200, seed=0))
    window.method_panel.select("kmeans")
    messages = []
    original = window.run_bar.set_message

    def record(text, error=False):
        messages.append(text)
        original(text, error)

    monkeypatch.setattr(window.run_bar, "set_message", record)
    assert run_and_wait(qtbot, window) == "done"
    assert messages[0].startswith("Running") and messages[1].startswith("Loading colorsys")
    assert "colorsys" in sys.modules
