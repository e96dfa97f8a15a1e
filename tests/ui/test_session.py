"""Sessions in the window: saved and reopened in a fresh window, the final snapshot is the same;
a corrupt, foreign or changed-data session leaves the window as it was and says why."""

import gc
import json
import threading

import numpy as np
import pytest

import main
from engine import datasets
from engine import session as sessions
from tests.ui.conftest import load, run_and_wait
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread():
    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def fresh(qtbot):
    w = MainWindow(dataset=None)
    qtbot.addWidget(w)
    w.run_bar.set_fastest()
    yield w
    w.close()


def _open(qtbot, window, path) -> str:
    with qtbot.waitSignal(window.session.restored, timeout=60000) as blocker:
        assert window.session.open(str(path)), window.session.last_error
    return blocker.args[0]


def _state(window):
    return (window.dataset, window.algorithm, window.method_panel.values(),
            window.current_view())


def test_kmeans_session_reopens_with_the_same_final_partition(qtbot, window, fresh, tmp_path):
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 4, "seed": 11})
    assert run_and_wait(qtbot, window) == "done"
    path = tmp_path / "k.uesession.json"
    assert window.session.save(str(path))
    saved = json.loads(path.read_text())
    assert saved["dataset"] == {"kind": "generator", "name": "blobs",
                                "options": dict(window.dataset.options)}
    assert saved["method"]["params"]["seed"] == 11 and saved["ran"] is True
    assert _open(qtbot, fresh, path) == "done"
    before, after = window.controller.history[-1], fresh.controller.history[-1]
    np.testing.assert_array_equal(after.labels, before.labels)
    np.testing.assert_allclose(after.centres, before.centres)
    np.testing.assert_array_equal(fresh.dataset.X, window.dataset.X)
    assert fresh.method_panel.values() == window.method_panel.values()
    assert fresh.data_panel.source.currentData() == "blobs"
    assert fresh.current_view() is fresh.views[type(after)]


def test_agglomerative_session_on_a_file_keeps_the_tree_cut_and_view(qtbot, fresh, tmp_path):
    data = tmp_path / "four.csv"
    X = datasets.load("blobs", n_samples=40, n_features=4, seed=3).X
    data.write_text("a,b,c,d\n" + "\n".join(",".join(f"{v:.6f}" for v in row) for row in X))
    w = MainWindow(dataset=None)
    qtbot.addWidget(w)
    w.run_bar.set_fastest()
    load(qtbot, w, datasets.load_file(data, label_column=None))
    w.data_panel.view_x.setCurrentIndex(2)
    w.data_panel.view_kind.setCurrentIndex(w.data_panel.view_kind.findData("features"))
    w.method_panel.select("agglomerative")
    assert run_and_wait(qtbot, w) == "done"
    w.views[type(w.controller.history[-1])].dendrogram.cut_changed.emit(5)
    path = tmp_path / "tree.uesession.json"
    assert w.session.save(str(path))
    saved = json.loads(path.read_text())
    assert saved["dataset"]["sha256"] == sessions.sha256_file(data)
    assert saved["view"]["mode"] == [2, 1] and saved["view"]["cut_k"] == 5
    assert _open(qtbot, fresh, path) == "done"
    before, after = w.controller.history[-1], fresh.controller.history[-1]
    np.testing.assert_allclose(after.linkage, before.linkage)
    assert fresh.data_panel.view_mode() == (2, 1)
    tree_view = fresh.current_view()
    assert tree_view.k == 5 and tree_view.dendrogram.k() == 5
    w.close()


@pytest.mark.parametrize("content", [
    "{\"format\": \"unsupervised-explorer-session\", \"version\": 1, \"dataset\": {",
    json.dumps({"name": "left-pad", "version": "1.3.0", "dependencies": {}}),
])
def test_corrupt_and_foreign_files_change_nothing(qtbot, window, tmp_path, content):
    window.method_panel.select("pca")
    before = _state(window)
    path = tmp_path / "bad.uesession.json"
    path.write_text(content)
    with qtbot.waitSignal(window.session.restored) as blocker:
        assert not window.session.open(str(path))
    assert blocker.args == ["failed"]
    assert _state(window) == before
    text = window.session.message_box.text()
    assert "bad.uesession.json" in text
    assert ("not valid JSON" in text) or ("not an Unsupervised Explorer session" in text)


