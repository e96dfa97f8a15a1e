"""Fixtures for window tests: a main window with a small data set loaded, and helpers."""

import pytest

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
