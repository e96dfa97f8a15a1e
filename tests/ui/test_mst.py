"""The minimum spanning tree in the window: the drawn edges are the last snapshot's."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from engine.protocol import SpanningTree
from tests.pixels import pixels_like
from tests.ui.conftest import run_and_wait
from ui.views_mst import SpanningTreeView


def _run(qtbot, window, **values):
    window.method_panel.select("mst")
    window.method_panel.set_values({"n_clusters": 3, **values})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, SpanningTreeView)
    view.flush()
    return view, window.controller.history[len(window.controller.history) - 1]


def test_drawn_edges_colours_and_lengths_match_the_last_snapshot(qtbot, window):
    view, last = _run(qtbot, window, metric="manhattan")
    assert isinstance(last, SpanningTree) and last.phase == "done" and last.n_cut == 2
    xy = view.frame.xy
    np.testing.assert_allclose(view.scatter.kept_edges(), xy[last.edges[:-2]])
    np.testing.assert_allclose(view.scatter.cut_edges(), xy[last.edges[-2:]])
    kept_pen, cut_pen = view.scatter.edge_pens()
    assert kept_pen.style() == Qt.PenStyle.SolidLine
    assert cut_pen.style() == Qt.PenStyle.DashLine and cut_pen.color().alpha() < 255
    np.testing.assert_array_equal(view.scatter.points.points_data()[1], last.labels)
    assert view.scatter.colour_counts() == dict(enumerate(np.bincount(last.labels)))
    x, y = view.lengths.curve_data("edge length")
    np.testing.assert_allclose(y, last.weights)
    np.testing.assert_array_equal(x, np.arange(1, len(last.weights) + 1))
    assert view.lengths.cursor_position() == len(last.weights) - 2
    qtbot.waitUntil(lambda: not view.scores.busy())
    assert view.scores.canvas.scores() is not None
    # The cut edges are really drawn: faded accent pixels, gone when the cut edges are.
    faded = _over(cut_pen.color(), QColor(view.scatter.canvas_style().theme.background))
    assert pixels_like(view.scatter, faded) > 20
    view.scatter.set_edges(view.scatter.kept_edges(), None)
    assert pixels_like(view.scatter, faded) < 5


def _over(colour: QColor, background: QColor) -> str:
    """The colour with its alpha painted over the background, as '#rrggbb'."""
    a = colour.alphaF()
    mix = [round(a * c + (1 - a) * b) for c, b in zip(colour.getRgb()[:3],
                                                      background.getRgb()[:3], strict=True)]
    return "#" + "".join(f"{v:02x}" for v in mix)


def test_a_growing_tree_draws_only_the_edges_grown(qtbot, window):
    _run(qtbot, window)
    view = window.current_view()
    history = window.controller.history
    first = history[0]
    window.run_bar.show_step(0)
    assert first.phase == "grow"
    np.testing.assert_allclose(view.scatter.kept_edges(),
                               view.frame.xy[first.edges[:first.n_edges]])
    assert len(view.scatter.cut_edges()) == 0
    assert len(history) <= 60