def test_changed_data_file_changes_nothing_and_says_which_field(qtbot, window, tmp_path,
                                                                monkeypatch):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n3,4\n5,7\n")
    spec = sessions.FileData(str(data), sessions.sha256_file(data), None)
    path = tmp_path / "s.uesession.json"
    sessions.write(sessions.Session(spec, "kmeans", {"n_clusters": 2}), path)
    data.write_text("x,y\n1,2\n3,4\n5,8\n")
    window.method_panel.set_values({"n_clusters": 5})
    before = _state(window)
    hashed_on = []

    def sha256_file(*args):
        hashed_on.append(threading.current_thread())
        return real_sha256(*args)

    real_sha256 = sessions.sha256_file
    monkeypatch.setattr(sessions, "sha256_file", sha256_file)
    assert _open(qtbot, window, path) == "failed"
    assert hashed_on and threading.main_thread() not in hashed_on  # the window never froze
    assert _state(window) == before
    assert "s.uesession.json: dataset.sha256:" in window.session.message_box.text()


def test_a_session_still_loading_gives_way_to_the_users_choice(qtbot, window, tmp_path,
                                                               monkeypatch):
    """The user picks other data, or runs, while the session's data loads: the session is
    dropped, and landing later it replaces nothing."""
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n3,4\n5,7\n")
    path = tmp_path / "s.uesession.json"
    spec = sessions.FileData(str(data), sessions.sha256_file(data), None)
    sessions.write(sessions.Session(spec, "kmeans", {"n_clusters": 2}), path)
    for choice in ("load", "draw", "run"):
        release = threading.Event()
        real_sha256 = sessions.sha256_file
        monkeypatch.setattr(sessions, "sha256_file",
                            lambda *a, real=real_sha256, ev=release: ev.wait(10) and real(*a))
        outcome = []
        window.session.restored.connect(outcome.append)
        try:
            assert window.session.open(str(path))
            ours = datasets.load("moons", n_samples=30, seed=4)
            if choice == "load":
                load(qtbot, window, ours)
            elif choice == "draw":  # a drawing, a selection: data set made in the window
                window.data_panel.set_dataset(ours)
            else:
                ours = window.dataset
                assert run_and_wait(qtbot, window) == "done"
            assert outcome == ["cancelled"]
            assert "abandoned: you chose other data" in window.statusBar().currentMessage()
        finally:
            release.set()
            monkeypatch.setattr(sessions, "sha256_file", real_sha256)
        qtbot.waitUntil(lambda: not window.session.loader.is_busy(), timeout=10000)
        qtbot.wait(20)  # a result still on its way in the event queue
        assert window.dataset is ours and outcome == ["cancelled"]
        window.session.restored.disconnect(outcome.append)


