"""DendrogramCanvas: growth, truncation, colouring by the cut, and the draggable cut line."""

import numpy as np
import pyqtgraph as pg
import pytest
from scipy.cluster.hierarchy import linkage

from engine.clustering.hierarchical import height_for_k
from tests.pixels import pixels_like
from widgets.dendrogram import DendrogramCanvas
from widgets.palette import CLUSTER_HEX, NO_LABEL_HEX


def _tree(n, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=8.0, size=(5, 2))
    x = centres[rng.integers(0, 5, n)] + rng.normal(size=(n, 2))
    return linkage(x, "ward")




def _segments_in(canvas, hex_colour):
    return canvas.drawn_by_colour().get(hex_colour, 0)


@pytest.fixture
def canvas(qtbot):
    c = DendrogramCanvas()
    qtbot.addWidget(c)
    c.resize(600, 400)
    return c


def test_tree_grows_with_n_merges(canvas):
    z = _tree(30)
    for n_merges, want in ((0, 0), (10, 30), (29, 87)):
        canvas.set_tree(z, n_merges, 3)
        assert canvas.segment_count() == want
    assert canvas.layout().n_leaves == 30


def test_links_above_the_cut_are_grey(canvas):
    z = _tree(40)
    canvas.set_tree(z, 39, 4)
    assert _segments_in(canvas, NO_LABEL_HEX) == 3 * 3  # k - 1 merges above the cut
    coloured = sum(_segments_in(canvas, CLUSTER_HEX[i]) for i in range(4))
    assert coloured == 3 * (39 - 3)
    # one curve item per colour, never one per link
    assert len(canvas.drawn_by_colour()) == 5
    assert sum(isinstance(i, pg.PlotCurveItem) for i in canvas._plot.getPlotItem().items) <= 17


def test_large_tree_is_truncated(canvas):
    n = 400
    z = _tree(n, seed=1)
    canvas.set_tree(z, n - 1, 5)
    lay = canvas.layout()
    assert lay.truncated and lay.n_leaves == 60 and lay.leaf_size.sum() == n
    assert canvas.segment_count() == 3 * 59
    canvas.set_tree(z, n - 60 + 10, 5)  # ten of the shown merges done
    assert canvas.segment_count() == 30
    canvas.set_tree(z, 100, 5)  # only hidden merges so far: leaves grow stubs
    assert canvas.segment_count() == 0
    stubs = canvas.drawn_by_colour()
    assert 0 < sum(stubs.values()) <= 60  # at most one stub per leaf
    canvas.set_truncate(None)
    assert canvas.layout().n_leaves == n


def test_dragging_the_cut_emits_k(canvas, qtbot):
    z = _tree(50, seed=2)
    canvas.set_tree(z, 49, 2)
    line = canvas.cut_line()
    with qtbot.waitSignal(canvas.cut_changed, timeout=1000) as blocker:
        line.setValue(height_for_k(z, 6))  # what a drag does, step by step
        line.sigDragged.emit(line)
    assert blocker.args == [6]
    assert canvas.k() == 6
    assert _segments_in(canvas, NO_LABEL_HEX) == 3 * 5


def test_set_k_moves_the_line_silently(canvas, qtbot):
    z = _tree(50, seed=3)
    canvas.set_tree(z, 49, 2)
    with qtbot.assertNotEmitted(canvas.cut_changed):
        canvas.set_k(7)
    assert canvas.k() == 7
    assert canvas.cut_height() == pytest.approx(height_for_k(z, 7))
    assert _segments_in(canvas, NO_LABEL_HEX) == 3 * 6


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform says so on show()
def test_clear_and_grab(canvas, qtbot):
    z = _tree(30, seed=4)
    canvas.set_tree(z, 29, 3)
    canvas.show()
    qtbot.waitExposed(canvas)
    assert pixels_like(canvas, CLUSTER_HEX[0]) > 20
    canvas.clear()
    assert canvas.segment_count() == 0
    assert pixels_like(canvas, CLUSTER_HEX[0]) == 0
