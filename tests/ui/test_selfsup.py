"""SimCLR and the pretext tasks in the window: the pictures hold what the last snapshot says."""

import numpy as np

from engine import datasets
from engine.selfsup.pretext import PretextTasks
from engine.selfsup.simclr import Contrastive
from tests.ui.conftest import load, run_and_wait
from ui.views_selfsup import PretextView, SimCLRView, pretext_strip, relative_losses


def final(window, kind):
    snap = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(snap, kind)
    return snap


def test_simclr_draws_its_embedding_views_loss_and_probe(qtbot, window):
    load(qtbot, window, datasets.load("digits"))
    window.method_panel.select("simclr")
    window.method_panel.set_values({"epochs": 2, "hidden": 32, "dims": 8})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    snap = final(window, Contrastive)
    view = window.current_view()
    assert isinstance(view, SimCLRView)
    view.flush()
    xy, labels = view.scatter.points.points_data()
    np.testing.assert_allclose(xy, snap.embedding)
    np.testing.assert_array_equal(labels, window.dataset.y)
    m = len(snap.view_rows)
    assert view.views.image_count() == 2 * m
    np.testing.assert_allclose(view.views.image(0).ravel(), snap.view_a[0])
    np.testing.assert_allclose(view.views.image(m).ravel(), snap.view_b[0])
    assert [view.views.title(i) for i in (0, m)] == ["view 1", "view 2"]
    _, loss = view.loss.curve_data("NT-Xent loss")
    np.testing.assert_allclose(loss, snap.loss)
    x, acc = view.probe.curve_data("SimCLR")
    np.testing.assert_allclose(x, [1, 2])
    np.testing.assert_allclose(acc, snap.accuracy)
    np.testing.assert_allclose(view.probe.curve_data("raw pixels")[1], snap.raw_accuracy)
    np.testing.assert_allclose(view.probe.curve_data("PCA (8)")[1], snap.pca_accuracy)
    title = view.probe.plot_widget.getPlotItem().titleLabel.text
    assert "linear probe on 100 labels" in title and f"{snap.raw_accuracy:.1%}" in title
    assert [name for name, _ in view.named_canvases()] == [
        "Representation", "Two views", "Loss per step", "Probe accuracy"]


def test_pretext_draws_the_table_losses_and_strips(qtbot, window):
    load(qtbot, window, datasets.load("digits"))
    window.method_panel.select("pretext")
    window.method_panel.set_values({"epochs": 2, "simclr_epochs": 1, "hidden": 16, "dims": 8})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    snap = final(window, PretextTasks)
    view = window.current_view()
    assert isinstance(view, PretextView)
    view.flush()
    assert view.bars.categories() == list(snap.table_names)
    series = view.bars.series()
    np.testing.assert_allclose(series["linear probe"], snap.linear)
    np.testing.assert_allclose(series["nearest-neighbour probe"], snap.nearest)
    for name, values in relative_losses(snap).items():
        np.testing.assert_allclose(view.loss.curve_data(name)[1], values)
    assert view.loss.curve_names() == ["in-painting", "rotation", "SimCLR"]
    m = len(snap.strip)
    assert view.images.image_count() == 4 * m
    hole = snap.hole[0]  # the blanked square shows grey, the rest as the network saw it
    assert hole.sum() == 16 and (snap.holed[0][hole] == 0).all()
    np.testing.assert_allclose(view.images.image(0).ravel()[hole], 0.5)
    for i, expected in ((0, np.where(hole, 0.5, snap.holed[0])), (m, snap.rebuilt[0]),
                        (2 * m, snap.targets[0]),
                        (3 * m + 1, snap.turned[1])):
        np.testing.assert_allclose(view.images.image(i).ravel(), expected)
    right = int(np.sum(snap.said == snap.turns))
    assert view.images.title(3 * m).endswith(f"tells {right} of {m}")
    # The first picture comes before the rotation task has trained at all.
    _, titles = pretext_strip(window.controller.history[0])
    assert titles[3 * m].endswith("the network is not trained yet")
