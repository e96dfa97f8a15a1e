"""The semi-supervised view: the method's classes and decision map, beside the same model
trained on the labelled points alone, and both accuracies on the unlabelled rest per step.

Click to label: in Pan mode a left click on a point of the main picture labels it (its true
class, on data with labels) or takes its label away; on data without labels each click gives
the point the next class, then none. The clicked set goes to the window as the `labelled`
parameter (`picked`), and the next run uses exactly it, instead of the random choice. The
view is shown as soon as a semi-supervised method is chosen (`before_run`), so that points
can be labelled before any run.

Data of two features is drawn on its own axes, with the maps; data of more (digits) through
the window's 2-D view of it, without a map: a map in a plane of a 64-D space would not be
the classifier's.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal

from engine.semisup.common import SemiSupervised
from ui.views import DataFrame2D, View
from widgets.curves import CurveCanvas
from widgets.selection import PAN
from widgets.semisup import LabelCanvas

CLICK_CLASSES = 3  # classes a click cycles through on data without labels
# The accuracy plot's axis, short enough for a side plot a third of the window high (the
# canvas's name says it in full); a longer one was cut in presentation mode at 1024 × 768.
ACCURACY_AXIS = "accuracy, unlabelled"
PICK_PX = 8.0  # a click this close to a point (beyond its radius) labels it
NAMES = {"pseudo-label": "pseudo-labelling", "entmin": "entropy minimisation",
         "label-propagation": "label propagation", "mean-teacher": "mean teacher"}


class SemiSupervisedView(View):
    """Main: the method's picture (click to label). Beside: labels alone, the accuracies."""

    picked = Signal(str, object)  # ("labelled", ((row, class), ...)) after a click
    before_run = True  # shown when the method is chosen: points can be clicked before a run

    def __init__(self, parent=None):
        super().__init__(parent)
        self.canvas = LabelCanvas()
        self.canvas.canvas_name = "Method"
        self.baseline = LabelCanvas()
        self.baseline.canvas_name = "Labelled points alone"
        self.curves = CurveCanvas()
        self.curves.canvas_name = "Accuracy on the unlabelled rest"
        self.curves.set_labels("step", ACCURACY_AXIS)
        self._arrange(self.canvas, self.baseline, self.curves)
        self.side.setSizes([1, 1])
        self.xy = np.empty((0, 2))
        self.clicked: dict[int, int] = {}  # row → class, the user's labels
        self._snapshot: SemiSupervised | None = None
        self._titles: dict[int, str] = {}
        self.canvas.plot_widget.scene().sigMouseClicked.connect(self._on_click)

    # ---- the data

    def set_frame(self, frame: DataFrame2D) -> None:
        same = self.frame is not None and self.frame.dataset is frame.dataset
        super().set_frame(frame)
        dataset = frame.dataset
        if dataset.d == 2:
            self.xy, names = dataset.X, dataset.feature_names
        else:
            self.xy, names = frame.xy, frame.axis_labels
        for canvas in (self.canvas, self.baseline):
            canvas.clear()
            canvas.set_points(self.xy, None)
            canvas.set_axis_labels(*names)
        self.curves.clear()
        self._snapshot = None
        if not same and self.clicked:
            self.clicked = {}
            self.picked.emit("labelled", ())
        self._show_clicked()

    def _show_clicked(self) -> None:
        """Before a run: the points unlabelled (grey), the clicked ones as labelled discs."""
        rows = np.array(sorted(self.clicked), np.int64)
        classes = np.array([self.clicked[r] for r in rows], np.int64)
        self.canvas.set_labelled(self.xy[rows] if len(rows) else None, classes)
        self._title(self.canvas, self._idle_title())
        self._title(self.baseline, "the same model on the labelled points alone: after a run")

    def _idle_title(self) -> str:
        count = len(self.clicked)
        if count:
            return (f"{count} point{'s' if count != 1 else ''} labelled by clicking: Run "
                    "uses exactly these")
        return "click points to label them, or Run with labels chosen at random"

    # ---- a step

    def show_snapshot(self, snap: SemiSupervised) -> None:
        self._snapshot = snap
        if self.clicked and not snap.clicked:
            self.clicked = {}  # a run of random labels: clicks start again from its set
        self.canvas.set_labels(snap.predictions)
        self._set_map(self.canvas, snap.map, snap)
        self.canvas.set_labelled(self.xy[snap.labelled], snap.labelled_classes)
        self.canvas.set_added(None if snap.added is None else self.xy[snap.added])
        self.canvas.set_edges(None if snap.edges is None else self.xy[snap.edges])
        self._title(self.canvas, main_title(snap, self.frame))
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: SemiSupervised) -> None:
        self.baseline.set_labels(snap.baseline)
        self._set_map(self.baseline, snap.baseline_map, snap)
        self.baseline.set_labelled(self.xy[snap.labelled], snap.labelled_classes)
        self._title(self.baseline, baseline_title(snap))
        name = NAMES.get(snap.method, snap.method)
        curves = {("teacher" if snap.student_trace is not None else name): snap.trace}
        if snap.student_trace is not None:
            curves["student"] = snap.student_trace
        curves[baseline_name(snap)] = snap.baseline_trace
        self.curves.set_labels(snap.step_name, ACCURACY_AXIS)
        self.curves.set_curves(curves, x=snap.trace_x)
        self.curves.set_cursor(len(snap.trace_x) - 1)

    @staticmethod
    def _set_map(canvas: LabelCanvas, decision, snap: SemiSupervised) -> None:
        if decision is None:
            canvas.set_map(None)
        else:
            canvas.set_map(decision.classes, decision.confidence, snap.n_classes, snap.box)

    def _title(self, canvas: LabelCanvas, text: str) -> None:
        """Set a title only when it changes: a new title lays the plot out again."""
        if self._titles.get(id(canvas)) != text:
            self._titles[id(canvas)] = text
            canvas.set_title(text)

    # ---- click to label

    def _on_click(self, event) -> None:
        # In Lasso or Rectangle mode a click selects; the discs' own item may have accepted
        # the click (pyqtgraph's scatter takes clicks on its spots), so the mode decides.
        if (event.button() != Qt.MouseButton.LeftButton or self.frame is None
                or self.canvas.selection.mode() != PAN):
            return
        view_box = self.canvas.plot_item.getViewBox()
        if not view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        p = view_box.mapSceneToView(event.scenePos())
        row = self.point_at(p.x(), p.y())
        if row is not None:
            event.accept()
            self.toggle(row)

    def point_at(self, x: float, y: float) -> int | None:
        """The data row drawn under (x, y) in the main picture, or None."""
        if not len(self.xy):
            return None
        px, py = self.canvas.plot_item.getViewBox().viewPixelSize()
        d2 = ((self.xy[:, 0] - x) / px) ** 2 + ((self.xy[:, 1] - y) / py) ** 2
        row = int(np.argmin(d2))
        reach = max(self.canvas.marker_size(), 15.0) / 2.0 + PICK_PX
        return row if d2[row] <= reach**2 else None

    def toggle(self, row: int) -> None:
        """Label a point or take its label away (on data without labels: the next class)."""
        if not self.clicked and self._snapshot is not None:  # start from the labels shown
            snap = self._snapshot
            self.clicked = dict(zip(snap.labelled.tolist(), snap.labelled_classes.tolist(),
                                    strict=True))
        y = self.frame.dataset.y
        if y is not None:
            if row in self.clicked:
                del self.clicked[row]
            else:
                self.clicked[row] = int(y[row])
        else:
            after = self.clicked.get(row, -1) + 1
            if after >= CLICK_CLASSES:
                self.clicked.pop(row, None)
            else:
                self.clicked[row] = after
        self._show_clicked()
        self.picked.emit("labelled", tuple(sorted(self.clicked.items())))


