"""A view range that follows moving points in steps, not at every frame.

An embedding that unfolds (t-SNE, UMAP) grows a little at every step. Ranged to fit at every
frame, its plot rescaled at every frame, and each new range redrew both axes' tick labels:
40% of a 20,000-point paint, and the picture breathed. Here the range stays while the points
are inside it and fill at least half of it, and is set again with a margin when they leave
it or shrink; the axes then redraw a few times a run. Once the user pans or zooms, the range
is theirs until they ask to follow again (the plot's "A" button).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

MARGIN = 0.1  # a new range leaves this share of the points' extent free on each side
FILL = 0.5  # set the range again when the points fill less than this of it, both ways


class StickyRange:
    """`yield_to_user` False: follow the points whatever the user did to the view (a plot
    with no button to ask it to follow again)."""

    def __init__(self, view_box: pg.ViewBox, yield_to_user: bool = True):
        self._box = view_box
        self.following = True
        view_box.disableAutoRange()  # ranged here, not by pyqtgraph at every paint
        if yield_to_user:
            view_box.sigRangeChangedManually.connect(self._taken_over)

    def _taken_over(self, *_) -> None:
        self.following = False

    def follow(self, xy: np.ndarray) -> None:
        """Follow the points again, from these."""
        self.following = True
        self.fit(xy, force=True)

    def fit(self, xy: np.ndarray, force: bool = False) -> None:
        """Keep the range if these points are inside it and fill enough of it, else set it."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        xy = xy[np.isfinite(xy).all(axis=1)]
        if any(self._box.autoRangeEnabled()):
            self.following = force = True  # the plot's "A" button: follow again, in steps
        if not self.following or not len(xy):
            return
        low, high = xy.min(axis=0), xy.max(axis=0)
        span = high - low
        span = np.where(span > 0, span, np.maximum(np.abs(high), 1.0))  # one point, or a line
        (x0, x1), (y0, y1) = self._box.viewRange()
        inside = low[0] >= x0 and high[0] <= x1 and low[1] >= y0 and high[1] <= y1
        fills = max((high[0] - low[0]) / (x1 - x0), (high[1] - low[1]) / (y1 - y0)) >= FILL
        if inside and fills and not force:
            return
        pad = MARGIN * span
        self._box.setRange(xRange=(low[0] - pad[0], high[0] + pad[0]),
                           yRange=(low[1] - pad[1], high[1] + pad[1]), padding=0)
