"""The view of a RealNVP flow: the learnt density under the data with the model's samples,
the base grid warped layer by layer (a slider picks the layer), and the log-likelihood of the
training and held-out points per step.

Everything is drawn in the data's own two features (the flow runs on 2-D data only), not in
the window's chosen projection: the density is a density of those coordinates.
"""

from __future__ import annotations

import numpy as np

from engine.generative.realnvp import FlowModel
from ui.views import DataFrame2D, View
from widgets.curves import CurveCanvas
from widgets.flow import FlowDensityCanvas, WarpCanvas
from widgets.scatter import spans_alike


class FlowView(View):
    """Density heatmap, data and samples; the warped base grid; log-likelihood per step."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.density = FlowDensityCanvas()
        self.warp = WarpCanvas()
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Log-likelihood per step"
        self.curve.set_labels("gradient step", "mean log p(x) per point")
        self._arrange(self.density, self.warp, self.curve)
        self._range_set = False

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        dataset = frame.dataset
        self.density.clear()
        if dataset.X.shape[1] == 2:
            self.density.set_points(dataset.X, dataset.y)
            self.density.lock_aspect_for(dataset.X)
            self.warp.plot_item.getViewBox().setAspectLocked(spans_alike(dataset.X))
            names = dataset.feature_names
            self.density.set_axis_labels(names[0], names[1])
            self.warp.set_labels(names[0], names[1])
        self._range_set = False

    def show_snapshot(self, snap: FlowModel) -> None:
        self.density.set_density(np.exp(snap.log_density), snap.box)
        self.density.set_samples(snap.samples)
        self.density.set_title(f"p(x) after {snap.trace_at[-1]} of {snap.n_steps} steps, "
                               f"with {len(snap.samples)} samples")
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: FlowModel) -> None:
        if not self._range_set:
            self.warp.set_range(snap.box)
            self._range_set = True
        self.warp.set_layers(snap.grid_lines, snap.sample_layers)
        self.warp.set_title(f"The base's grid through the {snap.n_layers} layers")
        curves = {"training points": snap.train_ll}
        if snap.test_ll.size:
            curves["held-out points"] = snap.test_ll
        self.curve.set_curves(curves, x=snap.trace_at)
        self.curve.set_cursor(len(snap.trace_at) - 1)
