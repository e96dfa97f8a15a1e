"""The GAN on 2-D data in the window: the map, the samples, the arrows, the mode ellipses and
the curves hold what the last snapshot says; data that is not 2-D is refused by name."""

import numpy as np

from engine import datasets
from engine.generative.gan2d import AdversarialPlane
from tests.pixels import distinct_colours
from tests.ui.conftest import load, run_and_wait
from ui.views_gan2d import AdversarialView, display_arrows
from widgets.adversarial import map_colours


def test_gan_on_the_ring_draws_its_last_snapshot(qtbot, window):
    ring = datasets.load("ring", n_samples=160)
    load(qtbot, window, ring)
    window.method_panel.select("gan-2d")
    window.method_panel.set_values({"steps": 60, "every": 20, "hidden": 16})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, AdversarialView)
    history = window.controller.history
    assert len(history) == 3
    final = history[len(history) - 1]
    assert isinstance(final, AdversarialPlane) and final.iteration == 60
    plane = view.plane

    d, box = plane.map_values()
    np.testing.assert_array_equal(d, final.d_grid)
    assert box == final.box
    xmin, xmax, ymin, ymax = final.box
    np.testing.assert_allclose(plane.map_rect(), (xmin, ymin, xmax - xmin, ymax - ymin))
    background = plane.canvas_style().theme.background
    np.testing.assert_array_equal(plane.map_image(), map_colours(final.d_grid, background))

    np.testing.assert_allclose(plane.generated(), final.generated)
    starts, ends = plane.arrows()
    np.testing.assert_allclose(starts, final.generated)
    np.testing.assert_allclose(ends - starts, display_arrows(final.pushes, final.box))
    assert plane.point_count() == ring.n

    covered, missed = plane.modes_drawn()
    assert (covered, missed) == (final.modes_covered, 8 - final.modes_covered)
    assert f"{final.modes_covered} of 8 modes covered" in plane.title()

    view.flush()
    assert view.losses.curve_names() == ["D loss", "G loss"]
    x, y = view.losses.curve_data("G loss")
    np.testing.assert_array_equal(x, np.arange(1, 61))
    np.testing.assert_allclose(y, final.g_loss)
    np.testing.assert_allclose(view.losses.curve_data("D loss")[1], final.d_loss)
    assert view.modes.isVisible()
    x, y = view.modes.curve_data("modes covered")
    np.testing.assert_array_equal(x, [20, 40, 60])
    np.testing.assert_array_equal(y, final.modes_trace)
    assert distinct_colours(plane) > 20  # the map, the ring in eight colours, the samples


def test_data_that_is_not_2d_is_refused_by_name(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    window.method_panel.select("gan-2d")
    assert not window.run_bar.run_button.isEnabled()
    assert "d = 4 features" in window.method_panel.problem.text()
