"""NNK-means's view: the atoms over the points with each point's links to the atoms that code
it, beside k-means's centroids; both errors per iteration; atoms as images for image data."""

from __future__ import annotations

import numpy as np

from engine.clustering.nnk_means import NNKDictionary
from ui.views import DataFrame2D, View
from widgets.curves import CurveCanvas
from widgets.images import ImageStrip
from widgets.scatter import ScatterCanvas

MAX_LINKED = 400  # points whose links are drawn (spread through the data beyond this)


def link_segments(xy: np.ndarray, atoms_xy: np.ndarray, neighbours: np.ndarray,
                  weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(m, 2, 2) segments from each chosen point to every atom with a positive weight."""
    r, j = np.nonzero(weights[rows] > 0)
    points = xy[rows[r]]
    ends = atoms_xy[neighbours[rows[r], j]]
    return np.stack([points, ends], axis=1)


class NNKView(View):
    """Main: NNK atoms and links. Beside: k-means centroids, the kernel-space and data-space
    errors per iteration, and (image data) atoms over centroids as images."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.atoms = ScatterCanvas()
        self.atoms.canvas_name = "NNK atoms"
        self.kmeans = ScatterCanvas()
        self.kmeans.canvas_name = "k-means centroids"
        self.kernel = CurveCanvas()
        self.kernel.canvas_name = "Kernel-space error"
        self.kernel.set_labels("iteration", "mean ‖φ(x) − Φθ‖²")
        self.squared = CurveCanvas()
        self.squared.canvas_name = "Squared error"
        self.squared.set_labels("iteration", "mean ‖x − x̂‖²")
        self.images = ImageStrip()
        self.images.canvas_name = "Atoms as images"
        self._arrange(self.atoms, self.kmeans, self.kernel, self.squared, self.images)
        self._rows = np.zeros(0, dtype=int)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        n = frame.dataset.n
        self._rows = np.unique(np.linspace(0, n - 1, min(n, MAX_LINKED)).astype(int))
        for scatter in (self.atoms, self.kmeans):
            scatter.set_points(frame.xy, None)
            scatter.set_axis_labels(*frame.axis_labels)
            scatter.set_centres(None, None)
            scatter.set_segments(None)
        images = frame.dataset.image_shape is not None
        self.images.setVisible(images)
        self.side.setSizes([200, 160, 160, 320] if images else [260, 200, 200, 0])
        self.images.clear()
        self.kernel.clear()
        self.squared.clear()

    def show_snapshot(self, snap: NNKDictionary) -> None:
        frame = self.frame
        atoms_xy = frame.project(snap.atoms)
        self.atoms.set_labels(snap.main_atom)
        self.atoms.set_centres(atoms_xy, None)
        self.atoms.set_segments(link_segments(frame.xy, atoms_xy, snap.neighbours,
                                              snap.weights, self._rows))
        used = float((snap.weights > 0).sum(1).mean())
        self.atoms.set_title(f"NNK: {len(snap.atoms)} atoms; links to the atoms coding a point "
                             f"({used:.1f} a point)")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: NNKDictionary) -> None:
        self.kmeans.set_labels(snap.labels)
        self.kmeans.set_centres(self.frame.project(snap.centres), None)
        self.kmeans.set_title(f"k-means: {len(snap.centres)} centroids")
        x = np.arange(snap.nnk_kernel_error.size)
        self.kernel.set_curves({"NNK": snap.nnk_kernel_error,
                                "k-means": snap.kmeans_kernel_error}, x=x)
        self.kernel.set_cursor(snap.iteration)
        self.kernel.set_title(f"kernel space (σ = {snap.sigma:.3g})")
        self.squared.set_curves({"NNK": snap.nnk_squared_error,
                                 "k-means": snap.kmeans_squared_error}, x=x)
        self.squared.set_cursor(snap.iteration)
        self.squared.set_title("data space: x̂ = Σθⱼdⱼ / Σθⱼ, or the centroid")
        if snap.image_shape is not None:
            m = len(snap.atoms)
            images = np.concatenate([snap.atoms, snap.centres]).reshape(-1, *snap.image_shape)
            titles = ["NNK atoms", *[""] * (m - 1), "k-means", *[""] * (m - 1)]
            X = self.frame.dataset.X
            self.images.set_images(images, titles, rows=2,
                                   levels=(float(X.min()), float(X.max())))
