"""A scatter with labelled arrows on it: the loadings of a PCA biplot, or the vector an
adaptive PCA is turning towards its axis.

Arrow heads are drawn in screen pixels (a fixed size and a true angle whatever the axes'
scales), so they are rebuilt in data units whenever the view's range or size changes.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from widgets.scatter import ScatterCanvas
from widgets.style import Style

HEAD_PX = 10.0  # length of an arrow head's barbs, in pixels before the style's line scale
HEAD_ANGLE = np.deg2rad(25.0)


class ArrowScatterCanvas(ScatterCanvas):
    """ScatterCanvas plus arrows from `starts` to `ends`, optionally labelled; arrows
    marked `accent` are drawn in the accent colour, the others in the muted one."""

    canvas_name = "Scatter"
    head_px = HEAD_PX  # a canvas of many small arrows draws smaller heads

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._starts = np.empty((0, 2))
        self._ends = np.empty((0, 2))
        self._accent = np.zeros(0, bool)
        self._labels: list[str] = []
        self._texts: list[pg.TextItem] = []
        self._shafts = [pg.PlotCurveItem(connect="pairs") for _ in range(2)]  # muted, accent
        for z, item in enumerate(self._shafts):
            item.setZValue(4.5 + 0.1 * z)
            self.plot_item.addItem(item)
        view = self.plot_item.getViewBox()
        view.sigRangeChanged.connect(self._draw_arrows)
        view.sigResized.connect(self._draw_arrows)
        view.sigRangeChanged.connect(self._anchor_labels)
        view.sigResized.connect(self._anchor_labels)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if not hasattr(self, "_shafts"):
            return  # ScatterCanvas styles itself before the arrows exist
        width = style.width(2.0)
        self._shafts[0].setPen(pg.mkPen(style.theme.colour("muted", 210), width=width))
        self._shafts[1].setPen(pg.mkPen(style.theme.accent, width=style.width(3.0)))
        for text in self._texts:
            text.setColor(style.theme.foreground)
            text.setFont(style.font())
        self._draw_arrows()

    def set_arrows(self, starts: np.ndarray | None, ends: np.ndarray | None = None,
                   labels: list[str] | None = None, accent: np.ndarray | None = None) -> None:
        """Arrows (m, 2) → (m, 2); None removes them. `labels`: a name per arrow."""
        if starts is None or ends is None or len(ends) == 0:
            self._starts, self._ends = np.empty((0, 2)), np.empty((0, 2))
        else:
            self._ends = np.asarray(ends, dtype=np.float64).reshape(-1, 2)
            self._starts = np.broadcast_to(np.asarray(starts, dtype=np.float64),
                                           self._ends.shape).copy()
        m = len(self._ends)
        self._accent = np.zeros(m, bool) if accent is None else np.asarray(accent, bool)
        self._labels = list(labels) if labels is not None else []
        self._place_labels()
        self._draw_arrows()

    def arrows(self) -> tuple[np.ndarray, np.ndarray]:
        """(starts, ends) of the arrows drawn now."""
        return self._starts.copy(), self._ends.copy()

    def arrow_labels(self) -> list[str]:
        return [t.textItem.toPlainText() for t in self._texts if t.isVisible()]

    def _place_labels(self) -> None:
        style = self.canvas_style()
        while len(self._texts) < len(self._labels):
            text = pg.TextItem(color=style.theme.foreground)
            text.setFont(style.font())
            text.setZValue(6)
            self.plot_item.addItem(text, ignoreBounds=True)
            self._texts.append(text)
        for i, text in enumerate(self._texts):
            shown = i < len(self._labels) and i < len(self._ends) and bool(self._labels[i])
            text.setVisible(shown)
            if not shown:
                continue
            text.setText(self._labels[i])
            text.setPos(float(self._ends[i][0]), float(self._ends[i][1]))
        self._anchor_labels()

    def _anchor_labels(self, *_) -> None:
        """Each label past its arrow's tip where it fits in the view, else back along the
        arrow (`label_anchor`): past the tip, a label at the plot's edge ran off it."""
        view = self.plot_item.getViewBox()
        rect = view.viewRect()
        px, py = view.viewPixelSize()
        for i, text in enumerate(self._texts):
            if not text.isVisible() or i >= len(self._ends):
                continue
            direction = self._ends[i] - self._starts[i]
            outward = label_anchor(direction, self._accent[i], outward=True)
            box = text.boundingRect()
            w, h = box.width() * (px or 0.0), box.height() * (py or 0.0)
            x, y = self._ends[i]
            left, top = x - outward[0] * w, y + outward[1] * h  # data y up
            fits = (rect.left() <= left and left + w <= rect.right()
                    and rect.top() <= top - h and top <= rect.bottom())
            text.setAnchor(outward if fits else label_anchor(direction, self._accent[i]))

    def _draw_arrows(self, *_) -> None:
        """Shafts and heads, the heads sized in pixels for the view's current scale."""
        if not hasattr(self, "_shafts"):
            return
        pixel = self.plot_item.getViewBox().viewPixelSize()
        px = np.array([pixel[0] or 1.0, pixel[1] or 1.0])
        head = self.canvas_style().width(self.head_px)
        for item, chosen in zip(self._shafts, (~self._accent, self._accent), strict=True):
            starts, ends = self._starts[chosen], self._ends[chosen]
            if len(ends) == 0:
                item.setData([], [])
                continue
            pieces = [np.stack([starts, ends], axis=1)]
            screen = (ends - starts) / px
            length = np.hypot(screen[:, 0], screen[:, 1])
            unit = screen / np.where(length > 0, length, 1.0)[:, None]
            for turn in (HEAD_ANGLE, -HEAD_ANGLE):
                c, s = np.cos(turn), np.sin(turn)
                back = -np.c_[c * unit[:, 0] - s * unit[:, 1], s * unit[:, 0] + c * unit[:, 1]]
                barb = np.where((length > 0)[:, None], back * head, 0.0) * px
                pieces.append(np.stack([ends, ends + barb], axis=1))
            flat = np.concatenate(pieces).reshape(-1, 2)
            item.setData(flat[:, 0], flat[:, 1], connect="pairs")


def label_anchor(direction: np.ndarray, accent: bool, outward: bool = False
                 ) -> tuple[float, float]:
    """Where a label hangs from its arrow's tip: past it (`outward`), or back along the arrow,
    inside the view the arrows span; and to one side of the shaft, accent arrows' labels on
    the other side from the rest, so that two arrows that point the same way (ICA's and PCA's
    first direction) do not write over each other."""
    norm = float(np.hypot(*direction)) or 1.0
    cos, sin = np.asarray(direction, dtype=np.float64) / norm
    side = 1.0 if accent else -1.0
    way = 1.0 if outward else -1.0
    dx, dy = np.clip((way * cos - side * sin, way * sin + side * cos), -1.0, 1.0)  # y up
    return 0.5 - 0.5 * float(dx), 0.5 + 0.5 * float(dy)
