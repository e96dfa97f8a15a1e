"""Points and what a model rebuilt of them: the data in their colours, each input joined by a
thin line to its reconstruction (a dot in the text colour), the noisy inputs a denoiser was
given (hollow rings), and a curve the reconstructions are confined to (a 1-D code's decoder
image) in the accent colour.

Every item is made once and updated with setData, never per frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from widgets.scatter import ScatterCanvas
from widgets.style import Style

OUTPUT_SIZE = 5.0
INPUT_SIZE = 7.0
CURVE_WIDTH = 3.0


def _pairs(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(2m, 2) points: each start followed by its end, for a curve drawn with connect='pairs'."""
    out = np.empty((2 * len(starts), 2))
    out[0::2], out[1::2] = starts, ends
    return out


class ReconstructionCanvas(ScatterCanvas):
    """ScatterCanvas plus reconstructions, their links to the inputs, noisy inputs, a curve."""

    canvas_name = "Reconstructions"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._inputs = np.empty((0, 2))
        self._outputs = np.empty((0, 2))
        self._noisy = np.empty((0, 2))
        self._curve = np.empty((0, 2))
        self.links_item = pg.PlotCurveItem(connect="pairs")
        self.noisy_item = pg.ScatterPlotItem(pxMode=True)
        self.outputs_item = pg.ScatterPlotItem(pxMode=True)
        self.curve_item = pg.PlotCurveItem()
        for z, item in ((1.2, self.links_item), (1.4, self.noisy_item),
                        (1.6, self.curve_item), (1.8, self.outputs_item)):
            item.setZValue(z)
            self.plot_item.addItem(item)
        self._restyle(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        super()._restyle(style)
        if not hasattr(self, "curve_item"):
            return  # ScatterCanvas styles itself before these items exist
        self.links_item.setPen(pg.mkPen(style.theme.colour("muted", 110), width=style.width(1.0)))
        self.curve_item.setPen(pg.mkPen(style.theme.accent, width=style.width(CURVE_WIDTH)))
        self._draw_points()

    def set_reconstructions(self, inputs: np.ndarray | None, outputs: np.ndarray | None,
                            noisy: bool = False) -> None:
        """Inputs (m, 2) joined to their reconstructions (m, 2); `noisy`: the inputs are
        corrupted copies of the data, drawn as rings (the data's own points are drawn
        already). None clears both."""
        if inputs is None or outputs is None:
            inputs = outputs = np.empty((0, 2))
        self._inputs = np.asarray(inputs, dtype=np.float64).reshape(-1, 2)
        self._outputs = np.asarray(outputs, dtype=np.float64).reshape(-1, 2)
        if len(self._inputs) != len(self._outputs):
            raise ValueError(f"{len(self._inputs)} inputs for {len(self._outputs)} outputs")
        self._noisy = self._inputs if noisy else np.empty((0, 2))
        links = _pairs(self._inputs, self._outputs)
        self.links_item.setData(links[:, 0], links[:, 1], connect="pairs")
        self._draw_points()

    def set_curve(self, xy: np.ndarray | None) -> None:
        """A curve (c, 2) drawn as a thick line in the accent colour; None hides it."""
        self._curve = (np.empty((0, 2)) if xy is None
                       else np.asarray(xy, dtype=np.float64).reshape(-1, 2))
        self.curve_item.setData(self._curve[:, 0], self._curve[:, 1])
        self.curve_item.setVisible(len(self._curve) > 1)

    def _draw_points(self) -> None:
        style = self.canvas_style()
        out, noisy = self._outputs, self._noisy
        self.outputs_item.setData(
            x=out[:, 0], y=out[:, 1], symbol="o", size=style.marker(OUTPUT_SIZE),
            pen=pg.mkPen(None), brush=pg.mkBrush(style.theme.foreground))
        self.noisy_item.setData(
            x=noisy[:, 0], y=noisy[:, 1], symbol="o", size=style.marker(INPUT_SIZE),
            pen=pg.mkPen(style.theme.colour("muted", 160), width=style.width(1.0)),
            brush=pg.mkBrush(None))

    # ---- read back ------------------------------------------------------------------------

    def outputs(self) -> np.ndarray:
        """The reconstructions drawn now, (m, 2)."""
        return self._outputs.copy()

    def noisy_inputs(self) -> np.ndarray:
        """The noisy inputs drawn as rings now, (m, 2) (none for a plain autoencoder)."""
        return self._noisy.copy()

    def links(self) -> np.ndarray:
        """The (m, 2, 2) input-to-reconstruction segments drawn now."""
        return np.stack([self._inputs, self._outputs], axis=1)

    def curve(self) -> np.ndarray:
        """The curve drawn now, (c, 2); empty when hidden."""
        return self._curve.copy() if self.curve_item.isVisible() else np.empty((0, 2))
