"""Selection on canvases alone: a scatter reports data rows (not screen points), the latent
pad selects and shows its codes' rows, the dendrogram rings the leaves of selected points."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage

from engine.selection import points_in_polygon
from tests.mouse import drag
from tests.pixels import pixels_like
from widgets.dendrogram import DendrogramCanvas
from widgets.latent import LatentCanvas
from widgets.scatter import ScatterCanvas
from widgets.selection import LASSO, PAN, RECTANGLE


@pytest.fixture
def scatter(qtbot):
    c = ScatterCanvas()
    qtbot.addWidget(c)
    c.resize(500, 400)
    c.show()
    return c


def test_a_lasso_reports_data_rows_even_with_rows_not_drawn(scatter, qtbot):
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 10, size=(200, 2))
    xy[[3, 50]] = np.nan  # not drawn: every later point's row is not its position
    scatter.set_points(xy)
    scatter.set_selection_mode(LASSO)
    path = [(2, 2), (8, 2), (8, 8), (2, 8), (2, 2)]
    with qtbot.waitSignal(scatter.selection_made, timeout=2000) as got:
        drag(scatter.plot_widget, path)
    rows, add = got.args
    finite = np.isfinite(xy).all(axis=1)
    inside = np.flatnonzero(finite & points_in_polygon(np.nan_to_num(xy), np.array(path)))
    # Points within a pixel of the edges may fall either way: the mouse moves in pixels.
    near_edge = np.flatnonzero(np.isin(np.round(xy, 1), [2.0, 8.0]).any(axis=1))
    assert set(rows.tolist()) ^ set(inside.tolist()) <= set(near_edge.tolist())
    assert not add and 3 not in rows and 50 not in rows and len(rows) > 50


def test_the_highlight_draws_only_rows_shown_and_follows_new_points(scatter):
    scatter.set_points(np.c_[np.arange(10.0), np.arange(10.0)])
    scatter.set_highlight([2, 5, 40])  # row 40 is not on this canvas
    np.testing.assert_array_equal(scatter.highlighted(), [2, 5])
    scatter.set_points(np.c_[np.arange(4.0), np.arange(4.0)])
    np.testing.assert_array_equal(scatter.highlighted(), [2])
    scatter.set_highlight([])
    assert len(scatter.highlighted()) == 0


def test_a_selected_point_is_ringed_in_the_foreground_colour(scatter, qtbot):
    scatter.set_points(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 0]))
    scatter.set_marker_size(20)
    qtbot.wait(10)
    ring = scatter.canvas_style().theme.foreground
    before = pixels_like(scatter, ring, tol=30)
    scatter.set_highlight([1])
    qtbot.wait(10)
    assert pixels_like(scatter, ring, tol=30) > before + 20


def test_modes_show_and_hide_the_catcher(scatter):
    tool = scatter.selection_tools()[0]
    for mode in (LASSO, RECTANGLE, PAN):
        scatter.set_selection_mode(mode)
        assert tool.mode() == mode and tool._catcher.isVisible() == (mode != PAN)
    with pytest.raises(ValueError, match="no selection mode"):
        scatter.set_selection_mode("magic")


def test_the_latent_pad_selects_and_shows_the_rows_of_its_codes(qtbot):
    pad = LatentCanvas()
    qtbot.addWidget(pad)
    pad.resize(800, 600)
    pad.show()
    codes = np.random.default_rng(1).normal(size=(30, 2))
    pad.set_model(codes, None, lambda z: np.atleast_2d(z)[:, :1] * 0.0)
    pad.set_highlight([4, 7, 29])
    np.testing.assert_array_equal(pad.highlighted(), [4, 7, 29])
    pad.set_selection_mode(RECTANGLE)
    lo, hi = codes.min(axis=0) - 0.1, codes.max(axis=0) + 0.1
    with qtbot.waitSignal(pad.selection_made, timeout=2000) as got:
        drag(pad.pad(), [tuple(lo), tuple((lo + hi) / 2), tuple(hi)])
    np.testing.assert_array_equal(got.args[0], np.arange(30))
    assert pad.z().tolist() == [0.0, 0.0]  # selecting did not move the crosshair


def test_the_dendrogram_rings_the_leaves_holding_selected_points(qtbot):
    canvas = DendrogramCanvas(truncate=8)
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    x = np.random.default_rng(2).normal(size=(40, 2))
    z = linkage(x, "ward")
    canvas.set_tree(z, z.shape[0], 3)
    # Truncated to 8 leaves: each leaf holds one cluster of the cut into 8.
    clusters = fcluster(z, 8, criterion="maxclust")
    for leaf in range(8):
        rows = canvas.leaf_rows(leaf)
        assert len(rows) and len(np.unique(clusters[rows])) == 1
    assert sum(len(canvas.leaf_rows(leaf)) for leaf in range(8)) == 40
    chosen = canvas.leaf_rows(2)[:1]
    canvas.set_highlight(np.r_[chosen, canvas.leaf_rows(6)])
    np.testing.assert_array_equal(canvas.ringed_leaves(), [2, 6])
    canvas.set_highlight([])
    assert canvas.ringed_leaves().size == 0
