"""The Lessons menu: every built-in lesson under its family; a lesson opens ready to step (not
run) with its notes; the user's own lessons are saved, listed, reopened and removed; a broken
or orphaned lesson says what is wrong and changes nothing."""

import gc
import json
import re
from pathlib import Path

import pytest

from engine import datasets, lessons, registry
from tests.ui.conftest import load

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread():
    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def menu(window, tmp_path):
    """The window's lessons, with the user's folder in a temporary place."""
    window.lessons.user_folder = tmp_path / "my lessons"
    window.lessons.refresh()
    return window.lessons


def _label(action) -> str:
    """The text as shown: "&&" is an ampersand, "&x" marks a shortcut letter."""
    return re.sub(r"&(.)", r"\1", action.text())


def _submenus(qmenu) -> dict:
    return {_label(a): a.menu() for a in qmenu.actions() if a.menu()}


def _entries(qmenu) -> dict:
    return {_label(a): a for a in qmenu.actions() if not a.isSeparator() and not a.menu()}


def _open(qtbot, window, action) -> str:
    with qtbot.waitSignal(window.session.restored, timeout=30000) as blocker:
        action.trigger()
    return blocker.args[0]


def test_the_menu_lists_every_built_in_lesson_under_its_family(window, menu):
    assert "Lessons" in [a.text().replace("&", "") for a in window.menuBar().actions()]
    subs = _submenus(menu.menu)
    for family in registry.FAMILIES:
        titles = [lesson.title for lesson in menu.builtin if lesson.family == family]
        assert titles, f"no built-in lesson for {family}"
        assert list(_entries(subs[family])) == titles
    assert not menu.errors
    assert {"My lessons", "Remove my lesson"} <= set(subs)
    assert "Save current state as lesson…" in _entries(menu.menu)


def test_a_lesson_opens_ready_to_step_with_its_notes(qtbot, window, menu):
    lesson = lessons.find(menu.builtin, "kmeans-step-by-step")
    action = _entries(_submenus(menu.menu)["Clustering"])[lesson.title]
    assert _open(qtbot, window, action) == "done"
    assert window.data_panel.source.currentData() == "blobs"
    assert window.dataset.options == lesson.session.data.options
    assert window.algorithm.id == "kmeans"
    assert window.method_panel.values() == lesson.session.params
    assert len(window.controller.history) == 0 and not window.controller.is_running()
    assert window.current_view() is window.data_view
    assert menu.notes.isVisible() and lesson.title in menu.notes.title.text()
    assert "local minimum" in menu.notes.body.text()
    assert lesson.title in window.explain.text()
    window.step()
    qtbot.waitUntil(lambda: window.run_bar.history_length() == 1, timeout=30000)
    assert len(window.controller.history) == 1 and window.controller.is_paused()
    assert window.explain.title() == "Step 1 of 1"
    window.method_panel.select("pca")  # the user's own choice: the notes go
    assert not menu.notes.isVisible()


def test_the_vae_lesson_opens_without_training(qtbot, window, menu):
    lesson = lessons.find(menu.builtin, "vae-latent-space")
    assert menu.open(lesson)
    qtbot.waitUntil(lambda: window.algorithm.id == "vae" and menu.notes.isVisible(),
                    timeout=30000)
    assert window.dataset.n == 1797 and window.method_panel.values()["latent_dim"] == 2
    assert len(window.controller.history) == 0 and not window.controller.is_running()


