"""The semi-supervised methods in the window: what the canvases hold, and click-to-label."""

import numpy as np
import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from engine import datasets
from engine.data import Dataset
from tests.mouse import click
from tests.quick import QUICK_PARAMS
from tests.ui.conftest import load, run_and_wait
from ui.views_semisup import SemiSupervisedView

IDS = ("pseudo-label", "entmin", "label-propagation", "mean-teacher")


def click_once(view, x, y):
    """A click, after the double-click interval: two quick clicks make a double click."""
    QTest.qWait(QApplication.doubleClickInterval() + 50)
    click(view.canvas.plot_widget, x, y)


def last(window):
    history = window.controller.history
    return history[len(history) - 1]


@pytest.mark.parametrize("algorithm_id", IDS)
def test_runs_and_draws_what_the_last_step_says(qtbot, window, algorithm_id):
    load(qtbot, window, datasets.load("moons", n_samples=80))
    window.method_panel.select(algorithm_id)
    window.method_panel.set_values(QUICK_PARAMS[algorithm_id])
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, SemiSupervisedView)
    snap = last(window)
    xy, classes = view.canvas.labelled_drawn()
    np.testing.assert_array_equal(xy, window.dataset.X[snap.labelled])
    np.testing.assert_array_equal(classes, window.dataset.y[snap.labelled])
    labels, counts = np.unique(snap.predictions, return_counts=True)
    assert view.canvas.colour_counts() == dict(zip(labels.tolist(), counts.tolist(),
                                                   strict=True))
    assert view.canvas.map_image() is not None and view.baseline.map_image() is not None
    names = view.curves.curve_names()
    assert len(names) == (3 if algorithm_id == "mean-teacher" else 2)
    np.testing.assert_array_equal(view.curves.curve_data(names[0])[1], snap.trace)
    assert f"{snap.accuracy:.1%}" in view.canvas.title()
    assert (view.canvas.edge_count() > 0) == (algorithm_id == "label-propagation")


def test_clicking_points_labels_them_for_the_next_run(qtbot, window):
    data = datasets.load("moons", n_samples=80)
    load(qtbot, window, data)
    window.method_panel.select("label-propagation")
    window.method_panel.set_values({"max_iter": 20, "every": 5})
    qtbot.waitUntil(lambda: isinstance(window.current_view(), SemiSupervisedView))
    view = window.current_view()  # shown before any run, to be clicked on
    QApplication.processEvents()
    upper, lower = int(np.flatnonzero(data.y == 0)[0]), int(np.flatnonzero(data.y == 1)[0])
    extra = int(np.flatnonzero(data.y == 1)[5])
    for row in (upper, lower, extra, extra):  # the second click on `extra` unlabels it
        click_once(view, *data.X[row])
    wanted = ((min(upper, lower), int(data.y[min(upper, lower)])),
              (max(upper, lower), int(data.y[max(upper, lower)])))
    assert window.method_panel.values()["labelled"] == wanted
    xy, _ = view.canvas.labelled_drawn()
    np.testing.assert_array_equal(xy, data.X[sorted([upper, lower])])
    assert run_and_wait(qtbot, window) == "done"
    snap = last(window)
    assert snap.clicked
    np.testing.assert_array_equal(snap.labelled, sorted([upper, lower]))
    assert "2 clicked labels" in view.canvas.title()
    # After the run a click adds to the set shown; a new data set forgets the clicks.
    click_once(view, *data.X[extra])
    assert len(window.method_panel.values()["labelled"]) == 3
    load(qtbot, window, datasets.load("circles", n_samples=60))
    assert window.method_panel.values()["labelled"] == ()


def test_data_without_labels_runs_once_points_are_clicked(qtbot, window):
    moons = datasets.load("moons", n_samples=80)
    load(qtbot, window, Dataset(name="drawing", X=moons.X))
    window.method_panel.select("label-propagation")
    window.method_panel.set_values({"max_iter": 20, "every": 5})
    qtbot.waitUntil(lambda: isinstance(window.current_view(), SemiSupervisedView))
    assert not window.run_bar.run_button.isEnabled()
    assert "no labels" in window.method_panel.problem.text()
    view = window.current_view()
    a, b = int(np.flatnonzero(moons.y == 0)[0]), int(np.flatnonzero(moons.y == 1)[0])
    click_once(view, *moons.X[a])  # class 0
    click_once(view, *moons.X[b])
    click_once(view, *moons.X[b])  # class 1
    assert window.run_bar.run_button.isEnabled()
    assert run_and_wait(qtbot, window) == "done"
    snap = last(window)
    assert dict(zip(snap.labelled.tolist(), snap.labelled_classes.tolist(),
                    strict=True)) == {a: 0, b: 1}
    assert "no true labels" in view.canvas.title()
