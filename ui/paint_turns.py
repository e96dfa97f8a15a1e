"""Canvases that paint one per turn of the event loop while a run streams.

Qt paints every widget marked dirty in one event (a QGraphicsView even flushes the
window's waiting paints as soon as its scene changes), so a step that changes five canvases
holds the main thread for the sum of five paints, and the window answers no click until all
are drawn. Holding the canvases' updates and letting the next one go only once the one
before has painted bounds a stall by the slowest single canvas instead. A canvas already
waiting keeps its place, so a fast run cannot starve the last ones: each paints once a round.
A plot's ranging and axis sizing, which its paint would do (and then paint again), are done
in a turn of their own before it is let go: they cost as much as the paint.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import QGraphicsLayout, QWidget

# If a released canvas does not paint (covered, or too small to), the next goes after this.
NO_PAINT_MS = 40


class PaintTurns(QObject):
    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._waiting: list[QWidget] = []
        self._painting: QWidget | None = None  # released, its paint not yet seen
        self._settled: QWidget | None = None  # first in line, settled in the last turn
        self._unpainted_since: dict[int, float] = {}  # let go, no paint seen since: when
        self._next = QTimer(self)
        self._next.setSingleShot(True)
        self._next.timeout.connect(self._release_next)

    def hold(self, widgets: Iterable[QWidget]) -> None:
        """Keep these from painting until their turn comes: pass only widgets that are, or
        are about to be, shown (a hidden one's turn would wait for a paint that never comes)."""
        painting, overdue = self._painting, self._overdue()
        self._painted()
        if painting is not None and shiboken6.isValid(painting):
            # Let go but not painted yet: it stays first, and paints a turn later, not in
            # the same turn as the step that is being applied now; unless it is overdue (a
            # canvas collapsed by its splitter never paints): then the others go first,
            # whatever the pace of the steps.
            painting.setUpdatesEnabled(False)
            self._waiting.insert(len(self._waiting) if overdue else 0, painting)
        for widget in widgets:
            if all(widget is not w for w in self._waiting):
                widget.setUpdatesEnabled(False)
                self._waiting.append(widget)
        if self._waiting:
            self._next.start(0)  # (again:) the next turn, after this step's own events

    def waiting(self) -> bool:
        return bool(self._waiting) or self._painting is not None

    def release_all(self) -> None:
        """Every held canvas paints at the next event (a run ended, or is drawn at once)."""
        self._next.stop()
        self._painted()
        self._settled = None
        self._unpainted_since.clear()
        while self._waiting:
            _release(self._waiting.pop(0))

    def _release_next(self) -> None:
        self._painted()
        if not self._waiting:
            return
        widget = self._waiting[0]
        if widget is not self._settled and _settle(widget):
            # Ranging and sizing a plot's axes cost as much as its paint: a turn of their
            # own, so that the window answers between the two.
            self._settled = widget
            self._next.start(0)
            return
        self._waiting.pop(0)
        self._settled = None
        if _release(widget):  # setUpdatesEnabled(True) asks for its repaint
            self._painting = widget
            self._unpainted_since.setdefault(id(widget), time.monotonic())
            for part in _parts(widget):  # a container's paint reaches only its children
                part.installEventFilter(self)
            self._next.start(NO_PAINT_MS)
        else:
            self._next.start(0)

    def _overdue(self) -> bool:
        """The canvas let go has waited longer than NO_PAINT_MS for its paint, over all the
        times it was held again before it came."""
        since = self._unpainted_since.get(id(self._painting))
        return since is not None and time.monotonic() - since > NO_PAINT_MS / 1000

    def _painted(self) -> None:
        if self._painting is not None and shiboken6.isValid(self._painting):
            for part in _parts(self._painting):
                part.removeEventFilter(self)
        self._painting = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._painting is not None and event.type() == QEvent.Type.Paint:
            # The next canvas goes one turn after this paint, not within it; this one may
            # be held again by then.
            self._unpainted_since.pop(id(self._painting), None)
            self._painted()
            self._next.start(0)
        return False


def _parts(widget: QWidget) -> list[QWidget]:
    return [widget, *widget.findChildren(QWidget)]


def _release(widget: QWidget) -> bool:
    if not shiboken6.isValid(widget):
        return False
    _settle(widget)  # so that its next paint is its only one
    widget.setUpdatesEnabled(True)
    return True


def _settle(widget: QWidget) -> bool:
    """Range a held canvas's plots and size their axes as their next paint would; True if
    there was anything to do."""
    if not shiboken6.isValid(widget):
        return False
    views = [view for view in _parts(widget) if isinstance(view, pg.GraphicsView)]
    unsettled = [view for view in views if not _is_settled(view)]
    for view in unsettled:
        for _ in range(3):  # a plot's box narrows as its axes widen, which may move
            _range_first(view)  # its range, whose new labels may widen them again
            if not _size_axes_first(view):
                break
    return bool(unsettled)


def _is_settled(view: pg.GraphicsView) -> bool:
    return not any(_to_range(item) or _to_draw(item) for item in view.scene().items())


def _to_range(item) -> bool:
    """A ViewBox that will range itself to new data at its next paint."""
    return isinstance(item, pg.ViewBox) and getattr(item, "_autoRangeNeedsUpdate", False)


def _to_draw(item) -> bool:
    """A shown axis that will draw its tick labels anew at its next paint."""
    return isinstance(item, pg.AxisItem) and item.isVisible() and item.picture is None


def _range_first(view: pg.GraphicsView) -> None:
    """A plot ranges its axes to new data at its next paint, and a range that moves then asks
    for a second paint at once (an aspect-locked plot takes two passes to settle). Settle it
    before the paint, so that the one paint draws the final range."""
    boxes = [item for item in view.scene().items() if isinstance(item, pg.ViewBox)]
    for _ in range(3):
        view.scene().prepareForPaint()
        if not any(_to_range(box) for box in boxes):
            return


def _size_axes_first(view: pg.GraphicsView) -> bool:
    """An axis fits its width to its tick labels while it paints, and a width that changes
    then asks for a second paint of the whole plot (every plot's first paint in a run, 10–25
    ms each). Draw each axis that will paint anew aside first and lay the plot out again;
    the picture drawn aside is reused by the paint if the axis keeps its size. True if one
    changed size (its plot must be ranged again)."""
    axes = [item for item in view.scene().items() if _to_draw(item)]
    sizes = [axis.size() for axis in axes]
    for axis in axes:
        picture = QPicture()
        painter = QPainter(picture)
        try:
            axis.paint(painter, None, None)
        finally:
            painter.end()
    for item in {axis.parentItem() for axis in axes}:
        layout = getattr(item, "layout", None)
        if isinstance(layout, QGraphicsLayout):
            layout.activate()
    return any(axis.size() != size for axis, size in zip(axes, sizes, strict=True))
