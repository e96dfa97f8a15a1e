"""A legend that moves to the corner of its plot where it hides the least of the data.

pyqtgraph anchors a legend where it is told; in a fixed top-right corner it hid the end of a
rising curve, the tallest bar of a loadings plot, and a scree plot's cumulative line at 100 %.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg

MARGIN_PX = 10
TALL_LEGEND = 0.35  # of the plot's height: a legend taller than this spreads into columns
# Top right first: with ties (no data anywhere) the legend stays where readers look for it.
CORNERS = ((1.0, 0.0), (0.0, 0.0), (1.0, 1.0), (0.0, 1.0))

Points = Callable[[], tuple[np.ndarray, np.ndarray]]


def covered(u: np.ndarray, v: np.ndarray, corner: tuple[float, float],
            width: float, height: float) -> int:
    """How many points (as fractions of the view: u from the left, v from the top) fall in a
    box of this size at this corner."""
    cx, cy = corner
    in_u = (u >= 1.0 - width) if cx else (u <= width)
    in_v = (v >= 1.0 - height) if cy else (v <= height)
    return int(np.count_nonzero(in_u & in_v))


def emptiest_corner(u: np.ndarray, v: np.ndarray, width: float, height: float
                    ) -> tuple[float, float]:
    """The first corner of CORNERS whose box covers the fewest points."""
    counts = [covered(u, v, c, width, height) for c in CORNERS]
    return CORNERS[int(np.argmin(counts))]


class CornerLegend:
    """The plot's legend, re-anchored whenever the view or the data changes.

    `headroom`: where every corner would hide data (a noisy loss curve fills the whole plot),
    raise the top of the automatic range by the legend's height, so that the legend sits above
    the data instead of over it. Decided on the data's own extent, not on the view (which the
    headroom itself changes), so it cannot flicker."""

    def __init__(self, plot_item: pg.PlotItem, points: Points, headroom: bool = False,
                 max_share: float | None = None) -> None:
        self.legend = plot_item.addLegend(offset=(-MARGIN_PX, MARGIN_PX))
        # A legend that would cover more than this share of its plot is hidden, for legends
        # a plot can do without (a side plot's classes, named by the main plot's legend).
        self._max_share = max_share
        self.wanted = True  # the owner's wish (`show`); `max_share` may still hide it
        self._view = plot_item.getViewBox()
        self._points = points
        self.corner = CORNERS[0]
        self._headroom = None
        if headroom:  # an invisible point the automatic range takes in
            self._headroom = pg.ScatterPlotItem(size=0, pen=None, brush=None)
            self._headroom.setVisible(False)
            plot_item.addItem(self._headroom)
        self._view.sigRangeChanged.connect(self.update)
        self._view.sigResized.connect(self.update)

    def _fit_columns(self, width: float, height: float, w_px: float, h_px: float) -> bool:
        """The fewest columns of entries that keep the legend within TALL_LEGEND of the plot's
        height, as many as fit its width: one column where it fits, a row on a short plot, a
        grid for many entries (ten digit classes on a side plot). Decided on the size of one
        entry, so the choice does not flip with its own result. Whether the layout changed."""
        n = len(self.legend.items)
        if n < 2:
            return False
        columns = self.legend.columnCount
        rows = -(-n // columns)
        entry_w, entry_h = width / min(columns, n), height / rows
        wanted = 1
        for c in range(2, n + 1):
            if -(-n // wanted) * entry_h <= TALL_LEGEND * h_px or c * entry_w >= 0.9 * w_px:
                break
            wanted = c
        if wanted == columns:
            return False
        self.legend.setColumnCount(wanted)
        return True

    def _raise_top(self, x: np.ndarray, y: np.ndarray, width: float, height: float) -> bool:
        """Make room above the data when every corner of the data's own extent is full."""
        if self._headroom is None:
            return False
        need = False
        if x.size and self.legend.isVisible() and height < 0.5:
            low, high = float(y.min()), float(y.max())
            left, right = float(x.min()), float(x.max())
            if high > low and right > left:
                u = (x - left) / (right - left)
                v = (high - y) / (high - low)
                need = min(covered(u, v, c, width, height) for c in CORNERS) > 0
        if need:
            top = high + (high - low) * height / (1.0 - height)
            self._headroom.setData([right], [top])
        self._headroom.setVisible(need)
        return need

    def show(self, wanted: bool) -> None:
        """Show the legend, placed for the data as they are now (and hidden again where
        `max_share` says the plot is too small for it), or hide it."""
        self.wanted = wanted
        self.legend.setVisible(wanted)
        if wanted:
            self.update()

    def update(self, *_) -> None:
        """Move the legend to the emptiest corner for the data and view as they are now."""
        rect = self._view.viewRect()
        size = self.legend.boundingRect()
        w_px, h_px = self._view.width(), self._view.height()
        if rect.width() <= 0 or rect.height() <= 0 or w_px <= 0 or h_px <= 0:
            return
        if self._fit_columns(size.width(), size.height(), w_px, h_px):
            size = self.legend.boundingRect()
        if self._max_share is not None:
            fits = size.width() * size.height() <= self._max_share * w_px * h_px
            self.legend.setVisible(self.wanted and fits)
        x, y = self._points()
        x = np.asarray(x, dtype=np.float64).ravel()
        y = np.asarray(y, dtype=np.float64).ravel()
        keep = np.isfinite(x) & np.isfinite(y)
        u = (x[keep] - rect.left()) / rect.width()
        v = (rect.bottom() - y[keep]) / rect.height()  # viewRect's bottom is the top in data y
        seen = (u >= 0.0) & (u <= 1.0) & (v >= 0.0) & (v <= 1.0)  # a zoom leaves some out
        u, v = u[seen], v[seen]
        width = (size.width() + MARGIN_PX) / w_px
        height = (size.height() + MARGIN_PX) / h_px
        raised = self._raise_top(x[keep], y[keep], width, height)
        corner = CORNERS[0] if raised else emptiest_corner(u, v, width, height)
        if corner != self.corner:
            self.corner = corner
            offset = (-MARGIN_PX if corner[0] else MARGIN_PX,
                      -MARGIN_PX if corner[1] else MARGIN_PX)
            self.legend.anchor(itemPos=corner, parentPos=corner, offset=offset)


