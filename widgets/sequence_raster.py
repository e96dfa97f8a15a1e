"""seqNMF's picture, laid out as in its paper: the factors W (each a neurons × lags image) on
the left, their loadings H over time on top, the raster X in the middle and its
reconstruction X̂ below it, neurons in one order everywhere, so that a factor's diagonal
lines up with the diagonals it explains in the raster."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.curves import SERIES_HEX
from widgets.heatmap import colour_map
from widgets.palette import palette_hex
from widgets.style import Style

GAP = 2  # empty lag columns between two factors' images


def factor_strip(factors: np.ndarray, order: np.ndarray) -> np.ndarray:
    """(neurons, K·(lags + GAP) − GAP): the factors side by side, neurons in `order`."""
    k, _, lags = factors.shape
    blocks = []
    for i in range(k):
        blocks.append(factors[i][order])
        if i < k - 1:
            blocks.append(np.zeros((len(order), GAP)))
    return np.concatenate(blocks, axis=1) if blocks else np.zeros((len(order), lags))


class SequenceCanvas(Canvas):
    """Four plots in one layout, each with items made once: the loadings' curves (one per
    factor, made again only when K changes), and three images."""

    canvas_name = "Factors and raster"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = pg.GraphicsLayoutWidget()
        self._loadings = self._layout.addPlot(row=0, col=1)
        self._factors = self._layout.addPlot(row=1, col=0)
        self._raster = self._layout.addPlot(row=1, col=1)
        self._rebuilt = self._layout.addPlot(row=2, col=1)
        grid = self._layout.ci.layout
        grid.setColumnStretchFactor(0, 1)
        grid.setColumnStretchFactor(1, 4)
        grid.setRowStretchFactor(0, 2)
        grid.setRowStretchFactor(1, 3)
        grid.setRowStretchFactor(2, 3)
        self._images = {}
        for name, plot in (("factors", self._factors), ("raster", self._raster),
                           ("rebuilt", self._rebuilt)):
            plot.invertY(True)
            image = pg.ImageItem(axisOrder="row-major")
            plot.addItem(image)
            self._images[name] = image
        for plot in (self._loadings, self._factors, self._raster, self._rebuilt):
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(x=plot is not self._factors, y=False)  # zoom along time
        self._raster.setXLink(self._loadings)
        self._rebuilt.setXLink(self._loadings)
        self._raster.setYLink(self._factors)
        self._rebuilt.setYLink(self._factors)
        self._curves: list[pg.PlotDataItem] = []
        self._titles = {"loadings": "loadings H", "factors": "factors W",
                        "raster": "data X", "rebuilt": "reconstruction X̂"}
        self._raster_source = None
        self._ordered: tuple = (None, None)  # the raster and the order its image was drawn in
        self.show_views(self._layout)
        self.apply_style(self.canvas_style())

    def _colours(self, style: Style) -> tuple[str, ...]:
        return palette_hex("colour-blind", True) if style.theme.dark else SERIES_HEX

    def _restyle(self, style: Style) -> None:
        cmap = colour_map(style.theme.dark, style.theme.background)
        for image in self._images.values():
            image.setColorMap(cmap)
        colours = self._colours(style)
        for k, curve in enumerate(self._curves):
            curve.setPen(pg.mkPen(colours[k % len(colours)], width=style.width(1.2)))
        plots = {"loadings": self._loadings, "factors": self._factors,
                 "raster": self._raster, "rebuilt": self._rebuilt}
        for name, plot in plots.items():
            plot.setTitle(self._titles[name], color=style.theme.foreground,
                          size=f"{style.points():.1f}pt")
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setPen(style.theme.axis)
                plot.getAxis(axis).setTextPen(style.theme.foreground)
                plot.getAxis(axis).setTickFont(style.font())

    def set_sequences(self, X: np.ndarray, rebuilt: np.ndarray | None, factors: np.ndarray,
                      loadings: np.ndarray, times: np.ndarray, order: np.ndarray) -> None:
        """X and X̂ (neurons, time bins), W (K, neurons, lags), H (K, time bins), the bins'
        times and the order to draw the neurons in (top to bottom)."""
        order = np.asarray(order, dtype=np.int64)
        n, t = X.shape
        span = (float(times[0]), float(times[-1] - times[0]) or 1.0) if t > 1 else (0.0, 1.0)
        step = span[1] / max(t - 1, 1)
        rect = QRectF(span[0], 0.0, span[1] + step, float(n))
        top = float(X.max()) or 1.0
        if X is not self._ordered[0] or not np.array_equal(order, self._ordered[1]):
            self._ordered = (X, order)  # X never changes in a run: reorder it once
            self._images["raster"].setImage(np.asarray(X, dtype=np.float32)[order],
                                            levels=(0.0, top))
        self._raster_source = X
        if rebuilt is not None:  # None: a large raster's X̂ comes with the last step only
            self._images["rebuilt"].setImage(np.asarray(rebuilt, dtype=np.float32)[order],
                                             levels=(0.0, top))
        for name in ("raster", "rebuilt"):
            self._images[name].setRect(rect)
        strip = factor_strip(np.asarray(factors, dtype=np.float64), order)
        self._images["factors"].setImage(strip, levels=(0.0, float(strip.max()) or 1.0))
        self._images["factors"].setRect(QRectF(0.0, 0.0, strip.shape[1], float(n)))
        self._factors.setXRange(0, strip.shape[1], padding=0.0)
        self._factors.setYRange(0, n, padding=0.0)
        self._raster.setXRange(span[0], span[0] + span[1] + step, padding=0.0)
        self._show_loadings(np.asarray(loadings, dtype=np.float64), times)
        lags = factors.shape[2]
        self._factors.getAxis("bottom").setTicks(
            [[((lags + GAP) * k + lags / 2, str(k + 1)) for k in range(len(factors))]])
        self._factors.setLabel("bottom", "factor (lags)")
        self._factors.setLabel("left", "neuron (sorted)")

    def _show_loadings(self, loadings: np.ndarray, times: np.ndarray) -> None:
        """Each factor's loading scaled to its own peak and stacked, factor 1 on top."""
        k = len(loadings)
        if len(self._curves) != k:
            for curve in self._curves:
                self._loadings.removeItem(curve)
            self._curves = [self._loadings.plot() for _ in range(k)]
            self._restyle(self.canvas_style())
        for i, (curve, h) in enumerate(zip(self._curves, loadings, strict=True)):
            peak = float(h.max()) or 1.0
            curve.setData(times, 0.9 * h / peak + (k - 1 - i))
        self._loadings.setYRange(0.0, k, padding=0.02)
        self._loadings.getAxis("left").setTicks([[(k - 1 - i + 0.4, str(i + 1))
                                                  for i in range(k)]])

    def image(self, name: str) -> np.ndarray:
        """The array an image shows now: "factors", "raster" or "rebuilt"."""
        return np.asarray(self._images[name].image)

    def loading_data(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._curves[k].getData()
        return np.asarray(x), np.asarray(y)

    def sizeHint(self) -> QSize:
        return QSize(720, 520)
