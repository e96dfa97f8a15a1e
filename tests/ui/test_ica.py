"""ICA in the window: the signals, the directions, the curve and the table hold the last
snapshot's sources, mixing, trace and Amari indices."""

import numpy as np

from engine import datasets
from engine.protocol import Separation
from tests.ui.conftest import load, run_and_wait
from widgets.signals import MAX_SAMPLES, SPACING


def test_cocktail_party_signals_and_scores(qtbot, window):
    load(qtbot, window, datasets.load("cocktail_party", n_samples=800, n_sources=3))
    window.method_panel.select("ica")
    window.method_panel.set_values({"method": "infomax", "epochs": 8})
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    assert isinstance(snap, Separation)
    view = window.current_view()
    view.flush()
    assert view.ica.trace_count() == 3 and view.truth.trace_count() == 3
    _, y = view.ica.trace_data(1)
    s = snap.coords[:MAX_SAMPLES, 1]
    np.testing.assert_allclose(y, (s - s.mean()) / s.std() - SPACING)
    _, y = view.pca.trace_data(0)
    p = snap.pca_sources[:MAX_SAMPLES, 0]
    np.testing.assert_allclose(y, (p - p.mean()) / p.std())
    assert view.truth.names() == ["sine", "square", "sawtooth"]
    x, y = view.curve.curve_data("Amari index")
    np.testing.assert_allclose(y, snap.trace)
    np.testing.assert_allclose(x, snap.trace_at)
    assert view.table.cell(0, 1) == f"{snap.amari:.3f}"
    assert view.table.cell(0, 2) == f"{snap.pca_amari:.3f}"
    ends = view.data.arrows()[1]
    assert len(ends) == 6 and view.data.arrow_labels()[3:] == ["ICA 1", "ICA 2", "ICA 3"]
    # "time step" once, under the last stack, and still so after a change of style
    stacks = (view.mixtures, view.truth, view.ica, view.pca)
    view.ica.apply_style(view.ica.canvas_style())
    assert [c.time_named() for c in stacks] == [False, False, False, True]


def test_two_d_mixture_arrows_are_the_mixing_columns(qtbot, window):
    load(qtbot, window, datasets.load("ica_mixture", n_samples=400))
    window.method_panel.select("ica")
    assert run_and_wait(qtbot, window) == "done"
    snap = window.controller.history[-1]
    view = window.current_view()
    view.flush()
    starts, ends = view.data.arrows()
    frame = window.frame
    tips = frame.project(snap.mean + 2.0 * snap.mixing.T)
    np.testing.assert_allclose(ends[2:], tips)
    np.testing.assert_allclose(starts[0], frame.project(snap.mean[None])[0])
    assert not view.truth.isHidden()
