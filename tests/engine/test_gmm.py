"""Gaussian mixture by EM against scikit-learn's GaussianMixture, from the same start."""

import warnings

import numpy as np
import pytest

from engine.clustering import gmm
from engine.data import Dataset
from engine.projection import Projection
from engine.protocol import Mixture, RunContext, run_to_end

KINDS = gmm.COVARIANCE_TYPES


def _blobs(n=300, d=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0] * d, [5.0] + [1.0] * (d - 1), [-3.0] + [4.0] * (d - 1)])
    scales = np.array([1.0, 0.5, 1.5])
    which = rng.integers(3, size=n)
    stretch = np.eye(d) + 0.4 * np.eye(d, k=1)  # correlated features: full differs from diag
    return centres[which] + scales[which, None] * rng.normal(size=(n, d)) @ stretch


def _sklearn(kind, **kwargs):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    model = GaussianMixture(covariance_type=kind, **kwargs)
    return model, ConvergenceWarning


def _fit_sklearn(X, kind, **kwargs):
    model, warning = _sklearn(kind, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", warning)
        return model.fit(X)


@pytest.mark.parametrize("kind", KINDS)
def test_from_the_same_parameters_it_reaches_sklearns_result(kind):
    X = _blobs()
    em = gmm.EM(X, kind)
    start = em.initial(gmm.initial_responsibilities(X, 3, "random", seed=4))
    precisions = (np.linalg.inv(start.covariances) if kind in ("full", "tied")
                  else 1.0 / start.covariances)
    sk = _fit_sklearn(X, kind, n_components=3, max_iter=40, tol=0, weights_init=start.weights,
                      means_init=start.means + em.offset, precisions_init=precisions)
    last = list(gmm.em_steps(X, start, kind, max_iter=40, tol=0, em=em))[-1]
    np.testing.assert_allclose(last.means, sk.means_, atol=1e-8)
    np.testing.assert_allclose(last.weights, sk.weights_, atol=1e-10)
    np.testing.assert_allclose(last.covariances,
                               gmm.full_covariances(sk.covariances_, kind, 3, X.shape[1]),
                               atol=1e-8)
    # scikit-learn's lower bound is the mean log-likelihood at its last E step, before the
    # last M step; its score that of the final parameters, our final E step.
    assert last.trace[-2] / len(X) == pytest.approx(sk.lower_bound_, abs=1e-10)
    assert last.log_likelihood / len(X) == pytest.approx(sk.score(X), abs=1e-10)
    np.testing.assert_array_equal(last.labels, sk.predict(X))


@pytest.mark.parametrize("kind", KINDS)
def test_the_run_stops_where_sklearn_stops_and_starts_as_it_starts(kind):
    """k-means start and tolerance as scikit-learn's init_params="kmeans", random_state."""
    X = _blobs(seed=2)
    data = Dataset("blobs", X)
    last = run_to_end("gmm", data, {"covariance_type": kind, "k_max": 0, "seed": 7})
    sk = _fit_sklearn(X, kind, n_components=3, random_state=7)
    assert last.iteration - 1 == sk.n_iter_ and last.converged == sk.converged_
    np.testing.assert_allclose(last.means, sk.means_, atol=1e-8)
    assert last.log_likelihood / len(X) == pytest.approx(sk.score(X), abs=1e-9)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("init", gmm.INITS)
def test_the_log_likelihood_never_decreases(kind, init):
    X = _blobs(n=200, d=2, seed=5)
    snaps = list(gmm.GaussianMixture().start(
        Dataset("x", X), {"covariance_type": kind, "init": init, "n_components": 4,
                          "k_max": 0, "tol": 1e-8, "seed": 3}))
    trace = snaps[-1].trace
    assert len(trace) > 3
    assert np.all(np.diff(trace) >= -1e-9 * np.abs(trace[:-1]))
    assert trace[-1] > trace[0]


def test_every_e_and_m_step_is_a_snapshot_and_says_what_it_did():
    X = _blobs(n=150, d=2)
    snaps = list(gmm.GaussianMixture().start(Dataset("x", X), {"k_max": 3, "seed": 1}))
    assert all(isinstance(s, Mixture) for s in snaps)
    phases = [s.phase for s in snaps]
    assert phases[0] == "init" and phases[-1] == "criteria" and phases[-2] == "E"
    assert phases[1:-2] == ["E", "M"] * ((len(phases) - 3) // 2)
    assert [s.step for s in snaps] == list(range(1, len(snaps) + 1))
    second = snaps[3]
    assert second.phase == "E" and f"{second.log_likelihood:.6g}" in second.message
    assert f"from {snaps[1].log_likelihood:.6g}" in second.message
    assert "largest mean move" in snaps[2].message
    for s in snaps:
        assert s.responsibilities.dtype == np.float32 and s.responsibilities.shape == (150, 3)
        assert s.covariances.shape == (3, 2, 2)
        np.testing.assert_allclose(s.responsibilities.sum(axis=1), 1.0, atol=1e-5)
    assert all(s.bic is None for s in snaps[:-1])


def test_bic_and_aic_over_k_are_sklearns():
    X = _blobs(n=200, d=2, seed=1)
    bic, aic = gmm.criteria(X, 4, "full", seed=2)
    for K in range(1, 5):
        sk = _fit_sklearn(X, "full", n_components=K, random_state=2)
        assert bic[K - 1] == pytest.approx(sk.bic(X), rel=1e-9)
        assert aic[K - 1] == pytest.approx(sk.aic(X), rel=1e-9)
    assert int(np.argmin(bic)) + 1 == 3  # three blobs


def test_the_criteria_stop_when_cancelled():
    X = _blobs(n=100, d=2)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 5

    assert gmm.criteria(X, 6, "diag", cancelled=cancelled) is None


def test_same_seed_same_run_and_another_seed_another_start():
    X = _blobs(n=120, d=2)
    data = Dataset("x", X)
    values = {"init": "random", "k_max": 0, "max_iter": 5}
    a = run_to_end("gmm", data, {**values, "seed": 3})
    b = run_to_end("gmm", data, {**values, "seed": 3})
    c = run_to_end("gmm", data, {**values, "seed": 4})
    np.testing.assert_array_equal(a.responsibilities, b.responsibilities)
    np.testing.assert_array_equal(a.means, b.means)
    assert not np.array_equal(a.means, c.means)


def test_cancel_stops_the_run_between_steps():
    ctx = RunContext()
    run = gmm.GaussianMixture().start(Dataset("x", _blobs(n=100, d=2)), {}, ctx)
    next(run)
    ctx.cancel()
    assert list(run) == []


def test_a_collapsing_component_gives_a_plain_error():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0]]), 10, axis=0)
    with pytest.raises(ValueError, match="reg_covar"):
        list(gmm.em_steps(X, np.eye(2)[np.repeat([0, 1], 10)], "full", reg_covar=0.0))


