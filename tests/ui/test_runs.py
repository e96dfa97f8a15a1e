"""Cancel, errors inside a run, closing during a run, and the worker's throttling."""

import threading

import numpy as np

from engine import datasets, registry
from engine.protocol import Algorithm, Partition
from tests.ui.conftest import Turns, load, run_and_wait
from ui.main_window import MainWindow
from ui.worker import RunController


class _Endless(Algorithm):
    """A run that never ends by itself: yields a partition forever."""

    id, name, family, summary = "endless", "Endless", "Clustering", "for tests"
    snapshot_type = Partition
    closed = threading.Event()

    def run(self, dataset, params, ctx):
        try:
            step = 0
            while not ctx.cancelled():
                step += 1
                yield Partition(step=step, labels=np.zeros(dataset.n, int), message=str(step))
        finally:
            _Endless.closed.set()


class _Broken(Algorithm):
    id, name, family, summary = "broken", "Broken", "Clustering", "for tests"
    snapshot_type = Partition
    params = registry.get("kmeans").params  # stands in for k-means under the same form

    def run(self, dataset, params, ctx):
        yield Partition(labels=np.zeros(dataset.n, int))
        raise ZeroDivisionError("the test made this run divide by zero")


def test_cancel_stops_the_run_and_closes_its_generator(qtbot):
    controller = RunController()
    controller.set_rate(0)
    _Endless.closed.clear()
    dataset = datasets.load("blobs", n_samples=20)
    with qtbot.waitSignal(controller.snapshot, timeout=5000):
        controller.start(_Endless(), dataset, {})
    with qtbot.waitSignal(controller.finished, timeout=1000) as outcome:
        controller.cancel()
    assert outcome.args == ["cancelled"]
    assert _Endless.closed.wait(2.0)
    assert not controller.is_running()
    assert controller.shutdown(2000)


def test_snapshots_are_throttled_and_the_last_always_arrives(qtbot):
    controller = RunController()
    controller.set_rate(0)
    got = []
    controller.snapshot.connect(got.append)
    dataset = datasets.load("blobs", n_samples=20)
    with qtbot.waitSignal(controller.finished, timeout=30000):
        controller.start(registry.get("agglomerative"), dataset, {})
    assert got and got[-1].complete
    assert len(got) <= len(controller.history)
    assert controller.shutdown(2000)


def test_pause_holds_the_run_and_step_releases_one(qtbot):
    controller = RunController()
    controller.set_rate(0)
    dataset = datasets.load("blobs", n_samples=20)
    controller.start(_Endless(), dataset, {}, paused=True)
    qtbot.wait(100)
    assert len(controller.history) == 0
    controller.step()
    qtbot.waitUntil(lambda: len(controller.history) == 1, timeout=2000)
    qtbot.wait(100)
    assert len(controller.history) == 1
    controller.pause(False)
    qtbot.waitUntil(lambda: len(controller.history) > 5, timeout=2000)
    controller.cancel()
    assert controller.shutdown(2000)


def test_an_error_in_a_run_is_shown_and_the_window_lives_on(qtbot, window, monkeypatch):
    monkeypatch.setattr(window.method_panel, "algorithm", _Broken())
    assert run_and_wait(qtbot, window) == "failed"
    text = window.run_bar.message.text()
    assert "Broken failed" in text and "divide by zero" in text
    monkeypatch.undo()
    assert window.algorithm.id == "kmeans"
    assert run_and_wait(qtbot, window) == "done"


def test_closing_during_a_run_ends_cleanly(qtbot):
    w = MainWindow(dataset=None)
    qtbot.addWidget(w)
    w.show()
    w.run_bar.set_fastest()
    load(qtbot, w, datasets.load("digits"))
    w.method_panel.select("vae")
    w.method_panel.set_values({"epochs": 500})
    assert w.run()
    qtbot.waitUntil(lambda: len(w.controller.history) >= 1, timeout=60000)
    w.close()
    assert not w.controller.is_running()
    assert all(not t.isRunning() for t in w.controller._retiring)


def test_run_after_step_plays_on(qtbot, window):
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 4, "init": "random"})
    window.step()
    qtbot.waitUntil(lambda: len(window.controller.history) == 1, timeout=10000)
    assert window.run_bar.run_button.isEnabled()
    outcome = []
    window.run_ended.connect(outcome.append)
    assert window.run()
    qtbot.waitUntil(lambda: bool(outcome), timeout=10000)
    assert outcome == ["done"] and len(window.controller.history) > 1


def test_a_scrubbed_timeline_is_not_overwritten_by_new_steps(qtbot, window, monkeypatch):
    endless = _Endless()
    endless.params = registry.get("kmeans").params
    monkeypatch.setattr(window.method_panel, "algorithm", endless)
    window.run_bar.set_rate(30.0)
    assert window.run()
    qtbot.waitUntil(lambda: len(window.controller.history) >= 5, timeout=5000)
    window.run_bar.timeline.setValue(1)
    shown = window.explain.message()
    qtbot.waitUntil(lambda: len(window.controller.history) >= 12, timeout=5000)
    qtbot.wait(100)
    assert window.explain.message() == shown == window.controller.history[1].message
    window.controller.cancel()



def test_closing_waits_for_a_library_call_a_cancel_dropped(qtbot):
    """fastcluster runs on in a helper thread after a cancel; a process exiting under it
    aborts ("terminate called without an active exception", seen here), so closing waits."""
    import fastcluster  # noqa: F401  (loaded, so the close lands inside the linkage)
    import scipy.cluster  # noqa: F401

    w = MainWindow(dataset=None)
    qtbot.addWidget(w)
    w.show()
    load(qtbot, w, datasets.load("blobs", n_samples=20000, seed=0))
    w.method_panel.select("agglomerative")
    w.method_panel.set_values({"linkage": "ward"})
    assert w.run()
    qtbot.waitUntil(lambda: "linkage" in w.run_bar.message.text(), timeout=30000)
    qtbot.waitUntil(lambda: any(t.name == "cancellable-call" for t in threading.enumerate()),
                    timeout=30000)
    w.close()
    assert not any(t.name == "cancellable-call" for t in threading.enumerate())


def test_a_run_started_right_after_a_cancel_is_not_told_it_was_cancelled(qtbot, window):
    """The old run's end is announced at once, never later into the new run."""
    window.method_panel.select("kmeans")
    window.step()
    qtbot.waitUntil(lambda: len(window.controller.history) == 1, timeout=10000)
    view = window.current_view()
    view.staged = True  # as a streaming step leaves it: a side canvas waits for the next event
    view.show_snapshot(window.controller.history[0])
    view.staged = False
    assert view.pending()
    outcomes = []
    window.run_ended.connect(outcomes.append)
    window.controller.cancel()
    assert outcomes == ["cancelled"]
    assert window.run()
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=10000)
    assert outcomes == ["cancelled", "done"]


def test_progress_does_not_paint_the_window_at_once(qtbot, window):
    """QProgressBar.setValue repaints at once, which paints every canvas waiting for it:
    a snapshot in the same event was then painted twice, the longest stall of a run."""
    qtbot.waitUntil(lambda: not window.data_panel.loader.is_busy(), timeout=5000)
    viewport = window.data_view.scatter.plot_widget.viewport()
    paints = Turns({"scatter": viewport})
    viewport.update()
    window.run_bar.set_progress(0.5, "half way")
    assert not paints.paints  # marked, to be painted with the rest
    assert window.run_bar.progress.value() == 500
    qtbot.waitUntil(lambda: bool(paints.paints), timeout=3000)
    paints.stop()
