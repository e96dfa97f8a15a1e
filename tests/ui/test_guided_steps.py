"""Guided steps: Step and Back walk the recorded steps, the explanation strip says what the
step on show did, and the speed slider sets how fast Run plays."""

import numpy as np
import pytest

from engine import registry
from tests.ui.conftest import run_and_wait
from tests.ui.test_menus import _actions
from tests.ui.test_runs import _Endless
from ui.explain_panel import step_title
from ui.run_bar import SPEED_RATES

KMEANS = {"n_clusters": 3, "init": "random", "seed": 4}


def _step_to(qtbot, window, n):
    """Step until the run has recorded `n` snapshots."""
    while len(window.controller.history) < n:
        before = len(window.controller.history)
        window.step()
        qtbot.waitUntil(lambda b=before: len(window.controller.history) > b
                        and window.run_bar.history_length() > b, timeout=10000)


def _shown_on_canvas(view, snapshot) -> bool:
    """The k-means view draws this snapshot: its colours and its J curve up to its step."""
    _, y = view.curve.curve_data("J")
    labels, counts = np.unique(snapshot.labels, return_counts=True)
    return (view.scatter.colour_counts() == dict(zip(labels.tolist(), counts.tolist(),
                                                     strict=True))
            and np.array_equal(y, snapshot.trace))


@pytest.fixture
def stepped(qtbot, window):
    """k-means, paused after three steps: init, the first assignment, the first update."""
    window.method_panel.select("kmeans")
    window.method_panel.set_values(KMEANS)
    _step_to(qtbot, window, 3)
    yield window
    window.controller.cancel()


def test_back_shows_the_previous_step_on_the_canvas_and_in_the_strip(stepped):
    w, history = stepped, stepped.controller.history
    view = w.current_view()
    assert w.run_bar.shown() == 2 and _shown_on_canvas(view, history[2])
    assert w.explain.text() == f"Step 3 of 3 — {history[2].message}"
    w.back()
    assert w.run_bar.shown() == 1
    assert _shown_on_canvas(view, history[1])
    assert w.explain.text() == f"Step 2 of 3 — {history[1].message}"
    assert history[1].message.startswith("assignment 1")


def test_back_is_disabled_at_the_first_step(qtbot, window):
    window.method_panel.select("kmeans")
    window.method_panel.set_values(KMEANS)
    assert not window.run_bar.back_button.isEnabled()  # nothing recorded yet
    _step_to(qtbot, window, 1)
    assert not window.run_bar.back_button.isEnabled()
    _step_to(qtbot, window, 2)
    assert window.run_bar.back_button.isEnabled()
    window.run_bar.back_button.click()
    assert window.run_bar.shown() == 0 and not window.run_bar.back_button.isEnabled()
    window.back()  # nowhere to go: stays
    assert window.run_bar.shown() == 0
    window.controller.cancel()


def test_step_after_back_walks_the_history_without_a_new_step(qtbot, stepped):
    w, history = stepped, stepped.controller.history
    w.back()
    w.back()
    assert w.run_bar.shown() == 0
    w.run_bar.step_button.click()
    qtbot.wait(200)  # time enough for the worker, had it been asked for a step
    assert len(w.controller.history) == 3 and w.run_bar.shown() == 1
    assert w.explain.text() == f"Step 2 of 3 — {history[1].message}"
    w.step()
    w.step()  # now at the newest: this one asks the worker for a fourth
    qtbot.waitUntil(lambda: w.run_bar.history_length() == 4, timeout=10000)
    assert w.run_bar.shown() == 3 and w.explain.title() == "Step 4 of 4"
    # a streamed step reaches the side canvases one event after the main one
    qtbot.waitUntil(lambda: _shown_on_canvas(w.current_view(), history[3]), timeout=2000)


