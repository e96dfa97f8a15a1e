"""pix2pix and CycleGAN in the window: the strips hold the last snapshot's held-out sources,
outputs and targets (round trips), the picked round trip follows the spin box, the curves are
the snapshot's losses per step, and data that is not images is refused by name."""

import numpy as np

from engine import datasets
from engine.generative.translation import CycleTranslation, PairedTranslation
from tests.pixels import distinct_colours
from tests.ui.conftest import load, run_and_wait
from ui.views_translation import CYCLE_COLUMNS, CycleView, PairedView

QUICK = {"steps": 30, "every": 10, "hidden": 16}


def _run(qtbot, window, algorithm_id, view_type, **values):
    load(qtbot, window, datasets.load("digits"))
    window.method_panel.select(algorithm_id)
    window.method_panel.set_values({**QUICK, **values})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    view = window.current_view()
    assert isinstance(view, view_type)
    history = window.controller.history
    final = history[len(history) - 1]
    assert final.done == QUICK["steps"]
    view.flush()
    return view, final


def _images(strip, start, count):
    return np.array([strip.image(i) for i in range(start, start + count)])


def test_pix2pix_strip_and_curves_hold_the_last_snapshot(qtbot, window):
    view, final = _run(qtbot, window, "pix2pix", PairedView, source="blurred")
    assert isinstance(final, PairedTranslation)
    strip = view.images
    half = len(final.rows) // 2  # two blocks of columns, each: sources, outputs, targets
    assert strip.image_count() == 3 * len(final.rows)
    for row, stack in enumerate((final.sources, final.outputs, final.targets)):
        np.testing.assert_array_equal(_images(strip, row * half, half),
                                      stack[:half].reshape(-1, 8, 8))
        np.testing.assert_array_equal(_images(strip, (3 + row) * half, half),
                                      stack[half:].reshape(-1, 8, 8))
    assert [strip.title(i * half) for i in range(3)] == ["source (blurred)", "output G(s)",
                                                         "target"]
    x, y = view.l1.curve_data("L1 (batch)")
    np.testing.assert_array_equal(x, np.arange(1, QUICK["steps"] + 1))
    np.testing.assert_allclose(y, final.l1)
    np.testing.assert_allclose(view.adversarial.curve_data("G adversarial")[1],
                               final.adversarial)
    np.testing.assert_allclose(view.adversarial.curve_data("D")[1], final.d_loss)
    assert f"output {final.output_error:.3f}" in view.l1.plot_item.titleLabel.text
    assert distinct_colours(strip) > 10


def test_cyclegan_round_trip_follows_the_pick_and_the_strip_holds_the_last_snapshot(
        qtbot, window):
    view, final = _run(qtbot, window, "cyclegan", CycleView, domain_b="upside down")
    assert isinstance(final, CycleTranslation)
    trip = view.round_trip
    assert trip.picked() == 0 and trip.image_count() == 4
    trip.set_picked(5)
    stages = (final.a, final.a_to_b, final.a_round, final.a_truth)
    for stage, images in enumerate(stages):
        np.testing.assert_array_equal(trip.image(stage), images[5].reshape(8, 8))
    assert trip.title(3) == "true upside down"
    np.testing.assert_array_equal(trip.image(3), final.a[5].reshape(8, 8)[::-1])
    k = CYCLE_COLUMNS
    strip = view.strip
    rows = (final.a, final.a_to_b, final.a_round, final.b, final.b_to_a, final.b_round)
    assert strip.image_count() == len(rows) * k
    for row, stack in enumerate(rows):
        np.testing.assert_array_equal(_images(strip, row * k, k), stack[:k].reshape(-1, 8, 8))
    assert strip.title(3 * k) == "B (upside down)"
    for name, series in zip(("G A→B", "G B→A", "D_A", "D_B"),
                            (final.g_ab, final.g_ba, final.d_a, final.d_b), strict=True):
        np.testing.assert_allclose(view.adversarial.curve_data(name)[1], series)
    x, y = view.cycle.curve_data("cycle (batch)")
    np.testing.assert_array_equal(x, np.arange(1, QUICK["steps"] + 1))
    np.testing.assert_allclose(y, final.cycle)
    assert f"round trip {final.round_error:.3f}" in view.cycle.plot_item.titleLabel.text
    assert distinct_colours(trip) > 10


def test_data_that_is_not_images_is_refused_by_name(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    for algorithm_id in ("pix2pix", "cyclegan"):
        window.method_panel.select(algorithm_id)
        assert not window.run_bar.run_button.isEnabled()
        assert "learns images" in window.method_panel.problem.text()
