"""Sessions in the window: capture its state as a Session, save it; open one and bring it back.

Opening reads and checks the JSON, the method and parameters, then checks the data file's
checksum and loads the data (and a saved generative model's weights) on a thread of its own,
so a bad session, or data that will not load, leaves the window exactly as it was and never
freezes it. Only then does it show the data, pick the method and parameters, and re-run the
method (seeded) to its end at full speed; a saved generative model is put back from its file
(ui/model_files.py) instead of being trained again, or, if its model file is missing, changed
or unfit, trained again with the saved seed.
If the user chooses other data or starts a run while the session's data loads, the opening
is abandoned: the user's choice stands.
"""

from __future__ import annotations

import contextlib
import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from engine import model_files, registry
from engine import session as sessions
from engine.data import Dataset
from engine.datasets.corpus import folder_files
from engine.model_files import ModelFileError
from engine.protocol import Snapshot, Spectrum, Tree
from engine.session import ModelRef, Session, SessionError, ViewSettings
from ui.loader import DatasetLoader
from ui.model_files import PUT_BACK
from ui.views import SpectrumView, TreeView

FILE_FILTER = f"Sessions (*{sessions.SUFFIX} *.ues *.json);;All files (*)"
ABANDONED = "Opening the session was abandoned: you chose other data"


