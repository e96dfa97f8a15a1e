"""Mouse gestures on a pyqtgraph canvas, given in data coordinates, as a user makes them."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
# pyqtgraph drops mouse moves closer together than 10 ms (its mouseRateLimit of 100 a second).
MOVE_WAIT_MS = 12


def pixel(plot_widget, x: float, y: float) -> QPoint:
    """Where the data point (x, y) lies in the plot widget's viewport."""
    view_box = plot_widget.getPlotItem().getViewBox()
    return plot_widget.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))


def drag(plot_widget, path, button=LEFT) -> None:
    """Press at the first data point of `path`, move through the others, release at the last."""
    viewport = plot_widget.viewport()
    QTest.qWait(MOVE_WAIT_MS)  # let a pending layout settle the view before mapping the path
    points = [pixel(plot_widget, x, y) for x, y in path]
    QTest.mousePress(viewport, button, Qt.KeyboardModifier.NoModifier, points[0])
    for p in points[1:]:
        QTest.qWait(MOVE_WAIT_MS)
        QTest.mouseMove(viewport, p)
    QTest.mouseRelease(viewport, button, Qt.KeyboardModifier.NoModifier, points[-1])


def click(plot_widget, x: float, y: float, button=LEFT) -> None:
    QTest.qWait(MOVE_WAIT_MS)
    QTest.mouseClick(plot_widget.viewport(), button, Qt.KeyboardModifier.NoModifier,
                     pixel(plot_widget, x, y))
