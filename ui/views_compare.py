"""The comparison of embeddings: one scatter per method, in the data's colours, filled in as
each method finishes, and one table of their measures beside."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.protocol import Comparison
from ui.views import DataFrame2D, View
from widgets.scatter import ScatterCanvas
from widgets.table import TableCanvas

MAX_METHODS = 7  # as many scatters as compare.CANDIDATES


# Column and title names that fit beside five others; other methods' names are short already.
SHORT = {"pca": "PCA", "mds": "MDS", "lle": "LLE"}


def short(algorithm_id: str, name: str) -> str:
    return SHORT.get(algorithm_id, name)


class ComparisonView(View):
    """Main: a grid of scatters, one per method. Beside: the measures, a column per method."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QSplitter(Qt.Orientation.Vertical)
        self.scatters: list[ScatterCanvas] = []
        rows = [QSplitter(Qt.Orientation.Horizontal) for _ in range(3)]
        for i in range(MAX_METHODS):
            scatter = ScatterCanvas()
            scatter.canvas_name = f"Embedding {i + 1}"
            rows[i // 3].addWidget(scatter)
            self.scatters.append(scatter)
        for row in rows:
            self.grid.addWidget(row)
        self.table = TableCanvas()
        self.table.canvas_name = "Measures"
        self._arrange(self.grid, self.table)
        self.splitter.setSizes([780, 300])
        self._shown = 0

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        for scatter in self.scatters:
            scatter.set_points(np.zeros((frame.dataset.n, 2)), frame.dataset.y)
            scatter.setVisible(False)
        self.table.clear("Measures: as each method finishes")
        self._shown = 0

    def show_snapshot(self, snap: Comparison) -> None:
        y = self.frame.dataset.y
        total = len(snap.names) + len(snap.pending)
        for i, scatter in enumerate(self.scatters):
            scatter.setVisible(i < total)
            if i < len(snap.names):
                scatter.set_points(snap.coords[i], y)
                scatter.canvas_name = snap.names[i]
                scatter.set_title(f"{short(snap.ids[i], snap.names[i])} ({snap.seconds[i]:.1f} s)")
                scatter.set_axis_labels("", "")
            elif i < total:
                scatter.set_points(np.zeros((0, 2)), None)
                scatter.set_title(f"{snap.pending[i - len(snap.names)]}: waiting")
        self._balance_rows(total)
        self._shown = len(snap.names)
        self._later(lambda: self._show_table(snap))

    def _balance_rows(self, total: int) -> None:
        """Hide the empty rows of the grid: up to three scatters a row."""
        used = math.ceil(total / 3)
        for r in range(self.grid.count()):
            self.grid.widget(r).setVisible(r < used)

    def _show_table(self, snap: Comparison) -> None:
        if not snap.qualities:
            self.table.clear("Measures: as each method finishes")
            return
        q = snap.qualities[0]
        rows = [["T"], ["C"], [f"{q.k}-NN"], ["stress"]]  # in the order of Quality.rows
        for q in snap.qualities:
            for row, (_, value, _) in zip(rows, q.rows(), strict=True):
                row.append(value)
        rows.append(["seconds", *snap.seconds])
        title = (f"Local, 1 best: T trustworthiness, C continuity, {q.k}-NN neighbours kept. "
                 f"Global, 0 best: stress. On {q.sample_text()}")
        if snap.refused:
            title += "\nNot run: " + "; ".join(snap.refused)
        self.table.set_table(title, ["measure", *map(short, snap.ids, snap.names)], rows)

    def shown(self) -> int:
        """How many methods' embeddings are drawn."""
        return self._shown
