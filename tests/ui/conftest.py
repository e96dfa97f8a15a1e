"""Fixtures for window tests: a main window with a small data set loaded, and helpers."""

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from engine import datasets
from ui.main_window import MainWindow


def load(qtbot, window, dataset):
    """Load a data set through the window's own loader (on its worker thread) and wait."""
    with qtbot.waitSignal(window.data_panel.dataset_changed, timeout=30000):
        window.data_panel.loader.request(lambda: dataset)


def run_and_wait(qtbot, window, timeout=60000) -> str:
    outcome = []
    window.run_ended.connect(outcome.append)
    assert window.run(), window.method_panel.problem.text()
    qtbot.waitUntil(lambda: bool(outcome), timeout=timeout)
    return outcome[0]


class Turns(QObject):
    """Counts turns of the event loop (a 0 ms timer fires once a turn) and records which
    watched widget painted in which turn."""

    def __init__(self, widgets: dict, on_paint=None):
        super().__init__()
        self.on_paint = on_paint
        self.turn = 0
        self.paints: list[tuple[int, str]] = []
        self._names = {}
        for name, widget in widgets.items():
            for part in (widget, *widget.findChildren(QWidget)):
                self._names[id(part)] = name
                part.installEventFilter(self)
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)
        self._timer.start(0)

    def _tick(self):
        self.turn += 1

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and id(watched) in self._names:
            self.paints.append((self.turn, self._names[id(watched)]))
            if self.on_paint is not None:
                self.on_paint(self._names[id(watched)])
        return False

    def first_turns(self) -> dict:
        first = {}
        for turn, name in self.paints:
            first.setdefault(name, turn)
        return first

    def order(self) -> list[str]:
        """Which painted, in order, a canvas painting twice running counted once."""
        out = []
        for _, name in self.paints:
            if not out or out[-1] != name:
                out.append(name)
        return out

    def stop(self):
        self._timer.stop()


@pytest.fixture
def window(qtbot):
    w = MainWindow(dataset=None)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    w.run_bar.set_fastest()
    load(qtbot, w, datasets.load("blobs", n_samples=60, seed=1))
    yield w
    w.close()
