"""The smallest eigenvalues of a graph Laplacian, with the eigengap marked.

The eigenvalues are points joined by a line; the first k (the eigenvectors the method uses)
are drawn in the first cluster colour, the rest in the colour of what is dropped. The
eigengap, the jump after λ_k that suggests k, is a thick bracket from λ_k to λ_{k+1} with a
dashed line and a label between them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.plot import IntegerAxis, plot_widget
from widgets.style import Style

LINE_WIDTH = 1.5
SYMBOL_SIZE = 9.0


class EigenvalueCanvas(Canvas):
    """λ₁ ≤ λ₂ ≤ … against their index; the eigenvalues used and the eigengap marked."""

    canvas_name = "Eigenvalues"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._values = np.empty(0)
        self._used = 0
        self._gap = 0
        self._plot = plot_widget(self, axisItems={"bottom": IntegerAxis("bottom")})
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.setLabel("bottom", "index i")
        self._plot.setLabel("left", "eigenvalue λᵢ of L")
        self._plot.getAxis("left").enableAutoSIPrefix(False)  # small values, as they are
        self._line = pg.PlotCurveItem()
        self._points = pg.ScatterPlotItem()
        self._points.setZValue(2)
        self._bracket = pg.PlotCurveItem()
        self._bracket.setZValue(1)
        self._gap_line = pg.InfiniteLine(angle=90, movable=False)
        self._gap_label = pg.InfLineLabel(self._gap_line, "", position=0.85,
                                          anchors=[(0, 0), (0, 0)])
        for item in (self._line, self._bracket, self._points, self._gap_line):
            self._plot.addItem(item)
        self._gap_line.setVisible(False)
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        theme = style.theme
        self._used_brush = pg.mkBrush(style.colours[0])
        self._rest_brush = pg.mkBrush(theme.dropped)
        self._line.setPen(pg.mkPen(theme.muted, width=style.width(LINE_WIDTH)))
        self._points.setSize(style.marker(SYMBOL_SIZE))
        self._points.setPen(pg.mkPen(theme.foreground, width=style.width(1.0)))
        self._bracket.setPen(pg.mkPen(theme.accent, width=style.width(4.0)))
        self._gap_line.setPen(pg.mkPen(theme.accent, width=style.width(1.5),
                                       style=Qt.PenStyle.DashLine))
        self._gap_label.setColor(theme.accent)
        self._gap_label.setFont(style.font())
        self._draw()

    def set_eigenvalues(self, values: np.ndarray, used: int, gap_k: int) -> None:
        """Show these eigenvalues (ascending), the first `used` as used, the gap after
        λ_gap_k marked (0: none)."""
        self._values = np.asarray(values, dtype=np.float64).ravel()
        self._used = int(used)
        self._gap = int(gap_k) if 0 < gap_k < self._values.size else 0
        self._draw()

    def clear(self) -> None:
        self.set_eigenvalues(np.empty(0), 0, 0)

    def eigenvalues(self) -> np.ndarray:
        return self._values.copy()

    def gap_marked(self) -> int:
        """The k whose gap (λ_k to λ_{k+1}) is marked; 0 when none is."""
        return self._gap if self._gap_line.isVisible() else 0

    def gap_label(self) -> str:
        return self._gap_label.textItem.toPlainText() if self._gap_line.isVisible() else ""

    def used_count(self) -> int:
        """How many points are drawn as used (in the first cluster colour)."""
        brushes = self._points.data["brush"] if len(self._points.data) else []
        return int(sum(b is self._used_brush for b in brushes))

    def _draw(self) -> None:
        v = self._values
        if v.size == 0:
            self._line.setData([], [])
            self._points.setData([], [])
            self._bracket.setData([], [])
            self._gap_line.setVisible(False)
            return
        x = np.arange(1, v.size + 1, dtype=np.float64)
        self._line.setData(x, v)
        brushes = [self._used_brush if i < self._used else self._rest_brush
                   for i in range(v.size)]
        self._points.setData(x, v, brush=brushes)
        self._plot.setXRange(0.5, v.size + 0.5, padding=0.0)
        top = float(v.max()) if v.max() > 0 else 1.0
        self._plot.setYRange(min(0.0, float(v.min())), top * 1.08, padding=0.0)
        k = self._gap
        if not k:
            self._bracket.setData([], [])
            self._gap_line.setVisible(False)
            return
        mid = k + 0.5
        self._bracket.setData([mid, mid], [v[k - 1], v[k]])
        self._gap_line.setValue(mid)
        self._gap_line.setVisible(True)
        self._gap_label.setFormat(f"eigengap → k = {k}")
