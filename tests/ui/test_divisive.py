"""Divisive clustering in the window, and the ultrametric check over the agglomerative tree."""

import csv

import numpy as np

from engine import datasets
from engine.protocol import Divisive, Tree
from tests.ui.conftest import load, run_and_wait


def test_divisive_shows_the_current_clusters_the_tree_and_the_sse(qtbot, window, tmp_path):
    load(qtbot, window, datasets.load("blobs", n_samples=90, n_centers=3, seed=2))
    window.method_panel.select("divisive")
    window.method_panel.set_values({"n_clusters": 4})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Divisive) and snap.n_clusters == 4
    view = window.current_view()
    view.flush()
    # The scatter: the current clusters and their means.
    np.testing.assert_array_equal(view.scatter.points.points_data()[1], snap.labels)
    np.testing.assert_allclose(view.scatter.centres_item.getData()[0],
                               window.frame.project(snap.centres)[:, 0])
    # The dendrogram: one leaf per cluster, its heights the split clusters' SSEs.
    lay = view.dendrogram.layout()
    assert lay.n_leaves == 4 and view.dendrogram.k() == 4
    assert sorted(lay.leaf_size.tolist()) == sorted(np.bincount(snap.labels).tolist())
    assert view.dendrogram.segment_count() == 3 * 3
    assert "SSE" in view.dendrogram.height_label()
    assert f"cophenetic correlation {snap.cophenetic:.3f}" in view.dendrogram.title()
    # The total SSE per split, and the scores.
    x, y = view.curve.curve_data("total SSE")
    np.testing.assert_array_equal(y, snap.trace)
    assert x.tolist() == [1, 2, 3, 4]
    qtbot.waitUntil(lambda: not view.scores.busy())
    assert view.scores.canvas.scores().n_clusters == 4
    # Moving the cut recolours the scatter with the earlier step's clusters.
    view.set_cut(3)
    three = window.controller.history[-2]
    labels = view.scatter.points.points_data()[1]
    assert len(np.unique(labels)) == 3
    assert len({(a, b) for a, b in zip(labels, three.labels, strict=True)}) == 3
    paths = window.export.results_csv(tmp_path / "div.csv")
    assert {p.name for p in paths} >= {"div_labels.csv", "div_sse.csv", "div_centres.csv"}
    with (tmp_path / "div_labels.csv").open(newline="") as f:
        assert len({r[1] for r in list(csv.reader(f))[1:]}) == 3


def test_stepping_back_shows_fewer_clusters(qtbot, window):
    window.method_panel.select("divisive")
    window.method_panel.set_values({"n_clusters": 3})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    view.show_snapshot(window.controller.history[0])
    view.flush()
    assert view.dendrogram.layout().n_leaves == 1
    assert set(view.scatter.points.points_data()[1].tolist()) == {0}


def test_agglomerative_tree_shows_the_ultrametric_check(qtbot, window):
    window.method_panel.select("agglomerative")
    window.method_panel.set_values({"linkage": "average"})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert type(snap) is Tree and snap.triples_exact and snap.triples_checked == 34220
    view = window.current_view()
    view.flush()
    title = view.dendrogram.title()
    assert f"cophenetic correlation {snap.cophenetic:.3f}" in title
    assert f"data {snap.broken_triples:.1%}, tree 0.0% of all triples" in title
    # A tree still growing has no check to show.
    view.show_snapshot(window.controller.history[0])
    view.flush()
    assert view.dendrogram.title() == ""
