"""Factor analysis against scikit-learn, and the claim it is shown for: on data with one
very noisy feature, PCA's first component is pulled towards it and FA's factors are not."""

import numpy as np
import pytest
from sklearn.decomposition import PCA as SkPCA
from sklearn.decomposition import FactorAnalysis

from engine import datasets
from engine.datasets.generators import UNEQUAL_LOADINGS
from engine.export import snapshot_tables
from engine.protocol import FactorModel, RunContext
from engine.reduction import quality
from engine.reduction.factor_analysis import FA, em_steps
from engine.reduction.pca import flip_signs


def run(dataset, **values):
    return list(FA().start(dataset, values, RunContext()))


@pytest.fixture(scope="module")
def noisy():
    return datasets.load("unequal_noise", seed=0)


def test_the_em_steps_end_where_sklearn_does(noisy):
    X = noisy.X - noisy.X.mean(axis=0)
    steps = list(em_steps(X, 2, 1000))
    reference = FactorAnalysis(2, svd_method="lapack").fit(noisy.X)
    W, psi, _ = steps[-1]
    assert len(steps) == reference.n_iter_
    np.testing.assert_allclose([ll for _, _, ll in steps], reference.loglike_, rtol=1e-10)
    np.testing.assert_allclose(W, reference.components_, atol=1e-10)
    np.testing.assert_allclose(psi, reference.noise_variance_, atol=1e-10)


@pytest.mark.parametrize("rotation", ["none", "varimax"])
def test_last_snapshot_is_sklearns_fit(noisy, rotation):
    snaps = run(noisy, rotation=rotation)
    last = snaps[-1]
    assert isinstance(last, FactorModel) and last.phase == "done" and last.converged
    reference = FactorAnalysis(2, svd_method="lapack",
                               rotation=None if rotation == "none" else rotation).fit(noisy.X)
    np.testing.assert_allclose(last.loadings, flip_signs(reference.components_), atol=1e-10)
    np.testing.assert_allclose(last.noise_variance, reference.noise_variance_, atol=1e-12)
    np.testing.assert_allclose(np.abs(last.scores), np.abs(reference.transform(noisy.X)),
                               atol=1e-9)
    assert np.all(np.diff(last.trace) > 0)  # EM never lowers the likelihood
    assert [s.iteration for s in snaps[:-1]] == list(range(1, len(snaps)))


def test_pca_loadings_beside_are_components_times_root_eigenvalue(noisy):
    last = run(noisy)[-1]
    pca = SkPCA(2).fit(noisy.X)
    expected = flip_signs(pca.components_ * np.sqrt(pca.explained_variance_)[:, None])
    np.testing.assert_allclose(last.pca_loadings, expected, atol=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_pca_is_pulled_by_the_noisy_feature_and_fa_is_not(seed):
    data = datasets.load("unequal_noise", seed=seed)
    last = run(data)[-1]
    pca_first = last.pca_loadings[0] / np.linalg.norm(last.pca_loadings[0])
    assert abs(pca_first[5]) > 0.9  # PCA's first component is nearly x6 alone
    fa = np.abs(last.loadings)
    assert np.all(fa[:, 5] < 0.5 * fa.max(axis=1))  # no factor is mostly x6
    assert np.argmax(last.noise_variance) == 5 and last.noise_variance[5] > 3.0
    # FA recovers the true loadings, up to the factors' order and sign.
    truth = np.abs(UNEQUAL_LOADINGS)
    found = fa if np.argmax(fa[0]) < 3 else fa[::-1]
    np.testing.assert_allclose(found, truth, atol=0.25)
    assert "leans most on x6" in last.message
    assert last.quality == quality.measure(data.X, last.scores[:, :2])
    assert last.message.endswith(last.quality.summary())


def test_snapshots_are_batched():
    data = datasets.load("unequal_noise", n_samples=200, noisy_variance=30.0)
    snaps = run(data, max_iter=2000)
    assert len(snaps) <= 130


def test_export_has_loadings_noise_and_likelihood(noisy):
    last = run(noisy)[-1]
    tables = snapshot_tables(last, noisy)
    header, rows = tables["loadings"]
    assert header[0] == "feature" and header[-1] == "noise_variance" and len(rows) == 6
    assert rows[5][0] == "x6" and rows[5][-1] == pytest.approx(last.noise_variance[5])
    assert len(tables["log_likelihood"][1]) == len(last.trace)
    assert tables["scores"][0][1:3] == ["factor1", "factor2"]
