"""Arithmetic coding's interval, narrowed one character per row.

Row k (from the top) is the interval before character k, stretched to the full width: thin
ticks cut it into every character's share, the character read is the highlighted share (and
is named at the left), and two lines run from that share's ends down to the full width of
the next row (the zoom). At the right of each row: how wide the real interval has become, as
a power of two, and the bits of the code already settled. A fixed set of items, filled
again on each frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from widgets.canvas import Canvas
from widgets.labels import LabelPool
from widgets.plot import plot_widget
from widgets.style import Style

ROW = 0.55  # height of a row's bar; rows are one apart
TEXT_X = 1.03  # where the notes on the right begin
MAX_SETTLED = 14  # settled bits written in full; more show their last ones after "…"


class IntervalCanvas(Canvas):
    """`set_steps(tables, symbols, names, width_bits, settled)`: one row per step."""

    canvas_name = "Interval narrowing"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plot = plot_widget(self)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.hideAxis("left")
        self._plot.setLabel("bottom", "position in the interval before each character "
                                      "(each row zoomed to its full width)")
        self._plot.getAxis("bottom").setTicks([[(0.0, "low"), (1.0, "high")]])
        item = self._plot.getPlotItem()
        self._rows = pg.BarGraphItem(x0=[], y0=[], width=[], height=[])
        self._chosen = pg.BarGraphItem(x0=[], y0=[], width=[], height=[])
        self._ticks = pg.PlotCurveItem(connect="pairs")
        self._zoom = pg.PlotCurveItem(connect="pairs")
        for z, it in enumerate((self._zoom, self._rows, self._chosen, self._ticks)):
            it.setZValue(z)
            self._plot.addItem(it)
        self._symbols = LabelPool(item, (1.0, 0.5))
        self._notes = LabelPool(item, (0.0, 0.5))
        self._tables = np.empty((0, 1))
        self._picked = np.empty(0, np.int64)
        self._names: list[str] = []
        self._width_bits = np.empty(0)
        self._settled: list[str] = []
        self._rows_shown = 1
        self._title = ""
        self.show_views(self._plot)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        theme = style.theme
        self._ticks.setPen(pg.mkPen(theme.colour("foreground", 110), width=style.width(0.7)))
        self._zoom.setPen(pg.mkPen(theme.colour("accent", 150), width=style.width(1.2)))
        self._symbols.restyle(theme.foreground, style.font(1.1))
        self._notes.restyle(theme.foreground, style.font(0.9))
        self._draw()
        self.set_plot_title(self._plot, self._title or None)

    def set_steps(self, tables: np.ndarray, symbols: np.ndarray, names: list[str],
                  width_bits: np.ndarray, settled: list[str], rows: int | None = None,
                  title: str = "") -> None:
        """Step k: `tables[k]` the cumulative probabilities (V + 1, from 0 to 1) before it,
        `symbols[k]` the character read, named `names[k]`; `width_bits[k]` −log₂ of the
        interval's width after it and `settled[k]` the code's bits known by then. `rows`:
        the number of rows the view keeps room for (so that the rows do not grow)."""
        self._tables = np.asarray(tables, dtype=np.float64)
        self._picked = np.asarray(symbols, dtype=np.int64)
        self._names = list(names)
        self._width_bits = np.asarray(width_bits, dtype=np.float64)
        self._settled = list(settled)
        self._rows_shown = max(rows or len(self._picked), 1)
        self._title = title
        self._draw()
        self.set_plot_title(self._plot, title or None)
        self._plot.setXRange(-0.09, 1.75, padding=0.0)
        self._plot.setYRange(-self._rows_shown + 0.5, 0.7, padding=0.0)

    def _draw(self) -> None:
        style = self.canvas_style()
        m = len(self._picked)
        y = -np.arange(m, dtype=np.float64)
        rows = np.arange(m)
        a = self._tables[rows, self._picked] if m else np.empty(0)
        b = self._tables[rows, self._picked + 1] if m else np.empty(0)
        self._rows.setOpts(x0=np.zeros(m), y0=y - ROW / 2, width=np.ones(m),
                           height=np.full(m, ROW), brush=pg.mkBrush(style.theme.dropped),
                           pen=pg.mkPen(None))
        self._chosen.setOpts(x0=a, y0=y - ROW / 2, width=b - a, height=np.full(m, ROW),
                             brush=pg.mkBrush(style.colours[0]), pen=pg.mkPen(None))
        ticks = [np.column_stack([np.repeat(t, 2), np.tile([yk - ROW / 2, yk + ROW / 2],
                                                          len(t))])
                 for t, yk in zip((self._tables[k, 1:-1] for k in range(m)), y, strict=True)]
        seg = np.concatenate(ticks) if ticks else np.empty((0, 2))
        self._ticks.setData(seg[:, 0], seg[:, 1], connect="pairs")
        if m > 1:  # from the share read down to the next row's full width
            top, bottom = y[:-1] - ROW / 2, y[1:] + ROW / 2
            zoom = np.column_stack([a[:-1], top, np.zeros(m - 1), bottom,
                                    b[:-1], top, np.ones(m - 1), bottom]).reshape(-1, 2)
            self._zoom.setData(zoom[:, 0], zoom[:, 1], connect="pairs")
        else:
            self._zoom.setData([], [])
        self._symbols.show(self._names[:m], np.full(m, -0.015), y)
        self._notes.show([self._note(k) for k in range(m)], np.full(m, TEXT_X), y)

    def _note(self, k: int) -> str:
        bits = self._settled[k] if k < len(self._settled) else ""
        if len(bits) > MAX_SETTLED:
            bits = f"…{bits[-MAX_SETTLED:]} ({len(bits)})"
        return f"2^−{self._width_bits[k]:.1f}  {bits or '–'}"

    def rows(self) -> int:
        return len(self._picked)

    def chosen_shares(self) -> np.ndarray:
        """(m, 2): the share of its row each character read takes, as drawn."""
        opts = self._chosen.opts
        x0 = np.asarray(opts["x0"], dtype=np.float64)
        return np.column_stack([x0, x0 + np.asarray(opts["width"], dtype=np.float64)])

    def symbol_labels(self) -> list[str]:
        return self._symbols.texts()

    def notes(self) -> list[str]:
        return self._notes.texts()

    def title(self) -> str:
        return self._title

    def sizeHint(self) -> QSize:
        return QSize(620, 520)
