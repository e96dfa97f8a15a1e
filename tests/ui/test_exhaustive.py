"""The exhaustive search in the window: the optimum beside k-means, and the subsample offer."""

import numpy as np
from PySide6.QtCore import QTimer

from engine import datasets
from engine.clustering.exhaustive import aligned
from engine.protocol import OptimalPartition
from tests.ui.conftest import load, run_and_wait
from ui.views_exhaustive import OptimalPartitionView


def test_optimum_and_worst_kmeans_seed_are_drawn_side_by_side(qtbot, window):
    load(qtbot, window, datasets.load("blobs", n_samples=12, seed=2))
    window.method_panel.select("exhaustive")
    window.method_panel.set_values({"n_clusters": 3, "n_seeds": 6})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, OptimalPartitionView)
    view.flush()
    last = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(last, OptimalPartition) and last.complete and last.total == 86526
    np.testing.assert_array_equal(view.scatter.points.points_data()[1], last.labels)
    worst = int(np.argmax(last.kmeans_objective))
    np.testing.assert_array_equal(view.kmeans.points.points_data()[1],
                                  aligned(last.kmeans_labels[worst], last.labels, 3))
    np.testing.assert_allclose(view.seeds.values(), last.kmeans_objective)
    assert view.seeds.chosen() == worst
    searched, best = view.search.curve_data("best J")
    np.testing.assert_array_equal(searched, last.searched_trace)
    np.testing.assert_allclose(best, last.trace)
    assert f"seed {int(last.kmeans_seeds[worst])}" in view.kmeans.plot_item.titleLabel.text
    names = [name for name, _ in view.named_canvases()]
    assert names[:3] == ["Optimal partition", "k-means", "Best J while searching"]


def test_more_than_twelve_points_offers_a_subsample_of_twelve(qtbot, window):
    window.method_panel.select("exhaustive")
    assert "n = 60 points into 3 clusters" in window.method_panel.problem.text()
    said = []

    def click():
        box = window.size_dialog
        if box is None:
            QTimer.singleShot(20, click)
            return
        said.append(box.text())
        next(b for b in box.buttons() if b.text().startswith("Subsample")).click()

    QTimer.singleShot(0, click)
    window.method_panel.set_values({"n_seeds": 2})
    assert run_and_wait(qtbot, window) == "done"
    assert "S(60, 3)" in said[0] and "12 points" in said[0]
    assert window.dataset.n == 12