def bar_points(x: np.ndarray, heights: np.ndarray, width: float, rows: int = 8
               ) -> tuple[np.ndarray, np.ndarray]:
    """Points that fill bars (centred at x, from 0 to their height), for `CornerLegend`: up to
    `rows` a column for the tallest, fewer for shorter bars, so a row of bars near zero does
    not outweigh a curve."""
    x = np.asarray(x, dtype=np.float64).ravel()
    h = np.asarray(heights, dtype=np.float64).ravel()[: x.size]
    x = x[: h.size]
    top = float(np.max(np.abs(h))) if h.size else 0.0
    if top <= 0.0:
        return np.empty(0), np.empty(0)
    xs, ys = [], []
    for centre, height in zip(x, h, strict=True):
        count = max(1, round(float(rows * abs(height) / top)))
        t = np.linspace(1.0 / count, 1.0, count)
        for edge in (centre - width / 2, centre, centre + width / 2):
            xs.append(np.full(count, edge))
            ys.append(height * t)
    return np.concatenate(xs), np.concatenate(ys)


def line_points(x: np.ndarray, y: np.ndarray, per_segment: int = 10
                ) -> tuple[np.ndarray, np.ndarray]:
    """Points along a polyline's segments, not only its vertices: a curve of a few points
    crosses corners between them."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.size < 2:
        return x, y
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)
    xs = (x[:-1, None] + np.diff(x)[:, None] * t).ravel()
    ys = (y[:-1, None] + np.diff(y)[:, None] * t).ravel()
    return np.r_[xs, x[-1]], np.r_[ys, y[-1]]