def test_back_and_step_walk_a_finished_run(qtbot, window):
    window.method_panel.select("kmeans")
    window.method_panel.set_values(KMEANS)
    assert run_and_wait(qtbot, window) == "done"
    n = len(window.controller.history)
    assert window.explain.title() == f"Step {n} of {n}, the last"
    window.back_action.trigger()
    assert window.run_bar.shown() == n - 2
    assert window.explain.message() == window.controller.history[n - 2].message
    window.step_action.trigger()
    assert window.run_bar.shown() == n - 1 and window.explain.title().endswith("the last")
    assert not window.controller.is_running()


def test_back_pauses_a_playing_run(qtbot, window, monkeypatch):
    endless = _Endless()
    endless.params = registry.get("kmeans").params
    monkeypatch.setattr(window.method_panel, "algorithm", endless)
    window.run_bar.set_rate(30.0)
    assert window.run()
    qtbot.waitUntil(lambda: window.run_bar.history_length() >= 4, timeout=5000)
    window.back()
    assert window.controller.is_paused()
    shown = window.run_bar.shown()
    assert window.explain.message() == window.controller.history[shown].message
    window.controller.cancel()


def test_the_kmeans_assignment_names_the_points_that_changed_cluster(qtbot, window):
    window.method_panel.select("kmeans")
    window.method_panel.set_values(KMEANS)
    assert run_and_wait(qtbot, window) == "done"
    history = window.controller.history
    later = [i for i in range(len(history))
             if history[i].phase == "assign" and history[i].step > 2 and history[i].changed]
    assert later, [history[i].message for i in range(len(history))]
    i = later[0]
    window.run_bar.show_step(i)
    changed = history[i].changed
    noun = "1 point" if changed == 1 else f"{changed} points"
    assert f"{noun} changed cluster; J fell from" in window.explain.text()
    assert window.explain.title() == f"Step {i + 1} of {len(history)}"


def test_the_speed_slider_sets_the_rate_of_play(window):
    bar, controller = window.run_bar, window.controller
    bar.speed.setValue(SPEED_RATES.index(3.0))
    assert bar.rate() == controller.rate == 3.0 and bar.speed_value.text() == "3 steps/s"
    bar.speed.setValue(0)
    assert controller.rate == 0.5 and bar.speed_value.text() == "0.5 steps/s"
    bar.set_rate(55.0)  # the nearest stop
    assert controller.rate == 60.0
    bar.set_fastest()
    assert bar.rate() == controller.rate == 0.0 and bar.speed_value.text() == "fastest"


def test_back_and_step_are_in_the_run_menu_with_their_keys(window):
    actions = _actions(window)
    assert actions["Step"] == "Ctrl+T" and actions["Back"] == "Ctrl+Shift+T"
    keys = [k.toString() for k in window.back_action.shortcuts()]
    assert keys == ["Ctrl+Shift+T", "Alt+Left"]
    assert "Ctrl+Shift+T" in window.run_bar.back_button.toolTip()


def test_the_strip_grows_in_presentation_mode(window):
    size = window.explain.label.font().pointSizeF()
    window.appearance.set_presentation(True)
    assert window.explain.label.font().pointSizeF() > 1.4 * size
    window.appearance.set_presentation(False)
    assert window.explain.label.font().pointSizeF() == size


def test_changing_a_parameter_ends_a_paused_run(qtbot, stepped):
    """The next Step must show the new parameters, not finish the old run."""
    w = stepped
    assert w.controller.is_running()
    w.method_panel.set_values({"n_clusters": 2})
    assert not w.controller.is_running()
    assert w.run_bar.message.text().startswith("Parameters changed")
    w.step()
    qtbot.waitUntil(lambda: len(w.controller.history) == 1, timeout=10000)
    assert len(w.controller.history[0].centres) == 2


def test_a_trained_network_counts_pictures_not_steps():
    """Its message counts gradient steps; the timeline's own count must not read as a second
    clock of steps."""
    assert registry.get("vae").frame_name == "Picture"
    assert registry.get("kmeans").frame_name == "Step"
    assert step_title(39, 40, True, "Picture") == "Picture 40 of 40, the last"
