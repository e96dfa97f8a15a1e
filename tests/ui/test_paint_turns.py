"""Canvases paint one per turn of the event loop while a run streams (ui/paint_turns.py)."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from engine import datasets
from tests.ui.conftest import Turns, load, run_and_wait
from ui import paint_turns
from ui.main_window import MainWindow
from ui.paint_turns import PaintTurns


def three(qtbot):
    parent = QWidget()
    layout = QHBoxLayout(parent)
    widgets = {}
    for name in "abc":
        widgets[name] = QWidget()
        widgets[name].setMinimumSize(40, 40)
        layout.addWidget(widgets[name])
    qtbot.addWidget(parent)
    parent.show()
    qtbot.waitExposed(parent)
    return parent, widgets


def test_held_widgets_paint_one_per_turn_in_order(qtbot):
    parent, w = three(qtbot)
    turns = PaintTurns(parent)
    record = Turns(w)
    turns.hold(w.values())
    for widget in w.values():
        widget.update()
    qtbot.waitUntil(lambda: {name for _, name in record.paints} == set("abc"), timeout=3000)
    qtbot.waitUntil(lambda: not turns.waiting(), timeout=3000)
    record.stop()
    assert record.order() == ["a", "b", "c"]
    first = record.first_turns()
    assert first["a"] < first["b"] < first["c"]  # never two in one turn
    assert all(widget.updatesEnabled() for widget in w.values())


def test_a_widget_held_again_goes_to_the_back(qtbot):
    """A fast run cannot starve the last canvases: each paints once a round."""
    parent, w = three(qtbot)
    turns = PaintTurns(parent)
    held_again = []

    def next_step(name):  # the next step comes once a has painted: b and c still wait
        if name == "a" and not held_again:
            held_again.append(True)
            QTimer.singleShot(0, lambda: turns.hold(w.values()))

    record = Turns(w, next_step)
    turns.hold(w.values())
    qtbot.waitUntil(lambda: bool(held_again) and not turns.waiting(), timeout=3000)
    record.stop()
    assert record.order() == ["a", "b", "c", "a"]


def test_a_widget_that_never_paints_does_not_stop_the_rest(qtbot):
    parent, w = three(qtbot)
    turns = PaintTurns(parent)
    record = Turns(w)
    turns.hold([w["a"], w["b"]])
    w["a"].hide()  # hidden after it was held: its paint never comes
    qtbot.waitUntil(lambda: not turns.waiting(), timeout=3000)
    record.stop()
    assert "b" in record.order() and "a" not in record.order()
    assert w["a"].updatesEnabled()


def test_a_widget_that_never_paints_does_not_starve_the_rest_at_a_fast_pace(qtbot):
    """Steps every 20 ms, quicker than the wait for a paint that never comes: the others
    still paint, round after round."""
    parent, w = three(qtbot)
    turns = PaintTurns(parent)
    record = Turns(w)
    turns.hold(w.values())
    w["a"].hide()  # as a canvas its splitter collapsed, or a minimised window's
    steps = QTimer()
    steps.timeout.connect(lambda: turns.hold(w.values()))
    steps.start(20)
    qtbot.wait(1500)
    steps.stop()
    record.stop()
    painted = [name for _, name in record.paints]
    assert painted.count("b") >= 3 and painted.count("c") >= 3, record.order()
    turns.release_all()


def test_release_all_lets_every_widget_paint(qtbot):
    parent, w = three(qtbot)
    turns = PaintTurns(parent)
    turns.hold(w.values())
    assert not any(widget.updatesEnabled() for widget in w.values())
    turns.release_all()
    assert not turns.waiting()
    assert all(widget.updatesEnabled() for widget in w.values())


def test_a_run_paints_its_canvases_one_per_turn(qtbot, window):
    """k-means's scatter, curve and silhouette plot first paint in turns of their own (they
    all painted in one event before), and once the run has ended all paint freely. (A plot
    may paint again later by itself, with others: a test of every turn would be flaky.)"""
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 3, "n_init": 1, "elbow": 0})
    view = window.view_for(window.algorithm.snapshot_type)
    canvases = {c.canvas_name: c for c in view.canvases() if c.isVisibleTo(view)}
    assert len(canvases) >= 3
    record = Turns(canvases)
    assert run_and_wait(qtbot, window) == "done"
    record.stop()
    first = record.first_turns()
    assert set(first) == set(canvases)
    assert len(set(first.values())) == len(canvases), record.paints
    assert not view.pending()
    assert all(c.updatesEnabled() for c in canvases.values())


def shown_plot(qtbot, y):
    """A plot of the curve y, shown beside three widgets, painted."""
    parent, _ = three(qtbot)
    plot = pg.PlotWidget()
    curve = plot.plot(y)
    parent.layout().addWidget(plot)
    qtbot.waitUntil(lambda: plot.viewport().isVisible(), timeout=3000)
    qtbot.wait(100)
    return parent, plot, curve


def test_a_plot_let_go_paints_once_with_its_new_range(qtbot):
    """pyqtgraph ranges a plot to new data at its next paint, and that asks for a second
    paint at once; a canvas let go is ranged first, so it paints once."""
    parent, plot, curve = shown_plot(qtbot, 10.0 + np.arange(5.0))
    turns = PaintTurns(parent)
    record = Turns({"plot": plot})
    turns.hold([plot])
    curve.setData(20.0 + np.arange(50.0))  # outside the old range, labels as wide
    qtbot.waitUntil(lambda: not turns.waiting(), timeout=3000)
    qtbot.wait(200)
    record.stop()
    assert len({turn for turn, _ in record.paints}) == 1, record.paints
    assert plot.getViewBox().viewRange()[1][1] >= 69.0


def test_a_plot_whose_tick_labels_widen_still_paints_once(qtbot):
    """An axis fits its width to its labels while it paints, which asks for a second paint of
    the whole plot; a canvas let go has its axes sized first, so it paints once."""
    parent, plot, curve = shown_plot(qtbot, np.arange(5.0))
    axis = plot.getAxis("left")
    narrow = axis.width()
    turns = PaintTurns(parent)
    record = Turns({"plot": plot})
    turns.hold([plot])
    curve.setData(-123456.789 * np.arange(5.0))  # labels such as −400000: wider
    qtbot.waitUntil(lambda: not turns.waiting(), timeout=3000)
    qtbot.wait(200)
    record.stop()
    assert axis.width() > narrow
    assert len({turn for turn, _ in record.paints}) == 1, record.paints


def test_a_plot_is_settled_a_turn_before_it_paints(qtbot, monkeypatch):
    """Its ranging and axis sizing cost as much as its paint: the window answers between."""
    parent, plot, curve = shown_plot(qtbot, np.arange(5.0))
    record = Turns({"plot": plot})
    settled, real = [], paint_turns._settle

    def settle(widget):  # the turns in which it had something to settle
        did = real(widget)
        if did:
            settled.append(record.turn)
        return did

    monkeypatch.setattr(paint_turns, "_settle", settle)
    turns = PaintTurns(parent)
    turns.hold([plot])
    curve.setData(-123456.789 * np.arange(5.0))
    qtbot.waitUntil(lambda: not turns.waiting(), timeout=3000)
    qtbot.wait(200)
    record.stop()
    assert len(settled) == 1, settled  # once: let go, it finds itself settled
    assert {turn for turn, _ in record.paints} == {record.paints[0][0]}
    assert settled[0] < record.paints[0][0]


def colours(image) -> int:
    """How many colours a grid of the image's pixels shows (1: an empty picture)."""
    return len({image.pixel(x, y) for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)})


