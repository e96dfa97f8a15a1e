"""PCA against scikit-learn, numpy's SVD and the reconstruction identity."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA as SkPCA

from engine.data import Dataset
from engine.protocol import RunContext, Spectrum
from engine.reduction import quality
from engine.reduction.pca import PCA


def spectrum(dataset, **values) -> Spectrum:
    snapshots = list(PCA().start(dataset, values, RunContext()))
    assert len(snapshots) == 1
    assert isinstance(snapshots[0], Spectrum)
    return snapshots[0]


def same_up_to_sign(a, b, atol=1e-8):
    signs = np.sign(np.sum(a * b, axis=1))[:, None]
    np.testing.assert_allclose(a, signs * b, atol=atol)


@pytest.fixture(scope="module")
def digits():
    bunch = load_digits()
    return Dataset("digits", bunch.data, bunch.target, image_shape=(8, 8))


@pytest.fixture(scope="module")
def wide():
    """Fewer rows than ten times the columns: scikit-learn's full SVD path."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 12)) @ rng.normal(size=(12, 12)) + 3.0
    return Dataset("wide", X)


@pytest.mark.parametrize("name", ["digits", "wide"])
def test_variance_and_ratios_equal_sklearn(name, request):
    dataset = request.getfixturevalue(name)
    s = spectrum(dataset, n_components=5)
    reference = SkPCA().fit(dataset.X)
    assert s.eigenvalues.shape == (min(dataset.n, dataset.d),)
    np.testing.assert_allclose(s.eigenvalues, reference.explained_variance_, rtol=1e-7,
                               atol=1e-9 * reference.explained_variance_[0])
    np.testing.assert_allclose(s.explained_ratio, reference.explained_variance_ratio_,
                               atol=1e-10)
    assert s.components.shape == (5, dataset.d)
    assert s.scores.shape == (dataset.n, 5)
    same_up_to_sign(s.components, reference.components_[:5], atol=1e-6)
    np.testing.assert_allclose(s.mean, dataset.X.mean(axis=0))
    np.testing.assert_array_equal(s.scale, np.ones(dataset.d))


def test_scores_are_projections_with_eigenvalue_variance(digits):
    s = spectrum(digits, n_components=4)
    np.testing.assert_allclose(s.scores, (digits.X - s.mean) @ s.components.T, atol=1e-9)
    np.testing.assert_allclose(s.scores.var(axis=0, ddof=1), s.eigenvalues[:4], rtol=1e-8)
    np.testing.assert_allclose(s.components @ s.components.T, np.eye(4), atol=1e-10)


@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("scale", [True, False])
def test_all_components_reconstruct_the_data(wide, center, scale):
    s = spectrum(wide, n_components=100, center=center, scale=scale)
    q = s.components.shape[0]
    assert q == wide.d
    rebuilt = s.reconstruct(np.arange(wide.n), q)
    np.testing.assert_allclose(rebuilt, wide.X, atol=1e-8)
    fewer = s.reconstruct(np.arange(wide.n), q - 3)
    assert not np.allclose(fewer, wide.X, atol=1e-3)


def test_scale_equals_pca_of_standardised_data(digits):
    s = spectrum(digits, n_components=6, scale=True)
    std = digits.X.std(axis=0)
    keep = std > 0
    standardised = (digits.X - digits.X.mean(axis=0)) / np.where(keep, std, 1.0)
    reference = SkPCA(n_components=6).fit(standardised)
    np.testing.assert_allclose(s.eigenvalues[:6], reference.explained_variance_, rtol=1e-7)
    same_up_to_sign(s.components, reference.components_, atol=1e-6)
    same_up_to_sign(s.scores.T, reference.transform(standardised).T, atol=1e-6)
    np.testing.assert_allclose(s.scale[keep], std[keep])


def test_zero_variance_features_are_left_unscaled(digits):
    assert (digits.X.std(axis=0) == 0).sum() == 3  # three pixels are always blank
    s = spectrum(digits, scale=True)
    np.testing.assert_array_equal(s.scale[digits.X.std(axis=0) == 0], 1.0)
    assert np.isfinite(s.scores).all()
    assert "3 features have zero variance" in s.message


@pytest.mark.parametrize("shape", [(300, 6), (7, 15)])
def test_uncentred_against_numpy_svd(shape):
    rng = np.random.default_rng(4)
    X = rng.normal(loc=2.0, size=shape) * np.arange(1, shape[1] + 1)
    dataset = Dataset("raw", X)
    s = spectrum(dataset, n_components=3, center=False)
    _, sv, vt = np.linalg.svd(X, full_matrices=False)
    assert s.eigenvalues.shape == (min(shape),)
    np.testing.assert_allclose(s.eigenvalues, sv**2 / (shape[0] - 1), rtol=1e-9,
                               atol=1e-9 * sv[0] ** 2)
    np.testing.assert_allclose(s.explained_ratio, sv**2 / np.sum(sv**2), atol=1e-10)
    same_up_to_sign(s.components, vt[:3], atol=1e-7)
    np.testing.assert_array_equal(s.mean, np.zeros(shape[1]))
    np.testing.assert_allclose(s.scores, X @ s.components.T)
    assert "uncentred" in s.message


def test_uncentred_equals_centred_on_centred_data(wide):
    centred = Dataset("centred", wide.X - wide.X.mean(axis=0))
    a = spectrum(centred, n_components=4)
    b = spectrum(centred, n_components=4, center=False)
    np.testing.assert_allclose(a.eigenvalues, b.eigenvalues, rtol=1e-8, atol=1e-9)
    same_up_to_sign(a.components, b.components, atol=1e-7)


def test_message_and_progress(digits):
    calls = []
    ctx = RunContext(on_progress=lambda f, m: calls.append((f, m)))
    (s,) = PCA().start(digits, {"n_components": 10}, ctx)
    share = 100 * s.explained_ratio[:10].sum()
    assert s.message == (f"10 components explain {share:.1f} % of the variance; the map of "
                         f"the first two: {s.quality.summary()}")
    centred = digits.X - digits.X.mean(axis=0)
    assert s.quality == quality.measure(centred, s.scores[:, :2])  # as for every embedding
    assert calls[0][0] == 0.0 and calls[-1] == (1.0, s.message)
    assert s.image_shape == (8, 8)
    assert s.eigenvalues.shape == (64,)


def test_too_many_components_are_reduced_with_a_note(wide):
    s = spectrum(wide, n_components=50)
    assert s.components.shape == (wide.d, wide.d)
    assert s.scores.shape == (wide.n, wide.d)
    assert "50 components asked for" in s.message
    assert s.message.startswith("12 components explain 100.0 %")


def test_one_point_is_refused_when_centring():
    with pytest.raises(ValueError, match="at least two points"):
        PCA().start(Dataset("one", np.ones((1, 3))), {})


def test_cancelled_run_yields_nothing(digits):
    ctx = RunContext()
    ctx.cancel()
    assert list(PCA().start(digits, {}, ctx)) == []


def test_two_points_have_a_map_but_no_measures():
    two = Dataset(name="two", X=np.array([[0.0, 1.0], [2.0, 3.0]]))
    (s,) = PCA().start(two, {"n_components": 2})
    assert s.quality is None and "map" not in s.message
