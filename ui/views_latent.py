"""A latent-variable model (the VAE): the latent pad with its sliders and decoded output, the
losses per epoch, and two grids of what the decoder makes: samples from the prior and a latent
traversal. For images the grids are images; for other data they are points in the data's
2-D view (prior samples over the data; traversal paths, one colour per latent dimension).

The grids are decoded here, on the main thread, from the snapshot's numpy decoder: 16 latent
dimensions × 9 steps plus 64 prior codes is one small matrix product per layer (about a
millisecond), where carrying the decoded images would add them to every snapshot the history
keeps, and a model restored from disk would need them saved too. The prior codes themselves
come in the snapshot, drawn once per run from its seed.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.generative.vae import TRAVERSAL_REACH, TRAVERSAL_STEPS, traversal_codes
from engine.protocol import LatentModel
from ui.views import DataFrame2D, View, _scatter_for
from widgets.curves import CurveCanvas
from widgets.generated_points import GeneratedPointsCanvas
from widgets.image_grid import ImageGridCanvas
from widgets.judgement import JudgementCanvas, show_judgement
from widgets.latent import LatentCanvas
from widgets.scatter import ScatterCanvas

PRIOR_COLUMNS = 8
PRIOR_NAME = "Samples from the prior"
TRAVERSAL_NAME = "Latent traversals"
REACH = f"{TRAVERSAL_REACH:g}"
PRIOR_TITLE = "samples from the prior"
TRAVERSAL_TITLE = f"each z_i from −{REACH} to +{REACH}"


def prior_samples(snap: LatentModel) -> np.ndarray:
    """The snapshot's fixed prior codes decoded, (m, d) in data units; (0, d) if it has none."""
    if snap.prior_z is None:
        return np.empty((0, snap.out_mean.size))
    return snap.prior_out if snap.prior_out is not None else snap.decode(snap.prior_z)


def traversal(snap: LatentModel) -> np.ndarray:
    """(latent_dim, steps, d): row i decodes z_i from −3 to +3 with the other coordinates 0."""
    out = snap.traversal_out
    if out is None:
        out = snap.decode(traversal_codes(snap.latent_dim))
    return out.reshape(snap.latent_dim, TRAVERSAL_STEPS, -1)


def step_names() -> list[str]:
    """The traversal's columns: every other step's value of z_i (−3, −1.5, 0, 1.5, 3)."""
    values = np.linspace(-TRAVERSAL_REACH, TRAVERSAL_REACH, TRAVERSAL_STEPS)
    return [_signed(v) if i % 2 == 0 else "" for i, v in enumerate(values)]


def _signed(v: float) -> str:
    return "0" if v == 0 else f"{v:+g}".replace("-", "−")


def minimised_name(beta: float) -> str:
    return f"minimised: recon + {beta:g}·KL"


