"""The view of factor analysis: FA's loadings beside PCA's, feature by feature, each
feature's noise variance ψ, the factor scores, and the log-likelihood per EM iteration."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.protocol import FactorModel
from engine.reduction.quality import plane
from ui.views import DataFrame2D, View, _scatter_for
from widgets.curves import CurveCanvas
from widgets.grouped_bars import GroupedBarCanvas
from widgets.scatter import ScatterCanvas


def feature_names(frame: DataFrame2D | None, d: int) -> list[str]:
    names = list(frame.dataset.feature_names) if frame is not None else []
    return names if len(names) == d else [f"x{j + 1}" for j in range(d)]


class FactorView(View):
    """Main: FA's and PCA's loadings side by side over ψ. Beside: the factor scores (the data
    until the fit is done) and the log-likelihood."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fa = GroupedBarCanvas()
        self.fa.canvas_name = "FA loadings"
        self.pca = GroupedBarCanvas()
        self.pca.canvas_name = "PCA loadings"
        self.noise = GroupedBarCanvas()
        self.noise.canvas_name = "Noise variances"
        for bars in (self.fa, self.pca, self.noise):
            bars.set_labels("feature", "")
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Factor scores"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Log-likelihood per iteration"
        self.curve.set_labels("EM iteration", "log-likelihood")
        row = QSplitter(Qt.Orientation.Horizontal)
        row.addWidget(self.fa)
        row.addWidget(self.pca)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(row)
        main.addWidget(self.noise)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        self._arrange(main, self.scatter, self.curve)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, frame.dataset.y)
        self.scatter.set_title("the data (factor scores at the end)")
        for bars in (self.fa, self.pca, self.noise):
            bars.clear()
        self.curve.clear()

    def show_snapshot(self, snap: FactorModel) -> None:
        names = feature_names(self.frame, snap.loadings.shape[1])
        k = len(snap.loadings)
        rotated = f", {snap.rotation}" if snap.rotation != "none" else ""
        self.fa.set_groups(names, {f"factor {j + 1}": snap.loadings[j] for j in range(k)},
                           f"FA loadings W (iteration {snap.iteration}{rotated})")
        self.pca.set_groups(names, {f"PC{j + 1}": snap.pca_loadings[j] for j in range(k)},
                            "PCA loadings (component × √λ)")
        self._later(lambda: self._show_side(snap, names))

    def _show_side(self, snap: FactorModel, names: list[str]) -> None:
        noisy = int(np.argmax(snap.noise_variance))
        self.noise.set_groups(names, {"ψ (FA)": snap.noise_variance},
                              f"noise variance per feature: largest {names[noisy]} "
                              f"({snap.noise_variance[noisy]:.3g})")
        self.curve.set_curves({"log-likelihood": snap.trace},
                              x=np.arange(1, snap.trace.size + 1))
        self.curve.set_cursor(snap.trace.size - 1)
        if snap.scores is not None:
            s = snap.scores
            self.scatter.set_points(plane(s), self.frame.dataset.y if self.frame else None)
            self.scatter.set_axis_labels("factor 1", "factor 2" if s.shape[1] >= 2 else "")
            title = "factor scores E[z | x]"
            if snap.quality is not None:
                title += f"<br>map: {snap.quality.short()}"
            self.scatter.set_title(title)
