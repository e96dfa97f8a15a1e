"""The diffusion model in the window: the forward slider, the field and the sampling paths
drawn are those of the last snapshot, and data that are not 2-D are refused with a reason."""

import numpy as np

from engine import datasets
from engine.data import Dataset
from engine.generative.diffusion import Diffusion, field_arrows, field_box
from tests.pixels import distinct_colours
from tests.ui.conftest import load, run_and_wait
from ui.views_diffusion import TRAILS, DiffusionView

SMALL = {"T": 20, "hidden": 16, "train_steps": 40, "batch_size": 64, "samples": 30}


def test_the_view_draws_the_last_snapshot(qtbot, window):
    """One run (training is the slow part), then each canvas in turn."""
    load(qtbot, window, datasets.load("moons", n_samples=80))
    window.method_panel.select("diffusion-2d")
    window.method_panel.set_values(SMALL)
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    view = window.current_view()
    assert isinstance(view, DiffusionView)
    snap = window.controller.history[len(window.controller.history) - 1]
    assert isinstance(snap, Diffusion) and snap.train_step == SMALL["train_steps"]
    forward_slider_field_and_curves(window, view, snap)
    sampling_paths_play_back_from_noise_to_samples(qtbot, window, view, snap)


def forward_slider_field_and_curves(window, view, snap):
    project = window.frame.project
    box = view.forward.box()
    for t in (0, 3, snap.T):
        view.set_forward_t(t)
        for a, b in zip(view.forward.box(), box, strict=True):  # the view keeps still
            np.testing.assert_allclose(a, b)
        xy, labels = view.forward.points.points_data()
        np.testing.assert_allclose(xy, project(snap.forward(t)))
        np.testing.assert_array_equal(labels, window.dataset.y)
        starts, ends = view.forward.field()
        if t == 0:
            assert len(starts) == 0 and "no field" in view.forward.title()
            continue
        expected_starts, expected_ends = field_arrows(snap, t)
        np.testing.assert_allclose(starts, project(expected_starts))
        np.testing.assert_allclose(ends, project(expected_ends))
        assert view.schedule.cursor_position() == t
        assert f"t = {t}:" in view.forward.title()
    np.testing.assert_allclose(view.forward.reference_points(), project(snap.data))
    low, high = field_box(snap)  # moons are drawn on their own axes: the box is the data's
    # equal units on both axes: the box holds the data's, and fits it along one axis
    assert np.all(box[0] <= low + 1e-9) and np.all(box[1] >= high - 1e-9)
    assert np.any(np.isclose(box[1] - box[0], high - low))
    assert distinct_colours(view.forward) > 3
    x, y = view.loss.curve_data("loss per step")
    np.testing.assert_allclose(y, snap.loss)
    np.testing.assert_array_equal(x, np.arange(1, len(snap.loss) + 1))
    _, signal = view.schedule.curve_data("√ᾱ_t (signal)")
    np.testing.assert_allclose(signal, np.sqrt(snap.alpha_bar))


def sampling_paths_play_back_from_noise_to_samples(qtbot, window, view, snap):
    project = window.frame.project
    assert view.reverse_step() == snap.T  # a finished run shows its samples
    for k in (0, 5, snap.T):
        view.set_reverse_step(k)
        t = snap.T - k
        xy, _ = view.reverse.points.points_data()
        np.testing.assert_allclose(xy, project(snap.paths[t]), rtol=1e-6)
        x, y = view.reverse.trails()
        if k == 0:
            assert len(x) == 0
            continue
        paths = snap.paths[t:, :TRAILS][::-1].transpose(1, 0, 2).reshape(-1, 2)
        np.testing.assert_allclose(np.c_[x, y], project(paths), rtol=1e-6)
    slider = view.reverse.slider
    slider.toggle()  # at the end: plays again from x_T
    assert slider.playing() and view.reverse_step() == 0
    qtbot.waitUntil(lambda: not slider.playing(), timeout=10000)
    assert view.reverse_step() == snap.T


def test_data_that_are_not_two_dimensional_are_refused(qtbot, window):
    load(qtbot, window, Dataset(name="Wide", X=np.random.default_rng(0).normal(size=(30, 5))))
    window.method_panel.select("diffusion-2d")
    assert not window.run()
    assert "has 5 features, not 2" in window.method_panel.problem.text()
