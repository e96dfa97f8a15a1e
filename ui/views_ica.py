"""The view of ICA: the mixtures, the true sources, ICA's and PCA's sources as signals one
above the other (matched in order, sign and colour); the data with ICA's source directions
and PCA's axes; the recovered sources' scatter; the Amari index per step; a table."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.protocol import Separation
from ui.views import DataFrame2D, View, _scatter_for
from ui.views_embedding import plane
from widgets.arrows import ArrowScatterCanvas
from widgets.curves import CurveCanvas
from widgets.scatter import ScatterCanvas
from widgets.signals import SignalCanvas
from widgets.table import TableCanvas

ARROW_LENGTH = 2.0  # a source direction is drawn as 2 standard deviations of that source


def _named(prefix: str, k: int) -> list[str]:
    return [f"{prefix} {j + 1}" for j in range(k)]


def _with_r(names: list[str], r: np.ndarray) -> list[str]:
    return [f"{n} (|r| {r[j]:.2f})" if j < len(r) and np.isfinite(r[j]) else n
            for j, n in enumerate(names)]


def direction_arrows(frame: DataFrame2D, mean: np.ndarray, columns: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(start, ends (k, 2)): each column of a mixing matrix as an arrow from the mean, in
    the view's coordinates."""
    start = frame.project(mean[None, :])[0]
    tips = frame.project(mean + ARROW_LENGTH * np.asarray(columns).T)
    return start, tips


class SeparationView(View):
    """Main: four stacks of signals. Beside: the data with the directions, the sources'
    scatter, the Amari index (or convergence) per step, the table of scores."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mixtures = SignalCanvas()
        self.mixtures.canvas_name = "Mixtures"
        self.truth = SignalCanvas()
        self.truth.canvas_name = "True sources"
        self.ica = SignalCanvas()
        self.ica.canvas_name = "ICA sources"
        self.pca = SignalCanvas()
        self.pca.canvas_name = "PCA sources"
        main = QSplitter(Qt.Orientation.Vertical)
        for canvas in (self.mixtures, self.truth, self.ica, self.pca):
            main.addWidget(canvas)
            if canvas is not self.pca:  # the last, always shown, names the time axis
                canvas.leave_time_name()
        self.data = ArrowScatterCanvas()
        self.data.canvas_name = "Data and directions"
        self.sources = ScatterCanvas()
        self.sources.canvas_name = "Sources scatter"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Separation per step"
        self.table = TableCanvas()
        self.table.canvas_name = "Separation scores"
        self._arrange(main, self.data, self.sources, self.curve, self.table)
        self.side.setSizes([3, 2, 2, 2])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        X = frame.dataset.X
        self.mixtures.set_signals(X, list(frame.dataset.feature_names),
                                  "the data: one trace per feature (microphone)")
        for canvas in (self.truth, self.ica, self.pca):
            canvas.set_signals(None)
        _scatter_for(frame, self.data, frame.dataset.y)
        self.data.set_arrows(None)
        self.sources.set_points(np.zeros((frame.dataset.n, 2)), frame.dataset.y)
        self.curve.clear()
        self.table.clear("Separation: at the end of the run")

    def show_snapshot(self, snap: Separation) -> None:
        k = snap.coords.shape[1]
        names = list(snap.source_names) or _named("source", k)
        label = "FastICA" if snap.method == "fastica" else "Infomax"
        amari = f", Amari index {snap.amari:.3f}" if np.isfinite(snap.amari) else ""
        self.ica.set_signals(snap.coords, _with_r(_named("ICA", k), snap.correlations),
                             f"{label} ({snap.contrast}), step {snap.iteration}{amari}")
        self.sources.set_points(plane(snap.coords), self.frame.dataset.y)
        self.sources.set_axis_labels(*snap.axis_names)
        self.sources.set_title(f"{label}'s sources (first two)")
        self._later(lambda: self._show_side(snap, names))

    def _show_side(self, snap: Separation, names: list[str]) -> None:
        k = snap.coords.shape[1]
        known = snap.true_sources is not None
        self.truth.setVisible(known)
        if known:
            self.truth.set_signals(snap.true_sources, names, "the true sources")
        pca_amari = (f", Amari index {snap.pca_amari:.3f}" if np.isfinite(snap.pca_amari)
                     else "")
        self.pca.set_signals(snap.pca_sources, _with_r(_named("PC", k), snap.pca_correlations),
                             f"PCA (whitened): uncorrelated, not independent{pca_amari}")
        self._show_directions(snap)
        self._show_trace(snap)
        self._show_table(snap, names)

    def _show_directions(self, snap: Separation) -> None:
        frame = self.frame
        start, ica_tips = direction_arrows(frame, snap.mean, snap.mixing)
        _, pca_tips = direction_arrows(frame, snap.mean, np.linalg.pinv(snap.pca_unmixing))
        k = len(ica_tips)
        ends = np.vstack([pca_tips, ica_tips])
        labels = _named("PC", len(pca_tips)) + _named("ICA", k)
        accent = np.r_[np.zeros(len(pca_tips), bool), np.ones(k, bool)]
        self.data.set_arrows(start, ends, labels, accent)
        where = "" if frame.exact else ", projected"
        self.data.set_title(f"directions: ICA (accent), PCA{where}")

    def _show_trace(self, snap: Separation) -> None:
        if not snap.trace.size:
            self.curve.clear()
            return
        name = snap.objective_name
        self.curve.set_curves({name: snap.trace}, x=snap.trace_at)
        self.curve.set_cursor(snap.trace.size - 1)
        self.curve.set_labels("step", name)
        if np.isfinite(snap.pca_amari) and name == "Amari index":
            self.curve.set_title(f"Amari index (0: perfect), PCA's {snap.pca_amari:.3f}")
        else:
            self.curve.set_title(name)

    def _show_table(self, snap: Separation, names: list[str]) -> None:
        rows = [("Amari index", _num(snap.amari), _num(snap.pca_amari))]
        for j, name in enumerate(names):
            ica = snap.correlations[j] if j < snap.correlations.size else np.nan
            pca = snap.pca_correlations[j] if j < snap.pca_correlations.size else np.nan
            rows.append((f"|r| with {name}", _num(ica), _num(pca)))
        label = "FastICA" if snap.method == "fastica" else "Infomax"
        title = ("Separation against the true sources" if snap.true_sources is not None
                 else "The true sources are unknown for this data")
        self.table.set_table(title, ["measure", label, "PCA"], rows)


def _num(value: float) -> str:
    return f"{value:.3f}" if np.isfinite(value) else "–"