def test_full_covariance_sums_per_component_when_pairs_would_not_fit(monkeypatch):
    X = _blobs(n=100, d=3)
    resp = gmm.initial_responsibilities(X, 3, "random", seed=0)
    stored = gmm.EM(X, "full").m_step(resp)
    monkeypatch.setattr(gmm, "_PAIR_FEATURES_BUDGET", 0)
    summed = gmm.EM(X, "full").m_step(resp)
    np.testing.assert_allclose(stored.covariances, summed.covariances, atol=1e-12)


def test_ellipses_lie_at_the_mahalanobis_radius():
    means = np.array([[1.0, 2.0], [-3.0, 0.5]])
    covs = np.array([[[2.0, 0.8], [0.8, 1.0]], [[0.3, 0.0], [0.0, 4.0]]])
    for radius in (1.0, 2.0):
        rings = gmm.ellipses(means, covs, radius, points=40)
        assert rings.shape == (2, 40, 2)
        for mu, cov, ring in zip(means, covs, rings, strict=True):
            diff = ring - mu
            d2 = np.einsum("pi,ij,pj->p", diff, np.linalg.inv(cov), diff)
            np.testing.assert_allclose(d2, radius**2, rtol=1e-10)


def test_projected_covariances_are_the_projected_datas():
    rng = np.random.default_rng(0)
    cov = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, -0.3], [0.1, -0.3, 0.7]])
    X = rng.multivariate_normal([0, 0, 0], cov, size=2000)
    projection = Projection(X)
    expected = np.cov(projection.xy.T)
    got = gmm.project_covariances(projection.axes, np.cov(X.T)[None])[0]
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_csv_tables_hold_responsibilities_and_parameters():
    from engine import datasets
    from engine.export import snapshot_tables

    data = datasets.load("iris")
    final = run_to_end("gmm", data, {"k_max": 2, "covariance_type": "diag"})
    tables = snapshot_tables(final, data)
    assert {"labels", "components", "log_likelihood", "criteria"} <= set(tables)
    header, rows = tables["labels"]
    assert header == ["point", "cluster", "r0", "r1", "r2", "class"] and len(rows) == 150
    assert [r[1] for r in rows] == final.labels.tolist() and isinstance(rows[0][1], int)
    np.testing.assert_allclose([r[2:5] for r in rows], final.responsibilities)
    header, rows = tables["components"]
    assert len(rows) == 3 and len(header) == 1 + 1 + 4 + 10
    np.testing.assert_allclose([r[1] for r in rows], final.weights)
    np.testing.assert_allclose([r[2:6] for r in rows], final.means)
    variance = header.index("cov petal width (cm) petal width (cm)")
    np.testing.assert_allclose([r[variance] for r in rows], final.covariances[:, 3, 3])
    assert [r[1:] for r in tables["criteria"][1]] == list(zip(final.bic, final.aic,
                                                                strict=True))
