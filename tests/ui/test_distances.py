"""The distance explorer in the window: the two heatmaps, the unit ball, words on the axis, a
text file dropped in, and what it says when the data has no strings."""

import numpy as np

from engine import datasets
from engine.export import snapshot_tables
from engine.protocol import Distances
from tests.ui.conftest import load, run_and_wait
from ui.views_distances import MAX_NAMED


def _run(qtbot, window, **values):
    window.method_panel.select("distances")
    window.method_panel.set_values(values)
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Distances) and snap.phase == "seriation"
    view = window.current_view()
    view.flush()
    return snap, view


def _title(heatmap) -> str:
    return heatmap.plot_widget().getPlotItem().titleLabel.text


def test_minkowski_heatmaps_and_unit_ball(qtbot, window):
    load(qtbot, window, datasets.load("moons", n_samples=60))
    snap, view = _run(qtbot, window, metric="minkowski", r=3.0, linkage="complete")
    np.testing.assert_allclose(view.matrix.image(), snap.matrix)
    order = snap.order
    np.testing.assert_array_equal(view.seriated.row_order(), order)
    np.testing.assert_allclose(view.seriated.image(), snap.matrix[np.ix_(order, order)])
    ball = view.ball.ball()
    np.testing.assert_allclose(ball, snap.ball)
    np.testing.assert_allclose(np.linalg.norm(ball, ord=3.0, axis=1), 1.0)
    assert view.ball.title() == "unit ball, r = 3"
    assert _title(view.seriated) == "seriated: complete (optimal)"
    assert _title(view.matrix) == snap.metric == "Minkowski, r = 3"
    names = [name for name, _ in view.named_canvases()]
    assert names == ["Distances", "Seriated distances", "Data", "Unit ball"]
    # The seriated matrix keeps near points together: neighbouring rows are close.
    assert snap.adjacent[1] < 0.5 * snap.adjacent[0]
    tables = snapshot_tables(snap, window.dataset)
    assert len(tables["distances"][1]) == 60 and tables["order"][1][0] == (0, int(order[0]))


def test_chebyshev_draws_the_square(qtbot, window):
    load(qtbot, window, datasets.load("moons", n_samples=40))
    snap, view = _run(qtbot, window, metric="chebyshev")
    ball = view.ball.ball()
    assert np.isinf(snap.r) and "∞" in view.ball.title()
    np.testing.assert_allclose(np.abs(ball).max(axis=1), 1.0)
    assert ball[:, 0].max() == 1.0 and ball[:, 1].min() == -1.0


def test_words_are_compared_by_edit_distance_and_name_the_rows(qtbot, window):
    words = datasets.load("words")
    load(qtbot, window, words)
    snap, view = _run(qtbot, window)
    assert snap.metric == "edit (Levenshtein)" and snap.ball is None
    assert not view.ball.isVisibleTo(view)
    np.testing.assert_allclose(view.seriated.image(),
                               snap.matrix[np.ix_(snap.order, snap.order)])
    stride = -(-words.n // MAX_NAMED)
    shown = view.row_names_shown(view.seriated)
    assert shown == [words.texts[i] for i in snap.order[::stride]]
    assert view.row_names_shown(view.matrix)[:2] == [words.texts[0], words.texts[stride]]


def test_no_texts_no_edit_distance(qtbot, window):
    window.method_panel.select("distances")
    window.method_panel.set_values({"metric": "edit (Levenshtein)"})
    assert "table of numbers" in window.method_panel.problem.text()
    assert not window.run_bar.run_button.isEnabled()
    window.method_panel.set_values({"metric": "hamming"})
    assert "row 1, column 1" in window.method_panel.problem.text()


def test_a_text_file_loads_and_runs(qtbot, window, tmp_path):
    path = tmp_path / "animals.txt"
    path.write_text("cat\ncar\ncart\ndog\ndot\ndoe\n", encoding="utf-8")
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=30000):
        window.data_panel.load_path(str(path))
    assert window.dataset.texts == ("cat", "car", "cart", "dog", "dot", "doe")
    preview = window.data_panel.preview
    assert preview.horizontalHeaderItem(0).text() == "text"
    assert preview.item(2, 0).text() == "cart"
    snap, view = _run(qtbot, window)
    assert view.row_names_shown(view.matrix) == list(window.dataset.texts)
    assert set(snap.order[:3].tolist()) in ({0, 1, 2}, {3, 4, 5})  # the c- words together
