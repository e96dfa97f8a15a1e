"""DBSCAN and HDBSCAN in the window: the picture holds the last snapshot's core, border and
noise points, the growing cluster's queue and balls, the k-distance line, the condensed tree."""

import numpy as np

from engine import datasets
from engine.protocol import BORDER, CORE, NOISE, DensityScan, DensityTree
from tests.ui.conftest import load, run_and_wait


def _run(qtbot, window, method, values=None, **data):
    load(qtbot, window, datasets.load("moons", **data))
    window.method_panel.select(method)
    if values:
        window.method_panel.set_values(values)
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    view.flush()
    return window.controller.history, view


def test_dbscan_draws_core_border_and_noise_of_the_last_step(qtbot, window):
    history, view = _run(qtbot, window, "dbscan", {"auto_eps": False, "eps": 0.12,
                                                   "min_samples": 6},
                         n_samples=200, noise=0.12)
    snap = history[-1]
    assert isinstance(snap, DensityScan) and snap.phase == "done"
    kinds = snap.kinds()
    drawn = view.scatter.parts_drawn()
    np.testing.assert_array_equal(drawn["core"], np.flatnonzero(kinds == CORE))
    np.testing.assert_array_equal(drawn["border"], np.flatnonzero(kinds == BORDER))
    np.testing.assert_array_equal(drawn["noise"], np.flatnonzero(kinds == NOISE))
    assert drawn["border"].size and drawn["noise"].size
    np.testing.assert_array_equal(view.scatter.core_labels(), snap.labels[snap.core])
    assert view.scatter.points.size() < view.scatter.core_points.size()  # border small
    assert view.scatter.frontier().size == 0
    assert view.kdist.eps() == snap.eps == 0.12
    _, y = view.kdist.curve_data(view.kdist.curve_names()[0])
    np.testing.assert_allclose(y, np.sort(snap.k_distances)[::-1])
    qtbot.waitUntil(lambda: not view.scores.busy())
    assert view.scores.canvas.scores() is not None


def test_dbscan_mid_growth_rings_the_queue_and_draws_eps_balls(qtbot, window):
    history, view = _run(qtbot, window, "dbscan", n_samples=150)
    i = next(i for i, s in enumerate(history) if s.phase == "grow" and s.frontier.size > 2)
    window._on_scrub(i)
    view.flush()
    snap = history[i]
    np.testing.assert_array_equal(view.scatter.frontier(), snap.frontier)
    balls = view.scatter.balls()
    assert len(balls) == len(snap.new_cores)
    centres = window.frame.xy[snap.new_cores]
    radii = np.linalg.norm(balls - centres[:, None, :], axis=2)
    np.testing.assert_allclose(radii, snap.eps)  # Euclidean balls of radius eps
    drawn = view.scatter.parts_drawn()
    np.testing.assert_array_equal(drawn["core"], np.flatnonzero(snap.core))  # grey or coloured
    reached_core = snap.labels[snap.core] >= 0
    np.testing.assert_array_equal(view.scatter.core_labels() >= 0, reached_core)


def test_hdbscan_draws_clusters_noise_and_the_condensed_tree(qtbot, window):
    history, view = _run(qtbot, window, "hdbscan", {"min_cluster_size": 8},
                         n_samples=200, noise=0.1)
    snap = history[-1]
    assert isinstance(snap, DensityTree) and snap.phase == "done"
    drawn = view.scatter.parts_drawn()
    np.testing.assert_array_equal(drawn["noise"], np.flatnonzero(snap.labels < 0))
    strong = np.flatnonzero((snap.labels >= 0) & (snap.probabilities >= 1.0 - 1e-9))
    np.testing.assert_array_equal(drawn["core"], strong)
    labels = view.scatter.points.points_data()[1]
    np.testing.assert_array_equal(labels, snap.labels)
    assert view.tree.chosen_bars() == {int(c): i for i, c in enumerate(snap.selected)}
    assert len(view.tree.bars()) == len(snap.stability)
    assert view.scatter.segments().size == 0
    # Scrubbed back to the spanning tree: its edges on the scatter.
    i = next(i for i, s in enumerate(history) if s.phase == "mst")
    window._on_scrub(i)
    view.flush()
    assert len(view.scatter.segments()) == history[i].n_edges
