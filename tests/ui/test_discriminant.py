"""LDA and QDA in the window: the picture holds the last snapshot's plane, boundaries,
ellipses and accuracy; unlabelled data is refused in the form, by name."""

import numpy as np

from engine import datasets
from engine.data import Dataset
from engine.protocol import Discriminant
from tests.ui.conftest import load, run_and_wait


def test_lda_on_iris(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    window.method_panel.select("lda")
    window.method_panel.set_values({"grid": 40})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Discriminant)
    view = window.current_view()
    view.flush()
    xy, _ = view.scatter.points.points_data()
    np.testing.assert_allclose(xy, snap.coords[:, :2])
    np.testing.assert_allclose(view.scatter.segments(), snap.boundaries)
    assert view.scatter.ellipses.count() == 3
    assert "exact" in view.scatter.title()
    assert view.data.colour_counts() == dict(zip(*np.unique(snap.predictions,
                                                            return_counts=True), strict=True))
    assert view.data.segments().size == 0  # iris has four features: no boundaries there
    assert view.table.cell(0, 1) == f"{snap.accuracy:.1%}"


def test_qda_on_two_features_draws_on_the_data(qtbot, window):
    load(qtbot, window, datasets.load("blobs", n_samples=90, seed=2))
    window.method_panel.select("qda")
    window.method_panel.set_values({"grid": 40})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    view = window.current_view()
    view.flush()
    assert window.frame.exact  # two features: the data's own view
    np.testing.assert_allclose(view.data.segments(), snap.data_boundaries)
    np.testing.assert_allclose(view.scatter.segments(), snap.boundaries)
    outline, _ = view.scatter.ellipses.outlines(0)
    np.testing.assert_allclose(outline.mean(axis=0), snap.means[0], atol=0.05)


def test_unlabelled_data_is_named_in_the_form(qtbot, window):
    load(qtbot, window, Dataset(name="Cocktail party", X=np.eye(5)))
    window.method_panel.select("lda")
    text = window.method_panel.problem.text()
    assert "labels" in text and "Cocktail party" in text
