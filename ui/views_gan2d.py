"""The GAN on 2-D data: samples, D(x) and the generator's pushes on the data's own axes; the
losses of D and G per step; the modes covered per picture.

Drawn in data units on the data's two features, whatever the window's projection: D's map
lives in the data's plane, which a rotated view could not show as an image.
"""

from __future__ import annotations

import numpy as np

from engine.clustering.gmm import ellipses
from engine.generative.gan2d import AdversarialPlane
from engine.generative.modes import RADIUS
from ui.views import DataFrame2D, View
from widgets.adversarial import AdversarialCanvas
from widgets.curves import CurveCanvas

ARROW_GAIN = 0.15  # an arrow is this times −∂L_G/∂x (per unit of standardised space)
ARROW_CAP = 0.08  # and at most this share of the map's diagonal


def display_arrows(pushes: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The pushes scaled by one fixed gain for the whole run, so an arrow's length shows the
    gradient's (a saturated minimax loss draws almost none); the longest capped."""
    arrows = ARROW_GAIN * np.asarray(pushes, dtype=np.float64)
    xmin, xmax, ymin, ymax = box
    cap = ARROW_CAP * float(np.hypot(xmax - xmin, ymax - ymin))
    length = np.hypot(arrows[:, 0], arrows[:, 1])
    shrink = np.where(length > cap, cap / np.where(length > 0, length, 1.0), 1.0)
    return arrows * shrink[:, None]


def plane_title(snap: AdversarialPlane) -> str:
    """The picture's title: the modes covered, then the setting apart from that result (the
    step is in the run bar, and a title that changes every frame would be laid out again every
    frame)."""
    setting = f"generator loss: {snap.loss}"
    text = setting if not snap.n_modes else (
        f"{snap.modes_covered} of {snap.n_modes} modes covered, {snap.on_modes:.0%} of samples "
        f"on a mode · {setting}")
    return text + "<br>D(x): green = real, purple = generated; arrows: −∂L<sub>G</sub>/∂x"


class AdversarialView(View):
    """GAN Lab's picture, with the losses and the modes covered beside it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plane = AdversarialCanvas()
        self.plane.canvas_name = "Samples, D(x) and G's gradients"
        self.losses = CurveCanvas()
        self.losses.canvas_name = "Losses per step"
        self.losses.set_labels("training step", "loss")
        self.modes = CurveCanvas()
        self.modes.canvas_name = "Modes covered"
        self.modes.set_labels("training step", "modes covered")
        self._arrange(self.plane, self.losses, self.modes)
        self._title = ""

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        dataset = frame.dataset
        xy = dataset.X[:, :2] if dataset.d >= 2 else frame.xy
        self.plane.set_points(xy, dataset.y)
        names = dataset.feature_names
        self.plane.set_axis_labels(names[0], names[1] if len(names) > 1 else "")
        self.plane.set_aspect_locked(True)
        self.plane.set_map(None, None)
        self.plane.set_generated(None)
        self.plane.set_modes(None, None)
        self.plane.set_title(None)
        self._title = ""

    def show_snapshot(self, snap: AdversarialPlane) -> None:
        self.plane.set_map(snap.d_grid, snap.box)
        self.plane.set_generated(snap.generated, display_arrows(snap.pushes, snap.box))
        self.plane.set_modes(self._outlines(snap), snap.mode_covered)
        title = plane_title(snap)
        if title != self._title:
            self._title = title
            self.plane.set_title(title)
        self._later(lambda: self._show_curves(snap))

    @staticmethod
    def _outlines(snap: AdversarialPlane) -> np.ndarray | None:
        """Each mode's 3σ ellipse (eight outlines of 73 points: cheap every frame)."""
        if snap.mode_means is None:
            return None
        return ellipses(snap.mode_means, snap.mode_covariances, RADIUS)

    def _show_curves(self, snap: AdversarialPlane) -> None:
        steps = np.arange(1, len(snap.d_loss) + 1)
        self.losses.set_curves({"D loss": snap.d_loss, "G loss": snap.g_loss}, x=steps)
        self.losses.set_cursor(len(steps) - 1)
        self.modes.setVisible(snap.n_modes > 0)
        if snap.n_modes:
            self.modes.set_curves({"modes covered": snap.modes_trace}, x=snap.trace_at)
            self.modes.set_cursor(len(snap.trace_at) - 1)
            self.modes.set_title(f"{snap.modes_covered} of {snap.n_modes} covered now")
