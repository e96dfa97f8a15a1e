"""MADE's and PixelCNN's views: what each network may see (its masks), the NLL per epoch on
training and held-out images, and samples (PixelCNN's played back pixel by pixel)."""

from __future__ import annotations

import numpy as np

from engine.generative.autoregressive import (
    AutoregressiveModel,
    MadeModel,
    PixelCNNModel,
    display_order,
)
from ui.views import View
from widgets.curves import CurveCanvas
from widgets.images import ImageStrip
from widgets.judgement import JudgementCanvas, show_judgement
from widgets.masks import MaskCanvas
from widgets.sampling import SamplingCanvas

SAMPLE_ROWS = 4
# The training figure is averaged while the epoch learns, the held-out one taken after it:
# early on, held out is lower, and the legend says why.
TRAINING = "training (during the epoch)"
HELD_OUT = "held out (after it)"
MASK_CAPTION = "coloured: connection kept · inputs across, outputs down\nunits sorted by degree"


def nll_canvas() -> CurveCanvas:
    curve = CurveCanvas()
    curve.canvas_name = "NLL per epoch"
    curve.set_labels("epoch", "bits per image")
    return curve


def show_nll(curve: CurveCanvas, snap: AutoregressiveModel) -> None:
    """Both curves against epochs 1, 2, …, the cursor at this epoch, the figures in the title."""
    epochs = np.arange(1, len(snap.train_nll) + 1)
    curve.set_curves({TRAINING: snap.train_nll, HELD_OUT: snap.held_out_nll}, x=epochs)
    curve.set_cursor(len(epochs) - 1)
    # one short line: at a projector the side column is narrow (the message gives the rest)
    curve.set_title(f"epoch {snap.epoch}: {snap.train_nll[-1]:.1f} / "
                    f"{snap.held_out_nll[-1]:.1f} bits")


def made_mask_panels(snap: MadeModel) -> tuple[list[np.ndarray], list[str]]:
    """Each layer's mask with units sorted by degree (staircases), then which pixels each
    output can see at all, both axes in the order the pixels are drawn."""
    orders = [display_order(d) for d in snap.degrees]
    orders.append(orders[0])  # the outputs are the pixels again
    sizes = [len(d) for d in snap.degrees] + [len(snap.degrees[0])]
    panels, titles = [], []
    for i, mask in enumerate(snap.masks):
        panels.append(mask[np.ix_(orders[i + 1], orders[i])])
        source = "pixels" if i == 0 else f"layer {i}"
        target = "logits" if i == len(snap.masks) - 1 else f"layer {i + 1}"
        titles.append(f"{source} → {target}\n{sizes[i]} → {sizes[i + 1]}")
    panels.append(snap.reach[np.ix_(orders[0], orders[0])].astype(np.float64))
    titles.append("logit ← pixel\nany path, in order")
    return panels, titles


class MadeView(View):
    """Main: the masks, one per layer, and the connectivity they add up to. Beside: the NLL
    per epoch and a grid of samples."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.masks = MaskCanvas(columns=2)
        self.masks.canvas_name = "Masks"
        self.curve = nll_canvas()
        self.samples = ImageStrip()
        self.samples.canvas_name = "Samples"
        self.judgement = JudgementCanvas()
        self._arrange(self.masks, self.curve, self.samples, self.judgement)
        self.side.setSizes([2, 2, 1])
        self._masks_of: tuple | None = None  # the masks drawn, to draw them once a run

    def set_frame(self, frame) -> None:
        super().set_frame(frame)
        self._masks_of = None
        self.masks.clear()
        self.samples.clear()
        self.curve.clear()
        show_judgement(self.judgement, frame, None)

    def show_snapshot(self, snap: MadeModel) -> None:
        if self._masks_of is not snap.masks:  # the same arrays every epoch of a run
            self.masks.set_masks(*made_mask_panels(snap), MASK_CAPTION)
            self._masks_of = snap.masks
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: MadeModel) -> None:
        show_nll(self.curve, snap)
        self.samples.set_images(snap.samples, rows=SAMPLE_ROWS, levels=(0.0, 1.0))
        self.judgement.set_judgement(snap.judgement)


class PixelCNNView(View):
    """Main: the samples drawn pixel by pixel (slider, play). Beside: the NLL per epoch and
    the two kernel masks."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sampling = SamplingCanvas()
        self.curve = nll_canvas()
        self.kernels = MaskCanvas()
        self.kernels.canvas_name = "Kernel masks"
        self.judgement = JudgementCanvas()
        self._arrange(self.sampling, self.curve, self.kernels, self.judgement)
        self.side.setSizes([3, 2, 2])

    def set_frame(self, frame) -> None:
        super().set_frame(frame)
        self.kernels.clear()
        self.curve.clear()
        show_judgement(self.judgement, frame, None)

    def show_snapshot(self, snap: PixelCNNModel) -> None:
        self.sampling.set_sampling(snap.frames, snap.probabilities, snap.order)
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: PixelCNNModel) -> None:
        show_nll(self.curve, snap)
        self.judgement.set_judgement(snap.judgement)
        a, b = snap.kernel_masks
        self.kernels.set_masks([a, b], [f"A {a.shape[0]}×{a.shape[1]}",
                                        f"B {b.shape[0]}×{b.shape[1]}"],
                               "A: the first layer, B: the rest\nfaint: weight cut")
