"""The window end to end: each foundation method runs and the canvases hold what it computed."""

import sys

import numpy as np
import pytest

from engine import datasets
from engine.clustering import hierarchical
from engine.protocol import LatentModel, Partition, Spectrum, Tree
from tests.pixels import distinct_colours
from tests.ui.conftest import load, run_and_wait
from ui.main_window import MainWindow
from ui.views import PartitionView, SpectrumView, TreeView
from ui.views_latent import LatentView
from widgets.scatter import ScatterCanvas


def test_opens_with_a_data_set_and_kmeans_ready(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.dataset is not None, timeout=30000)
    assert w.dataset.name == "Blobs"
    assert w.algorithm.id == "kmeans"
    assert w.run_bar.run_button.isEnabled()
    assert w.data_view.scatter.point_count() == w.dataset.n
    assert distinct_colours(w) > 5
    w.close()


def test_kmeans_colours_centres_voronoi_and_curve(qtbot, window):
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 4})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, PartitionView)
    final = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(final, Partition) and final.converged
    labels, counts = np.unique(final.labels, return_counts=True)
    assert view.scatter.colour_counts() == dict(zip(labels.tolist(), counts.tolist(), strict=True))
    assert view.curve.curve_names() == ["J"]
    assert distinct_colours(view.scatter) > 5


def test_the_scatters_name_the_classes_until_clusters_recolour_them(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    assert window.data_view.scatter.legend_entries() == ["setosa", "versicolor", "virginica"]
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 3})
    assert run_and_wait(qtbot, window) == "done"
    assert window.current_view().scatter.legend_entries() == []  # clusters are not classes


def test_only_the_first_scatter_of_a_view_names_the_classes(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    window.method_panel.select("tsne")
    window.method_panel.set_values({"exaggeration_iter": 20, "n_iter": 30})
    assert run_and_wait(qtbot, window) == "done"
    scatters = [c for c in window.current_view().canvases() if isinstance(c, ScatterCanvas)]
    assert len(scatters) >= 2  # the embedding, and the data beside it
    assert scatters[0].legend_entries() == ["setosa", "versicolor", "virginica"]
    assert all(s.legend_entries() == [] for s in scatters[1:])


def test_scrubbing_the_timeline_shows_an_earlier_step(qtbot, window):
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 3, "init": "random", "seed": 4})
    assert run_and_wait(qtbot, window) == "done"
    n = len(window.controller.history)
    assert n >= 3 and window.run_bar.timeline.maximum() == n - 1
    window.run_bar.timeline.setValue(0)
    first = window.controller.history[0]
    assert window.explain.message() == first.message


def test_agglomerative_dendrogram_and_cut(qtbot, window):
    load(qtbot, window, datasets.load("blobs", n_samples=40, seed=2))
    window.method_panel.select("agglomerative")
    window.method_panel.set_values({"linkage": "average", "n_clusters": 3})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, TreeView)
    final = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(final, Tree) and final.complete
    assert view.dendrogram.segment_count() == 3 * (40 - 1)
    expected = np.bincount(hierarchical.cut(final.linkage, 3))
    assert sorted(view.scatter.colour_counts().values()) == sorted(expected.tolist())
    view.dendrogram.cut_changed.emit(5)
    assert len(view.scatter.colour_counts()) == 5


def test_pca_scree_bars_and_reconstructions(qtbot, window):
    load(qtbot, window, datasets.load("digits"))
    window.method_panel.select("pca")
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, SpectrumView)
    final = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(final, Spectrum)
    assert view.scree.bar_count() == len(final.explained_ratio)
    assert view.images.isVisible() and view.images.image_count() == 20
    before = view.images.image(10).copy()
    view.scree.components_chosen.emit(8)
    assert not np.allclose(before, view.images.image(10))


def test_vae_latent_pad_decodes_as_the_crosshair_moves(qtbot, window):
    load(qtbot, window, datasets.load("digits"))
    window.method_panel.select("vae")
    window.method_panel.set_values({"epochs": 3, "hidden": 32})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    view = window.current_view()
    assert isinstance(view, LatentView)
    final = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(final, LatentModel) and final.epoch == 3
    assert view.curve.curve_names() == ["−ELBO", "reconstruction", "KL"]
    view.latent.set_z(np.array([-2.0, 0.0]))
    a = view.latent.decoded().copy()
    view.latent.set_z(np.array([2.0, 1.5]))
    b = view.latent.decoded()
    assert a.shape == (8, 8) or a.size == 64
    assert not np.allclose(a, b)
    np.testing.assert_allclose(np.ravel(b), np.ravel(final.decode(np.array([[2.0, 1.5]]))))


@pytest.mark.parametrize("algorithm_id", ["kmeans", "agglomerative", "pca"])
def test_step_runs_one_snapshot_at_a_time(qtbot, window, algorithm_id):
    window.method_panel.select(algorithm_id)
    window.step()
    qtbot.waitUntil(lambda: len(window.controller.history) == 1, timeout=10000)
    qtbot.wait(150)
    assert len(window.controller.history) == 1
    if window.controller.is_running():
        window.step()
        qtbot.waitUntil(lambda: len(window.controller.history) >= 2
                        or not window.controller.is_running(), timeout=10000)
    window.controller.cancel()


def test_the_window_asks_python_to_switch_threads_often(window):
    from ui.main_window import SWITCH_INTERVAL_S

    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S)
    assert SWITCH_INTERVAL_S < 0.005  # Python's default, which stalls the window


def test_the_strip_says_why_run_is_off_and_forgets_it_once_mended(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    window.method_panel.select("nmf")
    window.method_panel.set_values({"n_components": 10})  # more parts than iris's 4 features
    assert not window.run_bar.run_button.isEnabled()
    assert window.explain.text().startswith("Run is off: ")
    assert window.method_panel.problem.text() in window.explain.text()
    window.method_panel.set_values({"n_components": 2})
    assert window.run_bar.run_button.isEnabled()
    assert window.explain.text().startswith("Press Run")