def main_title(snap: SemiSupervised, frame: DataFrame2D | None) -> str:
    """What the main picture shows: the method, its accuracy, and what the map is."""
    name = NAMES.get(snap.method, snap.method)
    who = "teacher" if snap.student_trace is not None else name
    score = (f"{snap.accuracy:.1%} right on the unlabelled rest" if np.isfinite(snap.accuracy)
             else "no true labels to score against")
    how = "clicked" if snap.clicked else "random"
    lines = [f"{who}: {score}",
             f"{len(snap.labelled)} {how} labels (large discs)"]
    if snap.pseudo is not None:
        lines[-1] += f", {len(snap.pseudo)} pseudo-labels (new ones ringed)"
    if snap.map is None and frame is not None:
        lines.append(f"{frame.axis_labels[0]} × {frame.axis_labels[1]} view; no map in "
                     f"{frame.dataset.d}-D")
    return "<br>".join(lines)


def baseline_name(snap: SemiSupervised) -> str:
    """What the baseline is: the same model on the labels alone (for label spreading, whose
    model is the graph, the nearest labelled point)."""
    return ("nearest labelled point" if snap.method == "label-propagation"
            else "labelled points alone")


def baseline_title(snap: SemiSupervised) -> str:
    score = (f"{snap.baseline_accuracy:.1%}" if np.isfinite(snap.baseline_accuracy)
             else "not scored")
    return f"{baseline_name(snap)}: {score}"
