"""MDS in the window: the picture holds the last snapshot: the embedding, stress per
iteration, the Shepard diagram and the eigenvalues of B."""

import numpy as np
import pytest

from engine import datasets
from engine.protocol import Scaling
from tests.ui.conftest import load, run_and_wait

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _run(qtbot, window, dataset, values):
    load(qtbot, window, dataset)
    window.method_panel.select("mds")
    window.method_panel.set_values(values)
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    view = window.current_view()
    view.flush()
    return snap, view


def test_non_metric_mds_shows_stress_shepard_and_eigenvalues(qtbot, window):
    snap, view = _run(qtbot, window, datasets.load("blobs", n_samples=40, seed=2),
                      {"kind": "non-metric", "max_iter": 40})
    assert isinstance(snap, Scaling) and snap.phase == "done" and snap.quality is not None
    xy, _ = view.scatter.points.points_data()
    np.testing.assert_allclose(xy, snap.coords[:, :2])
    x, y = view.curve.curve_data("stress-1")
    np.testing.assert_allclose(y, snap.trace)
    np.testing.assert_allclose(x, snap.trace_at)
    inputs, outputs = view.shepard.pairs()
    np.testing.assert_allclose(inputs, snap.shepard_input)
    np.testing.assert_allclose(outputs, snap.shepard_output)
    _, line_y = view.shepard.line()
    order = np.argsort(snap.shepard_input, kind="stable")
    np.testing.assert_allclose(line_y, snap.shepard_disparities[order])
    index, values = view.eigenvalues.shown()
    np.testing.assert_allclose(values, snap.eigenvalues[index - 1])
    assert view.measures.title().startswith("Quality")
    names = [name for name, _ in view.named_canvases()]
    assert names == ["Embedding", "Stress per iteration", "Shepard diagram",
                     "Eigenvalues of B", "Quality"]


def test_the_cities_show_their_negative_eigenvalues(qtbot, window):
    snap, view = _run(qtbot, window, datasets.load("cities"), {"kind": "classical"})
    assert snap.negative_share > 0
    index, _ = view.eigenvalues.shown()
    assert index.tolist() == list(range(1, 19))  # 18 cities: every eigenvalue drawn
    assert view.eigenvalues.negative_drawn() == int(np.sum(snap.eigenvalues < 0)) > 0
    assert "not Euclidean" in view.eigenvalues.title()
    assert view.shepard.line()[0].tolist() == [0.0, float(snap.shepard_input.max())]
    assert "the loaded distances" in snap.message
