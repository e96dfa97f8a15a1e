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


def test_the_cities_map_names_each_city_beside_it(qtbot, window):
    cities = datasets.load("cities")
    snap, view = _run(qtbot, window, cities, {"kind": "classical"})
    assert view.scatter.point_names() == cities.point_names
    for item, (x, y) in zip(view.scatter._name_items, snap.coords[:, :2], strict=True):
        assert (item.pos().x(), item.pos().y()) == pytest.approx((x, y))
    load(qtbot, window, datasets.load("blobs", n_samples=40, seed=2))  # unnamed rows: no names
    assert view.scatter.point_names() == ()


def test_methods_other_than_mds_say_they_see_only_the_tables_map(qtbot, window):
    load(qtbot, window, datasets.load("cities"))
    window.method_panel.select("isomap")
    note = window.method_panel.note
    assert note.isVisible() and "Isomap works on the table's 2-D classical MDS map" in note.text()
    assert window.run_bar.run_button.isEnabled()  # a remark, not a problem
    window.method_panel.select("mds")
    assert not note.isVisible()
    load(qtbot, window, datasets.load("blobs", n_samples=30))
    window.method_panel.select("isomap")
    assert not note.isVisible()
