"""Never lose work: the session goes to a recovery file when something changed; a window that
did not close leaves it behind, and the next window offers it back, drawn data set and all."""

import gc
import json

import numpy as np
import pytest

from engine.session import SUFFIX
from ui.main_window import MainWindow
from ui.recovery import QUESTION, Recovery

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread():
    gc.collect()
    yield
    gc.collect()


def _window(qtbot) -> MainWindow:
    w = MainWindow(dataset=None)
    qtbot.addWidget(w)
    w.run_bar.set_fastest()
    return w


def _draw(window, points, k: int) -> None:
    panel = window.draw_panel
    panel.new_drawing()
    panel.drawing.add_stroke(np.asarray(points, dtype=float), k)
    panel.back_to_drawing()


def _button(box, text):
    return next(b for b in box.buttons() if b.text() == text)


def test_a_drawing_is_recovered_after_a_crash(qtbot, tmp_path):
    crashed = _window(qtbot)
    recovery = Recovery(crashed, interval_ms=5, folder=tmp_path)
    points = [[0.5, 1.0], [2.0, -3.25], [4.0, 4.0], [-1.0, 0.0]]
    _draw(crashed, points, 3)
    crashed.method_panel.select("kmeans")
    crashed.method_panel.set_values({"n_clusters": 2, "seed": 5})
    qtbot.waitUntil(recovery.path.exists, timeout=5000)
    saved = json.loads(recovery.path.read_text())
    assert saved["dataset"]["kind"] == "inline" and saved["dataset"]["source"] == "drawn"
    assert saved["method"] == {"id": "kmeans", "params": crashed.method_panel.values()}
    fresh = _window(qtbot)
    assert Recovery(fresh, folder=tmp_path).offer() is None  # its window is alive: not ours
    # The crash: the window never closes, the file stays, and its process's lock dies with it.
    recovery.timer.stop()
    recovery.lock.unlock()

    rescuer = Recovery(fresh, folder=tmp_path)
    box = rescuer.offer()
    assert box is not None and box.isVisible() and box.text() == QUESTION
    with qtbot.waitSignal(fresh.session.restored, timeout=30000) as blocker:
        _button(box, "Restore").click()
    assert blocker.args == ["done"]
    assert fresh.dataset.source == "drawn"
    np.testing.assert_array_equal(fresh.dataset.X, points)
    np.testing.assert_array_equal(fresh.dataset.y, [3, 3, 3, 3])
    assert fresh.method_panel.values()["seed"] == 5
    assert not recovery.path.exists()  # answered: the file has done its work
    assert rescuer.offer() is None
    fresh.close()
    crashed.close()


def test_written_only_on_change_and_removed_on_a_clean_close(qtbot, tmp_path):
    w = _window(qtbot)
    recovery = Recovery(w, interval_ms=60_000, folder=tmp_path)
    assert not recovery.save_now()  # nothing changed yet
    _draw(w, [[0.0, 0.0], [1.0, 1.0]], 0)
    assert recovery.save_now()
    assert not recovery.save_now()  # no change since
    assert json.loads(recovery.path.read_text())["dataset"]["X"] == [[0.0, 0.0], [1.0, 1.0]]
    w.method_panel.select("pca")
    assert recovery.save_now() and recovery.path.exists()
    w.close()
    assert not recovery.path.exists()  # a clean close leaves nothing to recover
    assert list(tmp_path.iterdir()) == []  # nor a lock


def test_two_windows_keep_their_own_files(qtbot, tmp_path):
    """A second copy of the program neither offers nor removes a live window's file."""
    first, second = _window(qtbot), _window(qtbot)
    ours = Recovery(first, interval_ms=60_000, folder=tmp_path)
    theirs = Recovery(second, interval_ms=60_000, folder=tmp_path)
    _draw(first, [[0.0, 0.0], [1.0, 1.0]], 0)
    _draw(second, [[5.0, 5.0]], 1)
    assert ours.save_now() and theirs.save_now() and ours.path != theirs.path
    assert theirs.offer() is None
    second.close()
    assert ours.path.exists() and not theirs.path.exists()
    first.close()


def test_an_unreadable_recovery_file_is_reported_and_removed(qtbot, tmp_path):
    broken = tmp_path / ("session-1-1" + SUFFIX)
    broken.write_text("{ not json")
    w = _window(qtbot)
    assert Recovery(w, folder=tmp_path).offer() is None
    assert not broken.exists()
    assert "could not be read" in w.statusBar().currentMessage()
    w.close()