class LatentView(View):
    """The latent pad with its sliders and decoded output; the losses per epoch; samples from
    the prior and a latent traversal, as image grids or as points in the data's view."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.latent = LatentCanvas()
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Losses per epoch"
        self.curve.set_labels("epoch", "per data point")
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Data and decoded point"
        self.prior_images = ImageGridCanvas()
        self.traversal_images = ImageGridCanvas()
        self.prior_points = GeneratedPointsCanvas()
        self.traversal_points = GeneratedPointsCanvas()
        for canvas in (self.prior_images, self.prior_points):
            canvas.canvas_name = PRIOR_NAME
        for canvas in (self.traversal_images, self.traversal_points):
            canvas.canvas_name = TRAVERSAL_NAME
        for canvas in (self.prior_images, self.prior_points):
            canvas.set_title(PRIOR_TITLE)
        for canvas in (self.traversal_images, self.traversal_points):
            canvas.set_title(TRAVERSAL_TITLE)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.curve)
        top.addWidget(self.scatter)
        self.judgement = JudgementCanvas()
        grids = QSplitter(Qt.Orientation.Horizontal)
        for canvas in (self.prior_images, self.traversal_images, self.prior_points,
                       self.traversal_points):
            grids.addWidget(canvas)
        # The judging table under the grids, across the column: beside them, a third of it
        # wrapped the table's words one a line.
        bottom = QSplitter(Qt.Orientation.Vertical)
        bottom.addWidget(grids)
        bottom.addWidget(self.judgement)
        bottom.setSizes([240, 200])
        self._arrange(self.latent, top, bottom)
        self.side.setSizes([260, 440])
        self.latent.decoded_point.connect(self._on_decoded)
        self._pair_pending = True
        self._levels: tuple[float, float] | None = None
        self._show_kind(images=True)
        self.judgement.setVisible(False)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, frame.dataset.y)
        self.scatter.lock_aspect_for(frame.xy)
        for canvas in (self.prior_points, self.traversal_points):
            canvas.set_points(frame.xy)  # grey: the palette names the paths here
            canvas.lock_aspect_for(frame.xy)
            canvas.set_axis_labels(*frame.axis_labels)
            canvas.set_samples(None)
            canvas.set_paths(None)
        X = frame.dataset.X
        self._levels = (float(X.min()), float(X.max())) if X.size else None
        self._show_kind(images=frame.dataset.image_shape is not None)
        show_judgement(self.judgement, frame, None)
        self._pair_pending = True

    def _show_kind(self, images: bool) -> None:
        """Image grids for images; the data scatter and the point canvases otherwise."""
        for canvas in (self.prior_images, self.traversal_images):
            canvas.setVisible(images)
        for canvas in (self.scatter, self.prior_points, self.traversal_points):
            canvas.setVisible(not images)

    def show_snapshot(self, snap: LatentModel) -> None:
        y = self.frame.dataset.y if self.frame else None
        levels = None if snap.out_range is None else tuple(snap.out_range.tolist())
        self.latent.set_model(snap.codes, y, snap.decode, snap.image_shape, levels)
        if self._pair_pending and snap.image_shape is not None:
            self.latent.set_interpolation(*_two_classes(y, len(snap.codes)))
            self._pair_pending = False
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: LatentModel) -> None:
        self._show_losses(snap)
        if snap.image_shape is not None:
            self._show_image_grids(snap)
            self.judgement.set_judgement(snap.judgement)
        elif self.frame is not None:
            self._show_point_grids(snap)

    def _show_losses(self, snap: LatentModel) -> None:
        curves = {"−ELBO": -snap.elbo, "reconstruction": snap.recon, "KL": snap.kl}
        if snap.beta != 1.0:
            curves[minimised_name(snap.beta)] = snap.minimised
        self.curve.set_curves(curves)
        self.curve.set_title(None if snap.beta == 1.0 else
                             f"β = {snap.beta:g}: training minimises reconstruction + "
                             f"{snap.beta:g}·KL, not −ELBO")
        self.curve.set_cursor(snap.epoch - 1)

    def _show_image_grids(self, snap: LatentModel) -> None:
        h, w = snap.image_shape
        prior = prior_samples(snap)
        if len(prior):
            self.prior_images.set_images(prior.reshape(-1, PRIOR_COLUMNS, h, w),
                                         levels=self._levels)
        else:
            self.prior_images.clear()
        walk = traversal(snap)
        self.traversal_images.set_images(
            walk.reshape(snap.latent_dim, TRAVERSAL_STEPS, h, w), levels=self._levels,
            row_names=[f"z{i + 1}" for i in range(snap.latent_dim)], column_names=step_names())

    def _show_point_grids(self, snap: LatentModel) -> None:
        project = self.frame.project
        prior = prior_samples(snap)
        self.prior_points.set_samples(project(prior) if len(prior) else None)
        walk = traversal(snap)
        paths = project(walk.reshape(-1, walk.shape[2])).reshape(walk.shape[0], -1, 2)
        self.traversal_points.set_paths(paths, [f"z{i + 1}" for i in range(snap.latent_dim)])

    def _on_decoded(self, point) -> None:
        if self.frame is not None and self.frame.dataset.image_shape is None:
            self.scatter.set_marker(self.frame.project(np.atleast_2d(point))[0])


def _two_classes(y: np.ndarray | None, n: int) -> tuple[int, int]:
    """A first interpolation pair: the first point and the first of another class."""
    if y is None or np.all(y == y[0]):
        return 0, n - 1
    return 0, int(np.argmax(y != y[0]))
