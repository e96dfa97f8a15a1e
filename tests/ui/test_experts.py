"""Mixtures of experts in the window: the picture holds the last snapshot's lines, boundaries
and gate, and the form says what data the methods need."""

import numpy as np

from engine import datasets
from engine.clustering.experts import clip_line, design, drawn_line, gates
from tests.pixels import pixels_like
from tests.ui.conftest import load, run_and_wait
from ui.views_experts import ExpertsView
from widgets.palette import cluster_colour


def _run(qtbot, window, method, data, **values):
    load(qtbot, window, data)
    window.method_panel.select(method)
    window.method_panel.set_values(values)
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, ExpertsView)
    view.flush()
    return view, window.controller.history[len(window.controller.history) - 1]


def _on_line(segment, line):
    """Both ends of a drawn segment satisfy c + a₁u₁ + a₂u₂ = 0."""
    c, a1, a2 = line
    return np.allclose(c + segment @ [a1, a2], 0.0, atol=1e-8 * (1 + abs(c)))


def test_lines_and_gate_curves_show_the_last_snapshot(qtbot, window):
    data = datasets.load("lines", n_samples=120, seed=2)
    view, last = _run(qtbot, window, "mix-linreg", data, n_experts=3)
    assert last.phase == "M" and last.k == 3
    drawn = view.scatter.expert_lines()
    assert len(drawn) == 3
    assert sum(owned is not None for _, owned in drawn) >= 2
    for i, (coefficients, (full, owned)) in enumerate(zip(last.coefficients, drawn,
                                                          strict=True)):
        b, a = coefficients  # t = b + a x
        np.testing.assert_allclose(full[:, 1], b + a * full[:, 0], atol=1e-8)
        if owned is not None:
            np.testing.assert_allclose(owned[:, 1], b + a * owned[:, 0], atol=1e-8)
            # the thick part lies where this expert's gate is the largest
            mid = design(np.array([owned[:, 0].mean()]))
            assert gates(mid, last.gating).argmax() == i
    curves = view.gate.curves()
    assert len(curves) == 3
    x, pi = curves[0]
    np.testing.assert_allclose(pi, gates(design(x), last.gating)[:, 0], atol=1e-12)
    _, y = view.curve.curve_data("log-likelihood")
    np.testing.assert_array_equal(y, last.trace)
    colour = cluster_colour(0, view.scatter.canvas_style().colours).name()
    assert pixels_like(view.scatter, colour) > 20


def test_boundaries_gate_map_and_class_marks(qtbot, window):
    data = datasets.load("boundaries", n_samples=120, seed=1)
    view, last = _run(qtbot, window, "mix-logreg", data, n_experts=2, restarts=2)
    assert last.kind == "logistic" and last.variances is None
    for coefficients, (full, _) in zip(last.coefficients, view.scatter.expert_lines(),
                                       strict=True):
        if full is not None:
            assert _on_line(full, drawn_line("logistic", coefficients))
    box = (data.X[:, 0].min(), data.X[:, 0].max(), data.X[:, 1].min(), data.X[:, 1].max())
    assert any(clip_line(c, box) is not None for c in last.coefficients)
    assert len(view.scatter.marked()) == int(data.y.sum())  # a + on every class-1 point
    image = view.gate.map_image()
    assert image is not None and image.shape[2] == 4
    assert not view.gate.curves()


def test_the_form_says_what_the_data_lack(qtbot, window):
    window.method_panel.select("mix-logreg")  # blobs: three classes, not two
    assert not window.run()
    assert "two classes" in window.method_panel.problem.text()
