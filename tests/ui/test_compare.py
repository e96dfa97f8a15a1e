"""Comparing embeddings in the window: one scatter per method in the data's colours, the
measures in one table, and a method that refuses the data named, not drawn."""

import numpy as np
import pytest

from engine import datasets
from tests.ui.conftest import load, run_and_wait

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_each_method_drawn_with_its_measures_and_a_refusal_named(qtbot, window):
    load(qtbot, window, datasets.load("blobs", n_samples=90, seed=0))
    window.method_panel.select("compare")
    window.method_panel.set_values({"pca": True, "mds": True, "isomap": True, "tsne": False})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert snap.ids == ("pca", "mds")
    view = window.current_view()
    view.flush()
    assert view.shown() == 2
    for i, scatter in enumerate(view.scatters[:2]):
        assert scatter.isVisible()
        xy, labels = scatter.points.points_data()
        np.testing.assert_allclose(xy, snap.coords[i])
        np.testing.assert_array_equal(labels, window.dataset.y)
        assert scatter.title().startswith(("PCA", "MDS")[i] + " (")
    assert not any(s.isVisible() for s in view.scatters[2:])
    assert view.table.shape() == (5, 3)  # four measures and the seconds; a column per method
    assert view.table.cell(0, 1) == f"{snap.qualities[0].trustworthiness:.3f}"
    assert "Not run: Isomap" in view.table.title()
