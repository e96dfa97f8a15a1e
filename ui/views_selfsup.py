"""The self-supervised views.

SimCLR: the representation of every digit on its first two principal components (PCA of that
epoch's representations, on the worker), coloured by the labels training never saw; two random
views of a few digits (what the encoder is asked to match); the NT-Xent loss per step; and the
probe's held-out accuracy per epoch beside the same probe on raw pixels and on PCA (flat lines).

Pretext tasks: the probe accuracies of every representation as bars, the tasks' loss curves
(each divided by its first epoch's, their units differing), and each task's inputs beside its
targets.
"""

from __future__ import annotations

import numpy as np

from engine.selfsup.pretext import TASKS, PretextTasks
from engine.selfsup.simclr import Contrastive
from ui.views import DataFrame2D, View
from widgets.curves import CurveCanvas
from widgets.grouped_bars import GroupedBarCanvas
from widgets.images import ImageStrip
from widgets.scatter import ScatterCanvas

RAW = "raw pixels"


def probe_curves(snap: Contrastive) -> dict[str, np.ndarray]:
    """The probe per epoch, and the references as flat lines as long as it."""
    n = len(snap.accuracy)
    return {"SimCLR": snap.accuracy, RAW: np.full(n, snap.raw_accuracy),
            f"PCA ({snap.dims})": np.full(n, snap.pca_accuracy)}


def view_strip(snap: Contrastive) -> tuple[np.ndarray, list[str]]:
    """The first views above the second ones, one digit per column."""
    m = len(snap.view_rows)
    images = np.concatenate([snap.view_a, snap.view_b]).reshape(-1, *snap.image_shape)
    titles = ["view 1", *[""] * (m - 1), "view 2", *[""] * (m - 1)]
    return images, titles


class SimCLRView(View):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Representation"
        self.views = ImageStrip()
        self.views.canvas_name = "Two views"
        self.loss = CurveCanvas()
        self.loss.canvas_name = "Loss per step"
        self.loss.set_labels("step", "NT-Xent loss")
        self.probe = CurveCanvas()
        self.probe.canvas_name = "Probe accuracy"
        self.probe.set_labels("epoch", "held-out accuracy")
        self._arrange(self.scatter, self.views, self.loss, self.probe)
        self.side.setSizes([2, 3, 4])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.scatter.set_points(np.zeros((frame.dataset.n, 2)), frame.dataset.y)
        self.scatter.set_title(None)
        self.views.clear()
        self.loss.clear()
        self.probe.clear()

    def show_snapshot(self, snap: Contrastive) -> None:
        self.scatter.set_points(snap.embedding, self.frame.dataset.y)
        a, b = snap.plane_share
        self.scatter.set_axis_labels(f"PC 1 of h ({a:.0%})", f"PC 2 of h ({b:.0%})")
        self.scatter.set_title(
            f"representation h ({snap.dims}-D) after epoch {snap.epoch}, by PCA to 2-D;"
            "<br>coloured by the digit, which training never saw")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Contrastive) -> None:
        images, titles = view_strip(snap)
        self.views.set_images(images, titles, rows=2, levels=(0.0, 1.0))
        self.views.set_data_rows(np.concatenate([snap.view_rows, snap.view_rows]))
        self.loss.set_curves({"NT-Xent loss": snap.loss}, x=np.arange(1, len(snap.loss) + 1))
        self.loss.set_cursor(len(snap.loss) - 1)
        self.loss.set_title(f"τ = {snap.temperature:g}, batch {snap.batch_size}, "
                            f"{snap.negatives} negatives per anchor<br>augmentations: "
                            f"{snap.augmentations}")
        epochs = np.arange(1, len(snap.accuracy) + 1)
        self.probe.set_curves(probe_curves(snap), x=epochs)
        self.probe.set_cursor(len(epochs) - 1)
        self.probe.set_title(f"{snap.probe_words}<br>SimCLR {snap.accuracy[-1]:.1%}, raw "
                             f"pixels {snap.raw_accuracy:.1%}, PCA {snap.pca_accuracy:.1%}")


def relative_losses(snap: PretextTasks) -> dict[str, np.ndarray]:
    """Each started task's loss per epoch divided by its first epoch's."""
    return {name: loss / loss[0] for name, loss in zip(TASKS, snap.losses, strict=True)
            if loss.size and loss[0] > 0}


HOLE_SHADE = 0.5  # the blanked square as drawn: its zeros are the digit's black background


def shown_holes(snap: PretextTasks) -> np.ndarray:
    """The holed inputs as drawn: the network sees zeros in the square, the eye a grey one."""
    return snap.holed if snap.hole is None else np.where(snap.hole, HOLE_SHADE, snap.holed)


def pretext_strip(snap: PretextTasks) -> tuple[np.ndarray, list[str]]:
    """Rows: holed inputs, in-painting's outputs, the targets, the turned digits (the row's
    title says how many turns the network tells right, once it has started training), all
    held-out digits."""
    m = len(snap.strip)
    blank = [""] * (m - 1)
    if np.isnan(snap.rotation_accuracy):
        told = "the network is not trained yet"
    else:
        told = f"the network tells {int(np.sum(snap.said == snap.turns))} of {m}"
    turned = f"turned 0°, 90°, 180°, 270°, …: {told}"
    images = np.concatenate([shown_holes(snap), snap.rebuilt, snap.targets, snap.turned])
    titles = ["in-painting input (grey: the blanked square)", *blank, "output", *blank,
              "target",
              *blank, turned, *blank]
    return images.reshape(-1, *snap.image_shape), titles


class PretextView(View):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.bars = GroupedBarCanvas()
        self.bars.canvas_name = "Probe accuracy"
        self.bars.set_labels("representation", "held-out accuracy")
        self.loss = CurveCanvas()
        self.loss.canvas_name = "Task losses"
        self.loss.set_labels("epoch of the task", "loss ÷ first epoch's")
        self.images = ImageStrip()
        self.images.canvas_name = "Task inputs and targets"
        self._arrange(self.bars, self.images, self.loss)
        self.side.setSizes([3, 2])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.bars.clear()
        self.loss.clear()
        self.images.clear()

    def show_snapshot(self, snap: PretextTasks) -> None:
        best = snap.table_names[int(np.argmax(snap.linear))]
        self.bars.set_groups(snap.table_names, {"linear probe": snap.linear,
                                                "nearest-neighbour probe": snap.nearest},
                             f"{snap.probe_words}; best linear: {best}")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: PretextTasks) -> None:
        longest = max(len(loss) for loss in snap.losses)
        self.loss.set_curves(relative_losses(snap), x=np.arange(1, longest + 1))
        finals = [f"{name} {loss[-1]:.3g}" for name, loss in zip(TASKS, snap.losses,
                                                                  strict=True) if loss.size]
        self.loss.set_title("last: " + ", ".join(finals[:2]) + (",<br>" + finals[2]
                                                                 if len(finals) > 2 else ""))
        images, titles = pretext_strip(snap)
        self.images.set_images(images, titles, rows=4, levels=(0.0, 1.0))
        self.images.set_data_rows(np.tile(snap.strip, 4))
