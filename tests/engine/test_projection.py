"""project_2d and the view modes: what the window draws for data with more than 2 features."""

import numpy as np
import pytest
from sklearn.decomposition import PCA

from engine import datasets
from engine.projection import PCA as PCA_MODE
from engine.projection import (
    Projection,
    default_mode,
    feature_labels,
    principal_axes,
    project_2d,
)


def _same_up_to_sign(a, b):
    for j in range(a.shape[1]):
        sign = np.sign(a[:, j] @ b[:, j]) or 1.0
        np.testing.assert_allclose(a[:, j], sign * b[:, j], atol=1e-8)


@pytest.mark.parametrize("name", ["iris", "wine", "digits"])
def test_pca_matches_sklearn_up_to_sign(name):
    X = datasets.load(name).X
    ours = project_2d(X, "pca")
    ref = PCA(n_components=2, svd_solver="full").fit_transform(X)
    assert ours.shape == (len(X), 2) and ours.dtype == np.float64
    _same_up_to_sign(ours, ref)


def test_pca_with_fewer_points_than_features():
    X = np.random.default_rng(0).normal(size=(6, 40))
    ref = PCA(n_components=2, svd_solver="full").fit_transform(X)
    _same_up_to_sign(project_2d(X, "pca"), ref)


def test_pca_sign_is_fixed():
    """The biggest entry of each axis is positive, so a rerun or a shift never flips the picture."""
    X = np.random.default_rng(1).normal(size=(100, 5)) * [5, 3, 1, 1, 1]
    axes = principal_axes(X)
    biggest = axes[np.arange(2), np.argmax(np.abs(axes), axis=1)]
    assert (biggest > 0).all()
    np.testing.assert_allclose(project_2d(X + 100.0, "pca"), project_2d(X, "pca"), atol=1e-9)
    # the axes depend on the data's spread only, so mirrored data gives a mirrored picture
    np.testing.assert_allclose(project_2d(-X, "pca"), -project_2d(X, "pca"), atol=1e-9)


def test_feature_pair_and_one_feature():
    X = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(project_2d(X, (2, 0)), X[:, [2, 0]])
    one = np.array([[1.0], [2.0], [3.0]])
    np.testing.assert_array_equal(project_2d(one, "pca"), [[1, 0], [2, 0], [3, 0]])
    np.testing.assert_array_equal(project_2d(one, (0, 0)), [[1, 0], [2, 0], [3, 0]])


@pytest.mark.parametrize("mode", [(0, 3), (-1, 0), "tsne", 5])
def test_bad_modes(mode):
    with pytest.raises(ValueError):
        project_2d(np.ones((4, 3)), mode)


def test_single_point_and_constant_data():
    assert project_2d(np.ones((1, 4)), "pca").tolist() == [[0.0, 0.0]]
    assert np.allclose(project_2d(np.ones((5, 3)), "pca"), 0.0)


def test_default_modes():
    assert default_mode(1) == (0, 0)
    assert default_mode(2) == (0, 1)
    assert default_mode(3) == default_mode(64) == PCA_MODE == "pca"


def test_feature_labels_drop_units():
    iris = datasets.load("iris")
    assert feature_labels(iris.feature_names) == [
        "sepal length", "sepal width", "petal length", "petal width"]
    assert feature_labels(("(odd)", "alcohol")) == ["(odd)", "alcohol"]


@pytest.mark.parametrize("i, j", [(2, 0), (0, 3), (3, 3)])
def test_any_pair_of_features_with_their_names(i, j):
    iris = datasets.load("iris")
    p = Projection(iris.X, (i, j), iris.feature_names)
    np.testing.assert_array_equal(p.xy, iris.X[:, [i, j]])
    names = feature_labels(iris.feature_names)
    assert p.axis_labels == (names[i], names[j])
    assert not p.exact
    np.testing.assert_array_equal(p.transform(iris.X[:5]), iris.X[:5][:, [i, j]])


def test_exact_only_for_the_data_own_two_axes():
    flat = np.random.default_rng(2).normal(size=(10, 2))
    assert Projection(flat, default_mode(2)).exact
    assert not Projection(flat, (1, 0)).exact
    assert not Projection(flat, PCA_MODE).exact
    deep = Projection(np.random.default_rng(3).normal(size=(10, 5)), PCA_MODE)
    assert deep.axis_labels == ("PC1", "PC2") and not deep.exact
