"""Spectral clustering in the window, and the question asked before a run too big to fit."""

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from engine import big_inputs, datasets
from engine.protocol import Spectral
from tests.ui.conftest import load, run_and_wait


def test_spectral_on_moons_shows_heatmap_eigengap_and_labels(qtbot, window):
    load(qtbot, window, datasets.load("moons", n_samples=200))
    window.method_panel.select("spectral")
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Spectral) and snap.phase == "done"
    view = window.current_view()
    view.flush()
    assert view.scatter.colour_counts() == dict(enumerate(np.bincount(snap.labels)))
    np.testing.assert_array_equal(view.scatter.points.points_data()[1], snap.labels)
    xy, labels = view.embedding.points.points_data()
    np.testing.assert_array_equal(labels, snap.labels)
    np.testing.assert_allclose(xy, snap.embedding[:, :2])
    assert view.eigenvalues.gap_marked() == snap.eigengap_k == 2
    assert "k = 2" in view.eigenvalues.gap_label()
    np.testing.assert_array_equal(view.eigenvalues.eigenvalues(), snap.eigenvalues)
    # The heatmap is ordered by cluster: its two blocks are the two clusters.
    order = view.affinity_order()
    assert np.all(np.diff(snap.labels[order]) >= 0)
    assert view.heatmap.boundaries().tolist() == [float(np.sum(snap.labels == 0))]
    dense = snap.affinity.toarray()[np.ix_(order, order)]
    np.testing.assert_allclose(view.heatmap.image(), dense)
    # Plain k-means's clusters beside, and the scores of spectral's.
    np.testing.assert_array_equal(view.kmeans.points.points_data()[1], snap.kmeans_labels)
    qtbot.waitUntil(lambda: not view.scores.busy())
    assert view.scores.canvas.scores().ari == 1.0
    names = [name for name, _ in view.named_canvases()]
    assert names == ["Clusters", "k-means on the data", "Eigenvector space",
                     "Silhouette and scores", "Affinity", "Eigenvalues"]


def test_selection_on_the_scatter_ticks_the_heatmap(qtbot, window):
    load(qtbot, window, datasets.load("circles", n_samples=120))
    window.method_panel.select("spectral")
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    view.flush()
    window.selection.model.select(np.arange(5))
    assert view.heatmap.highlighted().tolist() == [0, 1, 2, 3, 4]
    assert len(view.heatmap.tick_positions()) == 5


def _answer(qtbot, window, subsample: bool):
    """Click a button of the size dialog as soon as it is shown; return what it said."""
    said = []

    def click():
        box = window.size_dialog
        if box is None:
            QTimer.singleShot(20, click)
            return
        said.append(box.text())
        if subsample:
            next(b for b in box.buttons() if b.text().startswith("Subsample")).click()
        else:
            box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, click)
    return said


def test_too_many_points_asks_and_subsamples_or_cancels(qtbot, window, monkeypatch):
    monkeypatch.setattr(big_inputs, "available_bytes", lambda: 1_000_000)  # 144 points fit
    data = datasets.load("moons", n_samples=400)
    load(qtbot, window, data)
    window.method_panel.select("spectral")
    window.method_panel.set_values({"affinity": "rbf"})
    assert window.run_bar.run_button.isEnabled()
    assert "Run offers one" in window.method_panel.problem.text()

    said = _answer(qtbot, window, subsample=False)
    assert not window.run()
    assert "n×n affinity matrix of 1.3 MB" in said[0] and "subsample of 144 points" in said[0]
    assert window.dataset is data and not window.controller.is_running()

    said = _answer(qtbot, window, subsample=True)
    outcome = []
    window.run_ended.connect(outcome.append)
    assert window.run()
    assert window.dataset.n == 144 and "random subsample of 144" in window.dataset.name
    qtbot.waitUntil(lambda: bool(outcome), timeout=30000)
    assert outcome == ["done"] and len(window.controller.history[-1].labels) == 144
    assert window.method_panel.problem.text() == ""
