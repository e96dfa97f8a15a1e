"""The silhouette plot, with the clustering's scores as its title.

One horizontal bar per point, s(i) long, points sorted within each cluster and the clusters
stacked in their colours with a gap between them; the mean silhouette is a dashed line. A
bar near 1 sits well inside its cluster, one below 0 is nearer another cluster than its own.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QWidget

from engine.clustering.scores import Scores
from widgets.canvas import Canvas
from widgets.palette import cluster_colour
from widgets.plot import plot_widget
from widgets.style import Style

GAP = 0.04  # between clusters, as a share of the points shown


class SilhouetteCanvas(Canvas):
    """Silhouette bars per cluster and the scores; `set_scores(None)` shows "computing"."""

    canvas_name = "Silhouette and scores"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setLabel("bottom", "silhouette s(i)")
        self._plot.setLabel("left", "points, by cluster")
        self._plot.getPlotItem().getAxis("left").setTicks([[]])
        self._mean = pg.InfiniteLine(angle=90, movable=False)
        self._mean.setZValue(10)
        self._mean.setVisible(False)
        self._plot.addItem(self._mean, ignoreBounds=True)
        self._zero = pg.InfiniteLine(pos=0.0, angle=90, movable=False)
        self._plot.addItem(self._zero, ignoreBounds=True)
        self._bars: list[tuple[int, pg.BarGraphItem]] = []
        self._values = np.empty(0)
        self._title = ""
        self._scores: Scores | None = None
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        self._mean.setPen(pg.mkPen(style.theme.foreground, width=style.width(2.0),
                                   style=Qt.PenStyle.DashLine))
        self._zero.setPen(pg.mkPen(style.theme.axis, width=style.width(1.0)))
        for label, bars in self._bars:
            bars.setOpts(brush=cluster_colour(label, style.colours), pen=pg.mkPen(None))
        self.set_plot_title(self._plot, self._title or None)

    # ------------------------------------------------------------ public API

    def set_scores(self, scores: Scores | None, busy_text: str = "computing the scores…"
                   ) -> None:
        """Draw these scores; None: clear and say they are being computed."""
        self._scores = scores
        for _, bars in self._bars:
            self._plot.removeItem(bars)
        self._bars = []
        self._values = np.empty(0)
        self._mean.setVisible(False)
        if scores is None:
            self._show_title(busy_text)
            return
        self._show_title(_wrap(scores.summary()))
        if scores.values.size == 0:
            return
        self._draw_bars(scores)
        self._mean.setValue(scores.silhouette)
        self._mean.setVisible(True)
        lo = min(0.0, float(scores.values.min()))
        self._plot.setXRange(lo - 0.05, 1.0, padding=0.0)

    def _draw_bars(self, scores: Scores) -> None:
        style = self.canvas_style()
        gap = max(1.0, GAP * scores.values.size)
        y = 0.0
        drawn = []
        for label in np.unique(scores.row_labels)[::-1]:  # cluster 0 at the top
            values = np.sort(scores.values[scores.row_labels == label])
            pos = y + np.arange(values.size, dtype=np.float64)
            bars = pg.BarGraphItem(x0=np.minimum(values, 0.0), width=np.abs(values), y=pos,
                                   height=1.0, brush=cluster_colour(int(label), style.colours),
                                   pen=pg.mkPen(None))
            self._plot.addItem(bars)
            self._bars.append((int(label), bars))
            drawn.append(values[::-1])
            y += values.size + gap
        self._values = np.concatenate(drawn[::-1])
        self._plot.setYRange(-gap, y, padding=0.0)

    def scores(self) -> Scores | None:
        return self._scores

    def bar_count(self) -> int:
        """How many bars are drawn (one per point the silhouette used)."""
        return sum(len(b.opts["width"]) for _, b in self._bars)

    def bar_values(self) -> np.ndarray:
        """The bars' lengths as drawn, cluster 0 first, each cluster from longest down."""
        return self._values.copy()

    def cluster_bar_counts(self) -> dict[int, int]:
        return {label: len(b.opts["width"]) for label, b in self._bars}

    def mean_line(self) -> float | None:
        """Where the dashed mean line is, or None when hidden."""
        return float(self._mean.value()) if self._mean.isVisible() else None

    def title(self) -> str:
        return self._title

    def clear(self) -> None:
        self.set_scores(None, "")

    def _show_title(self, text: str) -> None:
        self._title = text
        self.set_plot_title(self._plot, text or None)

    def sizeHint(self) -> QSize:
        return QSize(420, 300)


def _wrap(summary: str) -> str:
    """The class scores on one line, the silhouette and the noise on the next (the title
    stays narrow)."""
    parts = summary.split(" · ")
    classes = [p for p in parts if p.split(" ")[0] in ("purity", "ARI", "NMI")]
    rest = [p for p in parts if p not in classes]
    return "<br>".join(line for line in (" · ".join(classes), " · ".join(rest)) if line)
