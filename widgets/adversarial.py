"""The GAN Lab picture of a GAN in the plane: the discriminator's D(x) as a map behind the
real points (in their class colours) and the generated ones (dark discs ringed in the
background colour, so they stand out on any shade), with an arrow per generated sample for
the push of the generator's loss, and each mode's 3σ ellipse.

The map is green where D says "real" (D → 1), purple where it says "generated" (D → 0),
and the plain background where it cannot tell (D = ½), as in GAN Lab. Every item is made
once and fed with setData, so the animation builds no Qt objects per frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.arrows import ArrowScatterCanvas
from widgets.style import Style

REAL_HEX = "#1B9E77"  # D → 1
FAKE_HEX = "#7570B3"  # D → 0
MAP_ALPHA = 0.6  # how far a sure D moves the background towards its colour
GENERATED_SIZE = 6.0
ARROW_WIDTH = 1.0
COVERED_WIDTH = 2.0
MISSED_WIDTH = 1.5


def map_colours(d: np.ndarray, background: str) -> np.ndarray:
    """(h, w, 4) uint8: each D value as the background moved towards green (D > ½) or
    purple (D < ½) in proportion to |2D − 1|."""
    d = np.asarray(d, dtype=np.float32)
    back = np.array(QtGui.QColor(background).getRgb()[:3], dtype=np.float32)
    real = np.array(QtGui.QColor(REAL_HEX).getRgb()[:3], dtype=np.float32)
    fake = np.array(QtGui.QColor(FAKE_HEX).getRgb()[:3], dtype=np.float32)
    sure = (MAP_ALPHA * np.abs(2.0 * d - 1.0))[..., None]
    hue = np.where((d > 0.5)[..., None], real, fake)
    rgb = back + sure * (hue - back)
    rgba = np.concatenate([rgb, np.full((*d.shape, 1), 255.0, np.float32)], axis=-1)
    return np.clip(np.rint(rgba), 0, 255).astype(np.uint8)


class AdversarialCanvas(ArrowScatterCanvas):
    """ArrowScatterCanvas plus the D(x) map, the generated samples and the modes' ellipses.
    The real points are the scatter's own points; the arrows are the generator's pushes."""

    canvas_name = "Samples and D(x)"
    head_px = 4.0  # hundreds of arrows: small heads, or they hide the samples

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self.map_item = pg.ImageItem(axisOrder="row-major")
        self.generated_item = pg.ScatterPlotItem(pxMode=True)
        self.covered_item = pg.PlotCurveItem()
        self.missed_item = pg.PlotCurveItem()
        self._map: tuple[np.ndarray, tuple[float, float, float, float]] | None = None
        self._generated = np.empty((0, 2))
        self._outlines = np.empty((0, 0, 2))
        self._covered = np.zeros(0, bool)
        super().__init__(parent)
        self.map_item.setZValue(-10)
        self.plot_item.addItem(self.map_item)  # the map's box is the view's range
        for z, item in ((2.6, self.covered_item), (2.7, self.missed_item),
                        (5.0, self.generated_item)):
            item.setZValue(z)
            self.plot_item.addItem(item, ignoreBounds=True)
        for item in self._shafts:  # arrows that reach out must not widen the view
            self.plot_item.removeItem(item)
            self.plot_item.addItem(item, ignoreBounds=True)

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if not hasattr(self, "_shafts"):
            return  # ScatterCanvas styles itself before the arrows exist
        self.missed_item.setPen(pg.mkPen(style.theme.colour("muted", 160),
                                         width=style.width(MISSED_WIDTH),
                                         style=QtCore.Qt.PenStyle.DashLine))
        self.covered_item.setPen(pg.mkPen(style.theme.foreground,
                                          width=style.width(COVERED_WIDTH)))
        self._shafts[1].setPen(pg.mkPen(style.theme.accent, width=style.width(ARROW_WIDTH)))
        self._draw_map()
        self._draw_generated()

    # ---- D(x)

    def set_map(self, d: np.ndarray | None, box: tuple[float, float, float, float] | None
                ) -> None:
        """D on a grid (rows over y from ymin, columns over x from xmin) over box (xmin,
        xmax, ymin, ymax); None hides it."""
        self._map = None if d is None or box is None else (np.asarray(d, np.float32), box)
        self._draw_map()

    def _draw_map(self) -> None:
        if self._map is None:
            self.map_item.clear()
            self.map_item.setVisible(False)
            return
        d, (xmin, xmax, ymin, ymax) = self._map
        self.map_item.setImage(map_colours(d, self.canvas_style().theme.background),
                               autoLevels=False)
        self.map_item.setRect(QtCore.QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.map_item.setVisible(True)

    def map_values(self) -> tuple[np.ndarray, tuple[float, float, float, float]] | None:
        """(D grid, box) drawn now, or None."""
        return None if self._map is None else (self._map[0].copy(), self._map[1])

    def map_image(self) -> np.ndarray | None:
        """The (h, w, 4) RGBA image drawn, or None."""
        return self.map_item.image if self.map_item.isVisible() else None

    def map_rect(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) of the map in data units."""
        r = self.map_item.mapRectToParent(self.map_item.boundingRect())
        return r.x(), r.y(), r.width(), r.height()

    # ---- generated samples and their pushes

    def set_generated(self, xy: np.ndarray | None, pushes: np.ndarray | None = None) -> None:
        """Generated samples (m, 2), and an arrow (m, 2) from each (None: no arrows)."""
        self._generated = (np.empty((0, 2)) if xy is None
                           else np.asarray(xy, dtype=np.float64).reshape(-1, 2))
        self._draw_generated()
        if pushes is None or not len(self._generated):
            self.set_arrows(None)
        else:
            ends = self._generated + np.asarray(pushes, dtype=np.float64).reshape(-1, 2)
            self.set_arrows(self._generated, ends, accent=np.ones(len(ends), bool))

    def _draw_generated(self) -> None:
        xy = self._generated
        if not len(xy):
            self.generated_item.setData([], [])
            return
        style = self.canvas_style()
        self.generated_item.setData(
            x=xy[:, 0], y=xy[:, 1], symbol="o", size=style.marker(GENERATED_SIZE),
            pen=pg.mkPen(style.theme.background, width=style.width(1.0)),
            brush=pg.mkBrush(style.theme.foreground))

    def generated(self) -> np.ndarray:
        """The generated samples drawn now, read back from the item."""
        x, y = self.generated_item.getData()
        return np.column_stack([x, y]) if x is not None and len(x) else np.empty((0, 2))

    # ---- modes

    def set_modes(self, outlines: np.ndarray | None, covered: np.ndarray | None) -> None:
        """Closed outlines (k, p, 2), one per mode: covered ones solid, the others dashed."""
        if outlines is None or len(outlines) == 0:
            self._outlines, self._covered = np.empty((0, 0, 2)), np.zeros(0, bool)
        else:
            self._outlines = np.asarray(outlines, dtype=np.float64)
            self._covered = np.asarray(covered, dtype=bool)
        for item, chosen in ((self.covered_item, self._covered),
                             (self.missed_item, ~self._covered)):
            part = self._outlines[chosen] if len(self._outlines) else self._outlines
            if not len(part):
                item.setData([], [])
                continue
            k, p = part.shape[:2]
            connect = np.ones(k * p, dtype=bool)
            connect[p - 1::p] = False
            flat = part.reshape(-1, 2)
            item.setData(flat[:, 0], flat[:, 1], connect=connect)

    def modes_drawn(self) -> tuple[int, int]:
        """(covered, missed) outlines drawn now."""
        return int(self._covered.sum()), int((~self._covered).sum())

    def clear(self) -> None:
        super().clear()
        self.set_map(None, None)
        self.set_generated(None)
        self.set_modes(None, None)
