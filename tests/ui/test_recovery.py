"""Never lose work: the session goes to a recovery file when something changed; a window that
did not close leaves it behind, and the next window offers it back, drawn data set and all."""

import gc
import json

import numpy as np
import pytest

from engine import session as sessions
from engine.session import SUFFIX
from ui.main_window import MainWindow
from ui.recovery import QUESTION

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread():
    gc.collect()
    yield
    gc.collect()


def _window(qtbot, folder) -> MainWindow:
    """A window whose own recovery writes to `folder`."""
    w = MainWindow(dataset=None, recovery_folder=folder)
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
    crashed = _window(qtbot, tmp_path)
    recovery = crashed.recovery
    recovery.timer.setInterval(5)
    points = [[0.5, 1.0], [2.0, -3.25], [4.0, 4.0], [-1.0, 0.0]]
    _draw(crashed, points, 3)
    crashed.method_panel.select("kmeans")
    crashed.method_panel.set_values({"n_clusters": 2, "seed": 5})
    qtbot.waitUntil(recovery.path.exists, timeout=5000)
    saved = json.loads(recovery.path.read_text())
    assert saved["dataset"]["kind"] == "inline" and saved["dataset"]["source"] == "drawn"
    assert saved["method"] == {"id": "kmeans", "params": crashed.method_panel.values()}
    fresh = _window(qtbot, tmp_path)
    rescuer = fresh.recovery
    assert rescuer.offer() is None  # its window is alive: not ours
    # The crash: the window never closes, the file stays, and its process's lock dies with it.
    recovery.timer.stop()
    recovery.lock.unlock()

    box = rescuer.offer()
    assert box is not None and box.isVisible() and box.text() == QUESTION
    with qtbot.waitSignal(fresh.session.restored, timeout=30000) as blocker:
        _button(box, "Restore").click()
        assert recovery.path.exists()  # until the session is back
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
    w = _window(qtbot, tmp_path)
    recovery = w.recovery
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
    first, second = _window(qtbot, tmp_path), _window(qtbot, tmp_path)
    ours, theirs = first.recovery, second.recovery
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
    w = _window(qtbot, tmp_path)
    assert w.recovery.offer() is None
    assert not broken.exists()
    assert "could not be read" in w.statusBar().currentMessage()
    w.close()


def _left_by_a_crash(folder, session) -> None:
    sessions.write(session, folder / ("session-1-1" + SUFFIX))


def test_a_restore_that_fails_keeps_the_file_for_next_time(qtbot, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n3,4\n")
    spec = sessions.FileData(str(data), sessions.sha256_file(data), None)
    _left_by_a_crash(tmp_path, sessions.Session(spec, "kmeans", {"n_clusters": 2}))
    data.unlink()  # the data it needs has gone
    w = _window(qtbot, tmp_path)
    box = w.recovery.offer()
    with qtbot.waitSignal(w.session.restored, timeout=30000) as blocker:
        _button(box, "Restore").click()
    assert blocker.args == ["failed"]
    assert w.recovery.left_behind() == [tmp_path / ("session-1-1" + SUFFIX)]  # and unclaimed
    box = w.recovery.offer()
    _button(box, "Discard").click()
    assert w.recovery.left_behind() == []
    w.close()


def test_a_failed_write_is_tried_again(qtbot, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    w = _window(qtbot, blocker / "recovery")  # a file where the folder should be
    _draw(w, [[0.0, 0.0], [1.0, 1.0]], 0)
    assert not w.recovery.save_now()
    assert "Could not write the recovery file" in w.statusBar().currentMessage()
    blocker.unlink()
    assert w.recovery.save_now()  # nothing changed since, but it was never written
    w.close()


def test_the_timer_writes_aside_and_a_failure_still_reaches_the_status_bar(qtbot, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    w = _window(qtbot, blocker / "recovery")
    _draw(w, [[0.0, 0.0], [1.0, 1.0]], 0)
    with qtbot.waitSignal(w.recovery.finished, timeout=5000):
        assert w.recovery.save_now(wait=False)  # begun, not done
    qtbot.waitUntil(lambda: "Could not write" in w.statusBar().currentMessage(), timeout=5000)
    blocker.unlink()
    with qtbot.waitSignal(w.recovery.finished, timeout=5000) as done:
        w.recovery.timer.timeout.emit()
    assert done.args == [True] and w.recovery.path.exists()
    w.close()
    assert not w.recovery.path.exists()


def test_a_data_file_that_cannot_be_read_is_reported_not_raised(qtbot, tmp_path,
                                                                monkeypatch):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n3,4\n")
    w = _window(qtbot, tmp_path / "recovery")
    with qtbot.waitSignal(w.data_panel.dataset_changed, timeout=30000):
        w.data_panel.load_path(str(data))

    def unreadable(path, *_args):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(sessions, "sha256_file", unreadable)  # root reads a chmod 000 file
    with data.open("a") as f:  # changed since it loaded: its checksum must be taken again
        f.write("5,6\n")
    assert not w.recovery.save_now()  # from the timer's slot: it must not raise
    message = w.statusBar().currentMessage()
    assert "cannot read the data file" in message and "d.csv" in message
    w.close()


def test_closing_during_a_write_stops_it_and_leaves_no_file(qtbot, tmp_path, monkeypatch):
    from ui import recovery as module

    taken, total = [], []
    real = sessions.json_parts

    def counted(session):
        parts = list(real(session))
        total.append(len(parts))
        for part in parts:
            taken.append(part)
            yield part

    monkeypatch.setattr(module, "PAUSE_S", 0.05)
    monkeypatch.setattr(sessions, "json_parts", counted)
    w = _window(qtbot, tmp_path)
    _draw(w, np.random.default_rng(0).normal(size=(2000, 2)), 0)
    assert w.recovery.save_now(wait=False)
    qtbot.waitUntil(lambda: len(taken) >= 2, timeout=5000)  # between parts now
    w.close()
    assert len(taken) < total[0]  # it stopped, not finishing the text
    assert not w.recovery.path.exists() and list(tmp_path.iterdir()) == []
