"""Models on disk in the window: File ▸ Save model… and Open model….

Save model… is on when the method shown is a generative one whose run went to its end (or
whose model was put back from a file): it writes that final snapshot with the run's own
parameters (engine/model_files.py). Open model… reads a file on a thread of its own (the
first use of torch alone takes seconds), checks it against the data set on show, and only
then selects its method with its saved parameters and shows the snapshot as a one-step run,
put back, not trained. A file that is not such a model leaves the window as it was and says
why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from engine import model_files, registry
from engine.data import Dataset
from engine.model_files import ModelFileError, SavedModel
from engine.params import resolve
from engine.protocol import Algorithm, Snapshot
from ui.history import History
from ui.loader import DatasetLoader

FILE_FILTER = f"Models (*{model_files.SUFFIX} *.pt);;All files (*)"
PUT_BACK = "put back, not trained"


@dataclass(frozen=True, eq=False)
class Trained:
    """A model the window can save: its method, the parameters it ran with, its data, and its
    final snapshot."""

    algorithm: Algorithm
    params: dict
    dataset: Dataset
    snapshot: Snapshot


class ModelFiles(QObject):
    """`window.models`. `opened` says how an opening ended: "done", "failed" or "cancelled"."""

    opened = Signal(str)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.last_error = ""
        self.message_box: QMessageBox | None = None
        self.save_action = self.open_action = None
        self._run: tuple[Algorithm, dict, Dataset] | None = None  # the run under way
        self._final: Trained | None = None
        self._opening: tuple[str, Dataset | None, int] | None = None
        self.loader = DatasetLoader(self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        window.controller.started.connect(self._on_started)
        window.run_ended.connect(self._on_run_ended)
        window.data_panel.dataset_changed.connect(self.update_actions)
        window.method_panel.algorithm_changed.connect(self.update_actions)

    def add_menu(self, menu: QMenu) -> None:
        self.save_action = menu.addAction("Save &model…", self.save_dialog)
        self.open_action = menu.addAction("Open mo&del…", self.open_dialog)
        menu.aboutToShow.connect(self.update_actions)
        self.update_actions()

    def update_actions(self, *_args) -> None:
        if self.save_action is not None:
            self.save_action.setEnabled(self.final() is not None)

    # ---- what there is to save
    def _on_started(self, _run_id: int) -> None:
        """Remember what this run is of: the form may change before it ends."""
        w = self.window
        self._final = None
        try:
            self._run = (w.algorithm, w.algorithm.resolve(w.dataset, w.method_panel.values()),
                         w.dataset)
        except ValueError:  # the run checked the same values a moment ago
            self._run = None
        self.update_actions()

    def _on_run_ended(self, outcome: str) -> None:
        history = self.window.controller.history
        if outcome == "done" and self._run is not None and len(history) \
                and model_files.can_save(self._run[0]):
            self._final = Trained(*self._run, history[len(history) - 1])
        self.update_actions()

    def final(self) -> Trained | None:
        """The model on show, if it can be saved: a generative method's final snapshot, of the
        data set and method the window still has, with no run under way."""
        w, final = self.window, self._final
        history = w.controller.history
        if final is None or w.controller.is_running() or not len(history):
            return None
        if history[len(history) - 1] is not final.snapshot or w.dataset is not final.dataset \
                or w.algorithm is not final.algorithm:
            return None
        return final

    # ---- saving
    def save_dialog(self) -> None:
        final = self.final()
        start = f"{final.algorithm.id}{model_files.SUFFIX}" if final else ""
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the model", start, FILE_FILTER)
        if path:
            self.save(path)

    def save(self, path: str) -> bool:
        """Write the model on show (a few megabytes at most: done at once); say so."""
        final = self.final()
        if final is None:
            return self._say_failure("there is no trained model to save: run a generative "
                                     "model to its end first", "save")
        try:
            model_files.save(path, final.snapshot, final.algorithm.id, final.params,
                             final.dataset)
        except ModelFileError as exc:
            return self._say_failure(str(exc), "save")
        except OSError as exc:
            return self._say_failure(f"{Path(path).name}: cannot write it: "
                                     f"{exc.strerror or exc}", "save")
        self.window.statusBar().showMessage(f"Saved the model to {path}", 10000)
        return True

    # ---- opening
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a model", "", FILE_FILTER)
        if path:
            self.open(path)

    def open(self, path: str) -> bool:
        """Start reading the model off the main thread; `opened` says how it ended."""
        w = self.window
        self._opening = (path, w.dataset, w.controller.run_id)
        w.statusBar().showMessage(f"Opening the model {Path(path).name}…")
        self.loader.request(partial(model_files.read, path, w.dataset))
        return True

    def _on_loaded(self, saved: SavedModel) -> None:
        (path, dataset, run_id), self._opening = self._opening, None
        w = self.window
        if w.dataset is not dataset or w.controller.run_id != run_id:
            w.statusBar().showMessage("Opening the model was abandoned: you chose other data "
                                      "or started a run", 10000)
            self.opened.emit("cancelled")
            return
        self.put_back(registry.get(saved.algorithm_id), saved.params, dataset, saved.snapshot,
                      f"Opened the model {Path(path).name}: {PUT_BACK}.")
        w.statusBar().showMessage(f"Opened the model {path}", 10000)
        self.opened.emit("done")

    def _on_failed(self, message: str) -> None:
        self._opening = None
        self._say_failure(message, "open")

    def put_back(self, algorithm: Algorithm, params: dict, dataset: Dataset,
                 snapshot: Snapshot, message: str) -> None:
        """Show a saved model's final snapshot as a run of one step, without training: its
        method and parameters selected, its view live (sliders and pads work on it)."""
        w = self.window
        w.controller.cancel()
        if w.algorithm is not algorithm:
            w.method_panel.select(algorithm.id)
        w.method_panel.set_values(params)
        history = History()
        history.append(snapshot)
        w.show_recorded(history, message)
        self._final = Trained(algorithm, resolve(algorithm.params, params), dataset, snapshot)
        self.update_actions()

    # ---- messages
    def _say_failure(self, text: str, doing: str) -> bool:
        """A plain message, in a box that does not block and in the status bar; False."""
        self.last_error = text
        text = f"Could not {doing} the model. {text}"
        self.window.statusBar().showMessage(text, 15000)
        if self.message_box is not None:
            self.message_box.deleteLater()
        self.message_box = QMessageBox(QMessageBox.Icon.Warning, "Model", text,
                                       QMessageBox.StandardButton.Ok, self.window)
        self.message_box.open()
        if doing == "open":
            self.opened.emit("failed")
        return False
