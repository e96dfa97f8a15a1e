"""The view of the latent-dynamics methods (LDS, GPFA): each trial's latent trajectory beside
the comparison's (PCA for the LDS, the LDS for GPFA), the log-likelihood per EM iteration,
GPFA's timescales, and, on generated data, the planted latents with the found ones mapped
onto them."""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from engine.timeseries.common import LatentTrajectories, r2_text
from ui.views import DataFrame2D, View
from ui.views_embedding import plane
from widgets.bars import BarCanvas
from widgets.curves import CurveCanvas
from widgets.trajectories import TrajectoryCanvas

NAMES = {"lds": "LDS", "gpfa": "GPFA"}


def pair(coords: np.ndarray, i: int, j: int) -> np.ndarray:
    """Columns i and j of the latents (the first two when there are fewer columns)."""
    c = np.asarray(coords, dtype=np.float64)
    return c[:, [i, j]] if c.shape[1] > max(i, j) else plane(c)


class DynamicsView(View):
    """Main: the model's trajectories beside the comparison's. Beside: the log-likelihood,
    the timescales (GPFA), the planted latents (generated data)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.latents = TrajectoryCanvas()
        self.latents.canvas_name = "Latent trajectories"
        self.beside = TrajectoryCanvas()
        self.beside.canvas_name = "Compared trajectories"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Log-likelihood per iteration"
        self.curve.set_labels("EM iteration", "log-likelihood")
        self.timescales = BarCanvas()
        self.timescales.canvas_name = "Timescales"
        self.timescales.set_labels("latent", "timescale τ")
        self.planted = TrajectoryCanvas()
        self.planted.canvas_name = "Planted latents"
        self.planted.set_axis_labels("planted latent 1", "planted latent 2")
        self.pairs = QComboBox()  # which two latents the planes show
        self.pairs.setToolTip("The two latents drawn in both planes (and of the planted ones)")
        self.pairs.currentIndexChanged.connect(self._redraw)
        canvases = QSplitter(Qt.Orientation.Horizontal)
        canvases.addWidget(self.latents)
        canvases.addWidget(self.beside)
        main = QWidget()
        row = QHBoxLayout()
        row.setContentsMargins(6, 2, 0, 0)
        row.addWidget(QLabel("latents shown:"))
        row.addWidget(self.pairs)
        row.addStretch(1)
        column = QVBoxLayout(main)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(canvases)
        self._arrange(main, self.curve, self.timescales, self.planted)
        self.splitter.setSizes([760, 380])
        self.side.setSizes([2, 2, 4])
        self._shown: dict[str, int] = {}  # id of the arrays drawn that rarely change
        self._last: LatentTrajectories | None = None

    def _trials(self) -> tuple[list[np.ndarray] | None, np.ndarray | None]:
        series = self.frame.dataset.series if self.frame is not None else None
        if series is None:
            return None, None
        return series.trials(), series.trial_conditions()

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        for canvas in (self.latents, self.beside, self.planted):
            canvas.clear()
            canvas.set_title(None)
        self.curve.clear()
        self.timescales.clear()
        self._shown = {}
        self._last = None
        self.pairs.blockSignals(True)
        self.pairs.clear()
        self.pairs.blockSignals(False)

    def _pair(self) -> tuple[int, int]:
        return self.pairs.currentData() or (0, 1)

    def _offer_pairs(self, k: int) -> None:
        """Every pair of the k latents in the picker (once: k stays within a run)."""
        if self.pairs.count() == k * (k - 1) // 2 and k > 1:
            return
        self.pairs.blockSignals(True)
        self.pairs.clear()
        for i, j in itertools.combinations(range(k), 2):
            self.pairs.addItem(f"{i + 1} and {j + 1}", (i, j))
        self.pairs.blockSignals(False)
        self.pairs.setEnabled(k > 2)

    def _redraw(self) -> None:
        if self._last is not None:
            self._shown = {}
            self.show_snapshot(self._last)

    def show_snapshot(self, snap: LatentTrajectories) -> None:
        self._last = snap
        self._offer_pairs(snap.coords.shape[1])
        i, j = self._pair()
        trials, conditions = self._trials()
        labels = self.frame.dataset.y if self.frame is not None else None
        xy = pair(snap.coords, i, j)
        self.latents.set_points(xy, labels)
        self.latents.set_paths(xy, trials, conditions)
        self.latents.set_axis_labels(f"latent {i + 1}", f"latent {j + 1}")
        name = NAMES.get(snap.method, snap.method)
        self.latents.set_title(f"{name}, iteration {snap.iteration}")
        self._later(lambda: self._show_side(snap, trials, conditions, labels))

    def _changed(self, key: str, array) -> bool:
        """Whether this array is not the one drawn last under `key` (then remember it)."""
        if self._shown.get(key) == id(array):
            return False
        self._shown[key] = id(array)
        return True

    def _show_side(self, snap: LatentTrajectories, trials, conditions, labels) -> None:
        i, j = self._pair()
        if self._changed("beside", snap.beside):
            xy = pair(snap.beside, i, j)
            self.beside.set_points(xy, labels)
            self.beside.set_paths(xy, trials, conditions)
            self.beside.set_axis_labels(f"{snap.beside_name} {i + 1}",
                                        f"{snap.beside_name} {j + 1}")
            what = "of each bin" if snap.beside_name == "PCA" else "smoothed latents"
            self.beside.set_title(f"{snap.beside_name} {what}")
            self.beside.canvas_name = f"{snap.beside_name} trajectories"
        self.curve.set_curves({"log-likelihood": snap.trace}, x=snap.trace_at)
        self.curve.set_cursor(snap.trace.size - 1)
        self.timescales.setVisible(snap.timescales is not None)
        if snap.timescales is not None:
            self.timescales.set_bars(snap.timescales, None, "τ: " + ", ".join(
                f"{t:.3g}" for t in snap.timescales))
        self._show_planted(snap, trials, conditions, labels)

    def _show_planted(self, snap: LatentTrajectories, trials, conditions, labels) -> None:
        shown = snap.planted is not None and snap.recovered is not None
        self.planted.setVisible(shown)
        if not shown:
            return
        i, j = self._pair()
        if self._changed("planted", snap.planted):
            self.planted.set_paths(pair(snap.planted, i, j), trials, conditions)
            self.planted.set_axis_labels(f"planted latent {i + 1}", f"planted latent {j + 1}")
        self.planted.set_points(pair(snap.recovered, i, j), labels)
        name = NAMES.get(snap.method, snap.method)
        self.planted.set_title(f"lines planted, dots {name}<br>R² "
                               f"{r2_text(snap.recovery_r2)}<br>{snap.beside_name}: "
                               f"{r2_text(snap.beside_r2)}")
