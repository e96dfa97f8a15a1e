"""Scores, silhouette plot, k-means++ seeding, restarts and elbow in the window."""

import numpy as np
import pytest

from engine import datasets
from engine.clustering import hierarchical
from engine.clustering.scores import compute_scores
from tests.ui.conftest import load, run_and_wait
from ui.views import PartitionView, TreeView
from widgets.scatter import MIN_WEIGHT, WEIGHT_LEVELS


def final_snapshot(window):
    history = window.controller.history
    return history[len(history) - 1]


def assert_scores_shown(view, dataset, labels):
    """The silhouette plot has a bar per point, per cluster, and the engine's numbers."""
    expected = compute_scores(dataset.X, labels, dataset.y)
    shown = view.scores.scores()
    assert shown is not None
    assert view.scores.canvas.bar_count() == expected.n_used == dataset.n
    counts = np.bincount(labels)
    assert view.scores.canvas.cluster_bar_counts() == {i: int(c) for i, c in enumerate(counts)}
    assert shown.silhouette == pytest.approx(expected.silhouette)
    assert shown.ari == pytest.approx(expected.ari)
    assert view.scores.canvas.mean_line() == pytest.approx(expected.silhouette)
    title = view.scores.canvas.title()
    assert f"ARI {expected.ari:.2f}" in title
    assert f"silhouette {expected.silhouette:.2f}" in title
    assert f"all {dataset.n} points" in title


def test_kmeans_shows_scores_restarts_and_elbow(qtbot, window):
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 3, "n_init": 4, "elbow": 6})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, PartitionView) and not view.pending()
    final = final_snapshot(window)
    assert_scores_shown(view, window.dataset, final.labels)
    assert view.elbow.isVisible() and view.restarts.isVisible()
    ks, J = view.elbow.curve_data("J")
    np.testing.assert_array_equal(ks, np.arange(1, 7))
    np.testing.assert_array_equal(J, final.elbow)
    assert view.elbow.cursor_position() == 3.0  # the chosen k marked
    np.testing.assert_array_equal(view.restarts.values(), final.restarts)
    assert view.restarts.chosen() == final.best_run


def test_kmeans_plus_plus_seeding_draws_the_D2_weights(qtbot, window):
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 3, "n_init": 1, "elbow": 0})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert not view.elbow.isVisible() and not view.restarts.isVisible()
    window.run_bar.timeline.setValue(1)  # centre 2 of 3
    seed = window.controller.history[1]
    assert seed.phase == "seed" and window.explain.message() == seed.message
    rows, sizes = view.scatter.weights_drawn()
    heavy = seed.seed_weights >= MIN_WEIGHT * seed.seed_weights.max()
    assert set(rows.tolist()) == set(np.flatnonzero(heavy).tolist())
    w = seed.seed_weights[rows]
    assert sizes[np.argmax(w)] == sizes.max()  # the likeliest point has the largest disc
    assert np.all(np.diff(sizes[np.argsort(w)]) >= 0)  # a heavier point's disc is no smaller
    assert len(np.unique(sizes)) <= WEIGHT_LEVELS  # a few sizes: each is rendered once
    window.run_bar.timeline.setValue(len(window.controller.history) - 1)
    assert view.scatter.weights_drawn()[0].size == 0


def test_agglomerative_scores_follow_the_cut(qtbot, window):
    load(qtbot, window, datasets.load("blobs", n_samples=40, seed=2))
    window.method_panel.select("agglomerative")
    window.method_panel.set_values({"linkage": "ward", "n_clusters": 3})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, TreeView)
    final = final_snapshot(window)
    assert_scores_shown(view, window.dataset, hierarchical.cut(final.linkage, 3))
    view.dendrogram.cut_changed.emit(5)
    assert view.pending()
    qtbot.waitUntil(lambda: not view.pending(), timeout=10000)
    assert_scores_shown(view, window.dataset, hierarchical.cut(final.linkage, 5))
