"""Demixed PCA and seqNMF in the window: the canvases hold what the last snapshot says."""

import numpy as np

from engine import datasets
from engine.timeseries.dpca import Demixing
from engine.timeseries.seqnmf import Sequences
from tests.ui.conftest import load, run_and_wait


def test_dpca_draws_components_shares_and_explained(qtbot, window):
    load(qtbot, window, datasets.load("population", n_channels=12, n_trials=4, n_steps=20))
    window.method_panel.select("dpca")
    window.method_panel.set_values({"n_components": 2})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Demixing) and snap.fitted == 3
    view = window.current_view()
    view.flush()
    x, y = view.demixed.line_data(0, 2)
    np.testing.assert_allclose(x, snap.times)
    np.testing.assert_allclose(y, snap.courses[0, 2])
    assert view.demixed.plot_titles()[0].startswith("time 1 ·")
    assert "condition 4" in view.demixed.key_text()
    np.testing.assert_allclose(view.shares.values(), np.vstack([snap.shares, snap.pca_shares]))
    _, y = view.explained.curve_data("dPCA")
    np.testing.assert_allclose(y, snap.cumulative)
    _, y = view.pca.line_data(1, 0)
    np.testing.assert_allclose(y, snap.pca_courses[1, 0])


def test_dpca_refuses_data_without_trials(qtbot, window):
    load(qtbot, window, datasets.load("blobs", n_samples=40))
    window.method_panel.select("dpca")
    assert "no time series" in window.method_panel.problem.text()


def test_seqnmf_draws_raster_factors_and_matches(qtbot, window):
    data = datasets.load("sequences", n_neurons=20, n_steps=300, n_motifs=2, motif_neurons=6,
                         motif_length=8, occurrences=10)
    load(qtbot, window, data)
    window.method_panel.select("seqnmf")
    window.method_panel.set_values({"n_factors": 2, "lags": 8, "n_iter": 20})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Sequences) and snap.iteration == 20
    view = window.current_view()
    view.flush()
    order = snap.neuron_order
    np.testing.assert_allclose(view.sequences.image("raster"), data.X.T[order])
    np.testing.assert_allclose(view.sequences.image("rebuilt"), snap.reconstruction[order])
    assert view.sequences.image("factors").shape == (20, 2 * 8 + 2)
    x, _ = view.sequences.loading_data(1)
    np.testing.assert_allclose(x, snap.times)
    _, y = view.cost.curve_data("‖X − X̂‖²")
    np.testing.assert_allclose(10 ** y, snap.cost)
    assert view.matches.isVisible() and snap.match_correlation is not None
