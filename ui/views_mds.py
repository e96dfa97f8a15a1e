"""MDS's view: the embedding view with, beside it, the Shepard diagram and the eigenvalues of
B = −½ H D² H (negative ones highlighted), in place of the data's graph (MDS builds none)."""

from __future__ import annotations

import numpy as np

from engine.protocol import Scaling
from ui.views import DataFrame2D
from ui.views_embedding import EmbeddingView
from widgets.scaling import EigenBarCanvas, ShepardCanvas


def eigen_title(snap: Scaling) -> str:
    neg = int(np.count_nonzero(snap.eigenvalues < 0)) if snap.negative_share > 0 else 0
    if not neg:
        return "no negative eigenvalue: D is Euclidean"
    return f"{neg} negative ({snap.negative_share:.1%} of Σ|λ|): D is not Euclidean"


def shepard_title(snap: Scaling) -> str:
    fit = "disparities d̂ (monotone fit)" if snap.shepard_disparities is not None else "y = x"
    return f"{snap.shepard_input.size:,} pairs; line: {fit}"


class ScalingView(EmbeddingView):
    """Main: the embedding. Beside: stress per iteration, the Shepard diagram, B's
    eigenvalues and the quality measures."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.shepard = ShepardCanvas()
        self.eigenvalues = EigenBarCanvas()
        self.side.insertWidget(2, self.shepard)
        self.side.insertWidget(3, self.eigenvalues)
        self.data.setVisible(False)
        self.curve.canvas_name = "Stress per iteration"
        self.side.setSizes([0, 2, 3, 3, 2])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.shepard.clear()
        self.eigenvalues.clear()

    def _show_side(self, snap: Scaling) -> None:
        super()._show_side(snap)
        self.shepard.set_pairs(snap.shepard_input, snap.shepard_output,
                               snap.shepard_disparities, shepard_title(snap))
        self.eigenvalues.set_eigenvalues(snap.eigenvalues, eigen_title(snap))
