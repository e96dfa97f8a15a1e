"""RealNVP in the window: the heatmap, the samples and the warped grid of the chosen layer are
what the last snapshot holds; the curves are its log-likelihoods; wider data is refused."""

import numpy as np

from engine import datasets
from engine.data import Dataset
from engine.generative.realnvp import FlowModel
from tests.pixels import distinct_colours
from tests.ui.conftest import load, run_and_wait
from ui.views_realnvp import FlowView

QUICK = {"steps": 40, "layers": 4, "hidden": 16, "batch_size": 64}


def test_density_samples_and_warped_grid_match_the_snapshot(qtbot, window):
    data = datasets.load("moons", n_samples=120)
    load(qtbot, window, data)
    window.method_panel.select("realnvp")
    window.method_panel.set_values(QUICK)
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    view = window.current_view()
    assert isinstance(view, FlowView)
    view.flush()
    history = window.controller.history
    snap = history[len(history) - 1]
    assert isinstance(snap, FlowModel) and snap.trace_at[-1] == QUICK["steps"]

    density = view.density
    np.testing.assert_allclose(density.density(), np.exp(snap.log_density))
    np.testing.assert_allclose(density.density_rect(), snap.box, rtol=1e-9)
    np.testing.assert_allclose(density.samples_drawn(), snap.samples)
    assert density.point_count() == data.n
    assert distinct_colours(density) > 5

    warp = view.warp
    assert warp.n_layers() == QUICK["layers"] and warp.layer() == QUICK["layers"]
    half = snap.grid_lines.shape[1] // 2
    for k in (0, 1, QUICK["layers"]):
        warp.set_layer(k)
        first, second = warp.lines_drawn()
        np.testing.assert_allclose(first, snap.grid_lines[k, :half].reshape(-1, 2))
        np.testing.assert_allclose(second, snap.grid_lines[k, half:].reshape(-1, 2))
        np.testing.assert_allclose(warp.samples_drawn(), snap.sample_layers[k])
    assert warp.caption.text().startswith(f"{QUICK['layers']} of {QUICK['layers']}")
    warp.set_layer(0)
    assert "base" in warp.caption.text()

    assert view.curve.curve_names() == ["training points", "held-out points"]
    x, y = view.curve.curve_data("held-out points")
    np.testing.assert_array_equal(x, snap.trace_at)
    np.testing.assert_allclose(y, snap.test_ll)
    window.run_bar.timeline.setValue(0)  # scrubbing back: the untrained flow
    view.flush()
    np.testing.assert_allclose(density.density(), np.exp(history[0].log_density))
    assert warp.layer() == 0  # the layer chosen stays chosen


def test_data_that_are_not_two_dimensional_are_refused(qtbot, window):
    load(qtbot, window, Dataset(name="Wide", X=np.random.default_rng(0).normal(size=(30, 3))))
    window.method_panel.select("realnvp")
    assert not window.run()
    assert "exactly 2 features; Wide has 3" in window.method_panel.problem.text()
