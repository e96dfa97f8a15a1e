"""The semi-supervised picture: the points in the classes a method gives them, its decision
map behind them, the labelled points as large ringed discs, the points pseudo-labelled in the
last round ringed in the accent colour, and a neighbour graph's edges drawn faintly.

The map shades each grid cell towards its class's colour in proportion to how sure the
classifier is there (the plain background where it cannot tell the classes apart). Every
item is made once and fed with setData.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.palette import cluster_colour
from widgets.scatter import ScatterCanvas
from widgets.style import Style

MAP_ALPHA = 0.45  # how far a sure cell moves the background towards its class colour
LABELLED_SIZE = 15.0
ADDED_SIZE = 13.0
EDGE_ALPHA = 45
EDGE_FULL = 1500  # up to this many edges get the full EDGE_ALPHA


def map_colours(classes: np.ndarray, confidence: np.ndarray, n_classes: int,
                palette: tuple[str, ...], background: str) -> np.ndarray:
    """(h, w, 4) uint8: each cell the background moved towards its class's colour by
    MAP_ALPHA × how far its probability is above a blind guess (1/C)."""
    back = np.array(QtGui.QColor(background).getRgb()[:3], np.float32)
    colours = np.array([cluster_colour(c, palette).getRgb()[:3]
                        for c in range(max(n_classes, 1))], np.float32)
    guess = 1.0 / max(n_classes, 2)
    sure = np.clip((np.asarray(confidence, np.float32) - guess) / (1.0 - guess), 0.0, 1.0)
    hue = colours[np.clip(classes, 0, len(colours) - 1)]
    rgb = back + (MAP_ALPHA * sure)[..., None] * (hue - back)
    alpha = np.full((*rgb.shape[:2], 1), 255.0, np.float32)
    return np.clip(np.rint(np.concatenate([rgb, alpha], axis=-1)), 0, 255).astype(np.uint8)


class LabelCanvas(ScatterCanvas):
    """ScatterCanvas plus a class map, labelled discs, newly-added rings and graph edges."""

    canvas_name = "Labels"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self.map_item = pg.ImageItem(axisOrder="row-major")
        self.edges_item = pg.PlotCurveItem(connect="pairs")
        self.labelled_item = pg.ScatterPlotItem(pxMode=True)
        self.added_item = pg.ScatterPlotItem(pxMode=True)
        self._map = None  # (classes, confidence, n_classes, box)
        self._labelled = (np.empty((0, 2)), np.empty(0, np.int64))
        self._added = np.empty((0, 2))
        super().__init__(parent)
        for z, item in ((-10, self.map_item), (-1, self.edges_item),
                        (6.5, self.added_item), (7, self.labelled_item)):
            item.setZValue(z)
            self.plot_item.addItem(item, ignoreBounds=True)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if not hasattr(self, "_added"):
            return  # ScatterCanvas styles itself before these items exist
        self.edges_item.setPen(pg.mkPen(style.theme.colour("muted", EDGE_ALPHA),
                                        width=style.width(1.0)))
        self._draw_map()
        self._draw_labelled()
        self._draw_added()

    # ---- the map

    def set_map(self, classes: np.ndarray | None, confidence: np.ndarray | None = None,
                n_classes: int = 2, box: tuple[float, float, float, float] | None = None
                ) -> None:
        """Class and probability per grid cell (rows over y from ymin) over box (xmin, xmax,
        ymin, ymax); None hides the map."""
        self._map = None if classes is None or box is None else (
            np.asarray(classes), np.asarray(confidence), int(n_classes), box)
        self._draw_map()

    def _draw_map(self) -> None:
        if self._map is None:
            self.map_item.clear()
            self.map_item.setVisible(False)
            return
        classes, confidence, n_classes, (xmin, xmax, ymin, ymax) = self._map
        style = self.canvas_style()
        self.map_item.setImage(map_colours(classes, confidence, n_classes, style.colours,
                                           style.theme.background), autoLevels=False)
        self.map_item.setRect(QtCore.QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.map_item.setVisible(True)

    def map_image(self) -> np.ndarray | None:
        """The (h, w, 4) RGBA image drawn, or None."""
        return self.map_item.image if self.map_item.isVisible() else None

    # ---- labelled points, newly added ones, edges

    def set_labelled(self, xy: np.ndarray | None, classes: np.ndarray | None) -> None:
        """The labelled points as large discs in their class colours, ringed."""
        if xy is None or len(xy) == 0:
            self._labelled = (np.empty((0, 2)), np.empty(0, np.int64))
        else:
            self._labelled = (np.asarray(xy, float).reshape(-1, 2),
                              np.asarray(classes, np.int64))
        self._draw_labelled()

    def _draw_labelled(self) -> None:
        xy, classes = self._labelled
        if not len(xy):
            self.labelled_item.setData([], [])
            return
        style = self.canvas_style()
        brushes = [pg.mkBrush(cluster_colour(int(c), style.colours)) for c in classes]
        self.labelled_item.setData(x=xy[:, 0], y=xy[:, 1], symbol="o",
                                   size=style.marker(LABELLED_SIZE), brush=brushes,
                                   pen=pg.mkPen(style.theme.foreground, width=style.width(2.5)))

    def labelled_drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """(xy, classes) of the labelled discs drawn now."""
        return self._labelled[0].copy(), self._labelled[1].copy()

    def set_added(self, xy: np.ndarray | None) -> None:
        """Points given a pseudo-label in the last round, ringed in the accent colour."""
        self._added = np.empty((0, 2)) if xy is None else np.asarray(xy, float).reshape(-1, 2)
        self._draw_added()

    def _draw_added(self) -> None:
        xy = self._added
        if not len(xy):
            self.added_item.setData([], [])
            return
        style = self.canvas_style()
        self.added_item.setData(x=xy[:, 0], y=xy[:, 1], symbol="o",
                                size=style.marker(ADDED_SIZE), brush=pg.mkBrush(None),
                                pen=pg.mkPen(style.theme.accent, width=style.width(2.0)))

    def added_count(self) -> int:
        return len(self._added)

    def set_edges(self, segments: np.ndarray | None) -> None:
        """Graph edges (m, 2, 2), drawn faint behind the points; None hides them."""
        if segments is None or len(segments) == 0:
            self.edges_item.setData([], [])
            self.edges_item.setVisible(False)
            return
        flat = np.asarray(segments, float).reshape(-1, 2)
        self.edges_item.setData(flat[:, 0], flat[:, 1], connect="pairs")
        # Thousands of edges (digits' graph) would veil the points: fainter the more there are.
        alpha = int(EDGE_ALPHA * min(1.0, np.sqrt(EDGE_FULL / max(len(flat) // 2, 1))))
        style = self.canvas_style()
        self.edges_item.setPen(pg.mkPen(style.theme.colour("muted", max(alpha, 8)),
                                        width=style.width(1.0)))
        self.edges_item.setVisible(True)

    def edge_count(self) -> int:
        x, _ = self.edges_item.getData()
        return 0 if x is None or not self.edges_item.isVisible() else len(x) // 2

    def clear(self) -> None:
        super().clear()
        self.set_map(None)
        self.set_labelled(None, None)
        self.set_added(None)
        self.set_edges(None)
