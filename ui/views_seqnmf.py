"""seqNMF's view: the factors, their loadings, the raster and its reconstruction in one
picture; the cost per iteration; how well each planted motif was found (generated raster)."""

from __future__ import annotations

import numpy as np

from engine.timeseries.seqnmf import Sequences
from ui.views import View
from widgets.bars import BarCanvas
from widgets.curves import CurveCanvas
from widgets.sequence_raster import SequenceCanvas

COST = "‖X − X̂‖²"
PENALTY = "x-ortho penalty"


class SequencesView(View):
    """Main: W, H, X and X̂. Beside: the cost per iteration and the planted motifs' match."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sequences = SequenceCanvas()
        self.sequences.canvas_name = "Factors and raster"
        self.cost = CurveCanvas()
        self.cost.canvas_name = "Cost per iteration"
        self.cost.set_labels("iteration", COST)
        self.cost.set_log_y(True)
        self.matches = BarCanvas()
        self.matches.canvas_name = "Planted motifs found"
        self.matches.set_labels("planted motif", "correlation with its factor")
        self._arrange(self.sequences, self.cost, self.matches)
        self.splitter.setSizes([720, 360])
        self.matches.setVisible(False)

    def set_frame(self, frame) -> None:
        super().set_frame(frame)
        self._X = frame.dataset.X.T  # one object per data set: the canvas reorders it once

    def show_snapshot(self, snap: Sequences) -> None:
        X = self._X
        self.sequences.set_sequences(X, snap.reconstruction, snap.factors, snap.loadings,
                                     snap.times, snap.neuron_order)
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Sequences) -> None:
        curves = {COST: snap.cost}
        if snap.lam > 0:
            curves[PENALTY] = np.maximum(snap.penalty, 1e-12)  # a log axis: no zeros
        self.cost.set_curves(curves)
        self.cost.set_cursor(len(snap.cost) - 1)
        self.cost.set_title(f"{snap.explained:.0%} of ‖X‖² explained")
        found = snap.match_correlation is not None
        self.matches.setVisible(found)
        if found:
            pairs = ", ".join(f"{m + 1}→{f + 1}" for m, f in enumerate(snap.matched))
            self.matches.set_bars(snap.match_correlation, None,
                                  f"motif → factor: {pairs}")
