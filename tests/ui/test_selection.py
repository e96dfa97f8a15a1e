"""Linked selection in the window: a lasso or a box on a scatter selects exactly the points
inside it, the same points light up on the other canvases, and a selection becomes a data set.
"""

import gc

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine import datasets
from engine.protocol import Partition, Tree
from tests.mouse import CTRL, click, drag, pixel
from tests.pixels import pixels_like
from tests.ui.conftest import load, run_and_wait
from widgets.selection import LASSO, PAN, RECTANGLE

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def _collect_in_the_main_thread():
    """Free closed windows here, not on a worker thread (see tests/ui/test_drawing.py)."""
    gc.collect()
    yield
    gc.collect()


def _on_screen(plot_widget, path):
    """The path as the mouse really travels it: each point rounded to a pixel, in data units."""
    box = plot_widget.getPlotItem().getViewBox()
    out = []
    for x, y in path:
        p = box.mapSceneToView(plot_widget.mapToScene(pixel(plot_widget, x, y)))
        out.append((p.x(), p.y()))
    return np.array(out)


def _inside_convex(xy, poly):
    """Points strictly left of every edge of a counter-clockwise convex polygon."""
    inside = np.ones(len(xy), dtype=bool)
    for (x0, y0), (x1, y1) in zip(poly, np.roll(poly, -1, axis=0), strict=True):
        if np.hypot(x1 - x0, y1 - y0) < 1e-12:
            continue
        inside &= (x1 - x0) * (xy[:, 1] - y0) - (y1 - y0) * (xy[:, 0] - x0) > 0
    return inside


def _hexagon(centre, radius):
    angles = np.linspace(0, 2 * np.pi, 7)  # back to the start: a closed path
    return [(centre[0] + radius[0] * np.cos(a), centre[1] + radius[1] * np.sin(a))
            for a in angles]


def _lasso_middle(window, scatter):
    """A hexagonal lasso around the middle of the scatter's points; the rows expected inside."""
    xy = window.dataset.X
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    path = _hexagon((lo + hi) / 2, (hi - lo) * 0.45)
    drag(scatter.plot_widget, path)
    expected = np.flatnonzero(_inside_convex(xy, _on_screen(scatter.plot_widget, path)))
    return expected


def test_a_lasso_on_the_data_selects_exactly_the_points_inside(window):
    window.selection.set_mode(LASSO)
    scatter = window.data_view.scatter
    expected = _lasso_middle(window, scatter)
    assert 0 < len(expected) < window.dataset.n
    np.testing.assert_array_equal(window.selection.model.rows(), expected)
    np.testing.assert_array_equal(scatter.highlighted(), expected)
    assert window.selection.status.text() == f"{len(expected)} points selected"
    assert window.selection.new_dataset_action.isEnabled()


def test_a_rectangle_selects_the_box_and_ctrl_adds_a_second_one(window):
    window.selection.set_mode(RECTANGLE)
    plot = window.data_view.scatter.plot_widget
    xy = window.dataset.X
    (x0, x1), (y0, y1) = plot.getPlotItem().getViewBox().viewRange()
    lo, hi = np.array([x0, y0]), np.array([x1, y1])
    lo, hi = lo + 0.01 * (hi - lo), hi - 0.01 * (hi - lo)  # inside the plot, not on an axis
    mid = (lo + hi) / 2

    def box(a, b):
        drag_path = [a, (a + b) / 2, b]
        corners = _on_screen(plot, [a, b])
        inside = np.all((xy >= corners.min(axis=0)) & (xy <= corners.max(axis=0)), axis=1)
        return drag_path, set(np.flatnonzero(inside).tolist())

    path, first = box(lo, mid)
    drag(plot, path)
    assert set(window.selection.model.rows().tolist()) == first and first
    path, second = box(mid, hi)
    drag(plot, path, modifiers=CTRL)
    assert set(window.selection.model.rows().tolist()) == first | second
    assert second - first


def test_a_click_on_empty_space_or_escape_clears(window):
    window.selection.set_mode(LASSO)
    scatter = window.data_view.scatter
    _lasso_middle(window, scatter)
    assert window.selection.model.count()
    (x0, x1), (y0, y1) = scatter.plot_item.getViewBox().viewRange()
    xy = window.dataset.X
    corners = np.array([(x0, y0), (x0, y1), (x1, y0), (x1, y1)]) * 0.97 + 0.03 * xy.mean(0)
    far = corners[np.argmax([np.min(np.hypot(*(xy - c).T)) for c in corners])]
    click(scatter.plot_widget, *far)
    assert window.selection.model.count() == 0
    assert window.selection.status.text() == "" and not window.selection.clear_action.isEnabled()
    _lasso_middle(window, scatter)
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert window.selection.model.count() == 0 and len(scatter.highlighted()) == 0


def test_plain_drags_still_pan_when_not_selecting(window):
    assert window.selection.mode() == PAN
    box = window.data_view.scatter.plot_item.getViewBox()
    before = box.viewRange()[0]
    xy = window.dataset.X
    drag(window.data_view.scatter.plot_widget, [xy.mean(0), xy.mean(0) + np.ptp(xy, 0) / 4])
    assert box.viewRange()[0] != before
    assert window.selection.model.count() == 0


