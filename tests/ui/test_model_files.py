"""Models on disk in the window: File ▸ Save model… writes a generative model's final snapshot;
Open model… in another window puts it back, not trained, with its method and parameters, and
its sliders and pad work; a file that is not such a model changes nothing and says why."""

import gc
import threading

import numpy as np
import pytest

from engine import datasets, model_files
from engine.model_files import SUFFIX
from tests.ui.conftest import load, run_and_wait
from ui.main_window import MainWindow
from ui.model_files import PUT_BACK

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread():
    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def fresh(qtbot, window):
    """A second window with the same data set as `window`."""
    w = MainWindow(dataset=None)
    qtbot.addWidget(w)
    w.run_bar.set_fastest()
    load(qtbot, w, datasets.load("blobs", n_samples=60, seed=1))
    yield w
    w.close()


def _train(qtbot, window, algorithm_id, **values):
    window.method_panel.select(algorithm_id)
    window.method_panel.set_values(values)
    assert run_and_wait(qtbot, window) == "done"
    return window.controller.history[len(window.controller.history) - 1]


def _open(qtbot, window, path) -> str:
    with qtbot.waitSignal(window.models.opened, timeout=60000) as blocker:
        window.models.open(str(path))
    return blocker.args[0]


def _drop(window, path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def _state(window):
    history = window.controller.history
    return (window.dataset, window.algorithm, window.method_panel.values(),
            window.current_view(), len(history) and history[len(history) - 1])


def test_a_saved_model_reopens_put_back_not_trained(qtbot, window, fresh, tmp_path,
                                                    monkeypatch):
    assert not window.models.save_action.isEnabled()  # nothing trained yet
    final = _train(qtbot, window, "autoencoder", epochs=3, hidden=16, seed=5)
    assert window.models.save_action.isEnabled()
    path = tmp_path / f"ae{SUFFIX}"
    assert window.models.save(str(path)) and path.is_file()

    read_on = []
    real_read = model_files.read
    monkeypatch.setattr(model_files, "read", lambda *a: read_on.append(
        threading.current_thread()) or real_read(*a))
    with qtbot.waitSignal(fresh.models.opened, timeout=60000) as blocker:
        _drop(fresh, path)  # as File ▸ Open model… does
    assert blocker.args == ["done"]
    assert read_on and threading.main_thread() not in read_on  # the weights, off the GUI
    assert fresh.algorithm.id == "autoencoder"
    assert fresh.method_panel.values() == window.method_panel.values()
    assert len(fresh.controller.history) == 1  # one step: put back, not trained
    back = fresh.controller.history[0]
    assert fresh.current_view() is fresh.views[type(final)]
    np.testing.assert_array_equal(back.codes, final.codes)
    np.testing.assert_array_equal(back.decoder(back.codes[:4]), final.decoder(final.codes[:4]))
    assert PUT_BACK in fresh.run_bar.message.text()
    assert fresh.models.save_action.isEnabled()  # a model put back can be saved again

    fresh.method_panel.select("kmeans")  # another method: its model is no longer on show
    assert not fresh.models.save_action.isEnabled()


def test_the_pad_and_sliders_decode_with_a_reopened_vae(qtbot, window, fresh, tmp_path):
    final = _train(qtbot, window, "vae", epochs=2, hidden=8, batch_size=32)
    path = tmp_path / f"vae{SUFFIX}"
    assert window.models.save(str(path))
    assert _open(qtbot, fresh, path) == "done"
    view = fresh.current_view()
    z = np.array([0.4, -0.7])
    view.latent.set_z(z)
    np.testing.assert_allclose(view.latent.decoded(), final.decode(z[None, :])[0])
    view.latent.slider(0).setValue(view.latent.slider(0).maximum())
    assert view.latent.z()[0] > z[0]
    np.testing.assert_allclose(view.latent.decoded(), final.decode(view.latent.z()[None, :])[0])


def test_a_file_that_is_not_a_model_changes_nothing_and_says_why(qtbot, window, fresh,
                                                                  tmp_path):
    final = _train(qtbot, window, "gan-2d", steps=20, every=10, hidden=16)
    assert final is window.controller.history[len(window.controller.history) - 1]
    path = tmp_path / f"gan{SUFFIX}"
    assert window.models.save(str(path))
    _train(qtbot, fresh, "kmeans", n_clusters=3)
    assert not fresh.models.save_action.isEnabled()  # k-means has no model to save
    before = _state(fresh)

    garbage = tmp_path / f"garbage{SUFFIX}"
    garbage.write_bytes(b"\x00\x01 not a model at all " * 20)
    assert _open(qtbot, fresh, garbage) == "failed"
    assert _state(fresh) == before
    text = fresh.models.message_box.text()
    assert f"{garbage.name}: it is not a model saved by Unsupervised Explorer" in text

    load(qtbot, fresh, datasets.load("moons", n_samples=50))
    before = _state(fresh)
    assert _open(qtbot, fresh, path) == "failed"
    assert _state(fresh) == before
    text = fresh.models.message_box.text()
    assert "Blobs (60 × 2)" in text and "(50 × 2)" in text, text


def test_a_session_brings_any_generative_model_back_without_training(qtbot, window, fresh,
                                                                     tmp_path):
    final = _train(qtbot, window, "diffusion-2d", T=10, hidden=16, train_steps=20,
                   batch_size=32, samples=20)
    path = tmp_path / "d.uesession.json"
    assert window.session.save(str(path))
    assert (tmp_path / "d.model.pt").is_file()
    with qtbot.waitSignal(fresh.session.restored, timeout=60000) as blocker:
        assert fresh.session.open(str(path))
    assert blocker.args == ["done"]
    assert len(fresh.controller.history) == 1 and PUT_BACK in fresh.run_bar.message.text()
    back = fresh.controller.history[0]
    np.testing.assert_array_equal(back.paths, final.paths)
    np.testing.assert_array_equal(back.net(final.data[:3], 2), final.net(final.data[:3], 2))
    assert fresh.models.final() is not None
