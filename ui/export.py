"""File → Export: a canvas as PNG or SVG, a canvas to the clipboard, the window as PNG, and
the results of the run as CSV.

Every command has a dialog-free method taking a path (what tests and scripts call); the
menu entries only ask for the path and the resolution, then call it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMainWindow, QMenu

from engine.export import has_tables, snapshot_tables, write_tables
from engine.protocol import Snapshot
from widgets.canvas import Canvas

SCALES = (1.0, 2.0, 4.0)
NO_TABLES = "no tables for this method yet"
DEFAULT_SCALE_INDEX = 1  # 2×: sharp on a slide or a printed page
WIDTH_CHOICE = "Width in pixels…"


class Exporter(QObject):
    """Export commands for a MainWindow; `target()` is the canvas they act on by default."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        pictures = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.PicturesLocation)
        self._folder = Path(pictures or Path.home())

    # ---- what to export
    def canvases(self) -> list[tuple[str, Canvas]]:
        """The current view's canvases, by name, main canvas first."""
        return self.window.current_view().named_canvases()

    def target(self) -> Canvas | None:
        """The canvas holding the keyboard focus, else the current view's main canvas."""
        named = [c for _, c in self.canvases()]
        widget = QApplication.focusWidget()
        while widget is not None:
            if any(widget is c for c in named):
                return widget
            widget = widget.parentWidget()
        return named[0] if named else None

    def snapshot(self) -> Snapshot | None:
        """The snapshot the view shows: the last one, unless the timeline was scrubbed back."""
        history = self.window.controller.history
        if not len(history) or self.window.current_view() is self.window.data_view:
            return None
        return history[min(self.window.run_bar.timeline.value(), len(history) - 1)]

    # ---- dialog-free commands
    def canvas_png(self, path: str | Path, canvas: Canvas | None = None,
                   scale: float | None = None, width: int | None = None) -> QImage:
        image = self._canvas(canvas).export_png(str(path), scale=scale, width=width)
        self._say(f"Saved {path} ({image.width()} × {image.height()} px)")
        return image

    def canvas_svg(self, path: str | Path, canvas: Canvas | None = None) -> None:
        self._canvas(canvas).export_svg(str(path))
        self._say(f"Saved {path}")

    def copy_canvas(self, canvas: Canvas | None = None) -> QImage:
        canvas = self._canvas(canvas)
        image = canvas.copy_to_clipboard(scale=self.window.devicePixelRatioF())
        self._say(f"Copied the {canvas.canvas_name.lower()} to the clipboard")
        return image

    def window_png(self, path: str | Path) -> QImage:
        """The whole window at the screen's resolution."""
        self._draw_all()
        image = self.window.grab().toImage()
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        self._say(f"Saved {path}")
        return image

    def results_csv(self, path: str | Path) -> list[Path]:
        """One CSV per table of the shown snapshot, named after `path` (run.csv gives
        run_labels.csv, ...)."""
        snapshot = self.snapshot()
        if snapshot is None or self.window.dataset is None:
            raise ValueError("there are no results yet: run a method first")
        if not has_tables(snapshot):  # a kind of snapshot nobody wrote tables for yet
            raise ValueError(NO_TABLES)
        k = getattr(self.window.current_view(), "k", None)
        paths = write_tables(path, snapshot_tables(snapshot, self.window.dataset, k=k))
        self._say("Saved " + ", ".join(p.name for p in paths))
        return paths

    # ---- the menu
    def add_menu(self, file_menu: QMenu) -> QMenu:
        menu = file_menu.addMenu("&Export")
        # The canvas in focus (else the main one) in one key; never disabled, so the key
        # works whatever the menu last showed: with no canvas it says so in the status bar.
        self.png_action = menu.addAction("This canvas as PNG…", QKeySequence("Ctrl+E"),
                                         lambda: self._run(self.ask_canvas_png))
        self._png_menu = menu.addMenu("Canvas as &PNG…")
        self._svg_menu = menu.addMenu("Canvas as &SVG…")
        self._copy_action = menu.addAction("&Copy canvas", QKeySequence("Ctrl+Shift+C"),
                                           lambda: self._run(self.copy_canvas))
        menu.addSeparator()
        menu.addAction("&Window as PNG…", self.ask_window_png)
        self._csv_action = menu.addAction("&Results as CSV…", self.ask_results_csv)
        menu.aboutToShow.connect(self._refresh_menu)
        return menu

    def _refresh_menu(self) -> None:
        """List the current view's canvases; results only once there are some."""
        named = self.canvases()
        for submenu, ask in ((self._png_menu, self.ask_canvas_png),
                             (self._svg_menu, self.ask_canvas_svg)):
            submenu.clear()
            for name, canvas in named:
                submenu.addAction(name, lambda c=canvas, f=ask: f(c))
            submenu.setEnabled(bool(named))
        self._copy_action.setEnabled(bool(named))
        self._csv_action.setEnabled(self.snapshot() is not None)

    # ---- dialogs
    def ask_canvas_png(self, canvas: Canvas | None = None) -> None:
        canvas = self._canvas(canvas)
        resolution = self._ask_resolution(canvas)
        if resolution is None:
            return
        path = self._ask_path(f"Export {canvas.canvas_name} as PNG", canvas.canvas_name, "png")
        if path:
            self._run(self.canvas_png, path, canvas, **resolution)

    def ask_canvas_svg(self, canvas: Canvas | None = None) -> None:
        canvas = self._canvas(canvas)
        path = self._ask_path(f"Export {canvas.canvas_name} as SVG", canvas.canvas_name, "svg")
        if path:
            self._run(self.canvas_svg, path, canvas)

    def ask_window_png(self) -> None:
        path = self._ask_path("Export the window as PNG", "window", "png")
        if path:
            self._run(self.window_png, path)

    def ask_results_csv(self) -> None:
        snapshot = self.snapshot()
        if snapshot is not None and not has_tables(snapshot):
            self._say(f"Export failed: {NO_TABLES}")  # said before asking for a file name
            return
        name = self.window.algorithm.id if self.window.algorithm else "results"
        path = self._ask_path("Export the results as CSV (one file per table)", name, "csv")
        if path:
            self._run(self.results_csv, path)

    def _ask_resolution(self, canvas: Canvas) -> dict | None:
        w, h = canvas.width(), canvas.height()
        items = [f"{s:g}× ({round(w * s)} × {round(h * s)} px)" for s in SCALES] + [WIDTH_CHOICE]
        item, ok = QInputDialog.getItem(self.window, "PNG resolution", "Resolution:", items,
                                        DEFAULT_SCALE_INDEX, False)
        if not ok:
            return None
        if item != WIDTH_CHOICE:
            return {"scale": SCALES[items.index(item)]}
        width, ok = QInputDialog.getInt(self.window, "PNG resolution", "Width in pixels:",
                                        max(1920, w), 16, 20000)
        return {"width": width} if ok else None

    def _ask_path(self, title: str, name: str, suffix: str) -> str:
        stem = name.lower().replace(" ", "-")
        start = str(self._folder / f"{stem}.{suffix}")
        path, _ = QFileDialog.getSaveFileName(self.window, title, start,
                                              f"{suffix.upper()} (*.{suffix})")
        if path:
            if not path.lower().endswith(f".{suffix}"):
                path += f".{suffix}"
            self._folder = Path(path).parent
        return path

    # ---- helpers
    def _canvas(self, canvas: Canvas | None) -> Canvas:
        canvas = canvas if canvas is not None else self.target()
        if canvas is None:
            raise ValueError("there is no canvas to export")
        self._draw_all()
        return canvas

    def _draw_all(self) -> None:
        """While a run streams, canvases wait their turn to paint (ui/paint_turns.py), and a
        waiting canvas renders nothing: let every one draw the step on show first."""
        self.window.current_view().flush()

    def _run(self, command, *args, **kwargs) -> None:
        """Run a command from the menu; a failure is said in the status bar, not raised."""
        try:
            command(*args, **kwargs)
        except (OSError, ValueError) as exc:
            self._say(f"Export failed: {exc}")

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 8000)
