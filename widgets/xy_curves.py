"""Curves that each have their own x: error against the number of non-zeros, where one
coder is measured at whole levels and another wherever its penalty puts it."""

from __future__ import annotations

import numpy as np

from widgets.curves import CurveCanvas


class XYCurves(CurveCanvas):
    """A CurveCanvas whose series are (x, y) pairs, each drawn with dots at its samples."""

    canvas_name = "Curves"

    def set_xy_curves(self, curves: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Draw each named (x, y) series, sorted by x; series not named are removed."""
        for name in [n for n in self._items if n not in curves]:
            self._remove(name)
        self._x = None
        for name, (x, y) in curves.items():
            x = np.asarray(x, dtype=np.float64).reshape(-1)
            y = np.asarray(y, dtype=np.float64).reshape(-1)
            order = np.argsort(x, kind="stable")
            item = self._items.get(name)
            if item is None:
                item = self.plot_item.plot(pen=self._pen(name), name=name, connect="finite",
                                           symbol="o", symbolSize=5)
                self._items[name] = item
            colour = self.curve_colour(name)
            item.setSymbolBrush(colour)
            item.setSymbolPen(colour)
            item.setData(x[order], y[order], connect="finite")
