"""The Gaussian mixture in the window: the picture holds what the last snapshot says."""

import numpy as np

from engine.clustering.gmm import ellipses, project_covariances
from tests.pixels import pixels_like
from tests.ui.conftest import run_and_wait
from ui.views_mixture import MixtureView, linear_part
from widgets.ellipses import LEVELS, soft_colours
from widgets.palette import cluster_colour
from widgets.style import Style


def _run(qtbot, window, **values):
    window.method_panel.select("gmm")
    window.method_panel.set_values({"n_components": 3, "k_max": 3, **values})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    assert isinstance(view, MixtureView)
    view.flush()
    return view, window.controller.history[len(window.controller.history) - 1]


def test_ellipses_curves_and_soft_colours_show_the_last_snapshot(qtbot, window):
    view, last = _run(qtbot, window)
    frame = view.frame
    canvas = view.scatter
    assert last.phase == "criteria" and last.bic is not None
    # One pair of ellipses per component, at 1σ and 2σ of the projected Gaussians.
    assert canvas.ellipses.count() == last.k == 3
    means = frame.project(last.means)
    covs = project_covariances(linear_part(frame.project, last.means.shape[1]),
                               last.covariances)
    for j in range(last.k):
        one, two = canvas.ellipses.outlines(j)
        np.testing.assert_allclose(one, ellipses(means, covs, 1.0)[j], atol=1e-9)
        np.testing.assert_allclose(two, ellipses(means, covs, 2.0)[j], atol=1e-9)
        assert canvas.ellipses.pens(j)[0].color() == cluster_colour(j, canvas.canvas_style()
                                                                      .colours)
    # Each point in its components' colours blended by its responsibilities.
    rgb = np.array([cluster_colour(j, canvas.canvas_style().colours).getRgb()[:3]
                    for j in range(3)], dtype=np.float64)
    drawn = canvas.point_colours()[:, :3].astype(np.float64)
    np.testing.assert_allclose(drawn, last.responsibilities @ rgb, atol=255 / (LEVELS - 1))
    # The curves: the log-likelihood per E step, BIC and AIC over K.
    _, y = view.curve.curve_data("log-likelihood")
    np.testing.assert_array_equal(y, last.trace)
    x, bic = view.criteria.curve_data("BIC")
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(bic, last.bic)
    # And the pixels: the first component's colour is on the screen.
    assert pixels_like(canvas, cluster_colour(0, canvas.canvas_style().colours).name()) > 20


def test_colours_blend_between_two_components():
    rgb = np.array([[255, 0, 0], [0, 0, 255]], dtype=np.float32)
    resp = np.array([[1, 0], [0, 1], [0.5, 0.5], [0.25, 0.75]], dtype=np.float32)
    codes, table = soft_colours(resp, rgb)
    colours = table[codes][:, :3].astype(int)
    np.testing.assert_array_equal(colours[0], [255, 0, 0])  # pure: exactly its colour
    np.testing.assert_array_equal(colours[1], [0, 0, 255])
    np.testing.assert_allclose(colours[2], [127.5, 0, 127.5], atol=5)
    np.testing.assert_allclose(colours[3], [63.75, 0, 191.25], atol=5)
    assert len(table) == 4


def test_ellipses_follow_presentation_line_widths_and_selection_links(qtbot, window):
    view, last = _run(qtbot, window, covariance_type="diag")
    canvas = view.scatter
    desk = canvas.ellipses.pens(0)[0].widthF()
    style = Style.projector()
    view.apply_style(style)
    assert canvas.ellipses.pens(0)[0].widthF() == style.width(2.0) > desk
    assert canvas.line_widths()["curve"] >= style.width(2.0)
    # Colours follow the projector's palette.
    first = cluster_colour(0, style.colours).getRgb()[:3]
    pure = last.responsibilities[:, 0] > 0.999
    assert pure.any()
    np.testing.assert_array_equal(canvas.point_colours()[pure][:, :3], [first] * pure.sum())
    # A selection made elsewhere lights up the same rows here.
    rows = np.flatnonzero(last.labels == 1)[:5]
    window.selection.model.select(rows, False)
    np.testing.assert_array_equal(canvas.highlighted(), rows)
