"""Draw your own data: the Draw box's controls, and the glue between the mouse and the drawing.

The panel owns the Drawing (engine.drawing). While a stroke is under way it redraws the data
view's scatter directly; when the stroke ends it hands the drawing to the window as the
current data set, as if it had been loaded, so that any method runs on it. Switching to
another data set keeps the drawing here: "Back to my drawing" shows it again.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenuBar,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.data import Dataset
from engine.drawing import N_CLASSES, Drawing, spray
from widgets.draw_tool import ERASE, PAINT, DrawTool
from widgets.palette import CLUSTER_HEX, cluster_colour

BLANK_HALF_WIDTH = 10.0  # a new drawing's page spans -10..10 on both axes
SPREAD_STEPS = 60  # slider positions: spread 0 .. 3 units
SPREAD_PER_STEP = 0.05  # units per slider position; a unit is 1 on a new page
DEFAULT_SPREAD_STEP = 16
POINTS_PER_STEP = 3  # points sprayed at each step of a drag (one when the spread is 0)
SEED = 0
SWATCH_PX = 16
DRAW_TIP = ("Left click or drag: add points of the chosen class. Right drag: erase.\n"
            "Middle drag pans, the wheel zooms. Ctrl+Z undoes, Ctrl+Shift+Z redoes.")
CSV_FILTER = "CSV files (*.csv);;All files (*)"


def _swatch(colour: QColor, k: int, size: int = SWATCH_PX) -> QIcon:
    """A square of the class's colour with its number on it, in black or white to be read."""
    pixmap = QPixmap(size, size)
    pixmap.fill(colour)
    painter = QPainter(pixmap)
    painter.setPen(QColor("#000000" if colour.lightness() > 140 else "#FFFFFF"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, str(k))
    painter.end()
    return QIcon(pixmap)


def _unit(dataset: Dataset) -> float:
    """The brush's unit for a data set: a twentieth of its wider side, as 1 is on a blank page."""
    span = float(np.ptp(dataset.X, axis=0).max()) if dataset.n > 1 else 0.0
    return span / (2 * BLANK_HALF_WIDTH) if span > 0 else 1.0


class DrawPanel(QWidget):
    """Draw, New drawing, the class and spread of the brush, Clear, Undo, Redo, Save as CSV.

    `window` is the MainWindow: the panel reads its data panel (the current data set) and its
    data view (the scatter drawn on), and follows its stack of views.
    """

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.main = window
        self.data_panel = window.data_panel
        self.scatter = window.data_view.scatter
        self.drawing = Drawing()
        self.tool = DrawTool(self.scatter, self)
        self._rng = np.random.default_rng(SEED)
        self._name = "drawing"
        self._unit = 1.0
        self._published: Dataset | None = None  # the data set last handed to the window
        self._showing = False  # the window shows the drawing (or its blank page)
        self._stroke_revision = 0  # the drawing's revision when the stroke under way began
        self._build_controls()
        self._build_actions()
        self._connect()
        self._update_brush()
        self._refresh()

    # ---- building
    def _build_controls(self) -> None:
        self.draw_button = QPushButton("Draw")
        self.draw_button.setCheckable(True)
        self.new_button = QPushButton("New drawing")
        self.new_button.setToolTip("A blank page to draw a 2-D data set on")
        self.back_button = QPushButton("Back to my drawing")
        self.back_button.setToolTip("Show the drawing again; it was kept when you changed data")
        self.classes = QButtonGroup(self)
        class_row = QHBoxLayout()
        class_row.setSpacing(1)
        for k in range(N_CLASSES):
            button = QToolButton()
            button.setObjectName(f"draw-class-{k}")
            button.setIconSize(QSize(SWATCH_PX, SWATCH_PX))
            button.setCheckable(True)
            button.setToolTip(f"Brush: class {k}")
            self.classes.addButton(button, k)
            class_row.addWidget(button)
        class_row.addStretch(1)
        self.classes.button(0).setChecked(True)
        self.spread = QSlider(Qt.Orientation.Horizontal)
        self.spread.setRange(0, SPREAD_STEPS)
        self.spread.setValue(DEFAULT_SPREAD_STEP)
        self.spread.setToolTip("Spread: the standard deviation of the points sprayed around "
                               "the cursor (0: one point exactly there)")
        self.spread_label = QLabel()
        self.spread_label.setMinimumWidth(44)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Remove every point of the drawing (undoable)")
        self.undo_button = QPushButton("Undo")
        self.redo_button = QPushButton("Redo")
        self.save_button = QPushButton("Save CSV…")
        self.save_button.setToolTip("x, y and label columns with a header; Open file reads it back")
        self.status = QLabel()
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        for w in (self.draw_button, self.new_button, self.save_button):
            top.addWidget(w)
        layout.addLayout(top)
        layout.addWidget(self.back_button)
        grid = QGridLayout()
        grid.addWidget(QLabel("Class"), 0, 0)
        grid.addLayout(class_row, 0, 1, 1, 2)
        grid.addWidget(QLabel("Spread"), 1, 0)
        grid.addWidget(self.spread, 1, 1)
        grid.addWidget(self.spread_label, 1, 2)
        layout.addLayout(grid)
        edits = QHBoxLayout()
        for w in (self.undo_button, self.redo_button, self.clear_button):
            edits.addWidget(w)
        layout.addLayout(edits)
        layout.addWidget(self.status)

    def _build_actions(self) -> None:
        """Undo and Redo as actions on the window, so their shortcuts work anywhere in it."""
        self.undo_action = QAction("&Undo drawing", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = QAction("&Redo drawing", self)
        redo_keys = [*QKeySequence.keyBindings(QKeySequence.StandardKey.Redo),
                     QKeySequence("Ctrl+Shift+Z")]
        self.redo_action.setShortcuts(list(dict.fromkeys(redo_keys)))
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.main.addAction(action)
        self.undo_button.setToolTip("Undo the last edit of the drawing (Ctrl+Z)")
        self.redo_button.setToolTip("Redo what was undone (Ctrl+Shift+Z)")

    def add_menu(self, bar: QMenuBar) -> None:
        """An Edit menu with the drawing's commands and their shortcuts."""
        menu = bar.addMenu("&Edit")
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        menu.addSeparator()
        menu.addAction("&New drawing", self.new_drawing)
        menu.addAction("Save drawing as &CSV…", self.save_dialog)

    def _connect(self) -> None:
        self.draw_button.toggled.connect(self.set_draw_mode)
        self.new_button.clicked.connect(self.new_drawing)
        self.back_button.clicked.connect(self.back_to_drawing)
        self.classes.idToggled.connect(lambda _k, on: on and self._update_brush())
        self.spread.valueChanged.connect(self._update_brush)
        self.clear_button.clicked.connect(self.clear)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action.triggered.connect(self.redo)
        self.save_button.clicked.connect(self.save_dialog)
        self.tool.stroke_started.connect(self._on_stroke_started)
        self.tool.stroke_step.connect(self._on_stroke_step)
        self.tool.stroke_finished.connect(self._on_stroke_finished)
        self.data_panel.dataset_changed.connect(self._on_dataset_changed)
        self.main.stack.currentChanged.connect(self._on_view_changed)
        appearance = getattr(self.main, "appearance", None)  # theme and presentation mode
        if appearance is not None:
            # Queued: the window restyles the scatter first, then the swatches follow it.
            appearance.style_changed.connect(self._on_style, Qt.ConnectionType.QueuedConnection)

    # ---- the brush
    def brush_class(self) -> int:
        return self.classes.checkedId()

    def set_brush_class(self, k: int) -> None:
        self.classes.button(k).setChecked(True)

    def spread_value(self) -> float:
        """The spread in data units."""
        return self.spread.value() * SPREAD_PER_STEP * self._unit

    def _palette(self) -> tuple[str, ...]:
        """The cluster colours the scatter draws with now (presentation mode has its own)."""
        style = getattr(self.scatter, "canvas_style", None)
        return style().colours if style is not None else CLUSTER_HEX

    def class_colour(self, k: int) -> QColor:
        return cluster_colour(k, self._palette())

    def _on_style(self, _style) -> None:
        self._update_brush()

    def _update_brush(self) -> None:
        """The brush outline and the class swatches in the scatter's colours, the spread shown."""
        spread = self.spread_value()
        self.spread_label.setText(f"{spread:.3g}")
        self.tool.set_brush(2 * spread, self.class_colour(self.brush_class()))
        for k in range(N_CLASSES):
            self.classes.button(k).setIcon(_swatch(self.class_colour(k), k))

    # ---- commands
    def set_draw_mode(self, on: bool) -> None:
        """Draw on the drawing, on the current 2-D data set, or on a blank page."""
        if on and not self._showing:
            current = self.data_panel.dataset
            if current is not None and current.d == 2:
                self._start_from(current)
            else:
                self._start_blank()
        elif on and self.main.current_view() is not self.main.data_view:
            self._publish()  # back from a method's canvases to the data
        self.tool.set_active(on)
        self._update_brush()  # the palette may have changed with the style
        self.draw_button.blockSignals(True)
        self.draw_button.setChecked(on)
        self.draw_button.blockSignals(False)
        self._refresh()

    def new_drawing(self) -> None:
        """A blank page in draw mode; the drawing it replaces comes back with Undo."""
        self._start_blank()
        self.set_draw_mode(True)

    def back_to_drawing(self) -> None:
        self._publish()

    def clear(self) -> None:
        if self._editable() and self.drawing.clear():
            self._publish()

    def undo(self) -> None:
        if self._editable() and self.drawing.undo():
            self._publish()

    def redo(self) -> None:
        if self._editable() and self.drawing.redo():
            self._publish()

    def save_dialog(self) -> None:
        if not self.drawing.n:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the drawing as CSV",
                                              f"{self._name}.csv", CSV_FILTER)
        if path:
            self.save(path)

    def save(self, path: str) -> None:
        """Write the drawing as CSV; a failure is said in the panel and changes nothing."""
        try:
            self.drawing.save_csv(path)
        except (OSError, ValueError) as exc:
            self.status.setText(f"Could not save: {exc}")
            return
        self._refresh()
        self.status.setText(f"Saved {self.drawing.n} points to {path}")

    def _editable(self) -> bool:
        """Edits apply to the drawing on show, and never halfway through a drag."""
        return self._showing and not self.tool.is_drawing()

    # ---- starting points
    def _start_from(self, dataset: Dataset) -> None:
        """Draw on a 2-D data set: its points become the drawing (the old one is an Undo away)."""
        untouched = not self.drawing.modified
        self.drawing.load_dataset(dataset)
        if untouched:
            self.drawing.mark_saved()  # nothing drawn yet: nothing to lose
        self._name = f"{dataset.name} drawn"
        self._unit = _unit(dataset)
        self._update_brush()
        self._publish()

    def _start_blank(self) -> None:
        self.drawing.clear()
        self._name = "drawing"
        self._unit = 1.0
        self._update_brush()
        self._publish()
        h = BLANK_HALF_WIDTH
        self.tool.show_region(-h, h, -h, h, equal_axes=True)

    # ---- the mouse
    def _on_stroke_started(self, _kind: str) -> None:
        self.drawing.begin_stroke()
        self._stroke_revision = self.drawing.revision

    def _on_stroke_step(self, kind: str, x: float, y: float, radius: float) -> None:
        if kind == PAINT:
            spread = self.spread_value()
            count = POINTS_PER_STEP if spread > 0 else 1
            self.drawing.add_stroke(spray((x, y), spread, count, self._rng), self.brush_class())
        elif kind == ERASE and not self.drawing.erase((x, y), radius):
            return
        self.scatter.set_points(self.drawing.points, self.drawing.labels)

    def _on_stroke_finished(self, _kind: str) -> None:
        self.drawing.end_stroke()
        if self.drawing.revision != self._stroke_revision:
            self._publish()

    # ---- the window
    def _publish(self) -> None:
        """Hand the drawing to the window as the current data set (none while it is empty)."""
        self._showing = True
        if self.drawing.n:
            self._published = self.drawing.to_dataset(self._name)
            self.data_panel.set_dataset(self._published)
        else:
            self._published = None
            self.data_panel.set_dataset(None)
            self.scatter.clear()
            self.scatter.set_axis_labels("x", "y")
        self._refresh()

    def _on_dataset_changed(self, dataset: Dataset) -> None:
        if dataset is self._published:
            return
        self._showing = False  # another data set: the drawing stays here for later
        self.set_draw_mode(False)
        self.tool.release_view()
        self._refresh()

    def _on_view_changed(self, _index: int) -> None:
        if self.main.current_view() is not self.main.data_view:
            self.set_draw_mode(False)

    def _refresh(self) -> None:
        """Enable what applies now, and say what the drawing holds."""
        current = self.data_panel.dataset
        can_draw = self._showing or current is None or current.d == 2
        self.draw_button.setEnabled(can_draw)
        self.draw_button.setToolTip(DRAW_TIP if can_draw else (
            f"Drawing works on 2-D data; {current.name} has {current.d} features. "
            f"Start a New drawing, or choose a 2-D data set."))
        self.back_button.setVisible(not self._showing and self.drawing.n > 0)
        for widget, ok in ((self.undo_button, self.drawing.can_undo()),
                           (self.undo_action, self.drawing.can_undo()),
                           (self.redo_button, self.drawing.can_redo()),
                           (self.redo_action, self.drawing.can_redo()),
                           (self.clear_button, self.drawing.n > 0)):
            widget.setEnabled(self._showing and ok)
        self.save_button.setEnabled(self.drawing.n > 0)
        self.status.setText(self._describe())

    def _describe(self) -> str:
        d = self.drawing
        if not d.n:
            return "Draw on the page: left drag adds points." if self._showing else ""
        classes = len(np.unique(d.labels))
        saved = " (unsaved)" if d.modified else ""
        where = "" if self._showing else " — kept while you look at other data"
        return f"Drawing: {d.n} points in {classes} classes{saved}{where}"
