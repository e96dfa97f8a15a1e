"""A mixture on the scatter: points in blended component colours, and each component's
1σ and 2σ ellipses.

Soft colours. Each point is drawn in Σⱼ rᵢⱼ cⱼ, its components' colours blended by its
responsibilities. PointsItem colours by label, so the blends are quantised to 16 levels per
channel and handed to it as labels into a colour table (`set_colour_table`): a point between
two components takes one of about 16 shades between them, each shade drawn in the mean blend
of its points, so points that belong to one component keep its exact colour. Coding 100,000
points costs a small product and a few bincounts (under 10 ms), no Python per point. Above
5,000 points the item's image path draws them (one lookup-table entry per shade); below, its
groups (one drawPoints call per shade, round antialiased markers).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from engine.clustering.gmm import ellipses
from widgets.palette import cluster_colour
from widgets.scatter import ScatterCanvas
from widgets.style import Style

LEVELS = 16  # shades per colour channel: steps of 17 of 255, each drawn at its points' mean
# Above this many points the blends are stamped into an image: drawn as groups, a few hundred
# shades would cost a drawPoints call each.
RASTER_ABOVE = 5_000
WIDTH_1SIGMA = 2.0
WIDTH_2SIGMA = 1.5


def soft_colours(resp: np.ndarray, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes (n,), table (m, 4) uint8): each point's blend Σⱼ rᵢⱼ cⱼ of the (k, 3) colours
    rgb, as a code into a table of at most LEVELS³ shades."""
    mix = np.asarray(resp, dtype=np.float32) @ np.asarray(rgb, dtype=np.float32)
    q = np.rint(mix * np.float32((LEVELS - 1) / 255.0)).astype(np.int32)
    np.clip(q, 0, LEVELS - 1, out=q)
    key = (q[:, 0] * LEVELS + q[:, 1]) * LEVELS + q[:, 2]
    counts = np.bincount(key, minlength=LEVELS**3)
    present = np.flatnonzero(counts)
    remap = np.zeros(LEVELS**3, dtype=np.int32)
    remap[present] = np.arange(len(present), dtype=np.int32)
    codes = remap[key]
    table = np.empty((len(present), 4), dtype=np.uint8)
    for c in range(3):  # the mean blend of each shade's points: exact for unmixed points
        sums = np.bincount(codes, weights=mix[:, c], minlength=len(present))
        table[:, c] = np.clip(np.rint(sums / counts[present]), 0, 255)
    table[:, 3] = 255
    return codes, table


class Ellipses:
    """1σ (solid) and 2σ (dashed) outlines per component, as curve items kept for reuse."""

    def __init__(self, plot_item: pg.PlotItem, z: float):
        self._plot = plot_item
        self._z = z
        self._items: list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]] = []
        self._shown = 0
        self._style = Style()

    def set_outlines(self, one: np.ndarray | None, two: np.ndarray | None) -> None:
        """(k, m, 2) outlines at 1σ and at 2σ, component j in cluster colour j; None: none."""
        k = 0 if one is None else len(one)
        while len(self._items) < k:
            pair = (pg.PlotCurveItem(), pg.PlotCurveItem())
            for item in pair:
                item.setZValue(self._z)
                self._plot.addItem(item, ignoreBounds=True)
            self._items.append(pair)
        for j, (inner, outer) in enumerate(self._items):
            if j < k:
                inner.setData(one[j, :, 0], one[j, :, 1])
                outer.setData(two[j, :, 0], two[j, :, 1])
            inner.setVisible(j < k)
            outer.setVisible(j < k)
        self._shown = k
        self._pens()

    def restyle(self, style: Style) -> None:
        self._style = style
        self._pens()

    def _pens(self) -> None:
        style = self._style
        for j, (inner, outer) in enumerate(self._items[: self._shown]):
            colour = cluster_colour(j, style.colours)
            inner.setPen(pg.mkPen(colour, width=style.width(WIDTH_1SIGMA)))
            outer.setPen(pg.mkPen(colour, width=style.width(WIDTH_2SIGMA),
                                  style=QtCore.Qt.PenStyle.DashLine))

    def count(self) -> int:
        """Components whose ellipses are drawn now."""
        return sum(inner.isVisible() for inner, _ in self._items)

    def outlines(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """The (m, 2) points of component j's 1σ and 2σ outlines, as drawn."""
        inner, outer = self._items[j]
        return (np.column_stack(inner.getData()), np.column_stack(outer.getData()))

    def pens(self, j: int):
        inner, outer = self._items[j]
        return inner.opts["pen"], outer.opts["pen"]


class MixtureCanvas(ScatterCanvas):
    """The scatter of a mixture: soft colours, ellipses and the means; selection as any
    scatter's."""

    canvas_name = "Mixture"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self.ellipses: Ellipses | None = None
        self._resp: np.ndarray | None = None
        super().__init__(parent)
        self.points.raster_above = RASTER_ABOVE
        # Above the points, below the means' diamonds.
        self.ellipses = Ellipses(self.plot_item, self.centres_item.zValue() - 0.5)
        self.ellipses.restyle(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if self.ellipses is not None:
            self.ellipses.restyle(style)
        self._recolour()

    def set_responsibilities(self, resp: np.ndarray | None) -> None:
        """Colour each point by its (n, k) responsibilities; None: grey."""
        if resp is self._resp:
            return  # an M step shows the E step's responsibilities again
        self._resp = resp
        self._recolour()

    def _recolour(self) -> None:
        resp = self._resp
        if resp is None or len(resp) != self.points.point_count():
            self.points.set_colour_table(None)
            self.points.set_labels(None)
            return
        rgb = np.array([cluster_colour(j, self.canvas_style().colours).getRgb()[:3]
                        for j in range(resp.shape[1])], dtype=np.float32)
        codes, table = soft_colours(resp, rgb)
        self.points.set_colour_table(table)
        self.points.set_labels(codes)

    def set_points(self, xy: np.ndarray, labels: np.ndarray | None = None) -> None:
        self._resp = None
        self.points.set_colour_table(None)
        super().set_points(xy, labels)

    def set_ellipses(self, means: np.ndarray | None, covariances: np.ndarray | None) -> None:
        """2-D means (k, 2) and covariances (k, 2, 2): their 1σ and 2σ ellipses."""
        if means is None or len(means) == 0:
            self.ellipses.set_outlines(None, None)
            return
        self.ellipses.set_outlines(ellipses(means, covariances, 1.0),
                                   ellipses(means, covariances, 2.0))

    def point_colours(self) -> np.ndarray:
        """(n, 4) RGBA of every point as drawn now (from the colour table)."""
        _, codes = self.points.points_data()
        table = self.points.colour_table()
        if table is None:
            return np.array([cluster_colour(int(c), self.canvas_style().colours).getRgb()
                             for c in codes], dtype=np.uint8).reshape(-1, 4)
        return table[codes]
