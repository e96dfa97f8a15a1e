"""Dictionary learning's view: the atoms as they are learnt, the objective per mini-batch,
the three coders' error against the number of non-zeros, and one held-out row coded by OMP
with 1, 2, … atoms (above: the rebuilt row; below: the atom each step added)."""

from __future__ import annotations

import numpy as np

from engine.protocol import SparseCoding
from ui.views import DataFrame2D, View
from ui.views_nmf import grid_rows
from widgets.component_bars import ComponentBars
from widgets.curves import CurveCanvas
from widgets.images import ImageStrip
from widgets.xy_curves import XYCurves

CODERS = ("thresholding", "OMP", "lasso")


def added_atoms(codes: np.ndarray) -> list[int]:
    """The atom each level adds to the one before (OMP's supports are nested); the largest
    new weight when more than one appears, −1 when none does."""
    added, before = [], np.zeros(codes.shape[1], bool)
    for row in codes:
        now = row != 0
        new = np.flatnonzero(now & ~before)
        added.append(int(new[np.argmax(np.abs(row[new]))]) if new.size else -1)
        before = now
    return added


class SparseCodingView(View):
    """Main: the atoms. Beside: the objective, the error curves, one row coded."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.atoms = ImageStrip()
        self.atoms.canvas_name = "Atoms"
        self.bars = ComponentBars()
        self.bars.canvas_name = "Atoms"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Objective per mini-batch"
        self.curve.set_labels("mini-batch", "½‖x − aD‖² + α‖a‖₁")
        self.errors = XYCurves()
        self.errors.canvas_name = "Error against non-zeros"
        self.errors.set_labels("non-zeros per code", "relative error ‖x − x̂‖² / ‖x‖²")
        self.errors.set_log_y(True)
        self.example = ImageStrip()
        self.example.canvas_name = "One row coded"
        self.splitter.addWidget(self.atoms)
        self.splitter.addWidget(self.bars)
        for w in (self.curve, self.errors, self.example):
            self.side.addWidget(w)
        self.splitter.addWidget(self.side)
        self.splitter.setSizes([480, 0, 560])
        self.side.setSizes([200, 300, 300])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        images = frame.dataset.image_shape is not None
        self.atoms.setVisible(images)
        self.example.setVisible(images)
        self.bars.setVisible(not images)
        self.atoms.clear()
        self.example.clear()
        self.curve.clear()
        self.errors.clear()

    def show_snapshot(self, snap: SparseCoding) -> None:
        titles = [str(j + 1) for j in range(snap.k)]
        if snap.image_shape is not None:
            self.atoms.set_images(snap.atoms.reshape(-1, *snap.image_shape), titles,
                                  rows=grid_rows(snap.k))
        else:
            self.bars.set_components(snap.atoms, list(self.frame.dataset.feature_names),
                                     [f"atom {t}" for t in titles])
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: SparseCoding) -> None:
        self.curve.set_curves({"objective": snap.trace}, x=snap.trace_at)
        self.curve.set_cursor(snap.trace.size - 1)
        if snap.phase != "done":
            self.errors.clear()
            self.errors.set_title("Error against non-zeros: at the end of the learning")
            self.example.clear()
            return
        self.errors.set_xy_curves(self.error_curves(snap))
        self.errors.set_title(f"{len(snap.test_rows)} held-out rows")
        if snap.image_shape is not None and snap.example_codes is not None:
            self._show_example(snap)

    @staticmethod
    def error_curves(snap: SparseCoding) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return {f"thresholding ({snap.thresholding})": (snap.levels, snap.threshold_error),
                "OMP": (snap.levels, snap.omp_error),
                "lasso": (snap.lasso_nonzeros, snap.lasso_error)}

    def _show_example(self, snap: SparseCoding) -> None:
        x = (self.frame.dataset.X[snap.example_row] - snap.mean) / snap.scale
        codes = snap.example_codes
        rebuilt = codes @ snap.atoms
        added = added_atoms(codes)
        blank = np.zeros_like(x)
        atoms = [snap.atoms[j] if j >= 0 else blank for j in added]
        images = np.vstack([x, *rebuilt, blank, *atoms]).reshape(-1, *snap.image_shape)
        titles = (["row"] + [f"s = {s}" for s in snap.levels]
                  + [""] + [f"+{j + 1}" if j >= 0 else "" for j in added])
        self.example.set_images(images, titles, rows=2)
