"""Sessions in the window: capture its state as a Session, save it; open one and bring it back.

Opening checks everything first (the JSON, the method and parameters, the data file's
checksum, the model file's) and loads the data on a thread of its own, so a bad session, or
data that will not load, leaves the window exactly as it was. Only then does it show the data,
pick the method and parameters, and re-run the method (seeded) to its end at full speed; a
saved VAE is put back from its weights instead of being trained again.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from engine import session as sessions
from engine.data import Dataset
from engine.projection import PCA
from engine.protocol import LatentModel, Spectrum, Tree
from engine.session import ModelRef, Session, SessionError, ViewSettings
from ui.dataset_panel import FEATURES
from ui.history import History
from ui.loader import DatasetLoader

FILE_FILTER = f"Sessions (*{sessions.SUFFIX} *.ues *.json);;All files (*)"


class SessionManager(QObject):
    """`window.session`: save, open, capture and restore. `restored` says how an opening
    ended: "done" (the pictures are back), "failed" or "cancelled"."""

    restored = Signal(str)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.path: str | None = None  # the session file last saved or opened
        self.last_error = ""
        self.message_box: QMessageBox | None = None
        self._checksums: dict[tuple, str] = {}
        self._pending: tuple[Session, Path | None, str] | None = None  # data loading for it
        self._after_run: Session | None = None  # the run under way belongs to this session
        self.loader = DatasetLoader(self)
        self.loader.loaded.connect(self._on_data)
        self.loader.failed.connect(self._on_data_failed)
        window.run_ended.connect(self._on_run_ended)

    def add_menu(self, menu: QMenu) -> None:
        menu.addAction("&Save session…", QKeySequence("Ctrl+S"), self.save_dialog)
        menu.addAction("Open &session…", QKeySequence("Ctrl+Shift+O"), self.open_dialog)

    def busy(self) -> bool:
        """An opening is under way: its data is loading or its run has not ended."""
        return self._pending is not None or self._after_run is not None

    # ---- capture and save
    def _checksum(self, path: str) -> str:
        """sha256 of a data file, remembered while its size and time stay the same."""
        info = os.stat(path)
        key = (os.path.abspath(path), info.st_size, info.st_mtime_ns)
        if key not in self._checksums:
            self._checksums[key] = sessions.sha256_file(path)
        return self._checksums[key]

    def capture(self) -> Session | None:
        """The window as a session; None while there is no data set or no method."""
        w = self.window
        dataset, algorithm = w.dataset, w.algorithm
        if dataset is None or algorithm is None:
            return None
        history = w.controller.history
        ran = len(history) > 0 and w.current_view() is not w.data_view
        at = w.run_bar.timeline.value()
        view = ViewSettings(
            mode=w.data_panel.view_mode(),
            timeline=at if ran and at < len(history) - 1 else None,
            cut_k=w.views[Tree].k if ran and algorithm.snapshot_type is Tree else None,
            components=w.views[Spectrum].q if ran and algorithm.snapshot_type is Spectrum
            else None)
        return Session(sessions.data_spec(dataset, self._checksum), algorithm.id,
                       w.method_panel.values(), view, ran)

    def _final_latent(self) -> LatentModel | None:
        history = self.window.controller.history
        last = history[len(history) - 1] if len(history) else None
        if isinstance(last, LatentModel) and last.epoch == last.n_epochs:
            return last
        return None

    def save(self, path: str) -> bool:
        """Write the session (and a trained VAE beside it); say so in the status bar."""
        session = self.capture()
        if session is None:
            return self._say_failure(SessionError("there is nothing to save: choose a data set "
                                                  "and a method first"), "save")
        try:
            final = self._final_latent() if session.ran else None
            if final is not None:
                model = sessions.model_path(path)
                digest = sessions.save_model(final, model)
                session = Session(session.data, session.method, session.params, session.view,
                                  session.ran, ModelRef(model.name, digest))
            sessions.write(session, path)
        except OSError as exc:
            return self._say_failure(SessionError(f"cannot write it: {exc.strerror or exc}",
                                                  where=Path(path).name), "save")
        self.path = path
        self.window.statusBar().showMessage(f"Saved the session to {path}", 10000)
        self._remember(path)
        return True

    def save_dialog(self) -> None:
        start = self.path or f"session{sessions.SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the session", start,
                                              FILE_FILTER)
        if path:
            self.save(path)

    # ---- open and restore
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a session", "", FILE_FILTER)
        if path:
            self.open(path)

    def open(self, path: str) -> bool:
        """Check the session file and start bringing it back; False (with a message, and
        nothing changed) if it cannot be."""
        try:
            session = sessions.read(path)
        except SessionError as exc:
            return self._say_failure(exc)
        if self.restore(session, Path(path).resolve().parent, Path(path).name):
            self.path = path
            self._remember(path)
            return True
        return False

    def restore(self, session: Session, base: Path | None = None, where: str = "") -> bool:
        """Check the session's files, then load its data off the main thread; the window
        changes only once the data has loaded."""
        try:
            session.data.check(base)
            if session.model is not None:
                self._check_model(session.model, base)
        except SessionError as exc:
            return self._say_failure(exc.located(where))
        self._pending = (session, base, where)
        self._after_run = None
        self.loader.request(partial(session.data.load, base))
        return True

    def _check_model(self, model: ModelRef, base: Path | None) -> None:
        path = (base or Path.cwd()) / model.file
        if not path.is_file():
            raise SessionError(f"the model file {model.file} is not there", "model.file")
        if sessions.sha256_file(path) != model.sha256:
            raise SessionError(f"the model file {model.file} has changed since the session "
                               f"was saved", "model.sha256")

    def _on_data_failed(self, message: str) -> None:
        _session, _base, where = self._pending
        self._pending = None
        self._say_failure(SessionError(f"its data set did not load: {message}", "dataset",
                                       where))

    def _on_data(self, dataset: Dataset) -> None:
        session, base, where = self._pending
        self._pending = None
        w = self.window
        w.controller.cancel()
        data = session.data
        w.data_panel.set_dataset(dataset, str(data.resolved(base)) if data.kind == "file" else None)
        if data.kind in ("builtin", "generator"):
            w.data_panel.show_source(data.name, getattr(data, "options", {}))
        self._set_view_mode(session.view.mode, dataset)
        w.method_panel.select(session.method)
        w.method_panel.set_values(session.params)
        if not session.ran:
            self._finish("done")
        elif not self._put_back_model(session, base, dataset, where):
            self._run(session)

    def _set_view_mode(self, mode, dataset: Dataset) -> None:
        panel = self.window.data_panel
        if dataset.d <= 2:
            return
        if mode != PCA and max(mode) < dataset.d:
            panel.view_x.setCurrentIndex(mode[0])
            panel.view_y.setCurrentIndex(mode[1])
            panel.view_kind.setCurrentIndex(panel.view_kind.findData(FEATURES))
        else:
            panel.view_kind.setCurrentIndex(panel.view_kind.findData(PCA))

    def _put_back_model(self, session: Session, base: Path | None, dataset: Dataset,
                        where: str) -> bool:
        """Show a saved VAE's final snapshot without training; False to train it again."""
        w = self.window
        if session.model is None or w.algorithm.snapshot_type is not LatentModel:
            return False
        try:
            snapshot = sessions.load_model((base or Path.cwd()) / session.model.file,
                                           session.model.sha256, dataset)
        except SessionError as exc:
            w.statusBar().showMessage(f"{exc.located(where)}; training it again with the "
                                      f"saved seed", 15000)
            return False
        history = History()
        history.append(snapshot)
        w.controller.history = history
        view = w.view_for(LatentModel)
        view.set_frame(w.frame)
        w.stack.setCurrentWidget(view)
        w.run_bar.set_history_length(1)
        view.show_snapshot(snapshot)
        w.explain.show_step(0, 1, snapshot.message, last=True)
        w.run_bar.set_message("Restored the trained model saved with the session.")
        self._finish("done")
        return True

    def _run(self, session: Session) -> None:
        """Run to the end as fast as it goes; the user's speed comes back afterwards."""
        w = self.window
        w.controller.set_rate(0.0)
        self._after_run = session
        if not w.run():
            self._after_run = None
            w.controller.set_rate(w.run_bar.rate())
            self._finish("failed")

    def _on_run_ended(self, outcome: str) -> None:
        session, self._after_run = self._after_run, None
        if session is None:
            return
        w = self.window
        w.controller.set_rate(w.run_bar.rate())
        if outcome == "done":
            self._set_view_settings(session.view)
        self._finish(outcome)

    def _set_view_settings(self, view: ViewSettings) -> None:
        """The dendrogram's cut, the components kept, the step shown: as the user would."""
        w = self.window
        current = w.current_view()
        if view.cut_k is not None and hasattr(current, "dendrogram"):
            current.dendrogram.set_k(view.cut_k)
            current.dendrogram.cut_changed.emit(current.dendrogram.k())
        if view.components is not None and hasattr(current, "scree"):
            current.scree.set_selected(view.components)
            current.scree.components_chosen.emit(current.scree.selected())
        if view.timeline is not None:
            w.run_bar.timeline.setValue(view.timeline)

    def _finish(self, outcome: str) -> None:
        self.restored.emit(outcome)

    # ---- messages
    def _say_failure(self, error: SessionError, doing: str = "open") -> bool:
        """A plain message, in a box that does not block and in the status bar; False."""
        self.last_error = str(error)
        text = f"Could not {doing} the session. {error}"
        self.window.statusBar().showMessage(text, 15000)
        if self.message_box is not None:
            self.message_box.deleteLater()
        self.message_box = QMessageBox(QMessageBox.Icon.Warning, "Session", text,
                                       QMessageBox.StandardButton.Ok, self.window)
        self.message_box.open()
        if doing == "open":
            self.restored.emit("failed")
        return False

    def _remember(self, path: str) -> None:
        preferences = getattr(self.window, "preferences", None)
        if hasattr(preferences, "add_recent_session"):
            preferences.add_recent_session(path)
