"""Mouse gestures on a pyqtgraph canvas, given in data coordinates, as a user makes them."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
NONE, CTRL = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier
# pyqtgraph drops mouse moves closer together than 10 ms (its mouseRateLimit of 100 a second).
MOVE_WAIT_MS = 12


def pixel(plot_widget, x: float, y: float) -> QPoint:
    """Where the data point (x, y) lies in the plot widget's viewport."""
    view_box = plot_widget.getPlotItem().getViewBox()
    return plot_widget.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))


def drag(plot_widget, path, button=LEFT, modifiers=NONE) -> None:
    """Press at the first data point of `path`, move through the others, release at the last
    (holding `modifiers`, e.g. Ctrl, at the press and the release)."""
    viewport = plot_widget.viewport()
    QTest.qWait(MOVE_WAIT_MS)  # let a pending layout settle the view before mapping the path
    points = [pixel(plot_widget, x, y) for x, y in path]
    QTest.mousePress(viewport, button, modifiers, points[0])
    for p in points[1:]:
        QTest.qWait(MOVE_WAIT_MS)
        QTest.mouseMove(viewport, p)
    QTest.mouseRelease(viewport, button, modifiers, points[-1])


def click(plot_widget, x: float, y: float, button=LEFT, modifiers=NONE) -> None:
    QTest.qWait(MOVE_WAIT_MS)
    QTest.mouseClick(plot_widget.viewport(), button, modifiers, pixel(plot_widget, x, y))
