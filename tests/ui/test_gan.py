"""The GAN and the conditional GAN in the window: the sample grid is the last snapshot's,
the slider decodes what the snapshot's generator makes of the noise between A and B, the
class picker redraws both, and data that is not images is refused by name."""

import numpy as np

from engine import datasets
from engine.generative.gan import GANModel, slerp
from tests.pixels import distinct_colours
from tests.ui.conftest import load, run_and_wait
from ui.views_gan import GANView
from widgets.gan_samples import PATH_STEPS


def _final(window) -> GANModel:
    history = window.controller.history
    return history[len(history) - 1]


def _run(qtbot, window, algorithm_id):
    load(qtbot, window, datasets.load("digits"))
    window.method_panel.select(algorithm_id)
    window.method_panel.set_values({"epochs": 2, "hidden": 16, "batch_size": 256})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    view = window.current_view()
    assert isinstance(view, GANView)
    final = _final(window)
    assert isinstance(final, GANModel) and final.epoch == 2
    return view, final


def test_gan_grid_slider_and_curves_hold_the_last_snapshot(qtbot, window):
    view, final = _run(qtbot, window, "gan")
    assert view.judgement.isVisibleTo(view) and final.judgement is not None
    assert view.judgement._table.item(2, 1).text() == f"{final.judgement.inception:.3f}"
    assert view.judgement._table.item(3, 0).text().startswith("misses: never looks at the real")
    canvas = view.samples
    assert canvas.current_class() is None
    assert canvas.grid_count() == len(final.noise)
    for i in (0, 7, len(final.noise) - 1):
        np.testing.assert_array_equal(canvas.grid_image(i), final.samples[i].reshape(8, 8))
    assert (canvas.grid_title(0), canvas.grid_title(1)) == ("A", "B")

    canvas.set_pair(3, 10)
    assert (canvas.grid_title(3), canvas.grid_title(10), canvas.grid_title(0)) == ("A", "B", "")
    canvas.set_t(0.37)
    z = slerp(final.noise[3], final.noise[10], 0.37)
    np.testing.assert_allclose(canvas.z(), z[0])
    np.testing.assert_allclose(canvas.decoded_image().ravel(), final.generate(z)[0])
    before = canvas.decoded_image()
    canvas.set_t(1.0)
    np.testing.assert_allclose(canvas.decoded_image().ravel(), final.generate(final.noise[10])[0])
    assert not np.allclose(before, canvas.decoded_image())
    path = canvas.path_images()
    assert path.shape == (PATH_STEPS, 8, 8)
    np.testing.assert_allclose(path[0].ravel(), final.samples[3], rtol=1e-4, atol=1e-4)

    view.flush()
    assert view.losses.curve_names() == ["D loss", "G loss"]
    x, y = view.losses.curve_data("G loss")
    np.testing.assert_array_equal(x, np.arange(1, len(final.loss_g) + 1))
    np.testing.assert_allclose(y, final.loss_g)
    np.testing.assert_allclose(view.outputs.curve_data("D(real)")[1], final.d_real)
    np.testing.assert_allclose(view.outputs.curve_data("D(G(z))")[1], final.d_fake)
    assert distinct_colours(canvas) > 20


def test_cgan_class_picker_redraws_grid_and_walk(qtbot, window):
    view, final = _run(qtbot, window, "cgan")
    canvas = view.samples
    assert canvas.current_class() == 0
    np.testing.assert_array_equal(canvas.grid_image(5), final.samples[0, 5].reshape(8, 8))
    canvas.set_t(0.5)
    zero = canvas.decoded_image().copy()
    canvas.set_class(3)
    assert canvas.current_class() == 3
    for i in (0, 5, len(final.noise) - 1):
        np.testing.assert_array_equal(canvas.grid_image(i), final.samples[3, i].reshape(8, 8))
    z = slerp(final.noise[0], final.noise[1], 0.5)
    np.testing.assert_allclose(canvas.decoded_image().ravel(), final.generate(z, 3)[0])
    assert not np.allclose(zero, canvas.decoded_image())
    np.testing.assert_allclose(canvas.path_images()[-1].ravel(), final.samples[3, 1],
                               rtol=1e-4, atol=1e-4)


def test_data_that_is_not_images_is_refused_by_name(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    window.method_panel.select("gan")
    assert not window.run_bar.run_button.isEnabled()
    assert "learns images" in window.method_panel.problem.text()
