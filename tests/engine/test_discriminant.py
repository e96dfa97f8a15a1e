"""LDA and QDA against scikit-learn: the same projection, the same predictions, boundaries
where the predicted class changes, and a clear refusal of unlabelled data."""

import numpy as np
import pytest
from sklearn.discriminant_analysis import (
    LinearDiscriminantAnalysis,
    QuadraticDiscriminantAnalysis,
)

from engine import datasets
from engine.data import Dataset
from engine.protocol import run_to_end
from engine.reduction import boundaries
from engine.registry import get


def _same_up_to_sign(a, b):
    for j in range(a.shape[1]):
        s = np.sign(a[:, j] @ b[:, j])
        np.testing.assert_allclose(a[:, j], s * b[:, j], atol=1e-8)


def test_lda_projection_and_predictions_are_sklearns():
    data = datasets.load("iris")
    snap = run_to_end("lda", data, {"grid": 40})
    ref = LinearDiscriminantAnalysis().fit(data.X, data.y)
    _same_up_to_sign(snap.coords, ref.transform(data.X)[:, :2])
    np.testing.assert_array_equal(snap.predictions, ref.predict(data.X))
    assert snap.accuracy == pytest.approx(ref.score(data.X, data.y))
    np.testing.assert_allclose(snap.explained_ratio, ref.explained_variance_ratio_)
    assert snap.plane_exact and snap.quality is not None


def test_qda_predictions_are_sklearns_and_drawn_on_two_features():
    data = datasets.load("blobs", n_samples=90, n_centers=3, seed=2)
    snap = run_to_end("qda", data, {"grid": 60, "reg_param": 0.1})
    ref = QuadraticDiscriminantAnalysis(reg_param=0.1, store_covariance=True).fit(data.X, data.y)
    np.testing.assert_array_equal(snap.predictions, ref.predict(data.X))
    np.testing.assert_allclose(snap.coords, data.X)  # the plane is the data's own features
    assert snap.plane_exact and snap.data_boundaries is not None
    for c in range(3):  # each class's own covariance, in the plane
        np.testing.assert_allclose(snap.covariances[c], ref.covariance_[c], atol=1e-10)


def test_boundary_points_separate_different_predictions():
    """Either side of every drawn boundary segment, the classifier disagrees."""
    data = datasets.load("blobs", n_samples=90, n_centers=3, seed=2)
    snap = run_to_end("lda", data, {"grid": 80})
    ref = LinearDiscriminantAnalysis().fit(data.X, data.y)
    seg = snap.data_boundaries
    mid = seg.mean(axis=1)
    direction = seg[:, 1] - seg[:, 0]
    normal = np.c_[-direction[:, 1], direction[:, 0]]
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    step = 0.05 * np.ptp(data.X, axis=0).max()
    left, right = ref.predict(mid + step * normal), ref.predict(mid - step * normal)
    assert np.mean(left != right) > 0.95


def test_two_classes_add_the_widest_orthogonal_direction():
    data = datasets.load("moons", n_samples=100)
    snap = run_to_end("lda", data, {"grid": 40})
    ref = LinearDiscriminantAnalysis().fit(data.X, data.y)
    _same_up_to_sign(snap.coords[:, :1], ref.transform(data.X))
    assert snap.axis_names[0] == "LD1" and snap.coords.shape[1] == 2
    assert np.std(snap.coords[:, 1]) > 0


def test_more_than_three_classes_is_a_slice_and_says_so():
    data = datasets.load("blobs", n_samples=100, n_centers=5, n_features=4)
    snap = run_to_end("qda", data, {"grid": 40})
    assert not snap.plane_exact and "slice" in snap.plane
    lda = run_to_end("lda", data, {"grid": 40})
    assert not lda.plane_exact


def test_unlabelled_data_is_refused_naming_the_data_set():
    data = Dataset(name="Cocktail party", X=np.eye(5))
    for method in ("lda", "qda"):
        with pytest.raises(ValueError, match=r"Cocktail party.*none"):
            get(method).check(data, {})


def test_zero_level_traces_a_straight_line():
    gx = gy = np.linspace(-1, 1, 21)
    mx = np.meshgrid(gx, gy)[0]
    seg = boundaries.zero_level(gx, gy, mx - 0.33)
    np.testing.assert_allclose(seg[..., 0], 0.33)
    assert len(seg) == 20


def test_csv_tables():
    from engine.export import snapshot_tables

    data = datasets.load("iris")
    snap = run_to_end("lda", data, {"grid": 30})
    tables = snapshot_tables(snap, data)
    header, rows = tables["points"]
    assert header == ["point", "LD1", "LD2", "predicted", "class"] and len(rows) == 150
    assert rows[7][3] == int(snap.predictions[7])
    assert tables["accuracy"][1][0] == ("all", snap.accuracy)
    assert len(tables["boundaries"][1]) == len(snap.boundaries)


def test_a_singular_class_covariance_says_to_raise_regularisation():
    digits = datasets.load("digits")  # pixels that are always 0 within a class
    with pytest.raises(ValueError, match="Raise 'regularisation'"):
        run_to_end("qda", digits)
    assert run_to_end("qda", digits, {"reg_param": 0.1}).phase == "done"
