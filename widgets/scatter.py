"""The 2-D scatter canvas: points in cluster colours, centres with their trails, cell boundaries.

Every plot item is made once and updated with new data, so an animation at 30 frames a
second never builds Qt objects per frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.canvas import Canvas, style_view
from widgets.legend import CornerLegend
from widgets.palette import cluster_colour
from widgets.plot import plot_widget, set_axis_labels
from widgets.points_item import PointsItem
from widgets.sticky_range import StickyRange
from widgets.style import Style

CENTRE_SIZE = 16.0
MAX_WEIGHTED = 2_000  # point weights are drawn for at most this many points, the heaviest
MIN_WEIGHT = 0.02  # weights under this share of the largest get no disc
WEIGHT_SIZE = 26.0  # diameter of the heaviest point's disc, before the style's scale
WEIGHT_LEVELS = 12  # distinct disc sizes
MAX_NAMED = 60  # points whose names a scatter writes beside them, at most
MAX_LEGEND_CLASSES = 12  # classes a legend names at most: more would fill the plot
LEGEND_SHARE = 0.2  # of the plot's area, the most a legend of classes may cover
LEGEND_SAMPLE = 5_000  # points the legend looks at to find the emptiest corner
SWATCH_SIZE = 10.0  # a legend entry's disc, before the style's scale


EQUAL_UNITS_SPAN = 3.0


def spans_alike(points: np.ndarray) -> bool:
    """Whether the points' x and y spans are within EQUAL_UNITS_SPAN times of each other."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 2:
        return False
    spans = np.ptp(points[np.isfinite(points).all(axis=1)], axis=0)
    if not spans.size or spans.min() <= 0:
        return False
    return bool(spans.max() / spans.min() <= EQUAL_UNITS_SPAN)


