"""One view per kind of snapshot: which canvases show it, and how they are fed.

The window picks a view with `ui.view_types.VIEWS[type(snapshot)]`.
Views know the data set and its 2-D projection; canvases know neither.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QWidget

from engine.clustering import hierarchical, ultrametric
from engine.clustering.voronoi import voronoi_segments
from engine.data import Dataset
from engine.protocol import Partition, Snapshot, Spectrum, Tree
from engine.reduction import pca
from engine.reduction.quality import plane
from ui.paint_turns import PaintTurns
from ui.scores import ScoresPane
from widgets.arrows import ArrowScatterCanvas
from widgets.bars import BarCanvas
from widgets.canvas import Canvas
from widgets.curves import CurveCanvas
from widgets.dendrogram import DendrogramCanvas
from widgets.images import ImageStrip
from widgets.scatter import ScatterCanvas
from widgets.scree import ScreeCanvas

N_IMAGES = 10
MAX_ARROWS = 30  # a biplot draws at most this many loadings, the longest


def _leaves(widget: QWidget) -> list[QWidget]:
    """The canvases in a view's splitters, in order; also inside a plain widget that holds
    canvases with controls beside them (a picker above two planes)."""
    if isinstance(widget, QSplitter):
        return [leaf for i in range(widget.count()) for leaf in _leaves(widget.widget(i))]
    if isinstance(widget, Canvas):
        return [widget]
    direct = widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    inner = [leaf for child in direct for leaf in _leaves(child) if isinstance(leaf, Canvas)]
    return inner or [widget]


class DataFrame2D:
    """The data set as the scatter draws it: its 2-D coordinates and how to map more points."""

    def __init__(self, dataset: Dataset, xy: np.ndarray, axis_labels: tuple[str, str],
                 project: Callable[[np.ndarray], np.ndarray], exact: bool):
        self.dataset = dataset
        self.xy = xy
        self.axis_labels = axis_labels
        self.project = project
        self.exact = exact  # the view is the data's own two features: Voronoi cells are true


class View(QWidget):
    """Base: a horizontal splitter with a main canvas and a column of side canvases."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.frame: DataFrame2D | None = None
        self.staged = False  # set by the window around a streaming step: see `_later`
        self._pending: Callable[[], None] | None = None
        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.timeout.connect(self._apply_pending)
        self._turns = PaintTurns(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.side = QSplitter(Qt.Orientation.Vertical)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def _arrange(self, main: QWidget, *side: QWidget) -> None:
        self.splitter.addWidget(main)
        if side:
            for w in side:
                self.side.addWidget(w)
            self.splitter.addWidget(self.side)
            self.splitter.setSizes([620, 420])

    def set_frame(self, frame: DataFrame2D) -> None:
        self.frame = frame
        # The classes are named once, on the view's first scatter (its main canvas, most
        # often): side plots are small, and their colours are the same.
        scatters = [c for c in self.canvases() if isinstance(c, ScatterCanvas)]
        scatters += [c for c in self.findChildren(ScatterCanvas) if c not in scatters]
        for i, scatter in enumerate(scatters):
            if i == 0:
                scatter.set_classes(frame.dataset.y, frame.dataset.target_names)
            else:
                scatter.set_classes(None)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        raise NotImplementedError

    def _later(self, update: Callable[[], None]) -> None:
        """Update the side canvases: at once, or, while a run streams, one event later, after
        the main canvas has painted. Then no single event paints every canvas of the view
        (each paint is a stall of its own), and a newer step replaces an update still waiting."""
        if not self.staged:
            self._pending = None
            update()
            return
        self._pending = update
        self._pending_timer.start(0)

    def hold_paints(self) -> None:
        """While a run streams: the canvases paint one per turn of the event loop, not all
        in one event (see ui/paint_turns.py). Also before the view is shown: its first paint.
        Not in a window that is not on screen, nor a canvas its splitter collapsed: nothing
        there paints."""
        window = self.window()
        if window.isVisible() and not window.isMinimized():
            self._turns.hold(c for c in self.canvases()
                             if c.isVisibleTo(self) and not c.size().isEmpty())

    def pending(self) -> bool:
        """A side-canvas update, or a canvas's paint, is waiting for a later event."""
        return self._pending is not None or self._turns.waiting()

    def flush(self) -> None:
        """Apply a side-canvas update still waiting and let every canvas paint (the window
        calls it when a run is cancelled)."""
        self._apply_pending()
        self._turns.release_all()

    def _apply_pending(self) -> None:
        update, self._pending = self._pending, None
        if update is not None:
            update()
            if self._turns.waiting():  # a canvas the update showed waits its turn too
                self.hold_paints()

    def canvases(self) -> list[QWidget]:
        """Every canvas of the view, the main one first, through nested splitters too."""
        return _leaves(self.splitter)

    def named_canvases(self) -> list[tuple[str, Canvas]]:
        """The canvases shown, main one first, by the name menus and file names use."""
        return [(c.canvas_name, c) for c in self.canvases()
                if isinstance(c, Canvas) and c.isVisibleTo(self)]

    def apply_style(self, style) -> None:
        """Restyle every canvas of the view, shown or not (once per change of style)."""
        for canvas in self.canvases():
            if isinstance(canvas, Canvas):
                canvas.apply_style(style)


def _scatter_for(frame: DataFrame2D, scatter: ScatterCanvas, labels) -> None:
    scatter.set_point_names(frame.dataset.names())
    scatter.set_points(frame.xy, labels)
    scatter.set_axis_labels(*frame.axis_labels)


class DataView(View):
    """Before any run: the data set in its true labels."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Data"
        self._arrange(self.scatter)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, frame.dataset.y)
        self.scatter.set_centres(None, None)
        self.scatter.set_segments(None)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        pass


class PartitionView(View):
    """Clusters on the scatter, their centres with trails and Voronoi cells; J per step; the
    scores and silhouette plot; k-means++'s D² weights while seeding; the elbow and the
    final J of each restart when the run computed them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Clusters"
        self.curve = CurveCanvas()
        self.curve.canvas_name = "Objective per step"
        self.curve.set_labels("step", "objective")
        self.scores = ScoresPane(self)
        self.elbow = CurveCanvas()
        self.elbow.canvas_name = "Elbow"
        self.elbow.set_labels("clusters k", "final objective")
        self.restarts = BarCanvas()
        self.restarts.canvas_name = "Restarts"
        self.restarts.set_labels("run", "final objective")
        self._arrange(self.scatter, self.curve, self.scores.canvas, self.elbow, self.restarts)
        self.elbow.setVisible(False)
        self.restarts.setVisible(False)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, None)
        self.scores.show_labels(None, None)

    def show_snapshot(self, snap: Partition) -> None:
        frame = self.frame
        self.scatter.set_labels(snap.labels)
        self.scatter.set_weights(snap.seed_weights)
        centres = trails = segments = None
        if snap.centres is not None:
            centres = frame.project(snap.centres)
            if snap.centre_path is not None and len(snap.centre_path) > 1:
                path = snap.centre_path
                trails = frame.project(path.reshape(-1, path.shape[-1])).reshape(
                    path.shape[0], path.shape[1], 2)
            if frame.exact and len(centres) > 1:
                segments = voronoi_segments(centres, self.scatter.data_bounds())
        self.scatter.set_centres(centres, trails)
        self.scatter.set_segments(segments)
        self._later(lambda: self._show_side(snap))

    def _show_side(self, snap: Partition) -> None:
        self.curve.set_curves({snap.objective_name: snap.trace})
        self.curve.set_cursor(len(snap.trace) - 1)
        self.scores.show_labels(self.frame.dataset, snap.labels)
        self._show_elbow(snap)
        self._show_restarts(snap)

    def _show_elbow(self, snap: Partition) -> None:
        self.elbow.setVisible(snap.elbow is not None)
        if snap.elbow is None:
            return
        ks = np.arange(1, len(snap.elbow) + 1)
        self.elbow.set_curves({snap.objective_name: snap.elbow}, x=ks)
        k = len(snap.centres) if snap.centres is not None else snap.k
        self.elbow.set_cursor(k - 1 if 1 <= k <= len(ks) else None)
        self.elbow.set_title(f"elbow: final {snap.objective_name} for k = 1..{len(ks)}; "
                             f"k = {k} marked")

    def _show_restarts(self, snap: Partition) -> None:
        runs = snap.restarts
        self.restarts.setVisible(runs is not None and len(runs) > 1)
        if runs is None or len(runs) < 2:
            return
        best = snap.best_run
        self.restarts.set_bars(runs, best, f"{len(runs)} runs: best is run {best + 1}, "
                               f"{snap.objective_name} = {runs[best]:.4g}")

    def pending(self) -> bool:
        return super().pending() or self.scores.busy()


