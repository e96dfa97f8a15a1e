"""The autoencoders in the window: the picture holds the last snapshot's reconstructions, its
decoder's curve, its loss per epoch and its codes."""

import numpy as np

from engine import datasets
from engine.generative.autoencoder import Autoencoding
from tests.pixels import pixels_like
from tests.ui.conftest import load, run_and_wait
from ui.views_autoencoder import AutoencoderView, code_plane


def final(window) -> Autoencoding:
    snap = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(snap, Autoencoding)
    return snap


def test_moons_through_a_1d_code_draw_the_decoder_curve(qtbot, window):
    load(qtbot, window, datasets.load("moons", n_samples=120))
    window.method_panel.select("autoencoder")
    window.method_panel.set_values({"epochs": 20, "hidden": 16})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    snap = final(window)
    view = window.current_view()
    assert isinstance(view, AutoencoderView)
    view.flush()
    assert view.points.isVisible() and not view.images.isVisible()
    assert view.points.width() > view.curve.width() / 2
    assert snap.epoch == 20 and snap.latent_dim == 1
    np.testing.assert_allclose(view.points.curve(), snap.curve)  # moons: the plane is exact
    np.testing.assert_allclose(view.points.outputs(), snap.outputs)
    np.testing.assert_allclose(view.points.links()[:, 0], window.dataset.X[snap.rows])
    assert view.points.noisy_inputs().size == 0
    assert pixels_like(view.points, view.points.canvas_style().theme.accent) > 50
    x, y = view.curve.curve_data(snap.loss_name)
    np.testing.assert_allclose(x, np.arange(1, 21))
    np.testing.assert_allclose(y, snap.loss)
    xy, _ = view.codes.points.points_data()
    np.testing.assert_allclose(xy, code_plane(snap.codes, window.dataset.y)[0])
    names = [name for name, _ in view.named_canvases()]
    assert names == ["Reconstructions", "Loss per epoch", "Codes"]


def test_denoising_digits_show_noisy_input_output_and_target(qtbot, window):
    digits = datasets.load("digits")
    load(qtbot, window, digits.rows(np.arange(300), "Digits", "test", ""))
    window.method_panel.select("denoising-ae")
    window.method_panel.set_values({"epochs": 2, "hidden": 16, "noise": "masking",
                                    "noise_level": 0.3})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    snap = final(window)
    view = window.current_view()
    view.flush()
    assert view.images.isVisible() and not view.points.isVisible()
    assert view.images.width() > view.curve.width() / 2  # the main canvas, not squeezed
    m = len(snap.rows)
    assert m == 10 and view.images.image_count() == 3 * m
    X = window.dataset.X
    # Two blocks of five examples: noisy inputs, outputs, clean targets, one row each.
    for i, expected in ((0, snap.inputs[0]), (5, snap.outputs[0]), (10, X[snap.rows[0]]),
                        (15, snap.inputs[5]), (29, X[snap.rows[9]])):
        np.testing.assert_allclose(view.images.image(i).ravel(), expected)
    noisy = "noisy input: 30% of pixels set to 0"
    assert [view.images.title(i) for i in (0, 5, 10, 15)] == [noisy, "output", "clean target",
                                                             noisy]
    assert f"noisy input {snap.input_error:.3g}" in view.curve.plot_item.titleLabel.text
    xy, labels = view.codes.points.points_data()
    np.testing.assert_allclose(xy, snap.codes[:, :2])
    assert len(labels) == 300