def test_an_export_during_a_run_draws_canvases_waiting_their_turn(qtbot, window, tmp_path):
    """A canvas with its updates held renders nothing: an export lets them all draw first."""
    window.method_panel.select("kmeans")
    window.method_panel.set_values({"n_clusters": 3, "n_init": 1, "elbow": 0})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert colours(view.scatter.grab().toImage()) > 3
    view.hold_paints()  # as while a run streams
    assert view.pending() and colours(view.scatter.grab().toImage()) == 1
    image = window.export.canvas_png(tmp_path / "c.png", view.scatter, scale=1)
    assert not view.pending() and colours(image) > 3
    view.hold_paints()
    assert colours(window.export.window_png(tmp_path / "w.png")) > 3
    assert not view.pending()


def test_a_window_closed_while_its_run_end_waits_for_paints_drops_the_wait(qtbot):
    """The run's end waits, turn by turn, for the canvases still to paint; a window closed
    and deleted meanwhile must not be called back (it raised "already deleted")."""
    window = MainWindow(dataset=None)
    window.resize(800, 600)
    window.show()
    load(qtbot, window, datasets.load("blobs", n_samples=60, seed=1))
    window.method_panel.select("kmeans")
    view = window.view_for(window.algorithm.snapshot_type)
    window.stack.setCurrentWidget(view)
    view.hold_paints()
    called = []
    assert window._after_last_picture(lambda: called.append(True))
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(100)  # an exception in the loop would fail the test (pytest-qt)
    assert not called
