"""The autoencoders' view: what they rebuild beside what they were given, the loss per epoch
and the codes of the data.

Images: a strip of inputs above their reconstructions (a denoiser's: the noisy input, the
output and the clean target, one row each). Other data: the points in their colours, each
input joined to its reconstruction, and for a 1-D code the curve every reconstruction lies
on, in the data's 2-D picture.
"""

from __future__ import annotations

import numpy as np

from engine.generative.autoencoder import Autoencoding
from engine.reduction.quality import plane
from ui.views import DataFrame2D, View, _scatter_for
from widgets.curves import CurveCanvas
from widgets.images import ImageStrip
from widgets.reconstruction import ReconstructionCanvas
from widgets.scatter import ScatterCanvas

JITTER = 0.3  # height of each class's band of 1-D codes
BLOCK_BELOW = 5  # more examples than this are shown in two blocks


def code_plane(codes: np.ndarray, y: np.ndarray | None) -> tuple[np.ndarray, str]:
    """The codes in a plane and the name of its vertical axis: their first two, or a 1-D code
    against the class (spread a little within each class's band, always the same way)."""
    if codes.shape[1] >= 2:
        return plane(codes), "code 2"
    n = len(codes)
    spread = JITTER * (((np.arange(n) * 0.6180339887) % 1.0) - 0.5)
    if y is None:
        return np.c_[codes[:, 0], spread], ""
    return np.c_[codes[:, 0], y + spread], "class"


def noise_words(snap: Autoencoding) -> str:
    """The corruption in words (masking sets the network's input to 0: a table's mean)."""
    if snap.noise == "masking":
        what = ("pixels set to 0" if snap.image_shape is not None
                else "features set to their mean")
        return f"{snap.noise_level:.0%} of {what}"
    return f"Gaussian noise, σ = {snap.noise_level:g}"


def image_rows(snap: Autoencoding, clean: np.ndarray
               ) -> tuple[np.ndarray, list[str], np.ndarray, int]:
    """The strip's images, titles, data rows and number of rows: inputs over their
    reconstructions (a denoiser's: noisy input, output, clean target). An even number of
    examples over `BLOCK_BELOW` comes in two blocks of half each, so that the strip is not
    a thin band across a wide canvas."""
    kinds = ([(f"noisy input: {noise_words(snap)}", snap.inputs), ("output", snap.outputs),
              ("clean target", clean)]
             if snap.denoising else [("input", snap.inputs), ("reconstruction", snap.outputs)])
    m = len(snap.rows)
    width = m // 2 if m > BLOCK_BELOW and m % 2 == 0 else m
    images, titles, rows = [], [], []
    for start in range(0, m, width):
        block = slice(start, start + width)
        for name, stack in kinds:
            images.append(stack[block])
            titles += [name] + [""] * (width - 1)
            rows.append(snap.rows[block])
    stack = np.concatenate(images).reshape(-1, *snap.image_shape)
    return stack, titles, np.concatenate(rows), len(images)


def points_title(snap: Autoencoding) -> str:
    if snap.denoising:
        what = f"noisy inputs (rings: {noise_words(snap)}) joined to the outputs (dots)"
    else:
        what = "each point joined to its reconstruction (dot)"
    if snap.curve is not None:
        what += "<br>red: the decoder's curve, all a 1-D code can reach"
    return what


def error_title(snap: Autoencoding) -> str:
    """How far the shown rows' outputs are from the clean rows, beside the inputs' distance;
    named apart from the training loss the curve draws (a cross-entropy for images)."""
    if snap.denoising:
        return (f"shown rows, squared distance to the clean rows:<br>output "
                f"{snap.output_error:.3g}, noisy input {snap.input_error:.3g}")
    return f"shown rows, squared distance to their reconstructions: {snap.output_error:.3g}"


class AutoencoderView(View):
    """Main: reconstructions (images, or points with the decoder's curve). Beside: the loss
    per epoch and the codes of the data."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.points = ReconstructionCanvas()
        self.images = ImageStrip()
        self.images.canvas_name = "Reconstructions"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Loss per epoch"
        self.curve.set_labels("epoch", "loss")
        self.codes = ScatterCanvas()
        self.codes.canvas_name = "Codes"
        self.splitter.addWidget(self.points)
        self.splitter.addWidget(self.images)
        self.side.addWidget(self.curve)
        self.side.addWidget(self.codes)
        self.splitter.addWidget(self.side)
        self.splitter.setSizes([620, 0, 420])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        images = frame.dataset.image_shape is not None
        self.points.setVisible(not images)
        self.images.setVisible(images)
        # The shown one takes the main canvas's room: a splitter leaves a pane it had
        # squeezed to nothing at nothing when the other one hides.
        shown, hidden, side = self.splitter.sizes()
        main = shown + hidden
        if main <= 0:
            main, side = 620, 420
        self.splitter.setSizes([0, main, side] if images else [main, 0, side])
        _scatter_for(frame, self.points, frame.dataset.y)
        self.points.lock_aspect_for(frame.xy)
        self.points.set_reconstructions(None, None)
        self.points.set_curve(None)
        self.points.set_title(None)
        self.images.clear()
        self.curve.clear()
        self.curve.set_title(None)
        self.codes.set_points(np.zeros((frame.dataset.n, 2)), frame.dataset.y)
        self.codes.set_title(None)

    def show_snapshot(self, snap: Autoencoding) -> None:
        if snap.image_shape is not None:
            self._show_images(snap)
        else:
            self._show_points(snap)
        self._later(lambda: self._show_side(snap))

    def _show_images(self, snap: Autoencoding) -> None:
        X = self.frame.dataset.X
        images, titles, rows, n_rows = image_rows(snap, X[snap.rows])
        self.images.set_images(images, titles, rows=n_rows,
                               levels=(float(X.min()), float(X.max())))
        self.images.set_data_rows(rows)

    def _show_points(self, snap: Autoencoding) -> None:
        project = self.frame.project
        inputs = project(snap.inputs)
        self.points.set_reconstructions(inputs, project(snap.outputs), noisy=snap.denoising)
        self.points.set_curve(None if snap.curve is None else project(snap.curve))
        self.points.set_title(points_title(snap))

    def _show_side(self, snap: Autoencoding) -> None:
        epochs = np.arange(1, len(snap.loss) + 1)
        self.curve.set_curves({snap.loss_name: snap.loss}, x=epochs)
        self.curve.set_labels("epoch", snap.loss_unit)
        self.curve.set_cursor(len(snap.loss) - 1)
        self.curve.set_title(error_title(snap))
        y = self.frame.dataset.y
        xy, vertical = code_plane(snap.codes, y)
        self.codes.set_points(xy, y)
        self.codes.set_axis_labels("code 1", vertical)
        k = snap.latent_dim
        self.codes.set_title(f"codes of the data ({k} numbers: the first two)" if k > 2
                             else f"codes of the data ({k} number{'s' if k > 1 else ''})")
