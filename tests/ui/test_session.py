"""Sessions in the window: saved and reopened in a fresh window, the final snapshot is the same;
a corrupt, foreign or changed-data session leaves the window as it was and says why."""

import gc
import json

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


def test_changed_data_file_changes_nothing_and_says_which_field(qtbot, window, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n3,4\n5,7\n")
    spec = sessions.FileData(str(data), sessions.sha256_file(data), None)
    path = tmp_path / "s.uesession.json"
    sessions.write(sessions.Session(spec, "kmeans", {"n_clusters": 2}), path)
    data.write_text("x,y\n1,2\n3,4\n5,8\n")
    window.method_panel.set_values({"n_clusters": 5})
    before = _state(window)
    assert not window.session.open(str(path))
    qtbot.wait(50)
    assert _state(window) == before
    assert "s.uesession.json: dataset.sha256:" in window.session.message_box.text()


def test_open_a_session_headless_writes_a_screenshot(qtbot, window, tmp_path):
    window.method_panel.select("kmeans")
    assert run_and_wait(qtbot, window) == "done"
    path = tmp_path / "s.uesession.json"
    assert window.session.save(str(path))
    png = tmp_path / "shot.png"
    assert main.main(["--open", str(path), "--screenshot", str(png), "--size", "800x500"]) == 0
    assert png.stat().st_size > 10000


def test_a_vae_comes_back_from_its_saved_weights_without_training(qtbot, window, fresh, tmp_path):
    window.method_panel.select("vae")
    window.method_panel.set_values({"epochs": 2, "hidden": 8, "batch_size": 32})
    assert run_and_wait(qtbot, window) == "done"
    path = tmp_path / "v.uesession.json"
    assert window.session.save(str(path))
    model = json.loads(path.read_text())["model"]
    assert model["file"] == "v.model.pt" and (tmp_path / "v.model.pt").is_file()
    assert _open(qtbot, fresh, path) == "done"
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
