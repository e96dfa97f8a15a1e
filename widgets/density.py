"""Canvases of the density methods: core, border and noise points drawn apart, the
neighbourhood balls of the newest core points, the k-distance plot, the condensed tree.

Core points are large filled discs in their cluster's colour (grey before a cluster reaches
them), border points small discs, noise grey crosses, as in Naftali Harris's DBSCAN
visualiser and Orange. The points of the scatter underneath keep every row, so selection
works on all of them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from widgets.canvas import Canvas
from widgets.curves import CurveCanvas
from widgets.palette import cluster_colour
from widgets.plot import plot_widget
from widgets.points_item import PointsItem, auto_marker_size
from widgets.scatter import ScatterCanvas
from widgets.style import Style

CORE_SCALE = 1.6  # core discs against the automatic marker size
BORDER_SCALE = 0.75  # border (and not yet reached) points
MAX_BALLS = 40  # neighbourhood balls drawn at once, the newest


class DensityCanvas(ScatterCanvas):
    """The scatter with points in three parts (core, border, noise), the queue of a growing
    cluster ringed, and balls of a given radius around some points."""

    canvas_name = "Clusters"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self.core_points = PointsItem()
        self.noise_item = pg.ScatterPlotItem(pxMode=True)
        self.frontier_item = pg.ScatterPlotItem(pxMode=True)
        self.balls_item = pg.PlotCurveItem()
        self._noise_rows = np.empty(0, np.int64)
        self._frontier_rows = np.empty(0, np.int64)
        self._balls = np.empty((0, 2, 2))  # (m, points, 2) outlines
        super().__init__(parent)
        for z, item in ((0.5, self.core_points), (0.6, self.noise_item),
                        (2.5, self.balls_item), (4.5, self.frontier_item)):
            item.setZValue(z)
            self.plot_item.addItem(item, ignoreBounds=item is self.balls_item)

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if not hasattr(self, "core_points"):
            return
        self.core_points.set_palette(style.colours)
        self.core_points.set_scale(style.marker_scale)
        self.balls_item.setPen(pg.mkPen(style.theme.colour("accent", 170),
                                        width=style.width(1.2)))
        self._draw_noise()
        self._draw_frontier()

    # ---- the three parts -------------------------------------------------------------------

    def set_parts(self, labels: np.ndarray, core: np.ndarray, noise: np.ndarray) -> None:
        """Colour the points by `labels` (−1: grey); draw the `core` ones large and the
        `noise` ones as crosses. The points must have been given by `set_points`."""
        labels = np.asarray(labels, dtype=np.int64)
        core = np.asarray(core, dtype=bool)
        noise = np.asarray(noise, dtype=bool)
        xy = self._all_xy
        n = len(xy)
        size = auto_marker_size(n)
        self.points.set_size(size * BORDER_SCALE)
        self.points.set_labels(np.where(noise, -1, labels))
        rows = np.flatnonzero(core)
        self.core_points.set_size(size * CORE_SCALE)
        self.core_points.set_data(xy[rows], labels[rows], rows=rows)
        self._noise_rows = np.flatnonzero(noise)
        self._draw_noise()

    def _draw_noise(self) -> None:
        rows = self._noise_rows
        if rows.size == 0 or rows.max() >= len(self._all_xy):
            self.noise_item.setData([], [])
            return
        style = self.canvas_style()
        xy = self._all_xy[rows]
        self.noise_item.setData(
            x=xy[:, 0], y=xy[:, 1], symbol="x",
            size=style.marker(auto_marker_size(len(self._all_xy)) * 1.3),
            pen=pg.mkPen(None), brush=pg.mkBrush(style.theme.colour("muted", 230)))

    def parts_drawn(self) -> dict[str, np.ndarray]:
        """The data rows drawn as core (large discs), border (small coloured discs, not
        core) and noise (crosses), read back from the items."""
        labels = self.points.points_data()[1]
        rows = self.points.point_rows()
        core = np.sort(self.core_points.point_rows())
        coloured = rows[labels >= 0]
        border = np.setdiff1d(coloured, core)
        noise = self._noise_rows if len(self.noise_item.data) == self._noise_rows.size else \
            np.empty(0, np.int64)
        return {"core": core, "border": border, "noise": np.sort(noise)}

    def core_labels(self) -> np.ndarray:
        """The labels the large discs are coloured by, in data-row order."""
        rows = self.core_points.point_rows()
        return self.core_points.points_data()[1][np.argsort(rows)]

    # ---- the queue and the balls -----------------------------------------------------------

    def set_frontier(self, rows: np.ndarray | None) -> None:
        """Ring these points: the queue of the cluster growing now."""
        self._frontier_rows = (np.empty(0, np.int64) if rows is None else
                               np.asarray(rows, dtype=np.int64))
        self._draw_frontier()

    def _draw_frontier(self) -> None:
        rows = self._frontier_rows
        if rows.size == 0 or rows.max() >= len(self._all_xy):
            self.frontier_item.setData([], [])
            return
        style = self.canvas_style()
        xy = self._all_xy[rows]
        self.frontier_item.setData(
            x=xy[:, 0], y=xy[:, 1], symbol="o",
            size=style.marker(auto_marker_size(len(self._all_xy)) * 2.2),
            pen=pg.mkPen(style.theme.accent, width=style.width(1.5)), brush=pg.mkBrush(None))

    def frontier(self) -> np.ndarray:
        return self._frontier_rows.copy() if len(self.frontier_item.data) else \
            np.empty(0, np.int64)

    def set_balls(self, centres: np.ndarray | None, radius, outline: np.ndarray | None) -> None:
        """The ball of `radius` (one per centre, or one for all) around each centre, drawn
        with `outline`, the unit circle of the metric (None: no balls)."""
        if centres is None or outline is None or len(centres) == 0:
            self._balls = np.empty((0, 2, 2))
            self.balls_item.setData([], [])
            return
        centres = np.asarray(centres, dtype=np.float64).reshape(-1, 2)[-MAX_BALLS:]
        radius = np.asarray(radius, dtype=np.float64)
        if radius.ndim:
            radius = radius.ravel()[-MAX_BALLS:]
        r = np.broadcast_to(radius, (len(centres),))
        self._balls = centres[:, None, :] + r[:, None, None] * outline[None, :, :]
        m, p = self._balls.shape[:2]
        connect = np.ones(m * p, dtype=bool)
        connect[p - 1::p] = False
        flat = self._balls.reshape(-1, 2)
        self.balls_item.setData(flat[:, 0], flat[:, 1], connect=connect)

    def balls(self) -> np.ndarray:
        """(m, points, 2): the ball outlines drawn."""
        return self._balls.copy()

    def clear(self) -> None:
        super().clear()
        self.core_points.set_data(np.empty((0, 2)))
        self._noise_rows = np.empty(0, np.int64)
        self._draw_noise()
        self.set_frontier(None)
        self.set_balls(None, 0.0, None)


class KDistanceCanvas(CurveCanvas):
    """Each point's distance to its k-th nearest point, largest first, with eps as a line:
    the points left of where the curve crosses it are not core."""

    canvas_name = "k-distance"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.eps_line = pg.InfiniteLine(angle=0, movable=False)
        self.eps_line.setZValue(90)
        self.plot_item.addItem(self.eps_line, ignoreBounds=True)
        self.set_labels("points, by k-distance", "distance to the k-th nearest")
        self.legend.setVisible(False)  # one curve: the title names it
        self._eps: float | None = None

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if hasattr(self, "eps_line"):
            self.eps_line.setPen(pg.mkPen(style.theme.accent, width=style.width(1.5),
                                          style=QtCore.Qt.PenStyle.DashLine))

    def set_k_distances(self, k_dist: np.ndarray, eps: float, k: int) -> None:
        ordered = np.sort(np.asarray(k_dist, dtype=np.float64))[::-1]
        name = f"distance to the {_ordinal(k)} nearest"
        self.set_curves({name: ordered})
        self._eps = float(eps)
        self.eps_line.setValue(self._eps)
        self.eps_line.setVisible(True)
        above = int(np.count_nonzero(ordered > eps))
        self.set_title(f"k-distance, k = {k}: {above} above eps")

    def eps(self) -> float | None:
        return self._eps if self.eps_line.isVisible() else None

    def clear(self) -> None:
        super().clear()
        self.eps_line.setVisible(False)


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


class CondensedTreeCanvas(Canvas):
    """HDBSCAN's condensed tree as an icicle: one bar per cluster, as wide as its points at
    birth, from the λ = 1/distance where it split off down to where its last point left.
    Chosen clusters in their colours; the others grey."""

    canvas_name = "Condensed tree"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.getPlotItem().invertY(True)
        self._plot.setLabel("left", "λ = 1 / distance")
        self._plot.setLabel("bottom", "points")
        self._bars_item = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[])
        self._plot.addItem(self._bars_item)
        self._bars = np.empty((0, 5))  # id, x0, x1, y0, y1
        self._colour_of = np.empty(0, np.int64)  # label per bar, −1: not chosen
        self._title = ""
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        self._draw()
        self.set_plot_title(self._plot, self._title or None)

    def set_tree(self, parent, child, lam, size, n: int, selected) -> None:
        """The condensed tree's rows (parent, child, λ, size; clusters from n) and the ids
        chosen (coloured as labels 0, 1, … in id order)."""
        self._bars = icicle(np.asarray(parent), np.asarray(child), np.asarray(lam),
                            np.asarray(size), n)
        chosen = {int(c): i for i, c in enumerate(np.asarray(selected).tolist())}
        self._colour_of = np.array([chosen.get(int(c), -1) for c in self._bars[:, 0]],
                                   dtype=np.int64)
        k = len(chosen)
        self._title = (f"condensed tree: {len(self._bars)} clusters" +
                       (f", {k} chosen" if k else ""))
        self._draw()
        self.set_plot_title(self._plot, self._title)
        self._plot.getPlotItem().autoRange()

    def _draw(self) -> None:
        b = self._bars
        if len(b) == 0:
            self._bars_item.setOpts(x0=[], x1=[], y0=[], y1=[], brushes=None, pens=None)
            return
        style = self.canvas_style()
        grey = style.theme.colour("muted", 110)
        brushes = [pg.mkBrush(cluster_colour(int(c), style.colours)) if c >= 0 else
                   pg.mkBrush(grey) for c in self._colour_of]
        pen = pg.mkPen(style.theme.foreground, width=style.width(0.8))
        self._bars_item.setOpts(x0=b[:, 1], x1=b[:, 2], y0=b[:, 3], y1=b[:, 4],
                                brushes=brushes, pens=[pen] * len(b))

    def bars(self) -> np.ndarray:
        """(m, 5): cluster id, x0, x1, λ top, λ bottom of each bar drawn."""
        return self._bars.copy()

    def chosen_bars(self) -> dict[int, int]:
        """Cluster id → the label whose colour its bar is drawn in (chosen clusters only)."""
        return {int(c): int(lab) for c, lab in zip(self._bars[:, 0], self._colour_of,
                                                   strict=True) if lab >= 0}

    def title(self) -> str:
        return self._title

    def clear(self) -> None:
        self._bars = np.empty((0, 5))
        self._colour_of = np.empty(0, np.int64)
        self._title = "condensed tree: after the spanning tree"
        self._draw()
        self.set_plot_title(self._plot, self._title)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(400, 260)


def icicle(parent, child, lam, size, n: int) -> np.ndarray:
    """Bars (id, x0, x1, λ birth, λ death) of the condensed tree's clusters: each as wide as
    its size at birth, its children side by side in the middle of it; λ finite (an infinite
    λ, from distance 0, is drawn at the largest finite one)."""
    if len(parent) == 0:
        return np.empty((0, 5))
    finite = lam[np.isfinite(lam)]
    top = float(finite.max()) if finite.size else 1.0
    lam = np.where(np.isfinite(lam), lam, top)
    ids = np.unique(np.concatenate([[n], child[child >= n]]))
    birth = {n: 0.0}
    width = {n: float(n)}
    for c, lv, s in zip(child.tolist(), lam.tolist(), size.tolist(), strict=True):
        if c >= n:
            birth[c], width[c] = lv, float(s)
    death = {int(c): float(lam[parent == c].max()) for c in ids}
    kids: dict[int, list[int]] = {}
    for p, c in zip(parent[child >= n].tolist(), child[child >= n].tolist(), strict=True):
        kids.setdefault(p, []).append(c)
    x0 = {n: 0.0}
    for c in ids.tolist():  # parents before children (ids grow downwards)
        inner = kids.get(c, [])
        used = sum(width[k] for k in inner)
        left = x0[c] + (width[c] - used) / 2
        for k in inner:
            x0[k] = left
            left += width[k]
    return np.array([(c, x0[c], x0[c] + width[c], birth[c], death[c]) for c in ids.tolist()])
