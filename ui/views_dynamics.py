"""The view of the latent-dynamics methods (LDS, GPFA): each trial's latent trajectory beside
the comparison's (PCA for the LDS, the LDS for GPFA), the log-likelihood per EM iteration,
GPFA's timescales, and, on generated data, the planted latents with the found ones mapped
onto them."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.timeseries.common import LatentTrajectories, r2_text
from ui.views import DataFrame2D, View
from ui.views_embedding import plane
from widgets.bars import BarCanvas
from widgets.curves import CurveCanvas
from widgets.trajectories import TrajectoryCanvas

NAMES = {"lds": "LDS", "gpfa": "GPFA"}


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
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(self.latents)
        main.addWidget(self.beside)
        self._arrange(main, self.curve, self.timescales, self.planted)
        self.splitter.setSizes([760, 380])
        self.side.setSizes([2, 2, 4])
        self._shown: dict[str, int] = {}  # id of the arrays drawn that rarely change

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

    def show_snapshot(self, snap: LatentTrajectories) -> None:
        trials, conditions = self._trials()
        labels = self.frame.dataset.y if self.frame is not None else None
        xy = plane(snap.coords)
        self.latents.set_points(xy, labels)
        self.latents.set_paths(xy, trials, conditions)
        self.latents.set_axis_labels(*snap.axis_names)
        name = NAMES.get(snap.method, snap.method)
        self.latents.set_title(f"{name} latents, iteration {snap.iteration}")
        self._later(lambda: self._show_side(snap, trials, conditions, labels))

    def _changed(self, key: str, array) -> bool:
        """Whether this array is not the one drawn last under `key` (then remember it)."""
        if self._shown.get(key) == id(array):
            return False
        self._shown[key] = id(array)
        return True

    def _show_side(self, snap: LatentTrajectories, trials, conditions, labels) -> None:
        if self._changed("beside", snap.beside):
            xy = plane(snap.beside)
            self.beside.set_points(xy, labels)
            self.beside.set_paths(xy, trials, conditions)
            self.beside.set_axis_labels(f"{snap.beside_name} 1", f"{snap.beside_name} 2")
            what = ("projection of each bin" if snap.beside_name == "PCA"
                    else "smoothed latents")
            self.beside.set_title(f"{snap.beside_name}: {what}")
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
        if self._changed("planted", snap.planted):
            self.planted.set_paths(plane(snap.planted), trials, conditions)
        self.planted.set_points(plane(snap.recovered), labels)
        name = NAMES.get(snap.method, snap.method)
        self.planted.set_title(f"planted (lines), {name} (dots)<br>R² "
                               f"{r2_text(snap.recovery_r2)}<br>{snap.beside_name}: "
                               f"{r2_text(snap.beside_r2)}")
