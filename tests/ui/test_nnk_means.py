"""NNK-means in the window: atoms, links and k-means's centroids on 2-D data, the two error
curves, and atoms as images on digits, all from the last snapshot."""

import numpy as np

from engine import datasets
from engine.clustering.nnk_means import NNKDictionary
from tests.ui.conftest import load, run_and_wait
from ui.views_nnk import link_segments


def test_atoms_links_and_errors_on_2d(qtbot, window):
    data = datasets.load("blobs", n_samples=80)
    load(qtbot, window, data)
    window.method_panel.select("nnk-means")
    window.method_panel.set_values({"n_atoms": 5, "n_neighbors": 3, "n_iter": 3})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, NNKDictionary) and snap.iteration == 3
    view = window.current_view()
    view.flush()
    expected = link_segments(data.X, snap.atoms, snap.neighbours, snap.weights,
                             np.arange(data.n))
    np.testing.assert_allclose(view.atoms.segments(), expected)
    assert len(expected) == int((snap.weights > 0).sum())
    _, y = view.kernel.curve_data("NNK")
    np.testing.assert_allclose(y, snap.nnk_kernel_error)
    _, y = view.squared.curve_data("k-means")
    np.testing.assert_allclose(y, snap.kmeans_squared_error)
    assert not view.images.isVisibleTo(view)


def test_atoms_as_images_on_digits(qtbot, window):
    data = datasets.load("digits")
    load(qtbot, window, data.rows(np.arange(150), "Digits", "test", ""))
    window.method_panel.select("nnk-means")
    window.method_panel.set_values({"n_atoms": 6, "n_neighbors": 3, "n_iter": 2})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    view = window.current_view()
    view.flush()
    assert view.images.isVisibleTo(view) and view.images.image_count() == 12
    np.testing.assert_allclose(view.images.image(1).ravel(), snap.atoms[1])
    np.testing.assert_allclose(view.images.image(7).ravel(), snap.centres[1])
