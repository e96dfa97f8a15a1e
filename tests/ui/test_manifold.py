"""Isomap and LLE in the window: the embedding, and the neighbour graph on the data with its
short circuits apart, as the last snapshot says."""

import numpy as np
import pytest

from engine import datasets
from tests.ui.conftest import load, run_and_wait

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.mark.parametrize("algorithm_id,name", [("isomap", "swiss_roll"), ("lle", "s_curve")])
def test_the_embedding_and_the_graph_with_its_short_circuits(qtbot, window, algorithm_id,
                                                             name):
    load(qtbot, window, datasets.load(name, n_samples=250, seed=1))
    window.method_panel.select(algorithm_id)
    window.method_panel.set_values({"n_neighbors": 25})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert snap.phase == "done" and snap.quality is not None
    view = window.current_view()
    view.flush()
    xy, labels = view.scatter.points.points_data()
    np.testing.assert_allclose(xy, snap.coords[:, :2])
    np.testing.assert_array_equal(labels, window.dataset.y)
    assert len(view.data.segments()) == len(snap.edges)
    n_flagged = int(snap.flagged.sum())
    assert len(view.data.flagged_segments()) == n_flagged
    if algorithm_id == "isomap":
        assert n_flagged > 0  # k = 25 on 250 points short-circuits the roll
        assert f"{n_flagged:,} short circuit" in view.data.title()
    assert view.measures.title() == f"Quality (all 250 points, k = {snap.quality.k})"
    assert not view.curve.isVisible()  # no iterations: no empty objective plot