def _load_session(session: Session, base: Path | None, where: str
                  ) -> tuple[Dataset, Snapshot | SessionError | None]:
    """On the loader's thread: check and load the data, then a saved model's weights. Every
    problem with the data is a SessionError naming the file and the field; a model that is
    missing, changed or unfit comes back as its SessionError (it is trained again instead)."""
    try:
        session.data.check(base)
        dataset = session.data.load(base)
    except SessionError as exc:
        raise exc.located(where) from None
    except (KeyError, ValueError, OSError) as exc:
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise SessionError(f"its data set did not load: {text}", "dataset", where) from None
    model = session.model
    if model is None or not model_files.can_save(registry.get(session.method)):
        return dataset, None
    try:
        return dataset, sessions.load_model((base or Path.cwd()) / model.file, model.sha256,
                                            dataset, session.method)
    except SessionError as exc:
        return dataset, exc.located(where)


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
        self._model_note = ""  # why a session was saved without its model, if it was
        self._checksums: dict[tuple, str] = {}
        self._pending: tuple[Session, Path | None, str | None] | None = None  # data loading
        self._after_run: Session | None = None  # the run under way belongs to this session
        self.loader = DatasetLoader(self)
        self.loader.loaded.connect(self._on_data)
        self.loader.failed.connect(self._on_data_failed)
        window.run_ended.connect(self._on_run_ended)
        window.data_panel.dataset_changed.connect(self._abandon)
        window.data_panel.dataset_changed.connect(self._hash_soon)
        window.data_panel.loader.busy.connect(lambda busy: busy and self._abandon())
        window.controller.started.connect(self._abandon)

    def add_menu(self, menu: QMenu) -> None:
        menu.addAction("&Save session…", QKeySequence("Ctrl+S"), self.save_dialog)
        menu.addAction("Open &session…", QKeySequence("Ctrl+Shift+O"), self.open_dialog)

    def busy(self) -> bool:
        """An opening is under way: its data is loading or its run has not ended."""
        return self._pending is not None or self._after_run is not None

    # ---- capture and save
    def _checksum(self, path: str) -> str:
        """sha256 of a data file (or a folder of texts), remembered while its size and time
        (each text's) stay the same."""
        if os.path.isdir(path):
            top, nested = folder_files(Path(path))
            key = (os.path.abspath(path), *((str(p), p.stat().st_size, p.stat().st_mtime_ns)
                                           for p in top + nested))
        else:
            info = os.stat(path)
            key = (os.path.abspath(path), info.st_size, info.st_mtime_ns)
        if key not in self._checksums:
            self._checksums[key] = sessions.sha256_file(path)
        return self._checksums[key]

    def _hash_soon(self, dataset: Dataset) -> None:
        """Checksum a newly loaded data file on Qt's thread pool, so that saving a session
        (or the recovery file every minute) finds it known and never hashes 200 MB on the
        main thread. A save before it is done computes it once more; the answers agree."""
        path = dataset.source
        if os.path.isabs(path) and os.path.exists(path):
            QThreadPool.globalInstance().start(partial(self._checksum_quietly, path))

    def _checksum_quietly(self, path: str) -> None:
        with contextlib.suppress(OSError):  # gone or unreadable: a save will say so
            self._checksum(path)

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

    def _with_model(self, session: Session, path: str) -> Session:
        """The session with the trained generative model on show saved beside it, and the
        parameters it was trained with; unchanged if there is none or it cannot be saved
        (reopening then trains it again, and the status bar says why)."""
        final = self.window.models.final() if session.ran else None
        if final is None:
            return session
        model = sessions.model_path(path)
        try:
            digest = sessions.save_model(final.snapshot, model, final.algorithm.id,
                                         final.params, final.dataset)
        except ModelFileError as exc:
            self._model_note = f"; its model was not saved ({exc}), so reopening trains it again"
            return session
        return Session(session.data, session.method, dict(final.params), session.view,
                       session.ran, ModelRef(model.name, digest))

    def save(self, path: str) -> bool:
        """Write the session (and a trained generative model beside it); say so in the status
        bar."""
        session = self.capture()
        if session is None:
            return self._say_failure(SessionError("there is nothing to save: choose a data set "
                                                  "and a method first"), "save")
        self._model_note = ""
        try:
            sessions.write(self._with_model(session, path), path)
        except OSError as exc:
            return self._say_failure(SessionError(f"cannot write it: {exc.strerror or exc}",
                                                  where=Path(path).name), "save")
        self.path = path
        self.window.statusBar().showMessage(f"Saved the session to {path}{self._model_note}",
                                            10000)
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
        """Read the session file and start bringing it back; False (with a message, and
        nothing changed) if it cannot be read. How the opening ends, `restored` says."""
        try:
            session = sessions.read(path)
        except SessionError as exc:
            return self._say_failure(exc)
        return self.restore(session, Path(path).resolve().parent, Path(path).name, path)

    def restore(self, session: Session, base: Path | None = None, where: str = "",
                path: str | None = None) -> bool:
        """Check and load the session's data off the main thread; the window changes only
        once it has loaded. `path`: the session file, remembered once its data has come."""
        self._pending = (session, base, path)
        self._after_run = None
        self.window.data_panel.drop_load()  # the session is the newer choice
        self.loader.request(partial(_load_session, session, base, where))
        return True

    def _abandon(self, *_args) -> None:
        """The user chose other data or started a run while the session's data loaded."""
        if self._pending is None:
            return
        self._pending = None
        self.loader.drop_pending()
        self.window.statusBar().showMessage(ABANDONED, 10000)
        self._finish("cancelled")

    def _on_data_failed(self, message: str) -> None:
        self._pending = None
        self._say_failure(SessionError(message))

    def _on_data(self, loaded: tuple[Dataset, Snapshot | SessionError | None]) -> None:
        (session, base, path), self._pending = self._pending, None
        dataset, model = loaded
        if path is not None:
            self.path = path
            self._remember(path)
        w = self.window
        w.controller.cancel()
        data = session.data
        w.data_panel.set_dataset(dataset, str(data.resolved(base)) if data.kind == "file" else None)
        if data.kind in ("builtin", "generator"):
            w.data_panel.show_source(data.name, getattr(data, "options", {}))
        w.data_panel.set_view_mode(session.view.mode)
        w.method_panel.select(session.method)
        w.method_panel.set_values(session.params)
        if not session.ran:
            self._finish("done")
        elif isinstance(model, Snapshot):
            self._put_back_model(session, dataset, model)
        else:
            self._run(session)
            if isinstance(model, SessionError):  # after run(), which clears the status bar
                w.statusBar().showMessage(f"{model}; training it again with the saved seed",
                                          15000)

    def _put_back_model(self, session: Session, dataset: Dataset, snapshot: Snapshot) -> None:
        """Show a saved model's final snapshot without training."""
        self.window.models.put_back(registry.get(session.method), session.params, dataset,
                                    snapshot, f"Restored the trained model saved with the "
                                              f"session: {PUT_BACK}.")
        self._finish("done")

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
        if view.cut_k is not None and isinstance(current, TreeView):
            current.set_cut(view.cut_k)
        if view.components is not None and isinstance(current, SpectrumView):
            current.set_components(view.components)
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
        self.window.preferences.add_recent_session(path)
