"""The view of adaptive PCA: the data with the vector turning towards its principal axis (an
arrow; the true axis drawn as a line), the components found so far, the angle to the true
eigenvector and the variance captured per step, and the components against eigh's."""

from __future__ import annotations

import numpy as np

from engine.protocol import AdaptivePCA
from engine.reduction.adaptive_pca import angle
from ui.views import DataFrame2D, View, _scatter_for
from widgets.arrows import ArrowScatterCanvas
from widgets.curves import CurveCanvas
from widgets.table import TableCanvas

REACH = 1.5  # arrows reach this many standard deviations along their axis


def per_component(values: np.ndarray, which: np.ndarray, q: int) -> dict[str, np.ndarray]:
    """One series per component over the shared steps, NaN where another component ran."""
    return {f"PC{k + 1}": np.where(which == k, values, np.nan) for k in range(q)}


class AdaptivePCAView(View):
    """Main: the data with the arrows. Beside: the angle, the variance, the table."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ArrowScatterCanvas()
        self.scatter.canvas_name = "Data and the vector"
        self.angle = CurveCanvas()
        self.angle.canvas_name = "Angle to the eigenvector"
        self.angle.set_labels("step", "angle (degrees)")
        self.variance = CurveCanvas()
        self.variance.canvas_name = "Variance captured"
        self.variance.set_labels("step", "wᵀSw")
        self.table = TableCanvas()
        self.table.canvas_name = "Components"
        self._arrange(self.scatter, self.angle, self.variance, self.table)
        self.side.setSizes([3, 3, 2])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, frame.dataset.y)
        self.scatter.set_arrows(None)
        self.scatter.set_segments(None)
        self.scatter.set_title(None)
        self.angle.clear()
        self.variance.clear()
        self.table.clear("Components: as they are found")

    def show_snapshot(self, snap: AdaptivePCA) -> None:
        self._show_arrows(snap)
        self._later(lambda: self._show_side(snap))

    def _to_data(self, snap: AdaptivePCA, w: np.ndarray, k: int) -> np.ndarray:
        """The arrow's tip for direction w (k-th axis's length) in the scatter's 2-D view."""
        length = REACH * np.sqrt(max(float(snap.true_values[min(k, len(snap.true_values) - 1)]),
                                     0.0))
        return self.frame.project(np.atleast_2d(snap.mean + snap.scale * length * w))[0]

    def _show_arrows(self, snap: AdaptivePCA) -> None:
        if self.frame is None:
            return
        origin = self.frame.project(np.atleast_2d(snap.mean))[0]
        k = snap.component
        done = len(snap.found)
        finished = [self._to_data(snap, w, i) for i, w in enumerate(snap.found)]
        labels = [f"PC{i + 1}" for i in range(done)]
        accent = [False] * done
        if snap.phase != "done" and k >= done:  # a vector still turning
            finished.append(self._to_data(snap, snap.vector, k))
            labels.append("w")
            accent.append(True)
        self.scatter.set_arrows(origin, np.array(finished).reshape(-1, 2), labels,
                                np.array(accent))
        truth = snap.true_components[min(k, len(snap.true_components) - 1)]
        tip = self._to_data(snap, truth, k)
        back = self._to_data(snap, -truth, k)
        self.scatter.set_segments(np.array([[back, tip]]))
        where = "" if self.frame.exact else " (through the 2-D view)"
        if snap.phase == "done":
            self.scatter.set_title(f"{done} components found{where}")
        else:
            self.scatter.set_title(f"w for PC{k + 1}: {angle(snap.vector, truth):.2f}° from "
                                   f"the axis (line){where}")

    def _show_side(self, snap: AdaptivePCA) -> None:
        q = len(snap.true_values)
        at, which = snap.trace_at, snap.trace_component
        x_name = "epoch" if snap.method.startswith("Oja") else "multiplication"
        self.angle.set_curves(per_component(snap.angles, which, q), x=at)
        self.angle.set_labels(x_name, "angle (degrees)")
        self.angle.set_cursor(at.size - 1 if at.size else None)
        share = snap.rayleigh / snap.total_variance if snap.total_variance > 0 else snap.rayleigh
        self.variance.set_curves(per_component(100 * share, which, q), x=at)
        self.variance.set_labels(x_name, "wᵀSw, % of the variance")
        self.variance.set_cursor(at.size - 1 if at.size else None)
        if snap.angles.size:
            self.angle.set_title(f"now {snap.angles[-1]:.2f}°")
        rows = [(f"PC{i + 1}", float(snap.found_values[i]), float(snap.true_values[i]),
                 angle(w, snap.true_components[i])) for i, w in enumerate(snap.found)]
        self.table.set_table(f"{len(rows)} of {q} components found by {snap.method}",
                             ["component", "variance wᵀSw", "eigh's λ", "angle (°)"], rows)
