"""The view of a mixture of experts (linear or logistic): the experts' lines or boundaries on
the scatter, the gate over the inputs, the log-likelihood per M step, and the scores."""

from __future__ import annotations

import numpy as np

from engine.clustering.experts import clip_line, design, drawn_line, gate_region, gates
from engine.data import Dataset
from engine.protocol import Experts
from ui.scores import ScoresPane
from ui.views import DataFrame2D, View
from widgets.curves import CurveCanvas
from widgets.experts import ExpertsCanvas, GatingCanvas

GRID_1D = 400  # points of each gate curve
GRID_2D = 160  # cells per side of the gate map


def _box(xy: np.ndarray) -> tuple[float, float, float, float]:
    """The points' box, padded by 5 % (at least 0.5 where a side is flat)."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    pad = np.maximum(0.05 * (high - low), 0.5 * (high == low))
    return (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])


def expert_segments(snap: Experts, box) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
    """Per expert its line (linear) or boundary (logistic) in the plane of the data's two
    columns: clipped to the box, and to where its gate is the largest."""
    return [(clip_line(drawn_line(snap.kind, c), box),
             clip_line(drawn_line(snap.kind, c), box, gate_region(snap.kind, snap.gating, i)))
            for i, c in enumerate(snap.coefficients)]


class ExpertsView(View):
    """Scatter with the experts' lines, the gate beside, the likelihood curve, the scores."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ExpertsCanvas()
        self.gate = GatingCanvas()
        self.gate.canvas_name = "Gate π(x)"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Log-likelihood per M step"
        self.curve.set_labels("M step", "log-likelihood")
        self.scores = ScoresPane(self)
        self._arrange(self.scatter, self.gate, self.curve, self.scores.canvas)
        self._plane = False  # the scatter shows the data's own two columns
        self._unlabelled: Dataset | None = None
        self._kind = ""

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        ds = frame.dataset
        self._plane = ds.d == 2
        if self._plane:
            self.scatter.set_points(ds.X, None)
            self.scatter.set_axis_labels(*ds.feature_names)
        else:
            self.scatter.set_points(frame.xy, None)
            self.scatter.set_axis_labels(*frame.axis_labels)
        self.scatter.set_ellipses(None, None)
        self.scatter.set_expert_lines([])
        self.scatter.set_marked(None)
        self.scatter.set_title(None)
        self.gate.clear()
        self.curve.clear()
        # Logistic experts predict the labels: scoring clusters against them would mislead.
        self._unlabelled = Dataset(name=ds.name, X=ds.X, source=ds.source)
        self._kind = ""
        self.scores.show_labels(None, None)

    def _inputs(self, snap: Experts) -> np.ndarray:
        X = self.frame.dataset.X
        return X[:, :-1] if snap.kind == "linear" else X

    def show_snapshot(self, snap: Experts) -> None:
        ds = self.frame.dataset
        if snap.kind != self._kind:
            self._kind = snap.kind
            marked = None
            if snap.kind == "logistic" and ds.y is not None:
                xy = ds.X if self._plane else self.frame.xy
                marked = xy[ds.y == ds.y.max()]
            self.scatter.set_marked(marked)
        self.scatter.set_responsibilities(snap.responsibilities)
        if self._plane:
            self.scatter.set_expert_lines(expert_segments(snap, _box(ds.X)))
            what = "lines" if snap.kind == "linear" else "boundaries (+: class 1)"
            self.scatter.set_title(f"{snap.k} experts' {what}; thick where each is in charge")
        else:
            self.scatter.set_expert_lines([])
            self.scatter.set_title("lines are drawn for data of two columns")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Experts) -> None:
        self._show_gate(snap)
        self.curve.set_curves({snap.objective_name: snap.trace})
        self.curve.set_cursor(len(snap.trace) - 1 if len(snap.trace) else None)
        scored = self.frame.dataset if snap.kind == "linear" else self._unlabelled
        self.scores.show_labels(scored, snap.labels)

    def _show_gate(self, snap: Experts) -> None:
        inputs = self._inputs(snap)
        names = self.frame.dataset.feature_names
        if inputs.shape[1] == 1:
            x = np.linspace(*_box(np.column_stack([inputs, inputs]))[:2], GRID_1D)
            self.gate.set_points(None)
            self.gate.set_curves(x, gates(design(x), snap.gating))
            self.gate.set_labels(names[0], "π_i(x)")
            self.gate.set_title("gate π_i(x): which expert is in charge")
        elif inputs.shape[1] == 2:
            box = _box(inputs)
            gx, gy = np.meshgrid(np.linspace(box[0], box[1], GRID_2D),
                                 np.linspace(box[2], box[3], GRID_2D))
            grid = np.column_stack([gx.ravel(), gy.ravel()])
            pis = gates(design(grid), snap.gating).reshape(GRID_2D, GRID_2D, -1)
            self.gate.set_map(pis, box)
            y = self.frame.dataset.y
            marked = (y == y.max()) if snap.kind == "logistic" and y is not None else None
            self.gate.set_points(inputs, marked)
            self.gate.set_labels(names[0], names[1])
            self.gate.set_title("gate: each expert's colour where it is in charge")
        else:
            self.gate.clear()
            self.gate.set_title(f"the gate is drawn for one or two inputs "
                                f"(here {inputs.shape[1]})")

    def pending(self) -> bool:
        return super().pending() or self.scores.busy()
