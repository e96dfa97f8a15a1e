"""A matrix drawn as an image: affinities, distances; one row and one column per data point.

The matrix (dense, or scipy sparse for a nearest-neighbours graph) is shown in an optional
order of its rows and columns (by cluster, or a dendrogram's leaves for seriation). Bigger
than `max_pixels` a side, it is shown as block means: with S the (m × n) matrix that averages
each run of b consecutive points in that order, the image is S A Sᵀ, computed without ever
reordering or copying A, so a few thousand points cost one pass over the matrix.

Rows and columns keep their point units on the axes (a block of b points spans b units), so
the marks of selected points (ticks along the left and top edges) sit at the points' own
positions. A click on the image selects the points of that row (Ctrl adds).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.plot import plot_widget
from widgets.style import Style

MAX_PIXELS = 600  # at most this many image rows (and columns): more points are block means
TICK_SHARE = 0.035  # selection ticks reach this share of the matrix outside its edges
# Low values fade into the background; high ones stand out from it.
LIGHT_STOPS = ("#FFFFFF", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B")
DARK_STOPS = ("#1E1F22", "#3B0F70", "#8C2981", "#DE4968", "#FE9F6D", "#FCFDBF")


def colour_map(dark: bool, background: str | None = None) -> pg.ColorMap:
    """From the background colour (low values) to a strong one (high values)."""
    stops = list(DARK_STOPS if dark else LIGHT_STOPS)
    if background is not None:
        stops[0] = background
    colours = [QColor(s) for s in stops]
    return pg.ColorMap(np.linspace(0.0, 1.0, len(colours)), colours)


def block_means(matrix, row_order: np.ndarray, col_order: np.ndarray, rows_per_pixel: int,
                cols_per_pixel: int) -> np.ndarray:
    """The matrix in these orders, each block of rows_per_pixel × cols_per_pixel consecutive
    entries replaced by its mean; dense or sparse input, a dense float64 array out."""
    from scipy import sparse

    def averaging(order: np.ndarray, b: int) -> sparse.csr_matrix:
        n = order.size
        bins = np.empty(n, dtype=np.int64)
        bins[order] = np.arange(n) // b
        counts = np.bincount(bins).astype(np.float64)
        return sparse.csr_matrix((1.0 / counts[bins], (bins, np.arange(n))),
                                 shape=(counts.size, n))

    if rows_per_pixel == 1 and cols_per_pixel == 1:
        if sparse.issparse(matrix):
            return matrix.tocsr()[row_order][:, col_order].toarray().astype(np.float64)
        return np.asarray(matrix, dtype=np.float64)[np.ix_(row_order, col_order)]
    left = averaging(row_order, rows_per_pixel)
    right = averaging(col_order, cols_per_pixel)
    out = left @ matrix @ right.T
    return out.toarray() if sparse.issparse(out) else np.asarray(out, dtype=np.float64)


class HeatmapCanvas(Canvas):
    """An n×m matrix as an image with a colour bar; rows and columns are data points."""

    canvas_name = "Heatmap"

    def __init__(self, parent: QWidget | None = None, max_pixels: int = MAX_PIXELS):
        super().__init__(parent)
        self._max_pixels = int(max_pixels)
        self._shape = (0, 0)
        self._row_pos = np.empty(0, np.int64)  # each data row's position in the shown order
        self._col_pos = np.empty(0, np.int64)
        self._row_order = np.empty(0, np.int64)
        self._blocks = (1, 1)
        self._image_data = np.zeros((0, 0))
        self._marked = np.empty(0, np.int64)
        self._bar_label = ""

        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        item = self._plot.getPlotItem()
        item.invertY(True)  # row 0 at the top, as a matrix is read
        item.setAspectLocked(False)
        self._image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self._image)
        self._bar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=colour_map(False),
                                    interactive=False, width=14)
        self._bar.setImageItem(self._image, insert_in=item)
        self._ticks = pg.PlotCurveItem(connect="pairs")
        self._ticks.setZValue(10)
        item.addItem(self._ticks)
        self._bounds = pg.PlotCurveItem(connect="pairs")
        self._bounds.setZValue(5)
        item.addItem(self._bounds)
        self._plot.scene().sigMouseClicked.connect(self._on_click)

        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        theme = style.theme
        self._bar.setColorMap(colour_map(theme.dark, theme.background))
        axis = self._bar.axis
        axis.setTickFont(style.font())
        axis.setPen(pg.mkPen(theme.axis, width=style.width(1.0)))
        axis.setTextPen(pg.mkPen(theme.foreground))
        axis.setLabel(self._bar_label, color=theme.foreground,
                      **{"font-size": f"{style.points():.1f}pt"})
        self._ticks.setPen(pg.mkPen(theme.accent, width=style.width(2.0)))
        self._bounds.setPen(pg.mkPen(theme.muted, width=style.width(1.0),
                                     style=Qt.PenStyle.DashLine))

    # ------------------------------------------------------------ public API

    def set_matrix(self, matrix, row_order=None, col_order=None, offset: float = 0.0,
                   groups=None) -> None:
        """Show `matrix` (n × m, dense or scipy sparse) with its rows and columns in these
        orders (None: as they are), `offset` added to every entry (a constant the method
        adds but does not store). `groups`: a label per row; lines are drawn between the
        groups where the rows' order keeps each group together."""
        n, m = matrix.shape
        rows = np.arange(n) if row_order is None else np.asarray(row_order, dtype=np.int64)
        if col_order is not None:
            cols = np.asarray(col_order, dtype=np.int64)
        else:
            cols = rows if n == m else np.arange(m)
        if rows.size != n or cols.size != m:
            raise ValueError(f"orders of {rows.size} rows and {cols.size} columns for a "
                             f"{n} × {m} matrix")
        self._shape = (n, m)
        self._row_order = rows
        self._row_pos = np.empty(n, np.int64)
        self._row_pos[rows] = np.arange(n)
        self._col_pos = np.empty(m, np.int64)
        self._col_pos[cols] = np.arange(m)
        self._blocks = (-(-n // self._max_pixels), -(-m // self._max_pixels))
        data = block_means(matrix, rows, cols, *self._blocks) + float(offset)
        self._image_data = data
        lo, hi = (float(data.min()), float(data.max())) if data.size else (0.0, 1.0)
        if hi <= lo:
            hi = lo + 1.0
        self._image.setImage(data, autoLevels=False)
        self._image.setRect(QRectF(0.0, 0.0, float(m), float(n)))
        self._bar.setLevels((lo, hi))
        item = self._plot.getPlotItem()
        margin = TICK_SHARE * max(n, m)  # room for the selection's ticks
        item.setLimits(xMin=-margin, xMax=m + margin, yMin=-margin, yMax=n + margin)
        item.setXRange(-margin, m, padding=0.0)
        item.setYRange(-margin, n, padding=0.0)
        self._draw_bounds(None if groups is None else np.asarray(groups)[rows])
        self._show_highlight(self._highlight)

    def set_axis_labels(self, rows: str, cols: str, values: str = "") -> None:
        """What the rows, the columns and the colours stand for."""
        self._plot.setLabel("left", rows)
        self._plot.setLabel("bottom", cols)
        self._bar_label = values
        self._restyle(self.canvas_style())

    def set_title(self, text: str | None) -> None:
        self.set_plot_title(self._plot, text)

    def clear(self) -> None:
        self._shape = (0, 0)
        self._row_pos = self._col_pos = self._row_order = np.empty(0, np.int64)
        self._image_data = np.zeros((0, 0))
        self._image.clear()
        self._bounds.setData([], [])
        self._show_highlight(self._highlight)

    def image(self) -> np.ndarray:
        """The values drawn, one per image pixel (block means when the matrix is big)."""
        return self._image_data.copy()

    def blocks(self) -> tuple[int, int]:
        """Data rows and columns per image pixel."""
        return self._blocks

    def levels(self) -> tuple[float, float]:
        """The values the colour bar's ends stand for."""
        lo, hi = self._bar.levels()
        return float(lo), float(hi)

    def row_order(self) -> np.ndarray:
        """The data rows from top to bottom."""
        return self._row_order.copy()

    def colour_at(self, value: float) -> QColor:
        """The colour the map gives this value (for tests and legends)."""
        lo, hi = self.levels()
        return self._bar.colorMap().map((value - lo) / (hi - lo), mode="qcolor")

    def plot_widget(self) -> pg.PlotWidget:
        return self._plot

    # ------------------------------------------------------------ selection

    def _show_highlight(self, rows: np.ndarray) -> None:
        n, m = self._shape
        rows = rows[rows < n] if n else np.empty(0, np.int64)
        self._marked = rows
        if rows.size == 0:
            self._ticks.setData([], [])
            return
        reach = TICK_SHARE * max(n, m)
        y = self._row_pos[rows] + 0.5
        left_x = np.repeat([[-reach, 0.0]], rows.size, axis=0).ravel()
        left_y = np.repeat(y, 2)
        parts_x, parts_y = [left_x], [left_y]
        if n == m:  # a square matrix of points: the columns are the same points
            x = self._col_pos[rows] + 0.5
            parts_x.append(np.repeat(x, 2))
            parts_y.append(np.repeat([[-reach, 0.0]], rows.size, axis=0).ravel())
        self._ticks.setData(np.concatenate(parts_x), np.concatenate(parts_y))

    def _highlighted_rows(self) -> np.ndarray:
        return self._marked.copy()

    def tick_positions(self) -> np.ndarray:
        """Where the left-edge ticks are drawn: the shown positions of the selected rows."""
        return np.sort(self._row_pos[self._marked]) if self._marked.size else np.empty(0)

    def rows_at(self, y: float) -> np.ndarray:
        """The data rows drawn at height y (plot units): one, or a block of them."""
        n = self._shape[0]
        if n == 0 or not 0 <= y < n:
            return np.empty(0, np.int64)
        b = self._blocks[0]
        start = int(y) // b * b
        return np.sort(self._row_order[start:min(start + b, n)])

    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._shape[0]:
            return
        vb = self._plot.getPlotItem().getViewBox()
        pos = event.scenePos()
        if not vb.sceneBoundingRect().contains(pos):
            return
        point = vb.mapSceneToView(pos)
        if 0 <= point.x() < self._shape[1]:
            add = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.selection_made.emit(self.rows_at(point.y()), add)

    # ------------------------------------------------------------ drawing

    def _draw_bounds(self, ordered_groups: np.ndarray | None) -> None:
        """Dashed lines between consecutive groups (clusters) of the ordered rows."""
        n, m = self._shape
        if ordered_groups is None or n != m or n < 2:
            self._bounds.setData([], [])
            return
        cuts = np.flatnonzero(ordered_groups[1:] != ordered_groups[:-1]) + 1.0
        if cuts.size == 0 or cuts.size > 50:  # not grouped by these labels: no lines
            self._bounds.setData([], [])
            return
        x = np.concatenate([np.repeat([[0.0, m]], cuts.size, axis=0).ravel(), np.repeat(cuts, 2)])
        y = np.concatenate([np.repeat(cuts, 2), np.repeat([[0.0, n]], cuts.size, axis=0).ravel()])
        self._bounds.setData(x, y)

    def boundaries(self) -> np.ndarray:
        """The positions of the lines drawn between groups (rows and columns alike)."""
        x, _ = self._bounds.getData()
        if x is None or not len(x):
            return np.empty(0)
        half = len(x) // 2
        return np.asarray(x[half::2])
