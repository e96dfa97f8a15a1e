"""The latent explorer: move a point z in latent space and see what the decoder makes of it.

A pad shows the data's codes on two latent dimensions with a crosshair at z; one slider
per dimension shows and sets every coordinate of z. For image data the decoding is drawn
here, with a strip decoding the straight line between two chosen points' codes; for
other data the decoded point is emitted for the host to draw on its data scatter.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from widgets.canvas import Canvas
from widgets.images import ImageStrip
from widgets.plot import plot_widget
from widgets.points_item import PointsItem
from widgets.sticky_range import StickyRange
from widgets.style import Style

STEP = 0.01  # slider resolution in latent units
MIN_RANGE = 3.0  # sliders reach at least ±3 (the prior's bulk); further when codes do
MAX_PAD_POINTS = 10_000  # codes drawn on the pad; more are thinned evenly
INTERPOLATION_STEPS = 8
PICK_PIXELS = 10  # a click this close to a code picks that point
HINT = "Drag the crosshair or the sliders to move z · click a point: A · shift-click: B"
CODE_SIZE = 5.0
END_SIZE = 13.0
TARGET_SIZE = 18.0


class LatentCanvas(Canvas):
    """Latent pad + sliders + decoded output + A→B interpolation strip."""

    canvas_name = "Latent space"
    decoded_point = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._codes = np.empty((0, 0))
        self._labels: np.ndarray | None = None
        self._decode: Callable[[np.ndarray], np.ndarray] | None = None
        self._image_shape: tuple[int, ...] | None = None
        self._z = np.empty(0)
        self._decoded = np.empty(0)
        self._levels: tuple[float, float] | None = None
        self._shown = np.empty(0, np.intp)
        self._dims = (0, 1)
        self._a: int | None = None
        self._b: int | None = None
        self._path = np.empty((0, 0))
        self._syncing = False
        self._sliders: list[QSlider] = []
        self._values: list[QLabel] = []
        self._build()
        self.apply_style(self.canvas_style())

    def graphics_views(self) -> list[pg.GraphicsView]:
        return [self._pad, self._image_view]

    def _restyle(self, style: Style) -> None:
        accent = style.theme.accent
        self._scatter.set_palette(style.colours)
        self._scatter.set_scale(style.marker_scale)
        self._ends.setPen(pg.mkPen(style.theme.background, width=style.width(1.5)))
        self._ends.setBrush(pg.mkBrush(accent))
        self._ends.setSize(style.marker(END_SIZE))
        self._line.setPen(pg.mkPen(accent, width=style.width(2.0)))
        for text in self._end_text:
            text.setColor(accent)
            text.setFont(style.font(1.2))
        self._target.setPen(pg.mkPen(accent, width=style.width(2.0)))
        self._target.scale = style.marker(TARGET_SIZE)  # TargetItem's size in pixels
        self._target.viewTransformChanged()  # drops its cached shape
        self.setFont(style.font())  # the labels, combo boxes and slider values
        self._strip.apply_style(style)

    # ------------------------------------------------------------ construction

    def _build(self) -> None:
        self._pad = plot_widget(self)
        self._pad.setMenuEnabled(False)
        self._pad.hideButtons()
        self._pad_range = StickyRange(self._pad.getPlotItem().getViewBox(), yield_to_user=False)
        self._scatter = PointsItem()  # redrawn every epoch: per-point brushes cost 20 ms
        self._scatter.set_size(CODE_SIZE)
        self._pad.addItem(self._scatter)
        self._ends = pg.ScatterPlotItem()
        self._ends.setZValue(5)
        self._line = pg.PlotDataItem([], [])
        self._line.setZValue(4)
        self._pad.addItem(self._line)
        self._pad.addItem(self._ends)
        self._end_text = [pg.TextItem(t, anchor=(0, 1)) for t in "AB"]
        for text in self._end_text:
            text.setZValue(6)
            self._pad.addItem(text)
        self._target = pg.TargetItem(pos=(0, 0), size=TARGET_SIZE, movable=True)
        self._target.setZValue(10)
        self._target.sigPositionChanged.connect(self._on_target_moved)
        self._pad.addItem(self._target)
        self._pad.scene().sigMouseClicked.connect(self._on_pad_click)
        self.enable_selection(self._pad.getPlotItem(), self._scatter)

        self._x_dim, self._y_dim = QComboBox(), QComboBox()
        self._x_dim.currentIndexChanged.connect(self._on_dims_changed)
        self._y_dim.currentIndexChanged.connect(self._on_dims_changed)
        self._dim_row = QWidget()
        dims = QHBoxLayout(self._dim_row)
        dims.setContentsMargins(0, 0, 0, 0)
        for text, combo in (("pad x:", self._x_dim), ("pad y:", self._y_dim)):
            dims.addWidget(QLabel(text))
            dims.addWidget(combo)
        dims.addStretch(1)

        self._hint = QLabel(HINT)
        self._hint.setWordWrap(True)

        self._image_view = pg.GraphicsView()
        box = pg.ViewBox(lockAspect=True, invertY=True, enableMenu=False)
        box.setMouseEnabled(x=False, y=False)
        self._image_view.setCentralItem(box)
        self._image_item = pg.ImageItem(axisOrder="row-major")
        box.addItem(self._image_item)
        self._image_box = box
        self._point_text = QLabel("")
        self._point_text.setWordWrap(True)

        self._slider_panel = QWidget()
        self._slider_grid = QGridLayout(self._slider_panel)
        self._slider_grid.setContentsMargins(2, 2, 2, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._slider_panel)

        self._strip = ImageStrip()
        self._strip.setMinimumHeight(90)

        left = QVBoxLayout()
        left.addWidget(self._dim_row)
        left.addWidget(self._pad, 1)
        left.addWidget(self._hint)
        right = QVBoxLayout()
        right.addWidget(QLabel("decoded from z"))
        right.addWidget(self._image_view, 1)
        right.addWidget(self._point_text)
        right.addWidget(scroll, 1)
        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(top, 1)
        outer.addWidget(self._strip)
        self._show_image_parts(False)

    # ------------------------------------------------------------ public API

    def set_model(self, codes: np.ndarray, labels: np.ndarray | None,
                  decode: Callable[[np.ndarray], np.ndarray],
                  image_shape: tuple | None = None,
                  levels: tuple[float, float] | None = None) -> None:
        """Show a (new or further-trained) model; z stays where it was if L is unchanged.
        `levels`: the decoded images' grey scale, when the model's run worked it out (else
        some codes are decoded here for it)."""
        codes = np.asarray(codes, dtype=np.float64)
        if codes.ndim != 2 or codes.shape[1] < 1:
            raise ValueError(f"codes must have shape (n, L), not {codes.shape}")
        same_dim = codes.shape[1] == self._z.size
        same_points = codes.shape[0] == self._codes.shape[0]
        self._codes = codes
        self._labels = None if labels is None else np.asarray(labels).astype(np.intp)
        self._decode = decode
        self._image_shape = tuple(image_shape) if image_shape is not None else None
        self._show_image_parts(self._image_shape is not None)
        if not same_dim:
            self._z = np.zeros(codes.shape[1])
            self._set_up_dims(codes.shape[1])
        if not same_points:
            self._a = self._b = None
        self._set_up_sliders()
        self._levels = levels if levels is not None else self._output_levels()
        self._draw_codes()
        self._fit_pad()
        self._sync_controls()
        self._refresh_interpolation()
        self._decode_now()

    def set_z(self, z: np.ndarray) -> None:
        """Move z (all L coordinates), decode it and emit `decoded_point`."""
        z = np.asarray(z, dtype=np.float64).ravel()
        if z.size != self._z.size:
            raise ValueError(f"z has {z.size} coordinates; the latent space has {self._z.size}")
        self._z = z.copy()
        self._sync_controls()
        self._decode_now()

    def z(self) -> np.ndarray:
        return self._z.copy()

    def decoded(self) -> np.ndarray:
        """The last decoded output, a point in data space (flat)."""
        return self._decoded.copy()

    def decoded_image(self) -> np.ndarray | None:
        """The decoded image drawn, or None for data that are not images."""
        if self._image_shape is None or self._decoded.size == 0:
            return None
        return np.array(self._image_item.image)

    def set_interpolation(self, a: int, b: int) -> None:
        """Decode the straight line from point a's code to point b's."""
        n = self._codes.shape[0]
        for i in (a, b):
            if not 0 <= int(i) < n:
                raise IndexError(f"no data point {i}; there are {n}")
        self._a, self._b = int(a), int(b)
        self._refresh_interpolation()

    def interpolation(self) -> tuple[int | None, int | None]:
        return self._a, self._b

    def interpolation_images(self) -> np.ndarray:
        """The decoded A→B path: (steps, h, w) for images, else (steps, d); empty if unset."""
        return self._path.copy()

    def dims(self) -> tuple[int, int]:
        """The latent dimensions on the pad's x and y axes."""
        return self._dims

    def set_dims(self, x: int, y: int) -> None:
        self._x_dim.setCurrentIndex(int(x))
        self._y_dim.setCurrentIndex(int(y))

    def crosshair(self) -> pg.TargetItem:
        return self._target

    def slider(self, i: int) -> QSlider:
        return self._sliders[i]

    def pad_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The codes drawn on the pad, as (x, y)."""
        xy, _ = self._scatter.points_data()
        return xy[:, 0].copy(), xy[:, 1].copy()

    def pad(self) -> pg.PlotWidget:
        return self._pad

    def strip(self) -> ImageStrip:
        return self._strip

    def pick(self, i: int, which: str = "A") -> None:
        """Make data point i end A or B of the interpolation and move z to its code."""
        if which == "B":
            self._b = int(i)
        else:
            self._a = int(i)
        self._refresh_interpolation()
        self.set_z(self._codes[int(i)])

    def clear(self) -> None:
        self._codes = np.empty((0, 0))
        self._labels = None
        self._decode = None
        self._z = np.empty(0)
        self._decoded = np.empty(0)
        self._path = np.empty((0, 0))
        self._a = self._b = None
        self._scatter.set_data(np.empty((0, 2)))
        self._ends.setData([], [])
        self._line.setData([], [])
        for text in self._end_text:
            text.setVisible(False)
        self._image_item.clear()
        self._strip.clear()
        self._point_text.setText("")
        self._set_up_sliders()

    # ------------------------------------------------------------ set-up

    def _show_image_parts(self, images: bool) -> None:
        self._image_view.setVisible(images)
        self._strip.setVisible(images)
        self._point_text.setVisible(not images)

    def _set_up_dims(self, latent_dim: int) -> None:
        names = [f"z{i + 1}" for i in range(latent_dim)]
        self._syncing = True
        try:
            for combo, start in ((self._x_dim, 0), (self._y_dim, 1)):
                combo.clear()
                combo.addItems(names)
                combo.setCurrentIndex(min(start, latent_dim - 1))
        finally:
            self._syncing = False
        self._dims = (0, 1 if latent_dim > 1 else 0)
        self._dim_row.setVisible(latent_dim > 2)
        self._label_pad()

    def _set_up_sliders(self) -> None:
        """One slider per latent dimension; rebuilt only when L or the codes' reach changes."""
        latent_dim = self._z.size
        reach = MIN_RANGE
        if self._codes.size:
            reach = max(MIN_RANGE, math.ceil(2 * float(np.abs(self._codes).max())) / 2)
        top = round(reach / STEP)
        if len(self._sliders) != latent_dim:
            self._make_sliders(latent_dim)
        for slider in self._sliders:
            slider.blockSignals(True)
            slider.setRange(-top, top)
            slider.blockSignals(False)

    def _make_sliders(self, latent_dim: int) -> None:
        while self._slider_grid.count():
            widget = self._slider_grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self._sliders, self._values = [], []
        for i in range(latent_dim):
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setSingleStep(1)
            slider.setPageStep(25)
            slider.valueChanged.connect(lambda v, i=i: self._on_slider(i, v))
            value = QLabel("0.00")
            value.setMinimumWidth(44)
            self._slider_grid.addWidget(QLabel(f"z{i + 1}"), i, 0)
            self._slider_grid.addWidget(slider, i, 1)
            self._slider_grid.addWidget(value, i, 2)
            self._sliders.append(slider)
            self._values.append(value)
        for row in range(self._slider_grid.rowCount()):
            self._slider_grid.setRowStretch(row, 0)
        self._slider_grid.setRowStretch(latent_dim, 1)  # rows stay together at the top

    def _output_levels(self) -> tuple[float, float] | None:
        """Grey levels from decoding some codes, so every decoded image uses one scale."""
        if self._image_shape is None or self._codes.size == 0:
            return None
        some = self._codes[:: max(1, self._codes.shape[0] // 256)]
        out = self._run_decoder(some)
        lo, hi = float(np.nanmin(out)), float(np.nanmax(out))
        return (lo, hi) if hi > lo else (lo, lo + 1.0)

    # ------------------------------------------------------------ drawing

    def _pad_xy(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = self._dims
        x = points[..., dx]
        y = points[..., dy] if points.shape[-1] > 1 else np.zeros_like(x)
        return x, y

    def _draw_codes(self) -> None:
        n = self._codes.shape[0]
        if n > MAX_PAD_POINTS:
            self._shown = np.unique(np.linspace(0, n - 1, MAX_PAD_POINTS).astype(np.intp))
        else:
            self._shown = np.arange(n)
        x, y = self._pad_xy(self._codes[self._shown])
        labels = (np.zeros(len(x), dtype=np.intp) if self._labels is None
                  else self._labels[self._shown])
        self._scatter.set_data(np.column_stack([x, y]), labels, rows=self._shown)

    def _fit_pad(self, anew: bool = False) -> None:
        """Frame the codes shown on the pad, with room around them: in steps as they move
        from epoch to epoch (widgets/sticky_range.py), `anew` for other latent dimensions."""
        x, y = self._pad_xy(self._codes[self._shown])
        if x.size == 0:
            return
        if self._z.size > 1:
            self._pad_range.fit(np.column_stack([x, y]), force=anew)
            return
        box = self._pad.getPlotItem().getViewBox()
        box.setXRange(float(x.min()), float(x.max()), padding=0.05)
        box.setYRange(-1.0, 1.0, padding=0.0)

    def _label_pad(self) -> None:
        dx, dy = self._dims
        self._pad.setLabel("bottom", f"z{dx + 1}")
        self._pad.setLabel("left", f"z{dy + 1}" if self._z.size > 1 else "")

    def _sync_controls(self) -> None:
        """Put the sliders and the crosshair where z is, without feeding back."""
        self._syncing = True
        try:
            for i, slider in enumerate(self._sliders):
                slider.setValue(round(self._z[i] / STEP))
                self._values[i].setText(f"{self._z[i]:+.2f}")
            x, y = self._pad_xy(self._z)
            self._target.setPos(float(x), float(y))
        finally:
            self._syncing = False

    def _decode_now(self) -> None:
        if self._decode is None or self._z.size == 0:
            return
        self._decoded = self._run_decoder(self._z[None])[0]
        if self._image_shape is not None:
            image = self._decoded.reshape(self._image_shape)
            self._image_item.setImage(image, levels=self._levels, autoLevels=False)
            self._image_box.autoRange(padding=0.0)
        else:
            shown = ", ".join(f"{v:.3g}" for v in self._decoded[:6])
            more = ", …" if self._decoded.size > 6 else ""
            self._point_text.setText(f"decoded point: ({shown}{more})")
        self.decoded_point.emit(self._decoded.copy())

    def _run_decoder(self, z: np.ndarray) -> np.ndarray:
        out = np.asarray(self._decode(np.atleast_2d(z)), dtype=np.float64)
        return out.reshape(z.shape[0], -1)

    def _refresh_interpolation(self) -> None:
        ends = [i for i in (self._a, self._b) if i is not None and i < self._codes.shape[0]]
        x, y = self._pad_xy(self._codes[ends]) if ends else (np.empty(0), np.empty(0))
        self._ends.setData(x, y)
        for text, i in zip(self._end_text, (self._a, self._b), strict=True):
            if i is not None and i in ends:
                tx, ty = self._pad_xy(self._codes[i])
                text.setPos(float(tx), float(ty))
                text.setVisible(True)
            else:
                text.setVisible(False)
        if self._a is None or self._b is None or len(ends) < 2 or self._decode is None:
            self._line.setData([], [])
            self._path = np.empty((0, 0))
            self._strip.clear()
            return
        self._line.setData(x, y)
        t = np.linspace(0.0, 1.0, INTERPOLATION_STEPS)[:, None]
        path = (1 - t) * self._codes[self._a] + t * self._codes[self._b]
        out = self._run_decoder(path)
        if self._image_shape is None:
            self._path = out
            return
        self._path = out.reshape(INTERPOLATION_STEPS, *self._image_shape)
        titles = ["A"] + [""] * (INTERPOLATION_STEPS - 2) + ["B"]
        self._strip.set_images(self._path, titles=titles, levels=self._levels)

    # ------------------------------------------------------------ user input

    def _on_slider(self, i: int, value: int) -> None:
        if self._syncing:
            return
        self._z[i] = value * STEP
        self._values[i].setText(f"{self._z[i]:+.2f}")
        if i in self._dims:
            self._syncing = True
            try:
                x, y = self._pad_xy(self._z)
                self._target.setPos(float(x), float(y))
            finally:
                self._syncing = False
        self._decode_now()

    def _on_target_moved(self) -> None:
        if self._syncing or self._z.size == 0:
            return
        pos = self._target.pos()
        dx, dy = self._dims
        self._z[dx] = pos.x()
        if self._z.size > 1:
            self._z[dy] = pos.y()
        self._sync_controls()  # also pins the crosshair to y = 0 when L == 1
        self._decode_now()

    def _on_dims_changed(self) -> None:
        if self._syncing or self._z.size == 0:
            return
        self._dims = (max(self._x_dim.currentIndex(), 0), max(self._y_dim.currentIndex(), 0))
        self._label_pad()
        self._draw_codes()
        self._fit_pad(anew=True)
        self._sync_controls()
        self._refresh_interpolation()

    def _on_pad_click(self, event) -> None:
        if (event.button() != Qt.MouseButton.LeftButton or self._codes.size == 0
                or event.isAccepted()):  # taken by an item: a selection's click, the crosshair
            return
        box = self._pad.getPlotItem().getViewBox()
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        where = box.mapSceneToView(event.scenePos())
        near = self._nearest_code(box, where.x(), where.y())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if near is not None:
            self.pick(near, "B" if shift else "A")
            return
        dx, dy = self._dims
        z = self._z.copy()
        z[dx] = where.x()
        if z.size > 1:
            z[dy] = where.y()
        self.set_z(z)

    def _nearest_code(self, box: pg.ViewBox, x: float, y: float) -> int | None:
        """The shown data point within PICK_PIXELS of (x, y) on screen, if any."""
        px, py = box.viewPixelSize()
        cx, cy = self._pad_xy(self._codes[self._shown])
        d2 = ((cx - x) / px) ** 2 + ((cy - y) / py) ** 2
        j = int(np.argmin(d2))
        return int(self._shown[j]) if d2[j] <= PICK_PIXELS**2 else None
