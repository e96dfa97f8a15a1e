"""The MDS canvases: which eigenvalues the bars show, and the Shepard diagram's line."""

import numpy as np

from widgets.scaling import EigenBarCanvas, ShepardCanvas, bars_shown


def test_many_eigenvalues_show_the_largest_and_the_most_negative():
    values = np.r_[np.linspace(10, 1, 40), np.linspace(-0.1, -3, 10)]
    index, shown = bars_shown(values, shown=20)
    assert index[:14].tolist() == list(range(1, 15))
    assert index[14:].tolist() == list(range(45, 51))
    np.testing.assert_allclose(shown, values[index - 1])
    index, _ = bars_shown(np.linspace(10, 1, 40), shown=20)
    assert index.tolist() == list(range(1, 21))  # none negative: only the largest


def test_negative_bars_stand_out(qtbot):
    canvas = EigenBarCanvas()
    qtbot.addWidget(canvas)
    canvas.set_eigenvalues(np.array([5.0, 2.0, 0.0, -0.5, -1.0]), "2 negative")
    assert canvas.negative_drawn() == 2 and canvas.title() == "2 negative"


def test_the_shepard_line_is_the_disparities_in_input_order(qtbot):
    canvas = ShepardCanvas()
    qtbot.addWidget(canvas)
    canvas.set_pairs(np.array([3.0, 1.0, 2.0]), np.array([2.5, 1.5, 2.5]),
                     np.array([2.5, 1.5, 2.0]))
    x, y = canvas.line()
    assert x.tolist() == [1.0, 2.0, 3.0] and y.tolist() == [1.5, 2.0, 2.5]
    canvas.set_pairs(np.array([3.0, 1.0]), np.array([2.0, 1.0]))
    assert canvas.line()[1].tolist() == [0.0, 3.0]
