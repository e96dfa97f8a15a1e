"""Never lose work: the session goes to a recovery file when something changed; a window that
did not close leaves it behind, and the next window offers it back, drawn data set and all."""

import gc
import json

import numpy as np
import pytest

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


def test_a_drawing_is_recovered_after_a_crash(qtbot):
    crashed = _window(qtbot)
    recovery = Recovery(crashed, interval_ms=5)
    recovery.path.unlink(missing_ok=True)
    points = [[0.5, 1.0], [2.0, -3.25], [4.0, 4.0], [-1.0, 0.0]]
    _draw(crashed, points, 3)
    crashed.method_panel.select("kmeans")
    crashed.method_panel.set_values({"n_clusters": 2, "seed": 5})
    qtbot.waitUntil(recovery.path.exists, timeout=5000)
    saved = json.loads(recovery.path.read_text())
    assert saved["dataset"]["kind"] == "inline" and saved["dataset"]["source"] == "drawn"
    assert saved["method"] == {"id": "kmeans", "params": crashed.method_panel.values()}
    recovery.timer.stop()  # the crash: the window never closes, the file stays

    fresh = _window(qtbot)
    box = fresh.recovery.offer()
    assert box is not None and box.isVisible() and box.text() == QUESTION
    with qtbot.waitSignal(fresh.session.restored, timeout=30000) as blocker:
        _button(box, "Restore").click()
    assert blocker.args == ["done"]
    assert fresh.dataset.source == "drawn"
    np.testing.assert_array_equal(fresh.dataset.X, points)
    np.testing.assert_array_equal(fresh.dataset.y, [3, 3, 3, 3])
    assert fresh.method_panel.values()["seed"] == 5
    assert not recovery.path.exists()  # answered: the file has done its work
    fresh.close()
    crashed.close()


def test_written_only_on_change_kept_while_asked_and_removed_on_a_clean_close(qtbot):
    w = _window(qtbot)
    recovery = Recovery(w, interval_ms=60_000)
    recovery.path.unlink(missing_ok=True)
    assert not recovery.save_now()  # nothing changed yet
    _draw(w, [[0.0, 0.0], [1.0, 1.0]], 0)
    assert recovery.save_now()
    assert not recovery.save_now()  # no change since
    other = _window(qtbot)
    box = other.recovery.offer()
    assert box is not None
    _draw(other, [[5.0, 5.0]], 1)
    assert not other.recovery.save_now()  # the question is open: the old file stays as it is
    assert json.loads(recovery.path.read_text())["dataset"]["X"] == [[0.0, 0.0], [1.0, 1.0]]
    _button(box, "Discard").click()
    assert not recovery.path.exists()
    w.method_panel.select("pca")
    assert recovery.save_now() and recovery.path.exists()
    w.close()
    assert not recovery.path.exists()  # a clean close leaves nothing to recover
    assert other.recovery.offer() is None
    other.close()