class ScatterCanvas(Canvas):
    """Scatter of (n, 2) points coloured by label, with optional centres, trails and segments."""

    canvas_name = "Scatter"

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = plot_widget()
        self.plot_widget.setMinimumSize(120, 90)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.showGrid(x=False, y=False)
        self.show_views(self.plot_widget)

        self.points = PointsItem()
        self.segments_item = pg.PlotCurveItem(connect="pairs")
        self.trails_item = pg.PlotCurveItem()
        self.flagged_item = pg.PlotCurveItem(connect="pairs")
        self.centres_item = pg.ScatterPlotItem(pxMode=True)
        self.marker_item = pg.ScatterPlotItem(pxMode=True)
        self.weights_item = pg.ScatterPlotItem(pxMode=True)
        for z, item in enumerate(
            (self.points, self.weights_item, self.segments_item, self.trails_item,
             self.centres_item, self.marker_item)
        ):
            item.setZValue(z)
            # Segments reach the padded data box; letting them widen the view would pad twice.
            self.plot_item.addItem(item, ignoreBounds=item is self.segments_item)
        self.segments_item.setVisible(False)
        self.trails_item.setVisible(False)
        self.flagged_item.setZValue(2.5)  # over the other segments, under trails and centres
        self.plot_item.addItem(self.flagged_item, ignoreBounds=True)
        self.flagged_item.setVisible(False)
        self._flagged = np.zeros(0, bool)
        self._centre_size = CENTRE_SIZE
        self._segments = np.empty((0, 2, 2))
        self._centres: np.ndarray | None = None
        self._marker_xy: tuple[float, float] | None = None
        self._weights: tuple[np.ndarray, np.ndarray] | None = None  # rows, weights drawn
        self._all_xy = np.empty((0, 2))  # every row's position, for the weights' discs
        self._centre_brushes: dict[int, QtGui.QBrush] = {}
        self._names: tuple[str, ...] = ()
        self._name_items: list[pg.TextItem] = []
        self._labels: np.ndarray | None = None  # the labels the points are coloured by now
        self._classes: tuple[np.ndarray | None, tuple[str, ...] | None] = (None, None)
        self._class_values: np.ndarray | None = None  # the classes' values, or too many
        self._legend: CornerLegend | None = None  # made on first use
        self._legend_key: tuple | None = None  # (values, colours, names) in the legend now
        self._sticky: StickyRange | None = None  # see `range_in_steps`
        self.selection = self.enable_selection(self.plot_item, self.points)
        self.apply_style(self.canvas_style())

    def _restyle(self, style: Style) -> None:
        muted = style.theme.colour
        self.points.set_palette(style.colours)
        self.points.set_scale(style.marker_scale)
        self.segments_item.setPen(pg.mkPen(muted("muted", 200), width=style.width(1.5)))
        self.trails_item.setPen(pg.mkPen(muted("muted", 150), width=style.width(1.0)))
        self.flagged_item.setPen(pg.mkPen(style.theme.accent, width=style.width(2.0)))
        self._centre_brushes.clear()
        self._draw_centres()
        self._draw_marker()
        self._draw_weights()
        for item in self._name_items:
            item.setColor(style.theme.foreground)
            item.setFont(style.font())
        self._update_legend()

    # ---- points -----------------------------------------------------------------------------

    def set_points(self, xy: np.ndarray, labels: np.ndarray | None = None) -> None:
        """Show (n, 2) points; labels (n,) ints colour them (-1 or None: grey)."""
        self._all_xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self.points.set_data(xy, labels)
        self._labels = labels
        if self._sticky is not None:
            self._sticky.fit(self._all_xy)
        self._place_names()
        self._update_legend()

    def range_in_steps(self) -> None:
        """Points that move at every frame (an embedding unfolding) are ranged in steps, not
        at every frame (widgets/sticky_range.py)."""
        self._sticky = StickyRange(self.plot_item.getViewBox())
        self._sticky.fit(self._all_xy)

    def set_point_names(self, names) -> None:
        """Write each point's name beside it (the cities of a distance table); None, or more
        than MAX_NAMED names, writes none: beyond that the names are a blur."""
        for item in self._name_items:
            self.plot_item.removeItem(item)
        self._name_items = []
        self._names = () if names is None or len(names) > MAX_NAMED else tuple(names)
        style = self.canvas_style()
        for name in self._names:
            item = pg.TextItem(name, color=style.theme.foreground)
            item.setFont(style.font())
            item.setZValue(6)
            self.plot_item.addItem(item, ignoreBounds=True)
            self._name_items.append(item)
        self._place_names()

    def point_names(self) -> tuple[str, ...]:
        """The names written beside the points now (none when they do not match the points)."""
        return tuple(i.toPlainText() for i in self._name_items if i.isVisible())

    def _place_names(self) -> None:
        """Each name beside its point, on the side facing the middle, so that names at the
        right edge run left instead of off the plot."""
        xy = self._all_xy
        match = len(self._name_items) == len(xy)
        if not match:
            for item in self._name_items:
                item.setVisible(False)
            return
        middle = float(np.mean(xy[:, 0])) if len(xy) else 0.0
        for item, (x, y) in zip(self._name_items, xy, strict=True):
            item.setAnchor((0.0, 0.5) if x <= middle else (1.0, 0.5))
            item.setPos(float(x), float(y))
            item.setVisible(True)

    def set_labels(self, labels: np.ndarray | None) -> None:
        """Recolour the points already shown."""
        self.points.set_labels(labels)
        self._labels = labels
        self._update_legend()

    # ---- the legend of classes --------------------------------------------------------------

    def set_classes(self, y: np.ndarray | None, names: tuple[str, ...] | None = None) -> None:
        """The data set's own labels and the names of their values. Whenever the points are
        coloured by this very array (the views pass the data set's `y` itself, and clusters
        or codes are other arrays), a legend names each colour; `names[v]` names value v,
        else "class v". Digits in ten colours, two of them alike, need it."""
        self._classes = (y, names)
        values = None if y is None else np.unique(np.asarray(y)[np.asarray(y) >= 0])
        self._class_values = values if values is not None and \
            2 <= values.size <= MAX_LEGEND_CLASSES else None  # one colour needs no names
        self._update_legend()

    def legend_entries(self) -> list[str]:
        """The names the legend shows now (none when it is hidden)."""
        if self._legend is None or not self._legend.legend.isVisible():
            return []
        return [label.text for _, label in self._legend.legend.items]

    def _legend_values(self) -> np.ndarray | None:
        """The class values to name, or None when the colours are not the data set's classes
        (or there are too many of them to name)."""
        y, _ = self._classes
        return None if y is None or self._labels is not y else self._class_values

    def _update_legend(self) -> None:
        values = self._legend_values()
        if values is None:
            if self._legend is not None:
                self._legend.show(False)
            self._legend_key = None
            return
        style = self.canvas_style()
        colours = tuple(self.points.colour(int(v)).name() for v in values)
        key = (tuple(values.tolist()), colours, self._classes[1], style.marker(SWATCH_SIZE))
        if self._legend is None:
            self._legend = CornerLegend(self.plot_item, self._legend_points,
                                        max_share=LEGEND_SHARE)
        legend = self._legend.legend
        if key != self._legend_key:
            self._legend_key = key
            names = self._classes[1]
            legend.clear()
            for value, colour in zip(values.tolist(), colours, strict=True):
                name = names[value] if names is not None and 0 <= value < len(names) \
                    else f"class {value}"
                swatch = pg.ScatterPlotItem(symbol="o", size=style.marker(SWATCH_SIZE), pen=None,
                                            brush=pg.mkBrush(colour))
                legend.addItem(swatch, str(name))
            style_view(self.plot_widget, style)  # the new entries in the theme's text
        self._legend.show(True)

    def _legend_points(self) -> tuple[np.ndarray, np.ndarray]:
        """What the legend should not hide: at most LEGEND_SAMPLE of the points, spread over
        them, and as many spots along the segments (class boundaries, ellipses)."""
        xy = self._all_xy[:: max(1, len(self._all_xy) // LEGEND_SAMPLE)]
        s = self._segments
        if len(s):
            t = np.linspace(0.0, 1.0, 8)[None, :, None]
            along = (s[:, :1] + (s[:, 1:] - s[:, :1]) * t).reshape(-1, 2)
            xy = np.vstack([xy, along[:: max(1, len(along) // LEGEND_SAMPLE)]])
        return xy[:, 0], xy[:, 1]

    def set_marker_size(self, px: float | None) -> None:
        """Point diameter in pixels; None picks it from the number of points."""
        self.points.set_size(px)

    def marker_size(self) -> float:
        return self.points.size()

    def point_count(self) -> int:
        return self.points.point_count()

    def colour_counts(self) -> dict[int, int]:
        """How many points are drawn in each label's colour (-1: grey)."""
        return self.points.counts()

    def data_bounds(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) of the points padded by 5 %, the box to clip Voronoi to."""
        if not self.points.point_count():
            return (0.0, 1.0, 0.0, 1.0)
        xmin, xmax, ymin, ymax = self.points.box()
        span_x, span_y = xmax - xmin, ymax - ymin
        span = max(span_x, span_y, 1e-12)
        pad_x = 0.05 * (span_x if span_x > 0 else span)
        pad_y = 0.05 * (span_y if span_y > 0 else span)
        if span_x == span_y == 0:
            pad_x = pad_y = 1.0
        return (xmin - pad_x, xmax + pad_x, ymin - pad_y, ymax + pad_y)

    # ---- centres, trails, boundaries, marker -----------------------------------------------

    def set_centres(self, centres: np.ndarray | None, trails: np.ndarray | None = None) -> None:
        """Centres (k, 2) as outlined diamonds in their cluster colours; trails (steps, k, 2)."""
        if centres is None or len(centres) == 0:
            self._centres = None
        else:
            self._centres = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
        self._draw_centres()
        self._set_trails(trails)

    def _draw_centres(self) -> None:
        c = self._centres
        if c is None:
            self.centres_item.setData([], [])
            return
        style = self.canvas_style()
        self.centres_item.setData(
            x=c[:, 0],
            y=c[:, 1],
            symbol="d",
            size=style.marker(self._centre_size),
            pen=pg.mkPen(style.theme.foreground, width=style.width(2.0)),
            brush=[self._centre_brush(i) for i in range(len(c))],
        )

    def _centre_brush(self, i: int) -> QtGui.QBrush:
        if i not in self._centre_brushes:
            palette = self.canvas_style().colours
            self._centre_brushes[i] = QtGui.QBrush(cluster_colour(i, palette))
        return self._centre_brushes[i]

    def _set_trails(self, trails: np.ndarray | None) -> None:
        if trails is None or np.size(trails) == 0:
            self.trails_item.setData([], [])
            self.trails_item.setVisible(False)
            return
        t = np.asarray(trails, dtype=np.float64)
        steps, k = t.shape[0], t.shape[1]
        paths = t.transpose(1, 0, 2).reshape(-1, 2)  # centre by centre, step by step
        connect = np.ones(steps * k, dtype=bool)
        connect[steps - 1 :: steps] = False  # do not join one centre's path to the next
        self.trails_item.setData(paths[:, 0], paths[:, 1], connect=connect)
        self.trails_item.setVisible(steps > 1)

    def set_segments(self, segments: np.ndarray | None,
                     flagged: np.ndarray | None = None) -> None:
        """Segments (m, 2, 2) as one curve item: Voronoi boundaries, a graph's edges. The
        `flagged` ones (a bool per segment) are drawn apart, in the accent colour."""
        if segments is None or len(segments) == 0:
            self._segments = np.empty((0, 2, 2))
            self._flagged = np.zeros(0, bool)
            for item in (self.segments_item, self.flagged_item):
                item.setData([], [])
                item.setVisible(False)
        else:
            s = np.asarray(segments, dtype=np.float64).reshape(-1, 2, 2)
            mark = np.zeros(len(s), bool) if flagged is None else np.asarray(flagged, bool)
            self._segments, self._flagged = s, mark
            for item, part in ((self.segments_item, s[~mark]), (self.flagged_item, s[mark])):
                flat = part.reshape(-1, 2)
                item.setData(flat[:, 0], flat[:, 1], connect="pairs")
                item.setVisible(len(part) > 0)
        if self._legend is not None and self._legend.wanted:
            self._legend.update()  # a corner free of points may now hold a boundary

    def flagged_segments(self) -> np.ndarray:
        """The (f, 2, 2) segments drawn apart now."""
        return self._segments[self._flagged].copy()

    def segments(self) -> np.ndarray:
        """The (m, 2, 2) segments currently drawn."""
        return self._segments.copy()

    def set_marker(self, xy: np.ndarray | None) -> None:
        """One highlighted point (e.g. the code being decoded), or None to hide it."""
        if xy is None:
            self._marker_xy = None
        else:
            x, y = (float(v) for v in np.asarray(xy, dtype=np.float64).reshape(2))
            self._marker_xy = (x, y)
        self._draw_marker()

    def _draw_marker(self) -> None:
        if self._marker_xy is None:
            self.marker_item.setData([], [])
            return
        style = self.canvas_style()
        x, y = self._marker_xy
        self.marker_item.setData(
            [x],
            [y],
            symbol="star",
            size=style.marker(max(18.0, 2.2 * self._centre_size)),
            pen=pg.mkPen(style.theme.background, width=style.width(1.5)),
            brush=pg.mkBrush(style.theme.accent),
        )

    def set_weights(self, weights: np.ndarray | None) -> None:
        """A weight per point (e.g. k-means++'s probability of being the next centre) as a
        translucent disc whose area grows with it; None hides them. Only the heaviest
        `MAX_WEIGHTED` points, of at least `MIN_WEIGHT` times the largest, get a disc."""
        if weights is None:
            self._weights = None
        else:
            w = np.asarray(weights, dtype=np.float64).ravel()
            # Discs too small to see would only cover the points.
            rows = np.flatnonzero(w >= MIN_WEIGHT * w.max()) if w.size else np.empty(0, int)
            if rows.size > MAX_WEIGHTED:
                rows = rows[np.argpartition(w[rows], -MAX_WEIGHTED)[-MAX_WEIGHTED:]]
            self._weights = (rows, w[rows])
        self._draw_weights()

    def weights_drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows, disc diameters in pixels) of the weighted points drawn now."""
        if self._weights is None:
            return np.empty(0, np.int64), np.empty(0)
        return self._weights[0].copy(), np.asarray(self.weights_item.data["size"], float)

    def _draw_weights(self) -> None:
        if self._weights is None or self._weights[0].size == 0:
            self.weights_item.setData([], [])
            return
        rows, w = self._weights
        if rows.size and rows.max() >= len(self._all_xy):  # weights of another data set
            self.weights_item.setData([], [])
            return
        xy = self._all_xy
        style = self.canvas_style()
        # Area ∝ weight, in WEIGHT_LEVELS sizes: pyqtgraph renders each distinct size once,
        # and 2,000 distinct sizes took a quarter of a second per frame at 100,000 points.
        level = np.ceil(np.sqrt(w / w.max()) * WEIGHT_LEVELS) / WEIGHT_LEVELS
        sizes = style.marker(WEIGHT_SIZE) * level
        self.weights_item.setData(x=xy[rows, 0], y=xy[rows, 1], size=sizes, symbol="o",
                                  pen=pg.mkPen(style.theme.accent, width=style.width(1.0)),
                                  brush=style.theme.colour("accent", 70))

    # ---- axes and the rest ------------------------------------------------------------------

    def set_axis_labels(self, x: str, y: str) -> None:
        set_axis_labels(self.plot_item, x, y)

    def set_title(self, text: str | None) -> None:
        self.set_plot_title(self.plot_widget, text)

    def title(self) -> str:
        """The title shown now ("" when none)."""
        item = self.plot_item.titleLabel
        return item.text if item.isVisible() else ""

    def set_aspect_locked(self, locked: bool) -> None:
        """Equal units on both axes (Voronoi cells then look right); off by default."""
        self.plot_item.getViewBox().setAspectLocked(locked)

    def lock_aspect_for(self, points: np.ndarray) -> None:
        """Equal units on both axes when the points' two spans are alike, so that a ring of a
        2-D model looks round; free when they differ more than EQUAL_UNITS_SPAN times, where
        equal units would leave the points a thin strip (features in unlike units)."""
        self.set_aspect_locked(spans_alike(points))

    def set_centre_size(self, px: float) -> None:
        """Centre marker size in pixels, before the style's marker scale."""
        self._centre_size = float(px)
        if self._centres is not None:
            self.centres_item.setSize(self.canvas_style().marker(self._centre_size))

    def auto_range(self) -> None:
        if self._sticky is not None:
            self._sticky.follow(self._all_xy)
            return
        self.plot_item.enableAutoRange()
        self.plot_item.autoRange()

    def clear(self) -> None:
        """Remove everything drawn; the items stay for reuse."""
        self.points.set_data(np.empty((0, 2)))
        self.set_centres(None, None)
        self.set_segments(None)
        self.set_marker(None)
        self.set_weights(None)
        self.set_labels(None)  # and the legend of classes with them

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(600, 450)
