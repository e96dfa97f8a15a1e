"""The view of a Gaussian mixture: soft clusters with their ellipses, the log-likelihood per
E step, BIC and AIC over K, and the scores of the hard labels."""

from __future__ import annotations

import numpy as np

from engine.clustering.gmm import project_covariances
from engine.protocol import Mixture
from ui.scores import ScoresPane
from ui.views import DataFrame2D, View
from widgets.curves import CurveCanvas
from widgets.ellipses import MixtureCanvas


def linear_part(project, d: int) -> np.ndarray:
    """The (2, d) matrix P of an affine view x ↦ P(x − o): the images of the unit vectors
    minus that of the origin. Σ maps to P Σ Pᵀ exactly under it."""
    basis = np.vstack([np.zeros((1, d)), np.eye(d)])
    images = np.asarray(project(basis), dtype=np.float64)
    return (images[1:] - images[0]).T


class MixtureView(View):
    """Points in responsibility-blended colours, 1σ/2σ ellipses and means; curves beside."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = MixtureCanvas()
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Log-likelihood per E step"
        self.curve.set_labels("E step", "log-likelihood")
        self.criteria = CurveCanvas()
        self.criteria.canvas_name = "BIC and AIC over K"
        self.criteria.set_labels("components K", "criterion (lower is better)")
        self.scores = ScoresPane(self)
        self._arrange(self.scatter, self.curve, self.criteria, self.scores.canvas)
        self._axes: np.ndarray | None = None

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.scatter.set_points(frame.xy, None)
        self.scatter.set_axis_labels(*frame.axis_labels)
        self.scatter.set_ellipses(None, None)
        self.scatter.set_centres(None)
        self._axes = linear_part(frame.project, frame.dataset.X.shape[1])
        self.scores.show_labels(None, None)

    def show_snapshot(self, snap: Mixture) -> None:
        self.scatter.set_responsibilities(snap.responsibilities)
        means = self.frame.project(snap.means)
        covariances = project_covariances(self._axes, snap.covariances)
        self.scatter.set_ellipses(means, covariances)
        self.scatter.set_centres(means)
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Mixture) -> None:
        self.curve.set_curves({"log-likelihood": snap.trace})
        self.curve.set_cursor(len(snap.trace) - 1 if len(snap.trace) else None)
        self._show_criteria(snap)
        hard = snap.labels if snap.phase != "init" or snap.labels.min() >= 0 else None
        self.scores.show_labels(self.frame.dataset if hard is not None else None, hard)

    def _show_criteria(self, snap: Mixture) -> None:
        if snap.bic is None:
            self.criteria.clear()
            self.criteria.set_title("BIC and AIC over K: at the end of the run")
            return
        ks = np.arange(1, len(snap.bic) + 1)
        self.criteria.set_curves({"BIC": snap.bic, "AIC": snap.aic}, x=ks)
        self.criteria.set_cursor(snap.k - 1 if snap.k <= len(ks) else None)
        if np.all(np.isnan(snap.bic)):
            self.criteria.set_title("BIC and AIC: no K could be fitted")
            return
        best = int(np.nanargmin(snap.bic)) + 1
        self.criteria.set_title(f"BIC lowest at K = {best}; K = {snap.k} marked")

    def pending(self) -> bool:
        return super().pending() or self.scores.busy()
