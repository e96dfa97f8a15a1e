"""Demixed PCA's view: each dPCA component's time course per condition, grouped by what it was
fitted for; PCA's components on the same averages; how each component's variance splits
into time, condition and interaction (dPCA's beside PCA's); the variance explained."""

from __future__ import annotations

import numpy as np

from engine.timeseries.dpca import Demixing
from ui.views import View
from widgets.course_grid import CourseGrid
from widgets.curves import CurveCanvas
from widgets.stacked_bars import StackedBarCanvas


def demixed_titles(snap: Demixing) -> list[str]:
    """"time 1 · 95%": each component's part, its rank there, and its share of that part."""
    titles, seen = [], {}
    for k, m in enumerate(snap.component_margin):
        seen[m] = seen.get(m, 0) + 1
        name = snap.margins[m]
        titles.append(f"{name} {seen[m]} · {snap.shares[k, m]:.0%}")
    return titles


def pca_titles(snap: Demixing) -> list[str]:
    """"PC 1 · 71% condition": each PCA component's largest share."""
    top = np.argmax(snap.pca_shares, axis=1)
    return [f"PC {k + 1} · {snap.pca_shares[k, m]:.0%} {snap.margins[m]}"
            for k, m in enumerate(top)]


def demixed_layout(snap: Demixing) -> list[list[int]]:
    """One row per part, its components in order."""
    rows = [np.flatnonzero(snap.component_margin == m).tolist() for m in range(3)]
    return [row for row in rows if row]


def pca_layout(count: int, per_row: int) -> list[list[int]]:
    return [list(range(i, min(i + per_row, count))) for i in range(0, count, per_row)]


class DemixingView(View):
    """Main: dPCA's components. Beside: PCA's, the variance shares, the explained variance."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.demixed = CourseGrid()
        self.demixed.canvas_name = "dPCA components"
        self.pca = CourseGrid()
        self.pca.canvas_name = "PCA components"
        self.shares = StackedBarCanvas(colours="series")
        self.shares.canvas_name = "Variance shares"
        self.shares.set_labels("T time, C condition, I interaction; P PCA", "share")
        self.explained = CurveCanvas()
        self.explained.canvas_name = "Explained variance"
        self.explained.set_labels("components", "variance explained")
        self._arrange(self.demixed, self.pca, self.shares, self.explained)
        self.splitter.setSizes([560, 520])

    def show_snapshot(self, snap: Demixing) -> None:
        self.demixed.set_courses(snap.courses, snap.times, demixed_layout(snap),
                                 demixed_titles(snap), list(snap.condition_names))
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Demixing) -> None:
        per_row = max(1, len(snap.pca_explained) // 3)
        self.pca.set_courses(snap.pca_courses, snap.times,
                             pca_layout(len(snap.pca_explained), per_row), pca_titles(snap),
                             list(snap.condition_names))
        k, p = snap.k, len(snap.pca_shares)
        x = np.concatenate([np.arange(k), k + 1 + np.arange(p)])
        letters = [snap.margins[m][0].upper() for m in snap.component_margin]
        counts: dict[str, int] = {}
        names = []
        for letter in letters:
            counts[letter] = counts.get(letter, 0) + 1
            names.append(f"{letter}{counts[letter]}")
        names += [f"P{i + 1}" for i in range(p)]
        self.shares.set_stacks(np.vstack([snap.shares, snap.pca_shares]), snap.margins,
                               "dPCA (left) against PCA (right)", x=x, categories=names)
        self.explained.set_curves({"PCA": snap.pca_cumulative[:max(k, 1)],
                                   "dPCA": snap.cumulative},
                                  x=np.arange(1, max(k, len(snap.pca_cumulative)) + 1))
        parts = ", ".join(f"{m} {v:.0%}" for m, v in zip(snap.margins, snap.margin_variance,
                                                         strict=True))
        self.explained.set_title(f"parts: {parts}")
