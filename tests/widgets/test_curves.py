"""The curve canvas: named series in place, stable colours, legend, cursor, a real picture."""

import numpy as np
import pytest

from tests.pixels import colours_in
from widgets.curves import CurveCanvas

# The offscreen platform warns on every show(); that warning says nothing about our code.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def canvas(qtbot):
    w = CurveCanvas()
    qtbot.addWidget(w)
    w.resize(600, 400)
    w.show()
    qtbot.waitExposed(w)
    return w


def _legend_names(canvas):
    return [label.text for _, label in canvas.legend.items]


def test_one_line_per_series_with_legend(canvas):
    canvas.set_curves({"inertia": np.array([5.0, 3.0, 2.0]), "loss": np.array([1.0, 0.5])})
    assert canvas.curve_names() == ["inertia", "loss"]
    assert _legend_names(canvas) == ["inertia", "loss"]
    x, y = canvas.curve_data("inertia")
    np.testing.assert_array_equal(x, [0, 1, 2])
    np.testing.assert_array_equal(y, [5, 3, 2])
    assert canvas.curve_colour("inertia") != canvas.curve_colour("loss")


def test_updates_in_place_and_keeps_colours(canvas):
    canvas.set_curves({"a": np.arange(3.0), "b": np.ones(3)})
    item = canvas._items["a"]
    colour = canvas.curve_colour("a")
    canvas.set_curves({"a": np.arange(5.0), "b": np.ones(5)}, x=np.arange(5) * 10.0)
    assert canvas._items["a"] is item
    assert canvas.curve_colour("a") == colour
    np.testing.assert_array_equal(canvas.curve_data("a")[0], [0, 10, 20, 30, 40])
    canvas.set_curves({"b": np.ones(2)})
    assert canvas.curve_names() == ["b"]
    assert _legend_names(canvas) == ["b"]


def test_cursor_follows_the_step(canvas):
    assert canvas.cursor_position() is None
    canvas.set_curves({"a": np.arange(4.0)}, x=np.array([0.0, 2.0, 4.0, 6.0]))
    canvas.set_cursor(2)
    assert canvas.cursor_position() == 4.0
    canvas.set_cursor(None)
    assert canvas.cursor_position() is None


def test_title_labels_clear(canvas):
    canvas.set_title("Objective")
    canvas.set_labels("step", "inertia")
    assert "Objective" in canvas.plot_item.titleLabel.text
    assert canvas.plot_item.getAxis("left").labelText == "inertia"
    canvas.set_curves({"a": np.arange(3.0)})
    canvas.set_cursor(1)
    canvas.clear()
    assert canvas.curve_names() == [] and _legend_names(canvas) == []
    assert canvas.cursor_position() is None


def test_the_same_labels_and_marks_again_redraw_nothing(canvas, qtbot):
    """Views set labels and marks at every step; pyqtgraph redraws an axis whose label is set,
    even to the same text, which cost every streamed step both axes' tick labels."""
    canvas.set_labels("iteration", "KL divergence")
    canvas.set_marks([(250.0, "early exaggeration ends")])
    canvas.set_curves({"KL divergence": np.array([3.0, 2.0, 1.0])})
    canvas.grab()  # paints: the axes draw their pictures
    axes = [canvas.plot_item.getAxis(side) for side in ("bottom", "left")]
    pictures = [axis.picture for axis in axes]
    lines = list(canvas._marks)
    assert all(picture is not None for picture in pictures)
    canvas.set_labels("iteration", "KL divergence")
    canvas.set_marks([(250, "early exaggeration ends")])
    assert [axis.picture for axis in axes] == pictures
    assert canvas._marks == lines
    canvas.set_labels("epoch", "KL divergence")
    canvas.set_marks([(300.0, "early exaggeration ends")])
    assert axes[0].labelText == "epoch" and axes[0].picture is None
    assert canvas.marks() == [(300.0, "early exaggeration ends")]


def test_picture_has_the_line_colours(canvas, qtbot):
    canvas.set_line_width(3)
    canvas.set_curves(
        {"a": np.linspace(10, 1, 50), "b": np.linspace(1, 8, 50), "c": np.full(50, 5.0)}
    )
    canvas.set_cursor(25)
    qtbot.wait(10)
    found = colours_in(canvas)
    for name in ("a", "b", "c"):
        assert canvas.curve_colour(name).name() in found


def test_nan_values_leave_gaps_without_error(canvas):
    canvas.set_curves({"a": np.array([1.0, np.nan, 3.0])})
    canvas.grab()
    assert canvas.curve_names() == ["a"]


def test_step_axis_ticks_only_whole_numbers(canvas):
    canvas.set_curves({"a": np.linspace(10, 1, 4)})
    axis = canvas.plot_widget.getPlotItem().getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(0, 3, 500) for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)
