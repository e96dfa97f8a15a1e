"""The main window: data and method on the left, canvases in the centre, the run bar below."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGroupBox,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engine import __version__
from engine.data import Dataset
from engine.projection import Projection
from engine.protocol import Algorithm, Snapshot, TooManyPoints
from engine.session import is_session_file
from ui import warmup
from ui.about import APP_NAME, about_html
from ui.algorithm_panel import AlgorithmPanel
from ui.appearance import Appearance
from ui.big_inputs import fit_or_subsample
from ui.dataset_panel import DatasetPanel
from ui.draw_panel import DrawPanel
from ui.explain_panel import ExplainPanel
from ui.export import Exporter
from ui.gc_guard import collect_on_main_thread
from ui.history import History
from ui.lessons import LessonsMenu
from ui.model_files import ModelFiles
from ui.preferences import Preferences
from ui.presentation import PresentationControls
from ui.recent_menu import RecentMenu
from ui.recovery import Recovery
from ui.run_bar import RunBar
from ui.selection import SelectionControls
from ui.session import SessionManager
from ui.shortcuts import show_shortcuts
from ui.view_types import VIEWS
from ui.views import DataFrame2D, DataView, View
from ui.worker import RunController
from widgets.style import Style

DEFAULT_DATASET = "blobs"
DEFAULT_ALGORITHM = "kmeans"
LIBRARY_NAMES = {"sklearn": "scikit-learn", "scipy.cluster": "SciPy"}  # for "Loading …"


# How often Python hands the interpreter between threads (5 ms by default). The window's
# thread gives it up at every Qt call and may then wait that long to get it back while a
# worker computes in Python: during a 70,000-point t-SNE's neighbour search, 32 stalls of the
# window over 35 ms at 5 ms, 2 at 1 ms, and the run as fast (tests/benchmarks/bench_tsne).
SWITCH_INTERVAL_S = 0.001
RUN_OFF = "Run is off: "  # the explanation strip's start while the form has a problem


class MainWindow(QMainWindow):
    """Holds the panels and routes: data set → frame → views; run bar → controller → views."""

    run_ended = Signal(str)  # "done", "cancelled" or "failed": for tests and --screenshot

    def __init__(self, dataset: str | None = DEFAULT_DATASET,
                 algorithm: str = DEFAULT_ALGORITHM, theme: str | None = None,
                 presentation: bool = False, remember: bool = False,
                 recovery_folder: str | Path | None = None):
        """`theme` None: the remembered one (or the system's). `remember`: read and write the
        user's settings (main.py, except for --screenshot; tests leave them alone).
        `recovery_folder`: where recovery files go (None: the application's data folder)."""
        super().__init__()
        collect_on_main_thread()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self.preferences = Preferences(self, persistent=remember)
        self.preferences.theme_given = theme  # one start's --theme is not remembered
        theme = theme or self.preferences.theme_mode()
        self.appearance = Appearance(theme, self)  # first: widgets made below take its theme
        self.setWindowTitle(f"Unsupervised Explorer {__version__}")
        self.resize(1400, 880)
        self.setAcceptDrops(True)
        self.frame: DataFrame2D | None = None
        self._cancel_reason = ""  # why the window itself cancelled a run, for the run bar
        self.controller = RunController(self)
        self.data_panel = DatasetPanel()
        self.method_panel = AlgorithmPanel()
        self.run_bar = RunBar()
        self.explain = ExplainPanel()
        self._frame_name = "Step"  # what the last run's timeline counts
        self.controller.set_rate(self.run_bar.rate())
        self.data_view = DataView()
        self.views: dict[type[Snapshot], View] = {}
        self.stack = QStackedWidget()
        self.stack.addWidget(self.data_view)
        self._build_layout()
        self.export = Exporter(self)
        self.selection = SelectionControls(self)
        self.presentation = PresentationControls(self, self.appearance, self.left_panel)
        self.session = SessionManager(self)
        self.models = ModelFiles(self)
        self.recovery = Recovery(self, folder=recovery_folder)
        self.lessons = LessonsMenu(self)
        self._connect()
        self.appearance.style_changed.connect(self._apply_style)
        self._apply_style(self.appearance.style())
        self.preferences.restore_window()
        self.preferences.watch()
        if presentation:
            self.presentation.set_presentation(True)
        self.method_panel.select(algorithm)
        if dataset:
            self.data_panel.select(dataset)
        warmup.start(self, enabled=remember)  # numba's cache folder; UMAP compiled aside

    # ---- layout
    def _build_layout(self) -> None:
        data_box = QGroupBox("Data")
        # Its word-wrapped summary made the box ask for its full preferred width as a minimum,
        # and the left panel scrolled sideways; the scroll area's minimum width bounds it.
        self.data_panel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        QVBoxLayout(data_box).addWidget(self.data_panel)
        self.draw_panel = DrawPanel(self)
        draw_box = QGroupBox("Draw")
        QVBoxLayout(draw_box).addWidget(self.draw_panel)
        method_box = QGroupBox("Method")
        QVBoxLayout(method_box).addWidget(self.method_panel)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_layout.addWidget(data_box)
        left_layout.addWidget(draw_box)
        left_layout.addWidget(method_box, 1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(330)
        self.left_panel = scroll  # folded away in presentation mode
        centre = QSplitter(Qt.Orientation.Horizontal)
        centre.addWidget(scroll)
        centre.addWidget(self.stack)
        centre.setStretchFactor(1, 1)
        centre.setSizes([360, 1040])
        self.splitter = centre  # its sizes are remembered
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(centre, 1)
        layout.addWidget(self.explain)
        layout.addWidget(self.run_bar)
        self.setCentralWidget(body)

    def _connect(self) -> None:
        dp, mp, rb, rc = self.data_panel, self.method_panel, self.run_bar, self.controller
        dp.dataset_changed.connect(self._on_dataset)
        dp.dataset_cleared.connect(self._on_no_dataset)
        dp.view_changed.connect(self._on_view_mode)
        dp.load_failed.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        dp.file_loaded.connect(self.preferences.add_recent_file)
        mp.algorithm_changed.connect(self._on_algorithm)
        mp.params_changed.connect(self._on_params)
        rb.run_clicked.connect(self.run)
        rb.pause_toggled.connect(rc.pause)
        rb.step_clicked.connect(self.step)
        rb.back_clicked.connect(self.back)
        rb.cancel_clicked.connect(rc.cancel)
        rb.speed_changed.connect(rc.set_rate)
        rb.scrubbed.connect(self._on_scrub)
        rc.snapshot.connect(self._on_snapshot)
        rc.progress.connect(rb.set_progress)
        rc.finished.connect(self._on_finished)
        rc.failed.connect(self._on_failed)
        rc.paused_changed.connect(rb.set_paused)
        self._build_menus()

    def _build_menus(self) -> None:
        """The menus, which also show each command's shortcut."""
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction("&Open data file…", QKeySequence.StandardKey.Open,
                            self.data_panel.open_button.click)
        file_menu.addAction("Open a &folder of texts…", self.data_panel.open_folder)
        self.session.add_menu(file_menu)
        self.models.add_menu(file_menu)
        self.recent_menu = RecentMenu(self.preferences, self.data_panel.load_path,
                                      self.open_recent_session, self)
        self.recent_menu.add_to(file_menu)
        self.export.add_menu(file_menu)
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.presentation.add_menu(bar)
        self.presentation.add_toolbar()
        self.draw_panel.add_menu(bar)
        self.selection.add_menu(bar)
        self.selection.add_toolbar()
        run_menu = bar.addMenu("&Run")
        run_menu.addAction("&Run", QKeySequence("Ctrl+R"), self.run)
        run_menu.addAction("&Pause", QKeySequence("Ctrl+P"), self.toggle_pause)
        self.step_action = run_menu.addAction("&Step", self.step)
        self.step_action.setShortcuts([QKeySequence("Ctrl+T"), QKeySequence("Alt+Right")])
        self.back_action = run_menu.addAction("&Back", self.back)
        self.back_action.setShortcuts([QKeySequence("Ctrl+Shift+T"), QKeySequence("Alt+Left")])
        run_menu.addAction("&Cancel", QKeySequence("Escape"), self.cancel_or_clear)
        self.lessons.add_menu(bar)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction("&Keyboard shortcuts", lambda: show_shortcuts(self))
        help_menu.addAction(f"&About {APP_NAME}", self.show_about)

    def cancel_or_clear(self) -> None:
        """Esc: cancel the run if one is going, else clear the selection."""
        if self.controller.is_running():
            self.controller.cancel()
        else:
            self.selection.model.clear()

    def toggle_pause(self) -> None:
        """Pause a playing run, or play a paused one on (the run bar's Pause, from a key)."""
        if self.controller.is_running():
            self.controller.pause(not self.controller.is_paused())

    def open_recent_session(self, path: str) -> None:
        self.session.open(path)

    def show_about(self) -> QMessageBox:
        """The version and the libraries with their licences (non-modal, so tests can read it)."""
        box = QMessageBox(QMessageBox.Icon.NoIcon, f"About {APP_NAME}", about_html(),
                          QMessageBox.StandardButton.Close, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # ---- state
    @property
    def dataset(self) -> Dataset | None:
        return self.data_panel.dataset

    @property
    def algorithm(self) -> Algorithm | None:
        return self.method_panel.algorithm

    def current_view(self) -> View:
        return self.stack.currentWidget()

    def view_for(self, snapshot_type: type[Snapshot]) -> View:
        if snapshot_type not in self.views:
            view = VIEWS[snapshot_type]()
            view.apply_style(self.appearance.style())
            if hasattr(view, "picked"):  # points clicked on it fill a Picked parameter
                view.picked.connect(self.method_panel.set_picked)
            self.views[snapshot_type] = view
            self.stack.addWidget(view)
        return self.views[snapshot_type]

    # ---- look
    def _apply_style(self, style: Style) -> None:
        """A new theme or presentation mode: every canvas restyles once, and the run bar's
        text grows with the canvases' at the projector."""
        for view in (self.data_view, *self.views.values()):
            view.apply_style(style)
        self.run_bar.setFont(style.font() if style.presentation else self.font())
        self.explain.apply_style(style)

    # ---- data set and view
    def _idle_view(self) -> View:
        """The view shown while no run is: the data view, or the method's own when it takes
        input before a run (`before_run`: points clicked to label them)."""
        algorithm = self.algorithm
        if algorithm is None or not getattr(VIEWS.get(algorithm.snapshot_type), "before_run",
                                            False):
            return self.data_view
        view = self.view_for(algorithm.snapshot_type)
        if self.frame is not None:
            view.set_frame(self.frame)  # no old run's picture under the new method's name
        return view

    def _on_dataset(self, dataset: Dataset) -> None:
        self.controller.cancel()
        self._make_frame(dataset, self.data_panel.view_mode())
        self.stack.setCurrentWidget(self._idle_view())
        self._forget_steps()
        self._validate()

    def _on_no_dataset(self) -> None:
        """An empty drawing: nothing to run on; the data view shows the blank page."""
        self.controller.cancel()
        self.frame = None
        self.stack.setCurrentWidget(self.data_view)
        self._forget_steps()
        self._validate()

    def _on_view_mode(self, mode) -> None:
        if self.dataset is None:
            return
        self._make_frame(self.dataset, mode)
        view = self.current_view()
        if view is not self.data_view and len(self.controller.history):
            history = self.controller.history
            view.show_snapshot(history[min(self.run_bar.timeline.value(), len(history) - 1)])

    def _make_frame(self, dataset: Dataset, mode) -> None:
        projection = Projection(dataset.X, mode, dataset.feature_names)
        self.frame = DataFrame2D(dataset, projection.xy, projection.axis_labels,
                                 projection.transform, projection.exact)
        for view in (self.data_view, *self.views.values()):
            view.set_frame(self.frame)

    # ---- method and parameters
    def _on_algorithm(self, algorithm: Algorithm) -> None:
        if self.controller.is_running():
            self.controller.cancel()
        self.stack.setCurrentWidget(self._idle_view())
        self._forget_steps()
        self._validate()
        # Build the method's canvases now, once the click is handled, not when Run is pressed.
        QTimer.singleShot(0, self._prepare_view)

    def _on_params(self) -> None:
        """A run, even a paused one, is of the old parameters: it ends, and the next Run or
        Step starts one with the new."""
        if self.controller.is_running():
            self._cancel_reason = "Parameters changed: Run or Step starts again with them."
            self.controller.cancel()
        self._validate()

    def _prepare_view(self) -> None:
        if self.algorithm is not None:
            view = self.view_for(self.algorithm.snapshot_type)
            if self.frame is not None and view.frame is not self.frame:
                view.set_frame(self.frame)

    def _validate(self) -> bool:
        """Check the form against the data; say what is wrong and keep Run off until it is right."""
        problem, can_subsample = "", False
        if self.algorithm is None or self.dataset is None:
            problem = "Choose a data set and a method."
        else:
            try:
                self.algorithm.resolve(self.dataset, self.method_panel.values())
            except TooManyPoints as exc:  # Run offers a subsample (ui/big_inputs.py)
                problem, can_subsample = f"{exc} Run offers one.", True
            except ValueError as exc:
                problem = str(exc)
        self.method_panel.show_problem(problem)
        self.method_panel.show_note(self.algorithm.input_note(self.dataset)
                                    if self.algorithm and self.dataset else "")
        ok = not problem or can_subsample
        self.run_bar.run_button.setEnabled(ok and not self.controller.is_running())
        if not self.explain.title():  # no step on show: the strip says why Run is off
            if not ok:
                self.explain.clear(f"{RUN_OFF}{problem}")
            elif self.explain.message().startswith(RUN_OFF):
                self.explain.clear()
        return ok

    # ---- running
    def run(self, paused: bool = False) -> bool:
        if self.controller.is_running() and self.controller.is_paused():
            self.controller.pause(False)  # Run after Step plays on
            return True
        if not self._validate() or self.controller.is_running():
            return False
        if not fit_or_subsample(self):  # too big for this machine: asks first
            return False
        algorithm, dataset = self.algorithm, self.dataset
        view = self.view_for(algorithm.snapshot_type)
        view.set_frame(self.frame)
        if hasattr(view, "set_k") and "n_clusters" in self.method_panel.values():
            view.set_k(self.method_panel.values()["n_clusters"])
        view.hold_paints()  # its first paint too: one canvas per event
        self.stack.setCurrentWidget(view)
        self.run_bar.set_running(True)
        self.run_bar.message.setToolTip("")
        self.statusBar().clearMessage()
        self._forget_steps("Waiting for the first step…")
        self.run_bar.set_message(f"Running {algorithm.name}…")
        wanted = algorithm.libraries_for(dataset, algorithm.resolve(dataset,
                                                                    self.method_panel.values()))
        loading = [LIBRARY_NAMES.get(m, m) for m in wanted if m not in sys.modules]
        if loading:  # a first import takes seconds: say so, and paint it before it starts
            self.run_bar.set_message(f"Loading {' and '.join(loading)} (first use, a few "
                                     f"seconds), then running {algorithm.name}…")
            self.run_bar.repaint()
        self._frame_name = algorithm.frame_name
        self.run_bar.set_frame_name(algorithm.frame_name)
        self.controller.start(algorithm, dataset, self.method_panel.values(), paused=paused)
        return True

    def step(self) -> None:
        """Forward one step: through the recorded history first, and only at its newest step
        ask the run for one more (starting a run, paused, if none is going)."""
        rb = self.run_bar
        if rb.history_length() and not rb.at_newest():
            self._pause_playing()
            rb.show_step(rb.shown() + 1)
        elif self.controller.is_running() or self.run(paused=True):
            self.controller.step()

    def back(self) -> None:
        """Show the recorded step before the one on show, pausing a playing run."""
        rb = self.run_bar
        if rb.history_length() and rb.shown() > 0:
            self._pause_playing()
            rb.show_step(rb.shown() - 1)

    def _pause_playing(self) -> None:
        if self.controller.is_running() and not self.controller.is_paused():
            self.controller.pause(True)

    def _forget_steps(self, text: str | None = None) -> None:
        """The timeline and the explanation no longer show a run's steps."""
        self.run_bar.set_history_length(0)
        if text is None:
            self.explain.clear()
        else:
            self.explain.clear(text)

    def _explain(self, i: int) -> None:
        history = self.controller.history
        if 0 <= i < len(history):
            last = not self.controller.is_running() and i == len(history) - 1
            self.explain.show_step(i, len(history), history[i].message, last,
                                   self._frame_name)

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        """Draw the newest step, unless the user has scrubbed the timeline back."""
        following = self.run_bar.following()
        self.run_bar.set_history_length(len(self.controller.history))
        if following:
            view = self.current_view()
            view.staged = True  # a streaming step: side canvases paint one event later
            view.hold_paints()
            try:
                view.show_snapshot(snapshot)
            finally:
                view.staged = False
        self._explain(self.run_bar.shown())

    def show_recorded(self, history: History, message: str) -> None:
        """Show a run recorded elsewhere (a session's saved model) as if it had just ended:
        its view at the last step, the timeline, the explanation, and `message`."""
        self.controller.history = history
        last = history[len(history) - 1]
        view = self.view_for(type(last))
        view.set_frame(self.frame)
        self.stack.setCurrentWidget(view)
        self.run_bar.set_history_length(len(history))
        view.show_snapshot(last)
        self._explain(len(history) - 1)
        self.run_bar.set_message(message)

    def _on_scrub(self, i: int) -> None:
        history = self.controller.history
        view = self.current_view()
        if 0 <= i < len(history) and view is not self.data_view:
            view.show_snapshot(history[i])
            self._explain(i)

    def _after_last_picture(self, then) -> bool:
        """True if a side canvas of the view still waits to draw the run's last step: `then`
        comes back once it has, so the picture is whole before anyone hears the run ended,
        and no event draws every canvas at once. If another run has started by then, the
        old one's end is not announced: the window belongs to the new one."""
        if not self.current_view().pending():
            return False
        run_id = self.controller.run_id
        # With the window as context: a window closed meanwhile drops the call.
        QTimer.singleShot(0, self, lambda: self.controller.run_id == run_id and then())
        return True

    def _on_finished(self, outcome: str) -> None:
        if outcome == "cancelled":
            self.current_view().flush()  # at once: whoever cancelled may start a run next
        elif self._after_last_picture(lambda: self._on_finished(outcome)):
            return
        self.run_bar.set_running(False)
        self._validate()
        n = len(self.controller.history)
        if outcome == "cancelled":
            self.run_bar.set_message(self._cancel_reason or "Cancelled.")
        else:
            word = self._frame_name.lower()
            self.run_bar.set_progress(1.0, f"Done: {n} {word}{'' if n == 1 else 's'}.")
        self._cancel_reason = ""
        if self.run_bar.history_length():
            self._explain(self.run_bar.shown())  # the newest step is now the last
        self.run_ended.emit(outcome)

    def _on_failed(self, message: str, details: str) -> None:
        if self._after_last_picture(lambda: self._on_failed(message, details)):
            return
        self.run_bar.set_running(False)
        self._validate()
        name = self.algorithm.name if self.algorithm else "The run"
        text = f"{name} failed: {message}"
        self.run_bar.set_message(text, error=True)
        self.run_bar.message.setToolTip(f"{text}\n\n{details}")
        self.statusBar().showMessage(text)
        self.run_ended.emit("failed")

    # ---- window events
    def dragEnterEvent(self, event):
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            path = urls[0].toLocalFile()
            if is_session_file(path):
                self.session.open(path)
            elif path.lower().endswith(".pt"):  # a torch file: a saved model, never data
                self.models.open(path)
            else:
                self.data_panel.load_path(path)
            event.acceptProposedAction()

    def closeEvent(self, event):
        """Hide at once, then wait for the threads: each reaches a cancel check when its
        current call (an import, a library routine) returns."""
        self.preferences.save_window()
        self.hide()
        self.data_panel.shutdown()
        self.models.loader.wait()  # a model being read (torch's first import takes seconds)
        self.controller.shutdown(timeout_ms=None)
        super().closeEvent(event)
