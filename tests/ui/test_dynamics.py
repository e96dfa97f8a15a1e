"""LDS and GPFA in the window: the trajectories, the comparison, the log-likelihood, the
timescales and the planted latents drawn are the last snapshot's; data without time is
refused in the form."""

import numpy as np
import pytest

from engine import datasets
from engine.timeseries.common import LatentTrajectories
from tests.ui.conftest import load, run_and_wait

SMALL = {"n_channels": 10, "n_conditions": 2, "n_trials": 2, "n_steps": 15,
         "noise": "gaussian"}


def _run(qtbot, window, method: str, values: dict):
    """The method's run on a small population, to the end: (last snapshot, its view)."""
    load(qtbot, window, datasets.load("population", **SMALL))
    window.method_panel.select(method)
    window.method_panel.set_values(values)
    assert run_and_wait(qtbot, window) == "done"
    return window.controller.history[-1], window.current_view()


def _check_common(view, snap, data):
    view.flush()
    xy, _ = view.latents.points.points_data()
    np.testing.assert_allclose(xy, snap.coords[:, :2])
    paths = view.latents.paths()
    assert sorted(paths) == [0, 1]  # one path item per condition
    first = data.series.trials()[0]
    np.testing.assert_allclose(paths[0][:len(first)], snap.coords[first, :2])
    bxy, _ = view.beside.points.points_data()
    np.testing.assert_allclose(bxy, snap.beside[:, :2])
    _, y = view.curve.curve_data("log-likelihood")
    np.testing.assert_allclose(y, snap.trace)
    rxy, _ = view.planted.points.points_data()
    np.testing.assert_allclose(rxy, snap.recovered[:, :2])
    assert view.planted.isVisibleTo(view) and "R²" in view.planted.title()


def test_lds_trajectories_beside_pca(qtbot, window):
    snap, view = _run(qtbot, window, "lds", {"n_latents": 2, "max_iter": 10})
    assert isinstance(snap, LatentTrajectories) and snap.method == "lds"
    _check_common(view, snap, window.data_panel.dataset)
    assert not view.timescales.isVisibleTo(view)
    assert "PCA" in view.beside.title()


def test_gpfa_beside_the_lds_with_its_timescales(qtbot, window):
    snap, view = _run(qtbot, window, "gpfa", {"n_latents": 2, "max_iter": 8})
    assert snap.method == "gpfa" and snap.beside_name == "LDS"
    _check_common(view, snap, window.data_panel.dataset)
    np.testing.assert_allclose(view.timescales.values(), snap.timescales)
    assert "LDS" in view.beside.title()


def test_the_picker_shows_another_pair_of_latents(qtbot, window):
    snap, view = _run(qtbot, window, "lds", {"n_latents": 3, "max_iter": 5})
    view.flush()
    assert [view.pairs.itemText(i) for i in range(view.pairs.count())] == [
        "1 and 2", "1 and 3", "2 and 3"]
    view.pairs.setCurrentIndex(2)
    view.flush()
    xy, _ = view.latents.points.points_data()
    np.testing.assert_allclose(xy, snap.coords[:, [1, 2]])
    bxy, _ = view.beside.points.points_data()
    np.testing.assert_allclose(bxy, snap.beside[:, [1, 2]])
    rxy, _ = view.planted.points.points_data()
    np.testing.assert_allclose(rxy, snap.recovered[:, [1, 2]])


def test_data_without_time_is_refused_in_the_form(qtbot, window):
    load(qtbot, window, datasets.load("blobs", n_samples=60))
    window.method_panel.select("lds")
    assert "needs time series" in window.method_panel.problem.text()


def test_the_planes_beside_the_picker_take_the_theme(qtbot, window):
    """The two planes sit in a widget with the picker above them: they are still the view's
    canvases, restyled with the others (they stayed light in the dark theme)."""
    load(qtbot, window, datasets.load("population", **SMALL))
    window.method_panel.select("lds")
    window.method_panel.set_values({"n_latents": 2, "max_iter": 3})
    assert run_and_wait(qtbot, window) == "done"
    view = window.current_view()
    names = [name for name, _ in view.named_canvases()]
    assert names[:2] == ["Latent trajectories", "PCA trajectories"]
    assert view.latents in view.canvases() and view.beside in view.canvases()


def test_the_preview_places_each_row_in_its_trial_and_time(qtbot, window):
    data = datasets.load("population", **SMALL)
    load(qtbot, window, data)
    table = window.data_panel.preview
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:3] == ["trial", "time", "x1"] and headers[-1] == "label"
    assert table.item(0, 0).text() == "1"
    assert float(table.item(1, 1).text()) == pytest.approx(data.series.time[1], rel=1e-3)