def test_a_lasso_on_one_canvas_lights_up_the_dendrogram_and_the_other_views(qtbot, window):
    window.method_panel.select("agglomerative")
    assert run_and_wait(qtbot, window) == "done"
    tree = window.views[Tree]
    window.selection.set_mode(LASSO)
    expected = _lasso_middle(window, tree.scatter)
    assert 0 < len(expected) < window.dataset.n
    # The dendrogram rings the leaves of exactly these points ...
    dendrogram = tree.dendrogram
    lay = dendrogram.layout()
    under = [set(dendrogram.leaf_rows(leaf).tolist()) for leaf in range(lay.n_leaves)]
    ringed = {leaf for leaf, rows in enumerate(under) if rows & set(expected.tolist())}
    assert set(dendrogram.ringed_leaves().tolist()) == ringed
    np.testing.assert_array_equal(dendrogram.highlighted(), expected)
    # ... and the data view's scatter, not on screen now, shows them too.
    np.testing.assert_array_equal(window.data_view.scatter.highlighted(), expected)


def test_the_others_are_dimmed_on_a_second_canvas(qtbot, window):
    window.method_panel.select("kmeans")
    assert run_and_wait(qtbot, window) == "done"
    scatter = window.views[Partition].scatter
    _, labels = scatter.points.points_data()
    colour = scatter.canvas_style().colours
    a, b = colour[0], colour[1]
    a_before, b_before = pixels_like(scatter, a, tol=20), pixels_like(scatter, b, tol=20)
    assert a_before > 100 and b_before > 100
    window.selection.model.select(np.flatnonzero(labels == 0))  # as a lasso elsewhere would
    qtbot.wait(10)
    np.testing.assert_array_equal(scatter.highlighted(), np.flatnonzero(labels == 0))
    assert pixels_like(scatter, a, tol=20) > 0.7 * a_before  # the selected keep their colour
    # The others fade behind the veil: only the centres' diamonds keep the colour.
    assert pixels_like(scatter, b, tol=20) < 0.4 * b_before


def test_a_new_data_set_from_the_selection_has_those_rows(qtbot, window):
    old = window.dataset
    window.selection.set_mode(LASSO)
    expected = _lasso_middle(window, window.data_view.scatter)
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=5000):
        window.selection.new_dataset_action.trigger()
    new = window.dataset
    np.testing.assert_array_equal(new.X, old.X[expected])
    np.testing.assert_array_equal(new.y, old.y[expected])
    assert new.feature_names == old.feature_names
    assert new.name == f"{old.name} (selection of {len(expected)})"
    assert window.data_view.scatter.point_count() == len(expected)
    assert window.selection.model.count() == 0
    assert not window.selection.new_dataset_action.isEnabled()
    assert window.run_bar.run_button.isEnabled()


def test_changing_the_data_set_clears_the_selection(qtbot, window):
    window.selection.model.select([1, 2, 3])
    assert len(window.data_view.scatter.highlighted()) == 3
    load(qtbot, window, datasets.load("moons", n_samples=50, seed=0))
    assert window.selection.model.count() == 0
    assert len(window.data_view.scatter.highlighted()) == 0


def test_choosing_a_selection_tool_ends_drawing_and_drawing_ends_selecting(window):
    panel = window.draw_panel
    panel.draw_button.click()
    assert panel.tool.is_active()
    window.selection.set_mode(LASSO)
    assert not panel.tool.is_active()
    panel.draw_button.click()
    assert panel.tool.is_active() and window.selection.mode() == PAN


def test_the_context_menu_offers_the_selection_commands(window):
    menu = window.data_view.scatter.plot_item.getViewBox().menu
    texts = [a.text() for a in menu.actions()]
    assert "New data set from &selection" in texts and "&Lasso select" in texts


def test_a_click_on_a_leaf_selects_its_points(qtbot, window):
    window.method_panel.select("agglomerative")
    assert run_and_wait(qtbot, window) == "done"
    dendrogram = window.views[Tree].dendrogram
    plot = dendrogram.graphics_views()[0]
    leaf = 5
    qtbot.wait(50)  # the tree's range settles after the last snapshot
    click(plot, float(leaf), 0.0)
    np.testing.assert_array_equal(window.selection.model.rows(), dendrogram.leaf_rows(leaf))
    assert window.selection.model.count() >= 1


def test_selected_digits_show_in_the_pca_reconstructions(qtbot, window):
    load(qtbot, window, datasets.load("digits"))
    window.method_panel.select("pca")
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    view.flush()
    images = view.images
    assert images.title(0) == "data" and images.highlighted().size == 0
    rows = np.array([3, 77, 500])
    window.selection.model.select(rows)
    qtbot.wait(10)
    # The strip now shows the selected digits and their reconstructions, in that order.
    assert images.image_count() == 6 and images.title(0) == "3 selected"
    for i, row in enumerate(rows):
        np.testing.assert_array_equal(images.image(i), window.dataset.X[row].reshape(8, 8))
    np.testing.assert_array_equal(images.highlighted(), rows)
    window.selection.model.select(np.empty(0, np.int64))
    qtbot.wait(10)
    assert images.image_count() == 20 and images.title(0) == "data"
