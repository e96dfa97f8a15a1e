"""Points a generative model made, over the data in grey: samples as dots in the accent
colour, and paths through data space (a latent traversal), one palette colour per path, each
named at its end.

The data go grey so that the palette's colours name paths here, not classes. The items are
kept and reused: a path item is made the first time that many paths are asked for (a latent
space has at most a few dozen dimensions), never per frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from widgets.palette import cluster_colour
from widgets.scatter import ScatterCanvas
from widgets.style import Style

SAMPLE_SIZE = 6.0
PATH_WIDTH = 2.5
STEP_SIZE = 6.0  # a dot at each step along a path


class GeneratedPointsCanvas(ScatterCanvas):
    """The data (grey), generated samples (accent dots) and named paths (palette colours)."""

    canvas_name = "Generated points"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._samples = np.empty((0, 2))
        self._paths = np.empty((0, 0, 2))
        self._names: list[str] = []
        self._path_items: list[pg.PlotDataItem] = []
        self._path_names: list[pg.TextItem] = []
        self.samples_item = pg.ScatterPlotItem(pxMode=True)
        self.samples_item.setZValue(6)
        self.plot_item.addItem(self.samples_item)
        self._restyle(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if hasattr(self, "samples_item"):  # ScatterCanvas restyles before these exist
            self._draw_samples()
            self._draw_paths()

    # ---- public API -------------------------------------------------------------------------

    def set_samples(self, xy: np.ndarray | None) -> None:
        """Generated points (m, 2), drawn over the data; None hides them."""
        self._samples = (np.empty((0, 2)) if xy is None
                         else np.array(xy, dtype=np.float64).reshape(-1, 2))
        self._draw_samples()

    def samples(self) -> np.ndarray:
        """The generated points drawn now, (m, 2)."""
        return self._samples.copy()

    def set_paths(self, paths: np.ndarray | None, names: list[str] | None = None) -> None:
        """Paths (k, steps, 2), path i in palette colour i and named `names[i]` at its last
        step; None hides them."""
        if paths is None:
            self._paths, self._names = np.empty((0, 0, 2)), []
        else:
            self._paths = np.array(paths, dtype=np.float64)
            if self._paths.ndim != 3 or self._paths.shape[2] != 2:
                raise ValueError(f"paths must have shape (k, steps, 2), not {self._paths.shape}")
            k = self._paths.shape[0]
            self._names = list(names) if names is not None else [""] * k
            if len(self._names) != k:
                raise ValueError(f"{len(self._names)} names for {k} paths")
        self._draw_paths()

    def paths(self) -> np.ndarray:
        """The paths drawn now, (k, steps, 2)."""
        return self._paths.copy()

    def path_colour(self, i: int):
        """The colour path i is drawn in (a QColor)."""
        return self._path_items[i].opts["pen"].color()

    def clear(self) -> None:
        super().clear()
        self.set_samples(None)
        self.set_paths(None)

    # ---- drawing ----------------------------------------------------------------------------

    def _draw_samples(self) -> None:
        style = self.canvas_style()
        if not len(self._samples):
            self.samples_item.setData([], [])
            return
        self.samples_item.setData(
            x=self._samples[:, 0], y=self._samples[:, 1], symbol="o",
            size=style.marker(SAMPLE_SIZE), pen=pg.mkPen(style.theme.background, width=0.5),
            brush=style.theme.colour("accent", 200))

    def _draw_paths(self) -> None:
        style = self.canvas_style()
        k = self._paths.shape[0]
        while len(self._path_items) < k:
            item = pg.PlotDataItem()
            item.setZValue(7)
            name = pg.TextItem(anchor=(0.0, 0.5))
            name.setZValue(8)
            self.plot_item.addItem(item)
            self.plot_item.addItem(name, ignoreBounds=True)
            self._path_items.append(item)
            self._path_names.append(name)
        for i, (item, name) in enumerate(zip(self._path_items, self._path_names, strict=True)):
            if i >= k:
                item.setData([], [])
                name.setVisible(False)
                continue
            colour = cluster_colour(i, style.colours)
            path = self._paths[i]
            pen = pg.mkPen(colour, width=style.width(PATH_WIDTH))
            item.setData(path[:, 0], path[:, 1], pen=pen, symbol="o",
                         symbolSize=style.marker(STEP_SIZE), symbolBrush=colour,
                         symbolPen=pg.mkPen(style.theme.background, width=0.5))
            name.setText(self._names[i])
            name.setColor(colour)
            name.setFont(style.font())
            name.setPos(float(path[-1, 0]), float(path[-1, 1]))
            name.setVisible(bool(self._names[i]))
