"""PCA's biplot, error curve and whitening; adaptive PCA; factor analysis: in the window,
the pictures hold what the last snapshot says."""

import numpy as np

from engine import datasets
from engine.protocol import AdaptivePCA, FactorModel, Spectrum
from engine.reduction.pca import biplot_arrows
from tests.ui.conftest import load, run_and_wait
from ui.views import SpectrumView
from ui.views_adaptive_pca import AdaptivePCAView
from ui.views_fa import FactorView


def test_pca_biplot_error_curve_and_whitening(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    window.method_panel.select("pca")
    window.method_panel.set_values({"whiten": True})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    view.flush()
    snap = window.controller.history[-1]
    assert isinstance(view, SpectrumView) and isinstance(snap, Spectrum) and snap.whitened
    np.testing.assert_allclose(snap.scores.var(axis=0, ddof=1), 1.0, rtol=1e-9)
    starts, ends = view.scatter.arrows()
    assert np.all(starts == 0)
    _, arrows = biplot_arrows(snap.components, snap.eigenvalues, snap.scores)
    np.testing.assert_allclose(ends, arrows)
    assert view.scatter.arrow_labels() == list(window.dataset.feature_names)
    x, y = view.error.curve_data("Σ of the λ left out")
    np.testing.assert_allclose(y, snap.reconstruction_error)
    assert x.tolist() == [1, 2, 3, 4]
    view.set_components(2)
    assert view.error.cursor_position() == 2.0
    assert f"{snap.reconstruction_error[1]:.4g}" in view.error.plot_item.titleLabel.text
    assert f"map: {snap.quality.short()}" in view.scatter.title()


def test_short_loading_arrows_are_drawn_but_not_named(qtbot, window):
    load(qtbot, window, datasets.load("wine"))  # unscaled: proline's variance dwarfs the rest
    window.method_panel.select("pca")
    window.method_panel.set_values({"scale": False})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    view.flush()
    _, ends = view.scatter.arrows()
    assert len(ends) == 13
    length = np.hypot(ends[:, 0], ends[:, 1])
    long = [name for name, n in zip(window.dataset.feature_names, length, strict=True)
            if n >= 0.15 * length.max()]
    assert "proline" in long and view.scatter.arrow_labels() == long


def test_adaptive_pca_draws_the_vector_and_its_angle(qtbot, window):
    load(qtbot, window, datasets.load("iris"))
    window.method_panel.select("pca-sequential")
    window.method_panel.set_values({"method": "Oja's rule", "n_components": 2})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    view.flush()
    snap = window.controller.history[-1]
    assert isinstance(view, AdaptivePCAView) and isinstance(snap, AdaptivePCA)
    assert len(window.controller.history) <= 110
    _, ends = view.scatter.arrows()
    assert len(ends) == 2 and view.scatter.arrow_labels() == ["PC1", "PC2"]
    x, y = view.angle.curve_data("PC1")
    np.testing.assert_allclose(x, snap.trace_at)
    np.testing.assert_allclose(y[snap.trace_component == 0],
                               snap.angles[snap.trace_component == 0])
    assert view.table.shape() == (2, 4)
    # A step still learning shows the turning vector as the accent arrow.
    early = window.controller.history[1]
    view.show_snapshot(early)
    assert view.scatter.arrow_labels() == ["w"]


def test_factor_analysis_loadings_beside_pca(qtbot, window):
    load(qtbot, window, datasets.load("unequal_noise", n_samples=300))
    window.method_panel.select("fa")
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    view.flush()
    snap = window.controller.history[-1]
    assert isinstance(view, FactorView) and isinstance(snap, FactorModel)
    assert view.fa.categories() == ["x1", "x2", "x3", "x4", "x5", "x6"]
    np.testing.assert_allclose(view.fa.series()["factor 1"], snap.loadings[0])
    np.testing.assert_allclose(view.pca.series()["PC1"], snap.pca_loadings[0])
    np.testing.assert_allclose(view.noise.series()["ψ (FA)"], snap.noise_variance)
    assert "x6" in view.noise.title()
    np.testing.assert_allclose(view.scatter.points.points_data()[0], snap.scores[:, :2])
    assert f"map: {snap.quality.short()}" in view.scatter.title()
    _, y = view.curve.curve_data("log-likelihood")
    np.testing.assert_allclose(y, snap.trace)
    names = [name for name, _ in view.named_canvases()]
    assert names == ["FA loadings", "PCA loadings", "Noise variances", "Factor scores",
                     "Log-likelihood per iteration"]
