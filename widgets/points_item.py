"""A pyqtgraph item that draws up to millions of points coloured by label, fast.

pyqtgraph's ScatterPlotItem with a brush per point spends its time in Python per point
(about 0.4 s for 1e5 points here). This item groups the points by label once per set_data
and paints each group with one QPainter.drawPoints call and a wide cosmetic pen, so the cost
is in Qt's rasteriser. Above `raster_above` points it instead stamps the points into an image
with numpy on the view's pixel grid at each paint, which stays fast at a million.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6 import QtCore, QtGui, QtWidgets

from widgets.palette import CLUSTER_HEX, cluster_colour


def auto_marker_size(n: int) -> float:
    """Marker diameter in pixels: large for a handful of points, small for a million."""
    if n <= 500:
        return 8.0
    return float(np.clip(8.0 - 2.0 * np.log10(n / 500.0), 2.0, 8.0))


_FAR = 1e6  # pixels; screen coordinates are clipped to +-_FAR


class _Group:
    """The points of one colour, with a polygon reused to hold their screen positions."""

    def __init__(self, key: int, xy: np.ndarray) -> None:
        self.key = key
        self.x = np.ascontiguousarray(xy[:, 0])
        self.y = np.ascontiguousarray(xy[:, 1])
        self.polygon = fn.create_qpolygonf(len(xy))
        self.view = fn.ndarray_from_qpolygonf(self.polygon) if len(xy) else np.empty((0, 2))

    def mapped(self, tr: QtGui.QTransform) -> QtGui.QPolygonF:
        """The polygon filled with the points mapped through the affine transform tr."""
        px = tr.m11() * self.x + tr.m21() * self.y + tr.dx()
        py = tr.m12() * self.x + tr.m22() * self.y + tr.dy()
        # Far off-screen points are clipped so the rasteriser never meets huge coordinates.
        np.clip(px, -_FAR, _FAR, out=self.view[:, 0])
        np.clip(py, -_FAR, _FAR, out=self.view[:, 1])
        return self.polygon


class PointsItem(pg.GraphicsObject):
    """Points of one scatter, coloured by integer label (-1: grey), drawn per colour group.

    Each point remembers the data row it stands for (`point_rows`), so a selection made on
    the screen names rows of the data set even when some rows are not drawn."""

    changed = QtCore.Signal()  # the points, their labels or their size changed

    # Qt strokes wide round points as paths (about ten times slower than square ones), so
    # round antialiased markers only for small sets; above raster_above, a numpy-built image.
    round_below = 5_000
    raster_above = 50_000

    def __init__(self) -> None:
        super().__init__()
        # Repaints caused by other items (a crosshair, the centres) blit the last picture.
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._xy = np.empty((0, 2))
        self._rows: np.ndarray | None = None  # data row of each point; None: 0..n-1
        self._labels = np.empty(0, dtype=np.int64)
        self._groups: list[_Group] = []
        self._counts: dict[int, int] = {}
        self._lo = 0  # the lowest label; label codes are label - _lo
        self._raster: tuple[np.ndarray, np.ndarray] | None = None
        self._size: float | None = None
        self._scale = 1.0  # marker scale of the style (presentation mode enlarges markers)
        self._palette: tuple[str, ...] = CLUSTER_HEX
        self._table: np.ndarray | None = None  # (m, 4) RGBA by label, instead of the palette
        self._pens: dict[int, QtGui.QPen] = {}
        self._box = (0.0, 0.0, 0.0, 0.0)
        self._bounding: QtCore.QRectF | None = None
        self._labels_given: np.ndarray | None = None  # the read-only array last passed in
        self._version = 0  # bumped whenever what the image path draws changes
        self._image: tuple[tuple, QtGui.QImage, np.ndarray] | None = None  # key, image, pixels
        self._shape_version = 0  # bumped when the points or their size change, not colours
        self._footprint: tuple[tuple, np.ndarray] | None = None  # key, point index per pixel

    # ---- data ----------------------------------------------------------------------------

    def set_data(self, xy: np.ndarray, labels: np.ndarray | None = None,
                 rows: np.ndarray | None = None) -> None:
        """Replace the points (and their labels); rebuilds the cached colour groups.

        `rows` gives the data row each point stands for (default: point i is row i)."""
        # A copy: the image path reads the points at every paint, after the caller moved on.
        xy = np.array(xy, dtype=np.float64, copy=True).reshape(-1, 2)
        labels = self._check_labels(labels, len(xy))
        if rows is not None:
            rows = np.asarray(rows, dtype=np.int64).reshape(-1)
            if len(rows) != len(xy):
                raise ValueError(f"{len(rows)} rows for {len(xy)} points")
        if not np.isfinite(xy).all():
            finite = np.isfinite(xy).all(axis=1)
            rows = np.flatnonzero(finite) if rows is None else rows[finite]
            xy, labels = xy[finite], labels[finite]
        self.prepareGeometryChange()
        self._xy = xy
        self._rows = rows
        self._shape_version += 1
        if len(xy):
            # Column by column: a reduction over axis 0 of an (n, 2) array is ten times slower.
            x, y = xy[:, 0], xy[:, 1]
            self._box = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
        else:
            self._box = (0.0, 0.0, 0.0, 0.0)
        self._bounding = None
        self._set_labels(labels)
        self.informViewBoundsChanged()  # lets an auto-ranging ViewBox follow the new data

    def set_labels(self, labels: np.ndarray | None) -> None:
        """Recolour the current points; labels must have one entry per point."""
        if (labels is not None and labels is self._labels_given
                and not labels.flags.writeable):
            return  # the same read-only labels again (a step that moved only the centres)
        self._set_labels(self._check_labels(labels, len(self._xy)))
        if isinstance(labels, np.ndarray) and not labels.flags.writeable:
            self._labels_given = labels

    def set_size(self, px: float | None) -> None:
        """Marker diameter in screen pixels, before the style's scale; None chooses it from
        the point count."""
        self._size = None if px is None else max(1.0, float(px))
        self._version += 1
        self._shape_version += 1
        self._make_pens()
        self._bounding = None
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.update()
        self.changed.emit()

    def set_scale(self, scale: float) -> None:
        """Multiply the marker size (explicit or automatic) by scale."""
        if float(scale) != self._scale:
            self._scale = float(scale)
            self.set_size(self._size)

    def set_palette(self, palette: tuple[str, ...]) -> None:
        """Cluster colours (hex) by label; recolours the cached pens and colour table."""
        palette = tuple(palette)
        if palette == self._palette:
            return
        self._palette = palette
        self._recolour()

    def palette(self) -> tuple[str, ...]:
        return self._palette

    def set_colour_table(self, table: np.ndarray | None) -> None:
        """Colour label i with table[i] (RGBA uint8 rows) rather than with the palette: for
        blended colours (a mixture's soft clusters), coded as labels so that the points are
        still drawn one group per colour. None goes back to the palette."""
        table = None if table is None else np.array(table, dtype=np.uint8).reshape(-1, 4)
        if table is None and self._table is None:
            return
        self._table = table
        self._recolour()

    def _recolour(self) -> None:
        """The colours changed: new pens and colour table, the same points and codes."""
        self._version += 1
        if self._raster is not None:
            codes, lut = self._raster
            self._raster = (codes, self._lut(len(lut)))
        self._make_pens()
        self.update()

    def colour_table(self) -> np.ndarray | None:
        return None if self._table is None else self._table.copy()

    def colour(self, label: int) -> QtGui.QColor:
        """The colour points of this label are drawn in."""
        table = self._table
        if table is not None and 0 <= label < len(table):
            return QtGui.QColor(*(int(v) for v in table[label]))
        return cluster_colour(label, self._palette)

    def size(self) -> float:
        base = self._size if self._size is not None else auto_marker_size(len(self._xy))
        return base * self._scale

    def counts(self) -> dict[int, int]:
        """Number of points drawn in each label's colour."""
        return dict(self._counts)

    def point_count(self) -> int:
        return len(self._xy)

    def point_rows(self) -> np.ndarray:
        """The data row of each point drawn."""
        return np.arange(len(self._xy)) if self._rows is None else self._rows

    def points_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The points drawn (non-finite rows dropped) and their labels."""
        return self._xy, self._labels

    def box(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) of the points, unpadded."""
        return self._box

    @staticmethod
    def _check_labels(labels, n: int) -> np.ndarray:
        if labels is None:
            return np.full(n, -1, dtype=np.int64)
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != n:
            raise ValueError(f"{len(labels)} labels for {n} points")
        labels = labels.astype(np.int64, copy=False)
        return np.maximum(labels, -1)

    def _set_labels(self, labels: np.ndarray) -> None:
        self._labels = labels
        self._labels_given = None
        self._version += 1
        n = len(labels)
        lo = int(labels.min()) if n else 0
        codes = labels - lo
        counts_all = np.bincount(codes, minlength=1)
        keys = np.flatnonzero(counts_all)
        self._counts = {int(k + lo): int(counts_all[k]) for k in keys}
        self._lo = lo
        if n > self.raster_above:
            # The image path needs no grouping: one colour code per point and a lookup table.
            self._groups = []
            self._raster = (codes, self._lut(len(counts_all)))
        else:
            self._raster = None
            # A stable sort of 16-bit keys is a linear radix sort in numpy.
            dtype = np.int16 if len(counts_all) < 32_000 else np.int64
            order = np.argsort(codes.astype(dtype), kind="stable")
            starts = np.concatenate([[0], np.cumsum(counts_all[keys])])
            xy_sorted = self._xy[order]
            self._groups = [
                _Group(int(k + lo), xy_sorted[starts[g] : starts[g + 1]])
                for g, k in enumerate(keys)
            ]
        self._make_pens()
        self.update()
        self.changed.emit()

    def _lut(self, size: int) -> np.ndarray:
        """ARGB colour per label code (label - lowest label), for the image path."""
        lut = np.zeros(size, dtype=np.uint32)
        labels = np.fromiter(self._counts, dtype=np.int64, count=len(self._counts))
        table = self._table
        if table is not None:  # hundreds of blended colours: no QColor per label
            inside = (labels >= 0) & (labels < len(table))
            t = table[labels[inside]].astype(np.uint32)
            lut[labels[inside] - self._lo] = (t[:, 3] << 24) | (t[:, 0] << 16) | (
                t[:, 1] << 8) | t[:, 2]
            labels = labels[~inside]
        for label in labels.tolist():
            lut[label - self._lo] = self.colour(label).rgba()
        return lut

    def _make_pens(self) -> None:
        self._pens = {}
        if self._raster is not None:
            return  # the image path draws with its lookup table, not with pens
        size = self.size()
        for key in self._counts:
            pen = QtGui.QPen(self.colour(key), size)
            pen.setCosmetic(True)
            round_cap = len(self._xy) <= self.round_below
            pen.setCapStyle(
                QtCore.Qt.PenCapStyle.RoundCap if round_cap else QtCore.Qt.PenCapStyle.SquareCap
            )
            self._pens[key] = pen

    # ---- pyqtgraph's bounds protocol ---------------------------------------------------

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        if not len(self._xy):
            return (None, None)
        return self._box[0:2] if ax == 0 else self._box[2:4]

    def pixelPadding(self) -> float:
        return self.size() / 2.0 + 1.0

    def viewTransformChanged(self) -> None:
        # The bounding rect includes the marker radius in pixels, so it changes with zoom.
        self._bounding = None
        self.prepareGeometryChange()

    def boundingRect(self) -> QtCore.QRectF:
        if self._bounding is None:
            if not len(self._xy):
                self._bounding = QtCore.QRectF()
                return self._bounding
            xmin, xmax, ymin, ymax = self._box
            pad_x = pad_y = 0.0
            px = self.pixelVectors()
            if px[0] is not None:
                r = self.pixelPadding()
                pad_x = r * (abs(px[0].x()) + abs(px[1].x()))
                pad_y = r * (abs(px[0].y()) + abs(px[1].y()))
            self._bounding = QtCore.QRectF(
                xmin - pad_x, ymin - pad_y, xmax - xmin + 2 * pad_x, ymax - ymin + 2 * pad_y
            )
        return self._bounding

    # ---- painting --------------------------------------------------------------------------

    def paint(self, painter: QtGui.QPainter, option=None, widget=None) -> None:
        if not len(self._xy):
            return
        if self._raster is not None:
            self._paint_raster(painter)
            return
        # Qt maps each point through a world transform on a slow path (twice the time of the
        # drawing itself), so map them with numpy and draw in device coordinates.
        tr = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(
            QtGui.QPainter.RenderHint.Antialiasing, len(self._xy) <= self.round_below
        )
        # A cosmetic pen's width counts device pixels: on a 2x screen, twice as many.
        dpr = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        for group in self._groups:
            pen = self._pens[group.key]
            if dpr != 1.0:
                pen = QtGui.QPen(pen)
                pen.setWidthF(pen.widthF() * dpr)
            painter.setPen(pen)
            painter.drawPoints(group.mapped(tr))
        painter.restore()

    def _paint_raster(self, painter: QtGui.QPainter) -> None:
        """Splat the points into an image on the device pixel grid and draw that once."""
        tr = painter.transform()
        view = self.viewRect()
        target = tr.mapRect(view if view is not None else self.boundingRect())
        target = target.intersected(QtCore.QRectF(painter.viewport())).toAlignedRect()
        if target.isEmpty():
            return
        dpr = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        qimage = self._raster_image(tr, target, dpr)
        painter.save()
        painter.resetTransform()
        painter.drawImage(target.topLeft(), qimage)
        painter.restore()

    def _raster_image(self, tr: QtGui.QTransform, target: QtCore.QRect, dpr: float) -> QtGui.QImage:
        """The points' image for this mapping, remade only when the points or the view changed.

        The item's device cache already spares repaints for other items; this one also serves
        a paint after Qt dropped that pixmap (its cache is 10 MB) and exports, which paint
        with caches off."""
        key = (self._version, tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.dx(), tr.dy(),
               target.x(), target.y(), target.width(), target.height(), dpr)
        if self._image is None or self._image[0] != key:
            width, height = int(target.width() * dpr), int(target.height() * dpr)
            pixels = self._splat(tr, target, dpr, width, height)
            image = QtGui.QImage(pixels.data, width, height, 4 * width,
                                 QtGui.QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(dpr)
            self._image = (key, image, pixels)  # the image shares the array's memory
        return self._image[1]

    def _splat(self, tr, target, dpr, width, height) -> np.ndarray:
        """(height, width) uint32 ARGB image with a small disk stamped at each point: each
        pixel in the colour of the point its footprint gives it. An animation that only
        recolours fixed points (k-means on 100,000) reuses the footprint: one lookup per
        pixel instead of stamping every point again."""
        codes, lut = self._raster
        key = (self._shape_version, tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.dx(), tr.dy(),
               target.x(), target.y(), width, height, dpr)
        if self._footprint is None or self._footprint[0] != key:
            self._footprint = (key, self._point_per_pixel(tr, target, dpr, width, height))
        colours = np.append(lut[codes], np.uint32(0))  # index -1, no point: transparent
        return colours[self._footprint[1]]

    def _point_per_pixel(self, tr, target, dpr, width, height) -> np.ndarray:
        """(height, width) int32: the point whose disk covers each pixel last (the later
        point, then the later stamp offset, wins), −1 where none does."""
        xy = self._xy
        sx = (tr.m11() * xy[:, 0] + tr.m21() * xy[:, 1] + tr.dx() - target.x()) * dpr
        sy = (tr.m12() * xy[:, 0] + tr.m22() * xy[:, 1] + tr.dy() - target.y()) * dpr
        diameter = max(1, round(self.size() * dpr))
        offsets = _disk_offsets(diameter)
        r = int(np.abs(offsets).max()) if len(offsets) else 0
        pw = width + 2 * r
        # Clip first: far-off points (zoomed in) must not overflow the integer cast.
        ix = np.floor(np.clip(sx, -_FAR, _FAR)).astype(np.int64) + r
        iy = np.floor(np.clip(sy, -_FAR, _FAR)).astype(np.int64) + r
        ok = (ix >= 0) & (ix < pw) & (iy >= 0) & (iy < height + 2 * r)
        flat = (iy * pw + ix)[ok]
        point = np.flatnonzero(ok).astype(np.int32)
        padded = np.full((height + 2 * r) * pw, -1, dtype=np.int32)
        pad_limit = len(padded)
        if len(offsets) > 1:
            # Stamp once per occupied pixel rather than once per point: a million points
            # share far fewer pixels, and the stamp costs one pass per offset.
            padded[flat] = point
            occupied = np.flatnonzero(padded >= 0)
            if len(occupied) < len(flat):
                flat, point = occupied, padded[occupied]
        for ox, oy in offsets:
            idx = flat + (oy * pw + ox)
            if r:
                idx = np.clip(idx, 0, pad_limit - 1)
            padded[idx] = point
        out = padded.reshape(height + 2 * r, pw)[r : r + height, r : r + width]
        return np.ascontiguousarray(out)


def _disk_offsets(diameter: int) -> np.ndarray:
    """Integer pixel offsets covering a disk of the given diameter."""
    centre = (diameter - 1) / 2.0
    grid = np.arange(diameter) - int(np.floor(centre))
    ox, oy = np.meshgrid(grid, grid)
    dist2 = (ox - (centre - np.floor(centre))) ** 2 + (oy - (centre - np.floor(centre))) ** 2
    keep = dist2 <= (diameter / 2.0) ** 2 + 1e-9
    return np.column_stack([ox[keep], oy[keep]])
