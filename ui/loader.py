"""Loads a data set on a worker thread, so a big file or a first scikit-learn import never
freezes the window. Only the newest request's result is delivered."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from engine.data import Dataset


class _LoadThread(QThread):
    loaded = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, request_id: int, load: Callable[[], Dataset]):
        super().__init__()
        self.request_id = request_id
        self.load = load

    def run(self):
        try:
            dataset = self.load()
        except KeyError as exc:  # str() of a KeyError quotes its message
            self.failed.emit(self.request_id, str(exc).strip("'\""))
        except (ValueError, OSError) as exc:  # what loaders raise for bad input
            self.failed.emit(self.request_id, str(exc))
        except Exception as exc:  # anything else is our bug, but the window must live on
            self.failed.emit(self.request_id, f"{type(exc).__name__}: {exc}")
        else:
            self.loaded.emit(self.request_id, dataset)


class DatasetLoader(QObject):
    loaded = Signal(object)
    failed = Signal(str)
    busy = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._request = 0
        self._threads: list[_LoadThread] = []

    def request(self, load: Callable[[], Dataset]) -> None:
        self._request += 1
        thread = _LoadThread(self._request, load)
        thread.loaded.connect(self._on_loaded)
        thread.failed.connect(self._on_failed)
        thread.finished.connect(self._forget)
        self._threads.append(thread)
        self.busy.emit(True)
        thread.start()

    def drop_pending(self) -> None:
        """A data set arrived another way (a drawing, a session): the load under way, if any,
        finishes unheard."""
        self._request += 1
        self.busy.emit(False)

    def is_busy(self) -> bool:
        return any(t.isRunning() for t in self._threads)

    def wait(self, timeout_ms: int = 10000) -> None:
        for t in list(self._threads):
            t.wait(timeout_ms)

    def _on_loaded(self, request_id: int, dataset: Dataset):
        if request_id == self._request:
            self.busy.emit(False)
            self.loaded.emit(dataset)

    def _on_failed(self, request_id: int, message: str):
        if request_id == self._request:
            self.busy.emit(False)
            self.failed.emit(message)

    def _forget(self):
        self._threads = [t for t in self._threads if t.isRunning()]
