"""Latent trajectories of trials: a scatter of time bins with each trial's path drawn through
them, coloured by its condition.

The paths are one curve item per condition (a trial's end is not joined to the next trial's
start), made the first time that many conditions are shown and reused after, never per
frame. The points underneath are the data's rows, so selection links with other canvases.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from widgets.palette import cluster_colour
from widgets.scatter import ScatterCanvas
from widgets.style import Style

PATH_WIDTH = 1.4
PATH_ALPHA = 170
POINT_SIZE = 4.0


class TrajectoryCanvas(ScatterCanvas):
    """A ScatterCanvas with a path per trial through (T, 2) points, in condition colours."""

    canvas_name = "Trajectories"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._paths: list[pg.PlotCurveItem] = []
        self._drawn: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.set_marker_size(POINT_SIZE)

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        for c, item in enumerate(getattr(self, "_paths", ())):  # none yet during __init__
            item.setPen(self._path_pen(c, style))

    def _path_pen(self, condition: int, style: Style):
        colour = cluster_colour(condition, style.colours)
        colour.setAlpha(PATH_ALPHA)
        return pg.mkPen(colour, width=style.width(PATH_WIDTH))

    def set_paths(self, xy: np.ndarray | None, trials: list[np.ndarray] | None = None,
                  conditions: np.ndarray | None = None) -> None:
        """Draw a path through xy[rows] for each trial's rows, in its condition's colour;
        None clears them."""
        self._drawn = {}
        if xy is not None and trials:
            xy = np.asarray(xy, dtype=np.float64)
            conditions = (np.zeros(len(trials), np.int64) if conditions is None
                          else np.asarray(conditions, np.int64))
            for c in np.unique(conditions):
                rows = [trials[i] for i in np.flatnonzero(conditions == c)]
                points = xy[np.concatenate(rows)]
                connect = np.ones(len(points), bool)
                connect[np.cumsum([len(r) for r in rows]) - 1] = False
                self._drawn[int(c)] = (points, connect)
        while len(self._paths) <= max(self._drawn, default=-1):
            item = pg.PlotCurveItem()
            item.setZValue(0.5)  # over the points' discs, under centres and markers
            item.setPen(self._path_pen(len(self._paths), self.canvas_style()))
            self.plot_item.addItem(item)
            self._paths.append(item)
        for c, item in enumerate(self._paths):
            if c in self._drawn:
                points, connect = self._drawn[c]
                item.setData(points[:, 0], points[:, 1], connect=connect)
                item.setVisible(True)
            else:
                item.setData([], [])
                item.setVisible(False)

    def paths(self) -> dict[int, np.ndarray]:
        """The points of the paths drawn now, by condition (trials one after another)."""
        return {c: points.copy() for c, (points, _) in self._drawn.items()}

    def clear(self) -> None:
        super().clear()
        self.set_paths(None)
