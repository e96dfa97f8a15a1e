"""The view of the distance explorer: the distance matrix in data order beside the same matrix
seriated by a dendrogram's leaves; beside them the data (coloured by class) and the metric's
unit ball. Rows are named by their words (or numbers) when there are few enough to read."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.protocol import Distances
from ui.views import DataFrame2D, View, _scatter_for
from widgets.heatmap import HeatmapCanvas
from widgets.scatter import ScatterCanvas
from widgets.unit_ball import UnitBallCanvas

MAX_NAMED = 40  # at most this many rows are named on a heatmap's axis (every k-th of more)
MAX_TICK_ROWS = 600  # past this many rows a name would stand for a block of rows: numbers


def row_names(frame: DataFrame2D | None, n: int) -> list[str] | None:
    """What each row is called on the heatmap's axis: its text; its number when there are
    few rows; None (the axis's own numbers) otherwise."""
    texts = frame.dataset.texts if frame is not None else None
    if texts is not None and len(texts) == n:
        return list(texts)
    return [str(i) for i in range(n)] if n <= MAX_NAMED else None


class DistancesView(View):
    """Main: the two heatmaps side by side. Beside: the scatter and the unit ball."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix = HeatmapCanvas()
        self.matrix.canvas_name = "Distances"
        self.seriated = HeatmapCanvas()
        self.seriated.canvas_name = "Seriated distances"
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Data"
        self.ball = UnitBallCanvas()
        self._arrange(_row(self.matrix, self.seriated), self.scatter, self.ball)
        self.splitter.setSizes([760, 340])
        self.side.setSizes([3, 2])
        self._shown: tuple | None = None  # (matrix, order) drawn now

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, frame.dataset.y)
        self.scatter.set_title(frame.dataset.name)
        for heatmap in (self.matrix, self.seriated):
            heatmap.clear()
            heatmap.set_title(None)
            _name_rows(heatmap, None)
        self.ball.clear()
        self.ball.setVisible(True)
        self._shown = None

    def show_snapshot(self, snap: Distances) -> None:
        key = (id(snap.matrix), None if snap.order is None else id(snap.order))
        if key == self._shown:
            return
        self._shown = key
        n = snap.matrix.shape[0]
        names = row_names(self.frame, n)
        self.matrix.set_matrix(snap.matrix)
        self.matrix.set_title(snap.metric)
        self.matrix.set_axis_labels("point (data order)", "point", "distance")
        _name_rows(self.matrix, names)
        self.ball.set_ball(snap.ball, snap.metric if snap.ball is None else
                           f"r = {'∞' if np.isinf(snap.r) else f'{snap.r:g}'}")
        self.ball.setVisible(snap.ball is not None)
        if snap.order is None:
            self.seriated.clear()
            self.seriated.set_title("seriation: the next step")
            _name_rows(self.seriated, None)
            return
        self.seriated.set_matrix(snap.matrix, snap.order)
        how = " (optimal)" if snap.optimal else ""
        self.seriated.set_title(f"seriated: {snap.linkage_name}{how}")
        self.seriated.set_axis_labels("point (seriated)", "point (seriated)", "distance")
        _name_rows(self.seriated, None if names is None else [names[i] for i in snap.order])

    def row_names_shown(self, heatmap: HeatmapCanvas) -> list[str]:
        """The names on a heatmap's left axis, top to bottom (empty when not named)."""
        ticks = heatmap.plot_widget().getPlotItem().getAxis("left")._tickLevels
        return [] if not ticks else [text for _, text in ticks[0]]


def _name_rows(heatmap: HeatmapCanvas, names: list[str] | None) -> None:
    """Name the rows on the left axis, every k-th when there are more than `MAX_NAMED` so
    the names stay apart; numbered ticks as usual for very many rows, or none."""
    axis = heatmap.plot_widget().getPlotItem().getAxis("left")
    if names is None or len(names) > MAX_TICK_ROWS or heatmap.blocks() != (1, 1):
        axis.setTicks(None)
        return
    stride = -(-len(names) // MAX_NAMED)
    axis.setTicks([[(k + 0.5, names[k]) for k in range(0, len(names), stride)]])


def _row(*canvases) -> QSplitter:
    row = QSplitter(Qt.Orientation.Horizontal)
    for canvas in canvases:
        row.addWidget(canvas)
    return row
