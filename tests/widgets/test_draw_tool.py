"""The draw tool: drags and clicks become strokes in data coordinates while it is active, and
the canvas pans as before while it is not."""

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from tests.mouse import RIGHT, click, drag, pixel
from widgets.draw_tool import ERASE, MIN_RADIUS_PX, PAINT, PAINT_STEP_PX, DrawTool
from widgets.scatter import ScatterCanvas

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def tool(qtbot):
    canvas = ScatterCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 500)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.set_points(np.array([[-5.0, -5.0], [5.0, 5.0]]), np.array([0, 1]))
    tool = DrawTool(canvas)
    tool.set_active(True)
    tool.show_region(-10, 10, -10, 10)
    events = []
    tool.stroke_started.connect(lambda kind: events.append(("start", kind)))
    tool.stroke_step.connect(lambda kind, x, y, r: events.append(("step", kind, x, y, r)))
    tool.stroke_finished.connect(lambda kind: events.append(("end", kind)))
    tool.events = events
    return tool


def _steps(events):
    return np.array([e[2:4] for e in events if e[0] == "step"])


def test_a_left_drag_paints_along_the_path_in_data_coordinates(tool):
    drag(tool.canvas.plot_widget, [(-6, 0), (-2, 0), (2, 0), (6, 0)])
    events = tool.events
    assert events[0] == ("start", PAINT) and events[-1] == ("end", PAINT)
    steps = _steps(events)
    assert {e[1] for e in events if e[0] == "step"} == {PAINT}
    np.testing.assert_allclose(steps[0], (-6, 0), atol=0.1)
    assert steps[-1][0] == pytest.approx(6, abs=0.5)
    np.testing.assert_allclose(steps[:, 1], 0, atol=0.1)
    # Evenly spaced, one every PAINT_STEP_PX pixels, whatever the mouse's jumps.
    gaps = np.diff(steps[:, 0])
    plot = tool.canvas.plot_widget
    px_per_unit = pixel(plot, 1, 0).x() - pixel(plot, 0, 0).x()
    np.testing.assert_allclose(gaps, PAINT_STEP_PX / px_per_unit, rtol=0.1)


def test_a_right_drag_erases_and_a_click_is_a_one_step_stroke(tool):
    drag(tool.canvas.plot_widget, [(0, -4), (0, 4)], RIGHT)
    kinds = {e[1] for e in tool.events}
    assert kinds == {ERASE}
    tool.events.clear()
    click(tool.canvas.plot_widget, 3, 3)
    assert [e[0] for e in tool.events] == ["start", "step", "end"]
    np.testing.assert_allclose(tool.events[1][2:4], (3, 3), atol=0.1)


def test_the_brush_radius_is_in_data_units_with_a_minimum_on_screen(tool):
    tool.set_brush(3.0, QColor("#0072B2"))
    assert tool.brush_radius() == pytest.approx(3.0)
    tool.set_brush(0.0, QColor("#0072B2"))
    px = tool.view_box.viewPixelSize()
    assert tool.brush_radius() == pytest.approx(MIN_RADIUS_PX * max(px))
    drag(tool.canvas.plot_widget, [(0, 0), (1, 0)], RIGHT)
    radii = {round(e[4], 9) for e in tool.events if e[0] == "step"}
    assert radii == {round(tool.brush_radius(), 9)}


def test_the_brush_outline_follows_the_cursor(tool, qtbot):
    tool.set_brush(2.0, QColor("#D55E00"))
    drag(tool.canvas.plot_widget, [(0, 0), (4, 4)])
    circle = tool._circle
    assert circle.isVisible()
    rect = circle.rect()
    assert (rect.center().x(), rect.center().y()) == pytest.approx((4, 4), abs=0.1)
    assert rect.width() == pytest.approx(4.0)
    assert circle.pen().color().name() == "#d55e00"


def test_inactive_the_canvas_pans_and_nothing_is_drawn(tool):
    tool.set_active(False)
    tool.events.clear()
    before = tool.view_box.viewRange()
    drag(tool.canvas.plot_widget, [(-4, 0), (0, 0), (4, 0)])
    assert tool.events == []
    after = tool.view_box.viewRange()
    assert after[0][0] == pytest.approx(before[0][0] - 8, abs=0.5)  # dragged 8 units right


def test_active_the_middle_button_still_pans(tool):
    before = tool.view_box.viewRange()
    drag(tool.canvas.plot_widget, [(0, 0), (2, 0), (4, 0)], Qt.MouseButton.MiddleButton)
    assert tool.events == []
    assert not math.isclose(tool.view_box.viewRange()[0][0], before[0][0], abs_tol=0.5)
