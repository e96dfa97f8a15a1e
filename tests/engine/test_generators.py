"""The numpy generators follow scikit-learn's definitions."""

import numpy as np
import pytest
from sklearn import datasets as skd

from engine import datasets
from engine.datasets import generators as g


@pytest.mark.parametrize("n", [10, 101, 300])
def test_moons_without_noise_equal_sklearn(n):
    X, y = g.moons(n, noise=0.0, shuffle=False)
    X_ref, y_ref = skd.make_moons(n, noise=None, shuffle=False)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize(("n", "factor"), [(10, 0.8), (101, 0.5), (300, 0.3)])
def test_circles_without_noise_equal_sklearn(n, factor):
    X, y = g.circles(n, noise=0.0, factor=factor, shuffle=False)
    X_ref, y_ref = skd.make_circles(n, noise=None, factor=factor, shuffle=False)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_shuffle_permutes_rows_with_their_labels():
    X, y = g.moons(50, noise=0.0, seed=3)
    X0, y0 = g.moons(50, noise=0.0, shuffle=False)
    assert not np.array_equal(X, X0)
    order = np.lexsort(X.T)
    order0 = np.lexsort(X0.T)
    np.testing.assert_array_equal(X[order], X0[order0])
    np.testing.assert_array_equal(y[order], y0[order0])


def test_noise_has_the_asked_spread():
    X, _ = g.circles(4000, noise=0.1, factor=0.5, shuffle=False, seed=1)
    X0, _ = g.circles(4000, noise=0.0, factor=0.5, shuffle=False)
    assert np.std(X - X0) == pytest.approx(0.1, rel=0.05)


def test_blobs_sizes_match_sklearn():
    for n, k in [(300, 3), (301, 3), (302, 4), (10, 7)]:
        _, y = g.blobs(n, k, shuffle=False)
        _, y_ref = skd.make_blobs(n, centers=k, shuffle=False, random_state=0)
        np.testing.assert_array_equal(y, y_ref)


def test_blobs_centres_and_spread():
    """Centres uniform in the box; each cluster Gaussian with the asked std."""
    X, y, centers = _blobs_with_centres(n=20000, k=4, d=3, std=1.7, seed=5)
    assert ((centers >= -10) & (centers <= 10)).all()
    for i in range(4):
        points = X[y == i]
        np.testing.assert_allclose(points.mean(axis=0), centers[i], atol=0.1)
        np.testing.assert_allclose(points.std(axis=0), 1.7, rtol=0.05)
    # centres over many seeds fill the box uniformly: mean 0, variance 20²/12
    many = np.concatenate([_blobs_with_centres(30, 3, 2, 1.0, s)[2] for s in range(400)])
    assert many.mean() == pytest.approx(0.0, abs=0.35)
    assert many.var() == pytest.approx(400 / 12, rel=0.08)


def _blobs_with_centres(n, k, d, std, seed):
    X, y = g.blobs(n, k, d, cluster_std=std, seed=seed, shuffle=False)
    centers = np.random.default_rng(seed).uniform(-10, 10, size=(k, d))
    return X, y, centers


def test_varied_has_the_three_spreads():
    X, y = g.varied(30000, seed=2)
    spreads = [X[y == i].std(axis=0).mean() for i in range(3)]
    np.testing.assert_allclose(spreads, g.VARIED_STD, rtol=0.05)


def test_aniso_is_blobs_sheared():
    X, y = g.aniso(200, seed=4)
    B, y_b = g.blobs(200, 3, 2, seed=4)
    np.testing.assert_allclose(X, B @ np.array([[0.6, -0.6], [-0.4, 0.8]]))
    np.testing.assert_array_equal(y, y_b)


def test_swiss_roll_lies_on_its_surface():
    X, y = g.swiss_roll(2000, noise=0.0, seed=1)
    assert X.shape == (2000, 3)
    t = np.hypot(X[:, 0], X[:, 2])
    assert ((t >= 1.5 * np.pi - 1e-9) & (t <= 4.5 * np.pi + 1e-9)).all()
    np.testing.assert_allclose(X[:, 0], t * np.cos(t), atol=1e-9)
    np.testing.assert_allclose(X[:, 2], t * np.sin(t), atol=1e-9)
    assert ((X[:, 1] >= 0) & (X[:, 1] <= 21)).all()
    # labels are bands along the roll: they grow with t
    np.testing.assert_array_equal(y, np.minimum(((t - 1.5 * np.pi) / np.pi * 2).astype(int), 5))


def test_s_curve_lies_on_its_surface():
    X, y = g.s_curve(2000, noise=0.0, seed=1)
    assert X.shape == (2000, 3)
    x, z = X[:, 0], X[:, 2]
    np.testing.assert_allclose(x**2 + (1 - np.abs(z)) ** 2, 1.0, atol=1e-9)
    assert ((X[:, 1] >= 0) & (X[:, 1] <= 2)).all()
    # recover t from x = sin t, z = sign(t)(cos t - 1); labels are 6 bands of t
    sign = -np.sign(z)
    abs_t = np.mod(np.arctan2(sign * x, 1 - np.abs(z)), 2 * np.pi)
    t = sign * abs_t
    np.testing.assert_allclose(np.sin(t), x, atol=1e-9)
    bands = np.minimum(((t + 1.5 * np.pi) / (3 * np.pi) * 6).astype(int), 5)
    assert np.mean(bands == y) > 0.99  # t = 0 exactly (z = 0) is the only ambiguity


def test_same_seed_same_data_other_seed_other_data():
    for name, gen in g.GENERATORS.items():
        a = gen.make(seed=7)
        b = gen.make(seed=7)
        c = gen.make(seed=8)
        np.testing.assert_array_equal(a[0], b[0], err_msg=name)
        assert not np.array_equal(a[0], c[0]), name


def test_the_bands_of_a_sheet_are_named_as_many_as_there_are():
    sheet = datasets.load("swiss_roll", n_samples=200, bands=4, seed=0)
    assert sheet.target_names == ("band 1", "band 2", "band 3", "band 4")
    assert datasets.load("s_curve", n_samples=200, seed=0).target_names[-1] == "band 6"