def test_a_screenshot_of_a_session_that_failed_exits_non_zero(qtbot, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n3,4\n")
    spec = sessions.FileData(str(data), sessions.sha256_file(data), 7)  # no column 7
    path = tmp_path / "s.uesession.json"
    sessions.write(sessions.Session(spec, "kmeans", {"n_clusters": 2}, ran=True), path)
    png = tmp_path / "shot.png"
    assert main.main(["--open", str(path), "--screenshot", str(png), "--size", "400x300"]) == 1
    assert not png.exists()


def test_open_a_session_headless_writes_a_screenshot(qtbot, window, tmp_path):
    window.method_panel.select("kmeans")
    assert run_and_wait(qtbot, window) == "done"
    path = tmp_path / "s.uesession.json"
    assert window.session.save(str(path))
    png = tmp_path / "shot.png"
    assert main.main(["--open", str(path), "--screenshot", str(png), "--size", "800x500"]) == 0
    assert png.stat().st_size > 10000


def test_a_vae_comes_back_from_its_saved_weights_without_training(qtbot, window, fresh, tmp_path,
                                                                   monkeypatch):
    window.method_panel.select("vae")
    window.method_panel.set_values({"epochs": 2, "hidden": 8, "batch_size": 32})
    assert run_and_wait(qtbot, window) == "done"
    path = tmp_path / "v.uesession.json"
    assert window.session.save(str(path))
    model = json.loads(path.read_text())["model"]
    assert model["file"] == "v.model.pt" and (tmp_path / "v.model.pt").is_file()
    hashed_on = []
    real_sha256 = sessions.sha256_file
    monkeypatch.setattr(sessions, "sha256_file", lambda *a: hashed_on.append(
        threading.current_thread()) or real_sha256(*a))
    assert _open(qtbot, fresh, path) == "done"
    assert hashed_on and threading.main_thread() not in hashed_on  # the weights, off the GUI
    assert len(fresh.controller.history) == 1  # put back, not trained: one snapshot
    before, after = window.controller.history[-1], fresh.controller.history[-1]
    np.testing.assert_array_equal(after.codes, before.codes)
    np.testing.assert_array_equal(after.elbo, before.elbo)
    np.testing.assert_allclose(after.decode(after.codes[:3]), before.decode(before.codes[:3]))
    assert fresh.current_view() is fresh.views[type(after)]


def test_dropping_a_session_file_opens_it(qtbot, window, fresh, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    window.method_panel.select("pca")
    path = tmp_path / "dropped.json"  # no session suffix: known by its content
    assert window.session.save(str(path))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(fresh.session.restored, timeout=30000) as blocker:
        fresh.dropEvent(event)
    assert blocker.args == ["done"]
    assert fresh.algorithm.id == "pca" and fresh.dataset.n == window.dataset.n


def test_a_missing_or_changed_model_file_means_training_again(qtbot, window, fresh, tmp_path):
    window.method_panel.select("vae")
    window.method_panel.set_values({"epochs": 2, "hidden": 8, "batch_size": 32})
    assert run_and_wait(qtbot, window) == "done"
    path = tmp_path / "v.uesession.json"
    assert window.session.save(str(path))
    model = tmp_path / "v.model.pt"
    model.unlink()
    assert _open(qtbot, fresh, path) == "done"
    assert len(fresh.controller.history) > 1  # trained again, step by step
    np.testing.assert_allclose(fresh.controller.history[-1].codes,
                               window.controller.history[-1].codes)  # with the saved seed
    message = fresh.statusBar().currentMessage()
    assert "v.model.pt is not there" in message and "training it again" in message
    model.write_bytes(b"not the model that was saved")
    assert _open(qtbot, fresh, path) == "done"
    assert "has changed" in fresh.statusBar().currentMessage()


def test_views_and_panel_are_set_as_a_click_would(qtbot, window):
    """What a session puts back (the 2-D view, the tree's cut, the components kept) goes
    through the widgets' own methods, which update everything a click would."""
    load(qtbot, window, datasets.load("blobs", n_samples=40, n_features=4, seed=3))
    panel = window.data_panel
    panel.set_view_mode((2, 1))
    assert panel.view_mode() == (2, 1) and window.frame.axis_labels[0] == panel.view_x.itemText(2)
    panel.set_view_mode("pca")
    assert panel.view_mode() == "pca"
    window.method_panel.select("agglomerative")
    assert run_and_wait(qtbot, window) == "done"
    tree = window.current_view()
    tree.set_cut(2)
    assert tree.k == 2 and tree.dendrogram.k() == 2
    assert [c for c in tree.scatter.colour_counts() if c >= 0] == [0, 1]
    window.method_panel.select("pca")
    assert run_and_wait(qtbot, window) == "done"
    spectrum = window.current_view()
    spectrum.set_components(1)
    assert spectrum.q == 1 and spectrum.scree.selected() == 1


def test_a_recent_session_opens_and_is_remembered(qtbot, window, fresh, tmp_path):
    window.method_panel.select("pca")
    path = tmp_path / "r.uesession.json"
    assert window.session.save(str(path))
    with qtbot.waitSignal(fresh.session.restored, timeout=30000) as blocker:
        fresh.open_recent_session(str(path))
    assert blocker.args == ["done"] and fresh.algorithm.id == "pca"
    assert fresh.preferences.recent("sessions")[0] == str(path.resolve())


def test_a_loaded_files_checksum_is_taken_off_the_main_thread(qtbot, window, tmp_path,
                                                               monkeypatch):
    data = tmp_path / "points.csv"
    data.write_text("a,b\n" + "\n".join(f"{i},{i % 5}" for i in range(40)))
    hashed_on = []
    real = sessions.sha256_file

    def spy(path, *args):
        hashed_on.append(threading.current_thread() is threading.main_thread())
        return real(path, *args)

    monkeypatch.setattr(sessions, "sha256_file", spy)
    load(qtbot, window, datasets.load_file(data, label_column=None))
    # Until the pool's checksum is stored, a save would compute it once more (as designed):
    # wait for it to be known, not only begun (CI once saved in between).
    qtbot.waitUntil(lambda: bool(window.session._checksums), timeout=5000)
    assert hashed_on == [False]
    spec = window.session.capture().data  # saving now needs no hashing at all
    assert hashed_on == [False] and spec.sha256 == real(data)
