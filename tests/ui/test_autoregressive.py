"""MADE and PixelCNN in the window: the masks, NLL curves and samples drawn are the last
snapshot's, and PixelCNN's sampling plays back step by step with the drawn pixel outlined."""

import numpy as np

from engine import datasets
from engine.generative.autoregressive import MadeModel, PixelCNNModel, kernel_mask
from tests.pixels import distinct_colours, pixels_like
from tests.ui.conftest import load, run_and_wait
from ui.views_autoregressive import HELD_OUT, TRAINING, MadeView, PixelCNNView, made_mask_panels
from widgets.sampling import rgba


def final(window, kind):
    snap = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(snap, kind)
    return snap


def small_digits():
    return datasets.load("digits").rows(np.arange(400), "Digits", "test", "")


def check_nll_curve(curve, snap) -> None:
    assert curve.curve_names() == [TRAINING, HELD_OUT]
    for name, values in ((TRAINING, snap.train_nll), (HELD_OUT, snap.held_out_nll)):
        x, y = curve.curve_data(name)
        np.testing.assert_allclose(x, np.arange(1, snap.epoch + 1))
        np.testing.assert_allclose(y, values)


def test_made_shows_its_masks_nll_and_samples(qtbot, window):
    load(qtbot, window, small_digits())
    window.method_panel.select("made")
    window.method_panel.set_values({"hidden": 24, "epochs": 3, "batch_size": 128,
                                    "order": "random"})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    snap = final(window, MadeModel)
    view = window.current_view()
    assert isinstance(view, MadeView)
    view.flush()
    panels, titles = made_mask_panels(snap)
    assert view.masks.mask_count() == 4 == len(panels)
    for i, panel in enumerate(panels):
        np.testing.assert_array_equal(view.masks.mask(i), panel)
        assert view.masks.title(i) == titles[i]
    # Sorted by degree, each mask is a staircase, and the whole net sees only earlier pixels.
    reach = view.masks.mask(3)
    np.testing.assert_array_equal(reach, np.tril(reach, -1))
    assert view.masks.title(0) == "pixels → layer 1\n64 → 24"
    check_nll_curve(view.curve, snap)
    assert view.samples.image_count() == len(snap.samples)
    for i in (0, len(snap.samples) - 1):
        np.testing.assert_array_equal(view.samples.image(i), snap.samples[i])
    assert distinct_colours(view.masks) > 2


def test_pixelcnn_plays_its_sampling_pixel_by_pixel(qtbot, window):
    load(qtbot, window, small_digits())
    window.method_panel.select("pixelcnn")
    window.method_panel.set_values({"channels": 8, "layers": 1, "epochs": 2,
                                    "batch_size": 128})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    snap = final(window, PixelCNNModel)
    view = window.current_view()
    assert isinstance(view, PixelCNNView)
    view.flush()
    sampling = view.sampling
    check_nll_curve(view.curve, snap)
    np.testing.assert_array_equal(view.kernels.mask(0), kernel_mask(5, "A"))
    np.testing.assert_array_equal(view.kernels.mask(1), kernel_mask(3, "B"))

    # At the end of a run: the finished samples.
    assert sampling.step() == sampling.n_steps() == 64
    np.testing.assert_array_equal(sampling.shown_frame(), snap.samples)
    np.testing.assert_array_equal(sampling.image(0), rgba(snap.samples[0]))

    # Step 10: ten pixels drawn, the tenth (row 2, column 2) outlined with its probability.
    sampling.set_step(10)
    np.testing.assert_array_equal(sampling.shown_frame(), snap.frames[10])
    assert sampling.marked_pixel() == (1, 1)
    assert sampling.probability_text(3) == f"p(ink) = {snap.probabilities[9, 3]:.2f}"
    assert "step 10 of 64" in sampling.step_text() and "row 2, column 2" in sampling.step_text()
    x, y = sampling.outline()
    assert len(x) == 8 * snap.frames.shape[1]  # four sides of one square per image
    assert (x[:8].min(), x[:8].max(), y[:8].min(), y[:8].max()) == (1.0, 2.0, 1.0, 2.0)
    grey = sampling.image(0)[:, :, 0] == 128
    assert grey.sum() == 64 - 10 and not grey.reshape(-1)[:10].any()
    assert pixels_like(sampling, sampling.canvas_style().theme.accent) > 20

    # A new snapshot keeps the step the user chose.
    view.show_snapshot(snap)
    assert sampling.step() == 10

    # Play runs the steps on, and pause stops it.
    sampling.set_step(0)
    assert sampling.marked_pixel() is None and sampling.probability_text(0) == ""
    sampling.play()
    qtbot.waitUntil(lambda: sampling.step() >= 3, timeout=5000)
    sampling.pause()
    stopped = sampling.step()
    qtbot.wait(200)
    assert not sampling.is_playing() and sampling.step() == stopped
    np.testing.assert_array_equal(sampling.shown_frame(), snap.frames[stopped])
    assert sampling.slider().value() == stopped


def test_data_that_are_not_images_are_refused_with_a_reason(window):
    window.method_panel.select("pixelcnn")
    assert not window.run()
    assert "learns images" in window.method_panel.problem.text()
