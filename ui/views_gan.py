"""The GAN's view: the generator's samples of fixed noise with the A→B walk (and, for a
conditional GAN, the class picker); the losses of D and G per step; D's mean output on real
and on generated images per step, which shows who is winning."""

from __future__ import annotations

import numpy as np

from engine.generative.gan import GANModel
from ui.views import View
from widgets.curves import CurveCanvas
from widgets.gan_samples import GeneratorCanvas
from widgets.judgement import JudgementCanvas, show_judgement

LOSS_NAMES = ("D loss", "G loss")
OUTPUT_NAMES = ("D(real)", "D(G(z))")


class GANView(View):
    """Main: the sample grid and the interpolation. Beside: losses, D's outputs."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.samples = GeneratorCanvas()
        self.losses = CurveCanvas()
        self.losses.canvas_name = "Losses per step"
        self.losses.set_labels("gradient step", "loss")
        self.outputs = CurveCanvas()
        self.outputs.canvas_name = "Discriminator output"
        self.outputs.set_labels("gradient step", "mean D(x)")
        self.judgement = JudgementCanvas()
        self._arrange(self.samples, self.losses, self.outputs, self.judgement)
        self.splitter.setSizes([700, 380])

    def set_frame(self, frame) -> None:
        super().set_frame(frame)
        show_judgement(self.judgement, frame, None)

    def show_snapshot(self, snap: GANModel) -> None:
        self.samples.set_model(snap.noise, snap.samples, snap.generate, snap.image_shape,
                               snap.class_names, levels=(0.0, snap.scale))
        self._later(lambda: self._show_curves(snap))

    def _show_curves(self, snap: GANModel) -> None:
        steps = np.arange(1, len(snap.loss_d) + 1)
        self.losses.set_curves(dict(zip(LOSS_NAMES, (snap.loss_d, snap.loss_g), strict=True)),
                               x=steps)
        self.losses.set_cursor(len(steps) - 1)
        self.outputs.set_curves(dict(zip(OUTPUT_NAMES, (snap.d_real, snap.d_fake),
                                         strict=True)), x=steps)
        self.outputs.set_cursor(len(steps) - 1)
        self.judgement.set_judgement(snap.judgement)
