"""The VAE in the window: samples from the prior and a latent traversal, as image grids for
digits and as points and paths for 2-D data, each holding what the snapshot's decoder makes;
β ≠ 1 shows what training minimised."""

import numpy as np

from engine import datasets
from engine.generative.vae import PRIOR_IMAGES, TRAVERSAL_STEPS, traversal_codes
from tests.pixels import distinct_colours
from tests.ui.conftest import load, run_and_wait
from ui.views_latent import PRIOR_NAME, TRAVERSAL_NAME, LatentView, minimised_name


def _run(qtbot, window, dataset, **values):
    load(qtbot, window, dataset)
    window.method_panel.select("vae")
    window.method_panel.set_values({"epochs": 2, "hidden": 16, **values})
    assert run_and_wait(qtbot, window, timeout=120000) == "done"
    view = window.current_view()
    assert isinstance(view, LatentView)
    view.flush()
    history = window.controller.history
    return view, [history[i] for i in range(len(history))]


def test_digits_show_the_prior_grid_and_a_traversal_row_per_dimension(qtbot, window):
    view, history = _run(qtbot, window, datasets.load("digits"), latent_dim=3, beta=2.0)
    final = history[-1]
    names = [name for name, _ in view.named_canvases()]
    assert PRIOR_NAME in names and TRAVERSAL_NAME in names
    assert not view.prior_points.isVisibleTo(view) and not view.scatter.isVisibleTo(view)

    prior = view.prior_images.images()
    assert prior.shape == (PRIOR_IMAGES // 8, 8, 8, 8)
    np.testing.assert_allclose(prior.reshape(PRIOR_IMAGES, 64), final.decode(final.prior_z))
    walk = view.traversal_images.images()
    assert walk.shape == (3, TRAVERSAL_STEPS, 8, 8)  # one row per latent dimension
    np.testing.assert_allclose(walk.reshape(-1, 64), final.decode(traversal_codes(3)))
    rows, columns = view.traversal_images.names()
    assert rows == ["z1", "z2", "z3"] and columns[0] == "−3" and columns[-1] == "+3"
    assert distinct_colours(view.prior_images) > 10 and distinct_colours(view.traversal_images) > 10

    # β = 2: the curve shows what was minimised beside the true −ELBO, and says so.
    assert minimised_name(2.0) in view.curve.curve_names() and "−ELBO" in view.curve.curve_names()
    _, minimised = view.curve.curve_data(minimised_name(2.0))
    np.testing.assert_allclose(minimised, final.recon + 2.0 * final.kl)
    _, elbo = view.curve.curve_data("−ELBO")
    np.testing.assert_allclose(elbo, -final.elbo)
    assert "reconstruction + 2·KL" in view.curve.plot_item.titleLabel.text

    # The last snapshot judges fresh samples, and the table holds its numbers.
    assert final.judgement is not None and history[0].judgement is None
    assert view.judgement.isVisibleTo(view) and view.judgement.shape() == (6, 3)
    assert view.judgement._table.item(0, 1).text() == f"{final.judgement.fid:.3f}"

    # Back at the first epoch the grid decodes the same prior codes with that epoch's decoder.
    first = history[0]
    np.testing.assert_array_equal(first.prior_z, final.prior_z)
    view.show_snapshot(first)
    view.flush()
    earlier = view.prior_images.images().reshape(PRIOR_IMAGES, 64)
    np.testing.assert_allclose(earlier, first.decode(final.prior_z))
    assert not np.allclose(earlier, prior.reshape(PRIOR_IMAGES, 64))


def test_two_d_data_show_prior_samples_and_traversal_paths_in_data_space(qtbot, window):
    view, history = _run(qtbot, window, datasets.load("moons", n_samples=200, seed=0))
    final = history[-1]
    names = [name for name, _ in view.named_canvases()]
    assert PRIOR_NAME in names and TRAVERSAL_NAME in names
    assert not view.prior_images.isVisibleTo(view) and view.scatter.isVisibleTo(view)
    project = window.frame.project

    np.testing.assert_allclose(view.prior_points.samples(),
                               project(final.decode(final.prior_z)))
    paths = view.traversal_points.paths()
    assert paths.shape == (2, TRAVERSAL_STEPS, 2)  # a path per latent dimension
    decoded = project(final.decode(traversal_codes(2)))
    np.testing.assert_allclose(paths.reshape(-1, 2), decoded)
    assert view.traversal_points.path_colour(0) != view.traversal_points.path_colour(1)
    assert view.traversal_points.point_count() == 200  # the data, under the paths
    # β = 1: the plain VAE's curves, nothing minimised but −ELBO.
    assert view.curve.curve_names() == ["−ELBO", "reconstruction", "KL"]
