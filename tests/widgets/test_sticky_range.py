"""An unfolding embedding is ranged in steps: the view holds while the points fit it, and is
theirs again only when they leave it or shrink, or the user asks (widgets/sticky_range.py)."""

from itertools import pairwise

import numpy as np
import pytest

from widgets.scatter import ScatterCanvas
from widgets.sticky_range import FILL

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def growing(steps: int = 40, n: int = 300, seed: int = 0):
    """A layout that grows by 2% a step, as t-SNE's does."""
    base = np.random.default_rng(seed).normal(size=(n, 2))
    return [base * 1.02 ** i for i in range(steps)]


def view_box_range(canvas):
    (x0, x1), (y0, y1) = canvas.plot_item.getViewBox().viewRange()
    return np.array([x0, x1, y0, y1])


def inside(xy, r):
    return (xy[:, 0].min() >= r[0] and xy[:, 0].max() <= r[1]
            and xy[:, 1].min() >= r[2] and xy[:, 1].max() <= r[3])


@pytest.fixture
def canvas(qtbot):
    c = ScatterCanvas()
    qtbot.addWidget(c)
    c.resize(400, 400)
    c.show()
    c.range_in_steps()
    return c


def test_the_range_holds_while_the_points_fit_and_follows_when_they_leave(canvas):
    ranges = []
    for xy in growing():
        canvas.set_points(xy)
        r = view_box_range(canvas)
        assert inside(xy, r)  # every point always in view
        ranges.append(tuple(r))
    changes = sum(a != b for a, b in pairwise(ranges))
    assert 1 <= changes <= 10  # not at every one of 39 steps


def test_points_that_shrink_get_a_smaller_range(canvas):
    layouts = growing()
    canvas.set_points(layouts[-1])
    big = view_box_range(canvas)
    small = layouts[-1] / 10
    canvas.set_points(small)
    r = view_box_range(canvas)
    assert inside(small, r) and (r[1] - r[0]) < (big[1] - big[0]) / 2
    extent = small.max(axis=0) - small.min(axis=0)
    assert max(extent[0] / (r[1] - r[0]), extent[1] / (r[3] - r[2])) >= FILL


def test_a_users_zoom_holds_until_they_ask_to_follow_again(canvas):
    layouts = growing()
    canvas.set_points(layouts[0])
    box = canvas.plot_item.getViewBox()
    box.setRange(xRange=(0, 0.5), yRange=(0, 0.5), padding=0)
    box.sigRangeChangedManually.emit([True, True])  # as a mouse zoom does
    canvas.set_points(layouts[-1])
    assert view_box_range(canvas) == pytest.approx([0, 0.5, 0, 0.5])
    canvas.auto_range()
    assert inside(layouts[-1], view_box_range(canvas))
    canvas.set_points(layouts[-1] * 3)
    assert inside(layouts[-1] * 3, view_box_range(canvas))
    box.setRange(xRange=(0, 0.5), yRange=(0, 0.5), padding=0)
    box.sigRangeChangedManually.emit([True, True])
    box.enableAutoRange()  # the plot's "A" button
    canvas.set_points(layouts[0])
    assert inside(layouts[0], view_box_range(canvas))
    assert not any(box.autoRangeEnabled())  # ranged in steps again, not at every frame


def test_one_point_or_a_line_gets_a_range_around_it(canvas):
    canvas.set_points(np.zeros((5, 2)))
    r = view_box_range(canvas)
    assert r[0] < 0 < r[1] and r[2] < 0 < r[3]
    line = np.column_stack([np.arange(5.0), np.full(5, 3.0)])
    canvas.set_points(line)
    assert inside(line, view_box_range(canvas))


def test_the_a_button_while_following_keeps_ranging_in_steps(canvas):
    box = canvas.plot_item.getViewBox()
    canvas.set_points(growing()[0])
    box.enableAutoRange()  # the plot's "A" button, no zoom before it
    canvas.set_points(growing()[0] / 4)
    assert not any(box.autoRangeEnabled())  # not left to re-range at every paint
    assert inside(growing()[0] / 4, view_box_range(canvas))
