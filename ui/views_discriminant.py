"""The view of LDA and QDA: the classes in the plane that separates them, with the
classifier's boundaries and each class's covariance ellipses; the data in its predicted
classes (with the boundaries when the view is its own two features); the accuracy."""

from __future__ import annotations

import numpy as np

from engine.protocol import Discriminant
from ui.views import DataFrame2D, View, _scatter_for
from widgets.ellipses import MixtureCanvas
from widgets.scatter import ScatterCanvas
from widgets.table import TableCanvas


def plane_title(snap: Discriminant) -> str:
    """What the main picture is, and whether its boundaries are exact."""
    how = "exact boundaries" if snap.plane_exact else "approximate boundaries (a slice)"
    shape = "shared" if snap.kind == "lda" else "per-class"
    return f"{snap.kind.upper()}, {snap.plane}: {how};<br>{shape} covariance, 1σ and 2σ"


class DiscriminantView(View):
    """Main: the plane with boundaries and ellipses. Beside: the data, the accuracy table."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = MixtureCanvas()
        self.scatter.canvas_name = "Classes and boundaries"
        self.data = ScatterCanvas()
        self.data.canvas_name = "Data, predicted classes"
        self.table = TableCanvas()
        self.table.canvas_name = "Accuracy"
        self._arrange(self.scatter, self.data, self.table)
        self.side.setSizes([3, 2])

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.scatter.set_points(np.zeros((frame.dataset.n, 2)), frame.dataset.y)
        self.scatter.set_segments(None)
        self.scatter.set_ellipses(None, None)
        self.scatter.set_title(None)
        _scatter_for(frame, self.data, frame.dataset.y)
        self.data.set_segments(None)
        self.data.set_title(None)
        self.table.clear("Accuracy: at the end of the run")

    def show_snapshot(self, snap: Discriminant) -> None:
        self.scatter.set_points(snap.coords[:, :2], self.frame.dataset.y)
        self.scatter.set_axis_labels(*snap.axis_names)
        self.scatter.set_segments(snap.boundaries)
        self.scatter.set_ellipses(snap.means, snap.covariances)
        self.scatter.set_title(plane_title(snap))
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Discriminant) -> None:
        frame = self.frame
        self.data.set_labels(snap.predictions)
        exact = frame.exact and snap.data_boundaries is not None
        self.data.set_segments(snap.data_boundaries if exact else None)
        where = "with boundaries" if exact else "(boundaries: main picture)"
        self.data.set_title(f"predicted classes {where}")
        self._show_table(snap)

    def _show_table(self, snap: Discriminant) -> None:
        names = self.frame.dataset.target_names or ()
        right = round(snap.accuracy * len(snap.predictions))
        rows = [("training accuracy", f"{snap.accuracy:.1%}",
                 f"{right} of {len(snap.predictions)} points")]
        for c, share in enumerate(snap.class_accuracy):
            if np.isfinite(share):
                name = names[c] if c < len(names) else str(c)
                rows.append((f"class {name}", f"{share:.1%}", "of its points right"))
        for j, share in enumerate(snap.explained_ratio):
            rows.append((f"LD{j + 1}", f"{share:.1%}", "of the between-class variance"))
        if snap.quality is not None:
            rows.extend((name, value, what) for name, value, what in snap.quality.rows())
        self.table.set_table(f"{snap.kind.upper()} on the training data",
                             ["measure", "value", "what it says"], rows)
