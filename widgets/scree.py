"""Scree plot: explained variance per component, the running total, and a choice of q.

Clicking a bar (or anywhere above component q) or dragging the marker chooses how many
components to keep; the bars kept are highlighted, so "how much do q components
explain?" is answered by the line at the marker.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.legend import CornerLegend, bar_points, line_points
from widgets.palette import CLUSTER_HEX
from widgets.plot import IntegerAxis, plot_widget
from widgets.style import Style

MAX_BARS = 100
KEPT_HEX = CLUSTER_HEX[0]  # in the default style; the style's palette gives the colours
CUMULATIVE_HEX = CLUSTER_HEX[1]
LINE_WIDTH = 2.0
SYMBOL_SIZE = 6.0


class ScreeCanvas(Canvas):
    """Bars of explained variance (%) with the cumulative curve on the same percent axis."""

    canvas_name = "Scree plot"
    components_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None, max_bars: int = MAX_BARS):
        super().__init__(parent)
        self._kept_hex = KEPT_HEX
        self._title: str | None = None
        self._max_bars = int(max_bars)
        self._percent = np.empty(0)
        self._cumulative = np.empty(0)
        self._q = 0
        self._quiet = False

        self._plot = plot_widget(self, axisItems={"bottom": IntegerAxis("bottom")})
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.setLabel("left", "explained variance (%)")
        self._plot.setLabel("bottom", "component")
        self._corner_legend = CornerLegend(self._plot.getPlotItem(), self._drawn_points)
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=KEPT_HEX,
                                     name="per component")
        self._plot.addItem(self._bars)
        self._curve = pg.PlotDataItem([], [], symbol="o", symbolPen=None, name="cumulative")
        self._plot.addItem(self._curve)
        self._marker = pg.InfiniteLine(angle=90, movable=True)
        self._marker.setZValue(10)
        self._marker.setVisible(False)
        self._marker.sigPositionChanged.connect(self._on_marker_moved)
        self._marker.sigPositionChangeFinished.connect(self._snap_marker)
        self._plot.addItem(self._marker)
        self._plot.scene().sigMouseClicked.connect(self._on_click)

        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        self._kept_hex = style.colours[0]
        cumulative = style.colours[1]
        self._curve.setPen(pg.mkPen(cumulative, width=style.width(LINE_WIDTH)))
        self._curve.setSymbolBrush(cumulative)
        self._curve.setSymbolSize(style.marker(SYMBOL_SIZE))
        accent = style.theme.accent
        self._marker.setPen(pg.mkPen(accent, width=style.width(2.0), style=Qt.PenStyle.DashLine))
        self._marker.setHoverPen(pg.mkPen(accent, width=style.width(4.0)))
        self._bars.setOpts(brush=self._kept_hex)  # the legend's swatch
        self._draw_bars()
        self._show_title(self._title)

    # ------------------------------------------------------------ public API

    def set_spectrum(self, explained_ratio: np.ndarray) -> None:
        """Show the first (at most `max_bars`) components' share of the variance."""
        ratio = np.asarray(explained_ratio, dtype=np.float64).ravel()
        self._cumulative = 100.0 * np.cumsum(ratio)[: self._max_bars]
        self._percent = 100.0 * ratio[: self._max_bars]
        m = self._percent.size
        x = np.arange(1, m + 1, dtype=np.float64)
        self._curve.setData(x, self._cumulative)
        self._q = min(self._q, m)
        self._draw_bars()
        self._quiet = True  # the new bounds may move the marker: that is not the user choosing
        try:
            self._marker.setBounds((1, max(m, 1)))
        finally:
            self._quiet = False
        self._plot.setXRange(0.4, m + 0.6, padding=0.0)
        top = max(100.0, float(self._cumulative.max()) if m else 100.0)
        self._plot.setYRange(0.0, top * 1.05, padding=0.0)
        self._place_marker()
        self._corner_legend.update()

    def _drawn_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The bars and the cumulative curve, for placing the legend."""
        x = np.arange(1, self._percent.size + 1, dtype=np.float64)
        bx, by = bar_points(x, self._percent, 0.8)
        cx, cy = line_points(x, self._cumulative)
        return np.concatenate([bx, cx]), np.concatenate([by, cy])

    def set_selected(self, q: int) -> None:
        """Keep q components, without emitting `components_chosen`."""
        self._q = int(np.clip(q, 0, self.bar_count()))
        self._draw_bars()
        self._place_marker()

    def selected(self) -> int:
        return self._q

    def bar_count(self) -> int:
        return int(self._percent.size)

    def bar_heights(self) -> np.ndarray:
        """The bars drawn, in percent."""
        return self._percent.copy()

    def cumulative(self) -> np.ndarray:
        """The running total drawn, in percent."""
        return self._cumulative.copy()

    def highlighted(self) -> np.ndarray:
        """Which bars are drawn as kept."""
        brushes = self._bars.opts.get("brushes") or []
        kept = self._kept_hex.upper()
        return np.array([b.color().name().upper() == kept for b in brushes], dtype=bool)

    def marker(self) -> pg.InfiniteLine:
        """The draggable line at q."""
        return self._marker

    def choose_at(self, x: float) -> None:
        """Choose the component nearest to x (in plot coordinates), as a click there does."""
        m = self.bar_count()
        if m == 0:
            return
        q = int(np.clip(round(x), 1, m))
        if q != self._q:
            self.set_selected(q)
            self.components_chosen.emit(q)
        else:
            self._place_marker()

    def plot_widget(self) -> pg.PlotWidget:
        return self._plot

    def clear(self) -> None:
        self._percent = np.empty(0)
        self._cumulative = np.empty(0)
        self._q = 0
        self._bars.setOpts(x=[], height=[], brushes=None)
        self._curve.setData([], [])
        self._marker.setVisible(False)
        self._show_title(None)

    # ------------------------------------------------------------ drawing

    def _draw_bars(self) -> None:
        m = self._percent.size
        if m == 0:  # pyqtgraph fails on an empty list of pens
            self._bars.setOpts(x=[], height=[], brushes=None)
            return
        kept, dropped = pg.mkBrush(self._kept_hex), pg.mkBrush(self.canvas_style().theme.dropped)
        brushes = [kept if i < self._q else dropped for i in range(m)]
        self._bars.setOpts(x=np.arange(1, m + 1), height=self._percent, width=0.8,
                           brushes=brushes, pens=[pg.mkPen(None)] * m)

    def _place_marker(self) -> None:
        if self._q < 1:
            self._marker.setVisible(False)
            self._show_title("click a bar to choose how many components to keep")
            return
        self._quiet = True
        try:
            self._marker.setValue(float(self._q))
        finally:
            self._quiet = False
        self._marker.setVisible(True)
        total = self._cumulative[self._q - 1]
        self._show_title(f"q = {self._q}: {total:.1f}% of the variance kept")

    def _show_title(self, text: str | None) -> None:
        self._title = text
        self.set_plot_title(self._plot, text)

    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self._plot.getPlotItem().getViewBox()
        pos = event.scenePos()
        if vb.sceneBoundingRect().contains(pos):
            self.choose_at(vb.mapSceneToView(pos).x())

    def _on_marker_moved(self) -> None:
        if self._quiet or self.bar_count() == 0:
            return
        q = int(np.clip(round(self._marker.value()), 1, self.bar_count()))
        if q != self._q:
            self._q = q
            self._draw_bars()
            total = self._cumulative[q - 1]
            self._show_title(f"q = {q}: {total:.1f}% of the variance kept")
            self.components_chosen.emit(q)

    def _snap_marker(self) -> None:
        if not self._quiet:
            self._place_marker()