class TreeView(View):
    """The dendrogram growing merge by merge, and the scatter in the colours of its cut."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scatter = ScatterCanvas()
        self.scatter.canvas_name = "Clusters"
        self.dendrogram = DendrogramCanvas()
        self.scores = ScoresPane(self)
        self._arrange(self.scatter, self.dendrogram, self.scores.canvas)
        self.side.setSizes([3, 2])
        self.k = 3
        self._tree: Tree | None = None
        self.dendrogram.cut_changed.connect(self._on_cut)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        _scatter_for(frame, self.scatter, None)
        self.scores.show_labels(None, None)

    def set_k(self, k: int) -> None:
        self.k = k

    def show_snapshot(self, snap: Tree) -> None:
        self._tree = snap
        self.k = min(self.k, snap.n_leaves)
        self._recolour()
        self._later(lambda: self._show_tree(snap))

    def _show_tree(self, snap: Tree) -> None:
        self.dendrogram.set_tree(snap.linkage, snap.n_merges, self.k)
        self.dendrogram.set_title(ultrametric_title(snap))

    def set_cut(self, k: int) -> None:
        """Cut the tree into k clusters, as a click on the dendrogram does."""
        self.dendrogram.set_k(k)
        self._on_cut(self.dendrogram.k())

    def _on_cut(self, k: int) -> None:
        self.k = k
        self._recolour()

    def _recolour(self) -> None:
        snap = self._tree
        if snap is None:
            return
        if snap.complete:
            labels = hierarchical.cut(snap.linkage, self.k)
        else:
            labels = hierarchical.partial_labels(snap.linkage, snap.n_merges)
        self.scatter.set_labels(labels)
        # Scored at the cut once the tree is whole; a drag of the cut rescores (subsample).
        if snap.complete:
            self.scores.show_labels(self.frame.dataset, labels)
        else:
            self.scores.show_labels(None, None)

    def pending(self) -> bool:
        return super().pending() or self.scores.busy()


def ultrametric_title(snap: Tree) -> str | None:
    """The cophenetic correlation and the ultrametric check, over the finished dendrogram."""
    if not snap.complete or not snap.triples_checked:
        return None
    which = "all" if snap.triples_exact else "sampled"  # how many: in the run's message
    coph = (f"cophenetic correlation {snap.cophenetic:.3f}" if np.isfinite(snap.cophenetic)
            else "cophenetic correlation undefined")
    return (f"{coph}<br>d(x,y) ≤ max(d(x,z), d(y,z)) broken by more than "
            f"{ultrametric.RTOL:.0%} in<br>data {snap.broken_triples:.1%}, "
            f"tree {snap.broken_triples_tree:.1%} of {which} triples")


SHORT_ARROW = 0.15  # a loading arrow shorter than this share of the longest goes unnamed


class SpectrumView(View):
    """The data on its first two components with the loadings as arrows (a biplot); the scree
    plot and the reconstruction error per number of components; images rebuilt from q."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scree = ScreeCanvas()
        self.scatter = ArrowScatterCanvas()
        self.scatter.canvas_name = "Scores and loadings"
        self.error = CurveCanvas()
        self.error.canvas_name = "Reconstruction error"
        self.error.set_labels("components kept q", "mean squared error")
        self.images = ImageStrip()
        self.images.canvas_name = "Reconstructions"
        self._arrange(self.scatter, self.scree, self.error, self.images)
        self.side.setSizes([3, 2, 3])
        self._snap: Spectrum | None = None
        self.q: int | None = None
        self._selected = np.empty(0, np.int64)  # selected rows: their images are shown
        self.scree.components_chosen.connect(self._on_choose)
        self.images.highlight_changed.connect(self._on_selection)

    def set_frame(self, frame: DataFrame2D) -> None:
        super().set_frame(frame)
        self.q = None  # a new run starts from all the components it kept

    def show_snapshot(self, snap: Spectrum) -> None:
        self._snap = snap
        kept = snap.components.shape[0]
        self.q = kept if self.q is None else min(self.q, kept)
        scores = snap.scores
        self.scatter.set_points(plane(scores), self.frame.dataset.y if self.frame else None)
        white = " (whitened)" if snap.whitened else ""
        self.scatter.set_axis_labels(f"PC1{white}", f"PC2{white}" if scores.shape[1] >= 2
                                     else "")
        self._show_loadings(snap)
        self.images.setVisible(snap.image_shape is not None)
        self._later(lambda: self._show_spectrum(snap))

    def _show_loadings(self, snap: Spectrum) -> None:
        """The biplot's arrows: the longest features' loadings on PC1 and PC2."""
        features, arrows = pca.biplot_arrows(snap.components, snap.eigenvalues, snap.scores,
                                             MAX_ARROWS)
        names = self.frame.dataset.feature_names if self.frame else ()
        length = np.hypot(arrows[:, 0], arrows[:, 1])
        # Arrows much shorter than the longest bunch up at the origin: drawn, not named.
        named = length >= SHORT_ARROW * length.max(initial=0.0)
        labels = [(names[j] if j < len(names) else f"x{j + 1}") if keep else ""
                  for j, keep in zip(features, named, strict=True)]
        self.scatter.set_arrows(np.zeros(2), arrows, labels)
        d = snap.components.shape[1]
        shown = "every feature" if len(features) == d else f"the {len(features)} longest of {d}"
        title = f"loadings of {shown} (scaled to fit)"
        if snap.quality is not None:
            title += f"<br>map: {snap.quality.short()}"
        self.scatter.set_title(title)

    def _show_spectrum(self, snap: Spectrum) -> None:
        self.scree.set_spectrum(snap.explained_ratio)
        self.scree.set_selected(self.q)
        self._show_error(snap)
        self._draw_images()

    def _show_error(self, snap: Spectrum) -> None:
        errors = snap.reconstruction_error
        self.error.setVisible(errors.size > 0)
        if not errors.size:
            return
        qs = np.arange(1, errors.size + 1)
        self.error.set_curves({"Σ of the λ left out": errors}, x=qs)
        self.error.set_cursor(self.q - 1 if self.q and self.q <= errors.size else None)
        if self.q and self.q <= errors.size:
            self.error.set_title(f"error with q = {self.q}: {errors[self.q - 1]:.4g}")

    def set_components(self, q: int) -> None:
        """Keep q components, as a click on the scree plot does."""
        self.scree.set_selected(q)
        self._on_choose(self.scree.selected())

    def _on_choose(self, q: int) -> None:
        self.q = q
        if self._snap is not None:
            self._show_error(self._snap)
        self._draw_images()

    def _on_selection(self, rows: np.ndarray) -> None:
        self._selected = rows[rows < len(self._snap.scores)] if self._snap else rows
        self._draw_images()

    def _draw_images(self) -> None:
        """Ten rows and their reconstructions from q components: the first ten selected
        rows when there is a selection, else ten rows spread through the data."""
        snap = self._snap
        if snap is None or snap.image_shape is None:
            return
        picked = self._selected[:N_IMAGES]
        rows = picked if picked.size else np.linspace(0, len(snap.scores) - 1,
                                                      N_IMAGES).astype(int)
        original = self.frame.dataset.X[rows]
        rebuilt = snap.reconstruct(rows, min(self.q, snap.components.shape[0]))
        images = np.concatenate([original, rebuilt]).reshape(-1, *snap.image_shape)
        lo, hi = float(original.min()), float(original.max())
        blank = [""] * (len(rows) - 1)
        first = f"{self._selected.size} selected" if picked.size else "data"
        titles = [first, *blank, f"q = {self.q}", *blank]
        self.images.set_images(images, titles, rows=2, levels=(lo, hi))
        self.images.set_data_rows(np.concatenate([rows, rows]))
