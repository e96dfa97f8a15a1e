"""NMF's view: the parts H (images for image data, else a bar chart per part), the error
‖X − WH‖² per iteration, images beside their reconstructions W H, and the codes W."""

from __future__ import annotations

import numpy as np

from engine.protocol import Factorisation
from ui.views import N_IMAGES, DataFrame2D, View
from ui.views_embedding import plane
from widgets.component_bars import ComponentBars
from widgets.curves import CurveCanvas
from widgets.images import ImageStrip
from widgets.scatter import ScatterCanvas


def part_titles(components: np.ndarray) -> list[str]:
    """"part j" over each component."""
    return [f"part {j + 1}" for j in range(len(components))]


def sample_rows(n: int, m: int = N_IMAGES) -> np.ndarray:
    """m rows spread through the data (all of them when there are fewer)."""
    return np.unique(np.linspace(0, n - 1, min(m, n)).astype(int))


def grid_rows(k: int) -> int:
    """Rows for k square images in a main canvas a little wider than tall."""
    columns = max(1, int(np.ceil(np.sqrt(1.5 * k))))
    return int(np.ceil(k / columns))


class FactorisationView(View):
    """Main: the parts. Beside: the error per iteration, inputs over their reconstructions
    (image data), the codes on their first two parts."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.parts = ImageStrip()
        self.parts.canvas_name = "Parts H"
        self.bars = ComponentBars()
        self.bars.canvas_name = "Parts H"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Error per iteration"
        self.curve.set_labels("iteration", "‖X − WH‖²")
        self.curve.set_log_y(True)  # the first iterations fall by orders of magnitude
        self.images = ImageStrip()
        self.images.canvas_name = "Reconstructions"
        self.codes = ScatterCanvas()
        self.codes.canvas_name = "Codes W"
        self.splitter.addWidget(self.parts)
        self.splitter.addWidget(self.bars)
        self._arrange_side()

    def _arrange_side(self) -> None:
        for w in (self.curve, self.images, self.codes):
            self.side.addWidget(w)
        self.splitter.addWidget(self.side)
        self.splitter.setSizes([540, 0, 500])
        self.side.setSizes([260, 260, 280])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        images = frame.dataset.image_shape is not None
        self.parts.setVisible(images)
        self.images.setVisible(images)
        self.bars.setVisible(not images)
        self.parts.clear()
        self.images.clear()
        self.curve.clear()
        self.codes.set_points(np.zeros((frame.dataset.n, 2)), frame.dataset.y)

    def show_snapshot(self, snap: Factorisation) -> None:
        if snap.image_shape is not None:
            self.parts.set_images(snap.components.reshape(-1, *snap.image_shape),
                                  part_titles(snap.components),
                                  rows=grid_rows(len(snap.components)))
        else:
            self.bars.set_components(snap.components,
                                     list(self.frame.dataset.feature_names),
                                     part_titles(snap.components))
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Factorisation) -> None:
        self.curve.set_curves({"‖X − WH‖²": snap.trace}, x=snap.trace_at)
        self.curve.set_cursor(snap.trace.size - 1)
        self.curve.set_title(self._title(snap))
        self.codes.set_points(plane(snap.coords), self.frame.dataset.y)
        self.codes.set_axis_labels(*snap.axis_names)
        self.codes.set_title(f"the codes W<br>map: {snap.quality.short()}"
                             if snap.quality is not None else "the codes W")
        if snap.image_shape is not None:
            self._show_reconstructions(snap)

    @staticmethod
    def _title(snap: Factorisation) -> str:
        text = f"{snap.solver}, {snap.init} start: ‖X − WH‖² = {snap.objective:.5g}"
        if np.isfinite(snap.reference_error):
            text += f"<br>scikit-learn's NMF: ‖X − WH‖² = {snap.reference_error ** 2:.5g}"
        return text

    def _show_reconstructions(self, snap: Factorisation) -> None:
        X = self.frame.dataset.X
        rows = sample_rows(len(X))
        images = np.concatenate([X[rows], snap.reconstruct(rows)])
        blank = [""] * (len(rows) - 1)
        titles = ["data", *blank, "W H", *blank]
        self.images.set_images(images.reshape(-1, *snap.image_shape), titles, rows=2,
                               levels=(float(X.min()), float(X.max())))
        self.images.set_data_rows(np.concatenate([rows, rows]))
