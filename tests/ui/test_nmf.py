"""NMF in the window: the parts, the error curve and the reconstructions are the last
snapshot's; non-image data gets a bar chart per part; negative data is refused in the form."""

import numpy as np

from engine import datasets
from engine.protocol import Factorisation
from tests.ui.conftest import load, run_and_wait


def test_digits_parts_curve_and_reconstructions(qtbot, window):
    data = datasets.load("digits")
    load(qtbot, window, data.rows(np.arange(200), "Digits", "test", ""))
    window.method_panel.select("nmf")
    window.method_panel.set_values({"n_components": 6, "n_iter": 30})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Factorisation) and snap.iteration == 30
    view = window.current_view()
    view.flush()
    assert view.parts.image_count() == 6
    np.testing.assert_allclose(view.parts.image(5), snap.components[5].reshape(8, 8))
    x, y = view.curve.curve_data("‖X − WH‖²")
    np.testing.assert_allclose(10 ** y, snap.trace)  # drawn on a log scale
    np.testing.assert_allclose(x, np.arange(31))
    assert view.images.image_count() == 20
    np.testing.assert_allclose(view.images.image(10).ravel(), snap.reconstruct([0])[0])
    np.testing.assert_allclose(view.images.image(0).ravel(), window.data_panel.dataset.X[0])
    xy, _ = view.codes.points.points_data()
    np.testing.assert_allclose(xy, snap.coords[:, :2])
    assert f"map: {snap.quality.short()}" in view.codes.title()
    names = [name for name, _ in view.named_canvases()]
    assert names == ["Parts H", "Error per iteration", "Reconstructions", "Codes W"]


def test_tables_get_bars_and_negative_data_is_named(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    window.method_panel.select("nmf")
    window.method_panel.set_values({"n_components": 3, "n_iter": 5})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    view = window.current_view()
    view.flush()
    np.testing.assert_allclose(view.bars.values(), snap.components)
    assert view.bars.titles() == ["part 1", "part 2", "part 3"]
    assert next(name for name, _ in view.named_canvases()) == "Parts H"
    load(qtbot, window, datasets.load("blobs", n_samples=60, seed=1))
    window.method_panel.select("nmf")
    assert "non-negative" in window.method_panel.problem.text()