def test_a_saved_lesson_is_in_the_menu_and_reopens_the_same(qtbot, window, menu):
    wine = lessons.find(menu.builtin, "pca-scale-wine")
    assert _open(qtbot, window, _entries(_submenus(menu.menu)["Dimensionality reduction"])
                 [wine.title]) == "done"
    window.method_panel.set_values({"scale": True, "n_components": 5})
    panel = window.data_panel
    panel.view_x.setCurrentIndex(2)
    panel.view_y.setCurrentIndex(3)
    panel.view_kind.setCurrentIndex(panel.view_kind.findData("features"))
    dialog = menu.save_dialog()
    assert dialog.title.text() == wine.title and dialog.notes.toPlainText() == wine.notes
    assert dialog.family.currentText() == "Dimensionality reduction"
    dialog.title.setText("Wine & scaled")
    dialog.notes.setPlainText("Ask: which features weigh most now?")
    dialog.accept()
    mine = _entries(_submenus(menu.menu)["My lessons"])
    assert list(mine) == ["Wine & scaled  (Dimensionality reduction)"]
    assert _entries(_submenus(menu.menu)["Remove my lesson"])["Wine & scaled"].isEnabled()

    load(qtbot, window, datasets.load("moons", n_samples=50, seed=1))
    window.method_panel.select("agglomerative")
    assert _open(qtbot, window, mine["Wine & scaled  (Dimensionality reduction)"]) == "done"
    assert window.dataset.name == "Wine" and window.algorithm.id == "pca"
    assert window.method_panel.values() == {"n_components": 5, "center": True, "scale": True,
                                             "whiten": False}
    assert window.data_panel.view_mode() == (2, 3)
    assert "which features weigh most" in menu.notes.body.text()
    assert len(window.controller.history) == 0

    (saved,) = menu.user
    assert menu.remove(saved) and not saved.path.exists()
    assert list(_entries(_submenus(menu.menu)["My lessons"])) == ["(none saved yet)"]
    assert not _submenus(menu.menu)["Remove my lesson"].isEnabled()
    assert not menu.notes.isVisible()


def test_a_broken_user_lesson_is_reported_and_the_rest_still_listed(window, menu):
    folder = menu.user_folder
    folder.mkdir(parents=True)
    (folder / "junk.json").write_text("{ this is not json")
    good = json.loads((menu.builtin_folder / "kmeans-two-moons.json").read_text())
    (folder / "good.json").write_text(json.dumps({**good, "title": "Mine"}))
    menu.menu.aboutToShow.emit()  # the menu reads the folder again as it opens
    mine = _entries(_submenus(menu.menu)["My lessons"])
    assert list(mine) == ["Mine  (Clustering)", "junk.json: cannot be read…"]
    assert "not valid JSON" in mine["junk.json: cannot be read…"].toolTip()
    before = (window.dataset, window.algorithm)
    mine["junk.json: cannot be read…"].trigger()
    assert menu.last_error.startswith("junk.json: not valid JSON")
    assert menu.message_box.isVisible() and "junk.json" in menu.message_box.text()
    assert (window.dataset, window.algorithm) == before
    assert len(_submenus(menu.menu)["Clustering"].actions()) == 4


def test_a_lesson_whose_data_file_is_gone_changes_nothing(qtbot, window, menu, tmp_path):
    data = tmp_path / "points.csv"
    data.write_text("a,b\n" + "\n".join(f"{i},{i % 7}" for i in range(30)))
    load(qtbot, window, datasets.load_file(data, label_column=None))
    window.method_panel.select("kmeans")
    path = menu.save("On my file", "Clustering", "")
    assert path is not None and path.parent == menu.user_folder
    data.unlink()
    load(qtbot, window, datasets.load("blobs", n_samples=40, seed=2))
    before = (window.dataset, window.algorithm, window.method_panel.values())
    (lesson,) = menu.user
    assert not menu.open(lesson)
    assert "points.csv is not there" in menu.last_error
    assert menu.last_error.startswith("on-my-file.json: dataset.path:")
    assert (window.dataset, window.algorithm, window.method_panel.values()) == before
    assert not menu.notes.isVisible()


def test_saving_with_no_title_says_why_and_writes_nothing(window, menu):
    assert menu.save("   ", "Clustering", "x") is None
    assert "title: is empty" in menu.last_error
    assert not menu.user_folder.exists() or not list(menu.user_folder.iterdir())


def test_user_lessons_live_under_the_app_data_folder(window):
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert window.lessons.user_folder == Path(base) / "lessons"
