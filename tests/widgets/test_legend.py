"""Legends move to the corner where they hide the least data, and a lone series the y axis
already names has none."""

import numpy as np
import pytest

from widgets.curves import CurveCanvas
from widgets.grouped_bars import GroupedBarCanvas
from widgets.legend import (
    CORNERS,
    TALL_LEGEND,
    bar_points,
    covered,
    emptiest_corner,
    line_points,
)

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_the_emptiest_corner_wins_and_ties_keep_top_right():
    u = np.array([0.95, 0.9, 0.05])
    v = np.array([0.05, 0.1, 0.95])  # two points top right, one bottom left
    assert covered(u, v, (1.0, 0.0), 0.2, 0.2) == 2
    assert emptiest_corner(u, v, 0.2, 0.2) == (0.0, 0.0)  # top left
    assert emptiest_corner(np.empty(0), np.empty(0), 0.2, 0.2) == CORNERS[0]


def test_bar_points_fill_each_bar_by_its_height():
    x, y = bar_points(np.array([0.0, 1.0]), np.array([2.0, -1.0]), 0.5, rows=4)
    assert set(np.round(x, 6)) == {-0.25, 0.0, 0.25, 0.75, 1.0, 1.25}
    assert y.min() == -1.0 and y.max() == 2.0
    assert np.count_nonzero(x == 0.0) == 4 and np.count_nonzero(x == 1.0) == 2  # half as tall


def test_line_points_follow_the_segments():
    x, y = line_points(np.array([0.0, 1.0, 3.0]), np.array([0.0, 1.0, 1.0]), per_segment=2)
    np.testing.assert_allclose(x, [0.0, 0.5, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(y, [0.0, 0.5, 1.0, 1.0, 1.0])


@pytest.fixture
def curves(qtbot):
    canvas = CurveCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.show()
    return canvas


def test_a_rising_curve_moves_the_legend_off_its_end(qtbot, curves):
    x = np.arange(50.0)
    curves.set_curves({"a": x, "b": 0.9 * x})
    qtbot.waitUntil(lambda: curves._corner_legend.corner == (0.0, 0.0), timeout=3000)  # top left
    assert curves.legend.isVisible()


def test_a_noisy_curve_filling_the_plot_gets_room_above_it(qtbot, curves):
    x = np.arange(200.0)
    noisy = np.random.default_rng(0).uniform(0.0, 1.0, 200)
    curves.set_curves({"a": noisy, "b": noisy[::-1]}, x=x)
    view = curves.plot_item.getViewBox()
    qtbot.waitUntil(lambda: view.viewRange()[1][1] > 1.15, timeout=3000)
    assert curves._corner_legend.corner == (1.0, 0.0)


def test_a_legend_too_tall_for_a_small_plot_spreads_into_columns(qtbot, curves):
    x = np.arange(20.0)
    curves.set_curves({"first": x, "second": x + 1, "third": x + 2}, x=x)
    curves.resize(500, 130)
    qtbot.waitUntil(lambda: curves.legend.columnCount == 3, timeout=3000)  # one row at most
    curves.resize(500, 600)
    qtbot.waitUntil(lambda: curves.legend.columnCount == 1, timeout=3000)


def test_many_entries_on_a_small_plot_take_the_fewest_columns_that_fit(qtbot, curves):
    x = np.arange(20.0)
    curves.set_curves({f"s{i}": x + i for i in range(10)}, x=x)
    curves.resize(700, 400)
    view = curves.plot_item.getViewBox()
    qtbot.waitUntil(lambda: 1 < curves.legend.columnCount < 10, timeout=3000)
    assert curves.legend.boundingRect().height() <= TALL_LEGEND * view.height() + 2

def test_a_lone_series_named_by_the_axis_has_no_legend(curves):
    curves.set_labels("iteration", "KL divergence")
    curves.set_curves({"KL divergence": np.arange(5.0)})
    assert not curves.legend.isVisible()
    curves.set_curves({"KL divergence": np.arange(5.0), "other": np.ones(5)})
    assert curves.legend.isVisible()
    curves.clear()
    assert not curves.legend.isVisible()  # no empty box before the next run


def test_bars_in_every_corner_leave_room_for_the_legend_above_them(qtbot):
    canvas = GroupedBarCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.show()
    canvas.set_groups(list("abcdef"), {"one": [1.0, 0.1, 0.1, 0.1, 0.1, 1.0],
                                       "two": [0.9, 0.1, 0.1, 0.1, 0.1, 0.9]})
    qtbot.wait(50)
    legend = canvas._corner_legend.legend
    box = legend.mapRectToItem(canvas._plot.getPlotItem().getViewBox().childGroup,
                               legend.boundingRect())
    assert box.top() > 1.0  # wholly above the tallest bar, in data units


def test_arrow_labels_stay_inside_the_view_and_apart(qtbot):
    from widgets.arrows import ArrowScatterCanvas, label_anchor

    canvas = ArrowScatterCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.show()
    canvas.set_points(np.array([[-1.0, -1.0], [1.0, 1.0]]))
    ends = np.array([[1.0, 0.0], [1.0, 0.02]])  # two arrows to the right edge, the same way
    canvas.set_arrows(np.zeros(2), ends, ["PC 1", "ICA 1"], np.array([False, True]))
    qtbot.wait(50)
    view = canvas.plot_item.getViewBox()
    inside = view.viewRect()
    boxes = []
    for text in canvas._texts[:2]:
        box = text.mapRectToItem(view.childGroup, text.boundingRect())  # in data units
        assert inside.contains(box), (box, inside)
        boxes.append(box)
    assert not boxes[0].intersects(boxes[1])
    assert label_anchor(np.array([1.0, 0.0]), False, outward=True)[0] == 0.0  # text to the right
