"""PCA done fully: the reconstruction error per q, whitening, and the biplot's arrows."""

import numpy as np
import pytest
from sklearn.decomposition import PCA as SkPCA

from engine import datasets
from engine.export import snapshot_tables
from engine.protocol import RunContext
from engine.reduction.pca import PCA, biplot_arrows


def spectrum(dataset, **values):
    return list(PCA().start(dataset, values, RunContext()))[-1]


@pytest.fixture(scope="module")
def wine():
    return datasets.load("wine")


@pytest.mark.parametrize("scale", [False, True])
def test_reconstruction_error_is_the_discarded_eigenvalues(wine, scale):
    s = spectrum(wine, n_components=13, scale=scale)
    Z = (wine.X - s.mean) / s.scale
    n = wine.n
    direct = []
    for q in range(1, 14):
        V = s.components[:q]
        direct.append(np.sum((Z - Z @ V.T @ V) ** 2) / (n - 1))
    np.testing.assert_allclose(s.reconstruction_error, direct, rtol=1e-7,
                               atol=1e-9 * s.eigenvalues.sum())
    np.testing.assert_allclose(s.reconstruction_error[0], s.eigenvalues[1:].sum())
    assert s.reconstruction_error[-1] == 0.0
    assert np.all(np.diff(s.reconstruction_error) <= 0)


def test_whitening_equals_sklearn_up_to_sign(wine):
    s = spectrum(wine, n_components=5, whiten=True)
    reference = SkPCA(n_components=5, whiten=True).fit_transform(wine.X)
    signs = np.sign(np.sum(s.scores * reference, axis=0))
    np.testing.assert_allclose(s.scores, reference * signs, atol=1e-8)
    np.testing.assert_allclose(s.scores.var(axis=0, ddof=1), np.ones(5), rtol=1e-9)
    assert s.whitened and "whitened" in s.message


def test_whitened_scores_still_reconstruct(wine):
    plain = spectrum(wine, n_components=13)
    white = spectrum(wine, n_components=13, whiten=True)
    rows = np.arange(20)
    np.testing.assert_allclose(white.reconstruct(rows, 4), plain.reconstruct(rows, 4),
                               atol=1e-8)
    np.testing.assert_allclose(white.reconstruct(rows, 13), wine.X[:20], atol=1e-8)


def test_biplot_arrows_are_scaled_loadings_of_the_longest_features():
    digits = datasets.load("digits")
    s = spectrum(digits, n_components=2)
    features, arrows = biplot_arrows(s.components, s.eigenvalues, s.scores, most=30)
    assert len(features) == 30 and np.all(np.diff(features) > 0)
    loadings = s.components[:2].T * np.sqrt(s.eigenvalues[:2])
    length = np.hypot(*loadings.T)
    assert set(features) == set(np.argsort(length)[-30:])
    factor = arrows[:, 0] / loadings[features, 0]
    np.testing.assert_allclose(factor, factor[0])  # one scale for every arrow: angles kept
    reach = np.hypot(*s.scores[:, :2].T).max()
    assert np.hypot(*arrows.T).max() == pytest.approx(0.7 * reach)


def test_one_component_gives_flat_arrows():
    iris = datasets.load("iris")
    s = spectrum(iris, n_components=1)
    features, arrows = biplot_arrows(s.components, s.eigenvalues, s.scores)
    assert len(features) == 4 and np.all(arrows[:, 1] == 0)


def test_export_has_the_error_per_q(wine):
    s = spectrum(wine, n_components=3)
    header, rows = snapshot_tables(s, wine)["reconstruction_error"]
    assert header == ["q", "mean_squared_error"] and len(rows) == 13
    assert rows[0][1] == pytest.approx(s.eigenvalues[1:].sum())
